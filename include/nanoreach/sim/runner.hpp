// `nanoreach run` as a library call: an experiment file in, a self-describing HDF5 file out.
//
// Order of work: everything that can be wrong with the input is checked before the output file is
// touched (keys and values, then the graph, then every strategy against the graph); an existing
// output is refused without `force`. Results go to OUT.partial, which is flushed after every batch of
// runs (a crash loses at most the runs in flight) and renamed to OUT when every planned run is done.
// A stop request ends the work at the next run boundary: finished runs and their summary are
// written with complete = false, the file keeps its .partial name, and Interrupted is thrown.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "nanoreach/graph/stats.hpp"
#include "nanoreach/io/h5.hpp"
#include "nanoreach/sim/experiment.hpp"
#include "nanoreach/sim/reference.hpp"
#include "nanoreach/sim/results.hpp"

namespace nanoreach {

struct BuiltGraph;

struct RunOptions {
  std::filesystem::path out;
  // A graph built beforehand (the Python bindings' Graph) instead of the experiment's [graph],
  // [audience] and [tiers]; /graph then describes it (its own spec, seed and source).
  const BuiltGraph* graph = nullptr;
  bool force = false;
  std::string command_line;
  int mpi_ranks = 1;
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string& stage)> stage;                              // one line per stage
  std::function<void(std::uint64_t done, std::uint64_t planned)> progress;         // runs in the stage
  BuildProgress graph_progress;  // the graph build's stages (build_experiment_graph)
  std::function<void(const std::string& note)> note;  // what a strategy does without (empty_ok)
};

struct RunReport {
  bool complete = false;
  std::filesystem::path written;
  io::h5::Table summary;
  std::uint64_t people = 0;
};

RunReport run_experiment(const io::Config& cfg, const RunOptions& options);

// The graph of an experiment, with its statistics, build time and what made it: the spec and seed
// it was built from and the `source` written to /graph (the spec's source name, or where the
// bindings got it: "networkx", "scipy", "edges"). progress hears build_graph's stages (or "reading
// the saved graph"), then "statistics".
struct BuiltGraph {
  SocialGraph graph;
  GraphStats stats;
  double seconds = 0;
  GraphSpec spec;
  std::uint64_t seed = 0;
  std::string source;
};
std::unique_ptr<BuiltGraph> build_experiment_graph(const GraphSpec& spec, std::uint64_t seed,
                                                   const BuildProgress& progress = {});

// What an edge-list import kept and dropped, for a note: "edge list x.txt: 1,200 edge lines of
// 1,204; dropped 3 self-loops and 40 duplicate ties (...)".
std::string edge_list_note(const SocialGraph& g, const std::string& path);

// A campaign bound to a graph: exposure, prepared models, strategies (checked against the graph).
struct BoundCampaign {
  std::unique_ptr<Exposure> exposure;
  std::vector<Model> models;
  std::vector<std::unique_ptr<Strategy>> strategies;
  std::vector<std::string> notes;  // "strategy mega: ..." for each strategy with a note()
};
std::unique_ptr<BoundCampaign> bind_campaign(const SocialGraph& g, const ExperimentSpec& spec, const io::Config& cfg);

// One cascade with who activated whom (the bindings' nanoreach.cascade): the experiment's campaign,
// model parameters and runs.max_steps on `g` (or, with `p`, every edge at probability p: virality p,
// trust, circle weights, engagement and affinity 1), the streams of run `run` under the experiment's
// seed, exactly as run_monte_carlo draws them; seeds carry the campaign's sponsored-post fatigue.
// Computed by the reference implementation (reference.hpp), which agrees with the engine toss for
// toss: O(N) per step, for teaching-sized graphs. ConfigError ("p") for p outside [0, 1].
struct TracedCascade {
  RunResult result;
  CascadeTrace trace;
};
TracedCascade trace_cascade(const SocialGraph& g, const ExperimentSpec& spec, ModelKind model,
                            std::span<const node_t> seeds, std::optional<double> p, std::uint32_t run);

// Root attributes every result file carries.
void write_root_attributes(io::h5::File& f, const io::Config& cfg, const ExperimentSpec& spec,
                           const RunOptions& options, const std::string& start_time);

// The program's version (CMake's project version) and the git revision it was built from, taken at
// build time: the short commit hash, "-dirty" when tracked files had uncommitted changes.
const char* nanoreach_version();
const char* git_revision();

// The output path's sibling that receives the work in progress.
std::filesystem::path partial_path(const std::filesystem::path& out);

}  // namespace nanoreach
