// Parameter sweeps: the [sweep] section, work items, checkpoints, assembly and merging.
//
// [sweep] names axes over any configuration key (strategy keys as strategy.<name>.<key>):
//   key = [v1, v2, ...]                                   explicit values
//   key = {from = a, to = b, points = n}                  n values evenly spaced from a to b
//   key = {from = a, to = b, points = n, scale = "log"}   n values evenly spaced in log
//   mode = "product" (default: every combination, the first axis varying slowest) or "zip" (the
//   i-th value of every axis together; all axes the same length).
// Integer keys get rounded values. Each point's configuration is the base with its values assigned,
// checked exactly as a file would be (errors name the [sweep] line).
//
// Work is cut into items (point, chunk): a chunk is a range of runs of every strategy and model of
// a point (up to 8 chunks of at least runs.batch runs; adaptive runs never split), so that many
// processes can share a few points.
// Every run's result depends only on (seed, strategy, model, run), so how items are cut and who runs
// them never changes a byte of the output. Each finished item is written atomically to
// OUT.checkpoint/point-P-chunk-C.h5 (and each distinct graph's statistics to graph-G.h5); a crash or
// kill -9 loses only the items in flight, and --resume skips what is on disk. The output file is
// assembled from the checkpoints in canonical order (point, strategy, model, run), so 1 process,
// K MPI ranks, Slurm shards merged with `nanoreach merge`, and interrupted-then-resumed sweeps all
// write identical datasets.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nanoreach/graph/build.hpp"
#include "nanoreach/io/config.hpp"
#include "nanoreach/io/h5.hpp"

namespace nanoreach {

struct SweepAxis {
  std::string key;
  std::vector<std::shared_ptr<const toml::node>> values;
  long line = 0;
};

struct SweepPlan {
  std::vector<SweepAxis> axes;
  bool zip = false;
  std::size_t points = 1;
  std::vector<std::size_t> graph_of_point;  // index of the point's distinct graph (first appearance)
  std::size_t graphs = 0;

  // The values of point p, one per axis.
  std::vector<std::shared_ptr<const toml::node>> values(std::size_t p) const;
};

// Reads [sweep] from cfg; ConfigError (with lines) for bad axes. A config without [sweep] is one point.
SweepPlan plan_sweep(const io::Config& cfg);
// The configuration of point p.
io::Config point_config(const io::Config& base, const SweepPlan& plan, std::size_t p);

struct WorkItem {
  std::size_t point = 0;
  std::uint32_t chunk = 0, chunks = 1;
  std::uint32_t first_run = 0, last_run = 0;  // [first, last); ignored under adaptive stopping
};
// Items in canonical order (by graph, then point, then chunk).
std::vector<WorkItem> work_items(const io::Config& base, const SweepPlan& plan);

struct SweepOptions {
  std::filesystem::path out;
  bool force = false;
  bool resume = false;
  int shard = 0, shards = 1;          // --shard I/N (I from 1): this shard's contiguous share of the points
  std::string command_line;
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string&)> stage;
  std::function<void(std::uint64_t done, std::uint64_t planned)> progress;
  BuildProgress graph_progress;  // each graph build's stages (build_experiment_graph)
  std::function<void(const std::string& note)> note;  // "point 3: strategy mega: ..." (empty_ok)
};

struct SweepReport {
  bool complete = false;
  bool already_complete = false;  // --resume found the output finished: nothing was run
  std::string missing;            // an incomplete merge: which points are missing, and where they belong
  std::size_t points = 0, points_done = 0;
  std::filesystem::path written;
  io::h5::Table summary;
};

// Runs the sweep on this process (and, when built with MPI and started by mpirun, with every rank:
// rank 0 assembles the output). Throws Interrupted on a stop request after keeping finished items.
SweepReport run_sweep(const io::Config& cfg, const SweepOptions& options);

// Combines shard files (written with --shard) into the file one process would have written.
SweepReport merge_shards(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& out,
                         bool force, const std::string& command_line);

}  // namespace nanoreach
