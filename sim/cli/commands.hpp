// The program's commands: each parses nothing (main.cpp does), loads, runs, writes.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "nanoreach/graph/build.hpp"

namespace nanoreach::cli {

// Options shared by commands that read an experiment file.
struct Common {
  std::string config;                 // path; empty: built-in defaults
  std::vector<std::string> sets;      // --set key=value
  long long seed = -1;                // --seed (overrides `seed`)
  int threads = 0;                    // --threads (0: OpenMP's default)
  bool force = false;
  bool quiet = false;
  std::string out;
  std::string command_line;
};

extern std::atomic<bool> g_stop;  // set by SIGINT/SIGTERM

class Progress;

// Shows a graph build's stages on `progress`: each stage as its own stage with its share done or,
// with keep_clock (sweeps, whose line counts work items), as a new name after prefix().
BuildProgress show_build(Progress& progress, bool keep_clock = false, std::function<std::string()> prefix = {});

int cmd_graph(const Common& c, bool save_graph, bool spectral);
int cmd_run(const Common& c);
int cmd_print_defaults();
int cmd_info(const std::string& path, bool quiet);
int cmd_bench(const Common& c, const std::string& graph, int cascades, int imm_k);
int cmd_sweep(const Common& c, const std::string& shard, bool resume);
int cmd_merge(const std::vector<std::string>& shards, const std::string& out, bool force, bool quiet);
int cmd_keys_markdown();
int cmd_export(const std::string& file, const std::string& format, const std::string& out, bool force, bool quiet);

}  // namespace nanoreach::cli
