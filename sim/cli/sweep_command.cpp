// nanoreach sweep / merge: load, run, write.
#include <cstdio>

#include "commands.hpp"
#include "nanoreach/sim/experiment.hpp"
#include "nanoreach/sim/sweep.hpp"
#include "report.hpp"
#include "terminal.hpp"

#include <omp.h>

namespace nanoreach::cli {

namespace {

void print_points(const SweepReport& r) {
  std::printf("%zu of %zu points finished; %s %s\n", r.points_done, r.points,
              r.complete ? "wrote" : "kept unfinished work in", r.written.string().c_str());
}

// The tier lines and the table with each point's axis values, read back from the written file.
void print_result(const SweepReport& r) {
  const io::h5::File f = io::h5::File::open(r.written);
  std::fputs(file_tiers_text(f).c_str(), stdout);
  const io::h5::Table points = f.exists("/points") ? f.read_table("/points") : io::h5::Table();
  print_summary_table(r.summary, f.exists("/points") ? &points : nullptr);
}

}  // namespace

int cmd_sweep(const Common& c, const std::string& shard, bool resume) {
  if (c.threads > 0) omp_set_num_threads(c.threads);
  std::vector<std::string> sets = c.sets;
  if (c.seed >= 0) sets.push_back("seed=" + std::to_string(c.seed));
  const io::Config cfg = io::Config::parse_file(experiment_schema(), c.config, sets);
  SweepOptions o;
  o.out = c.out.empty() ? std::filesystem::path(c.config).stem().string() + ".h5" : c.out;
  o.force = c.force;
  o.resume = resume;
  o.command_line = c.command_line;
  o.stop = &g_stop;
  if (!shard.empty()) {
    int i = 0, n = 0;
    char rest = 0;
    if (std::sscanf(shard.c_str(), "%d/%d%c", &i, &n, &rest) != 2 || n < 1 || i < 1 || i > n)
      throw InputError("--shard " + shard + ": expected I/N with 1 <= I <= N, e.g. --shard 3/10");
    o.shard = i - 1;
    o.shards = n;
  }
  Progress progress(c.quiet);
  bool started = false;
  std::string current;
  o.stage = [&](const std::string& s) {
    progress.stage(s, started);
    started = true;
    current = s;
  };
  o.graph_progress = show_build(progress, true, [&] { return current; });
  o.note = [&](const std::string& s) { progress.note("nanoreach: note: " + s); };
  // The sweep reports items (a point, or a share of its runs) done of all items: the overall ETA.
  o.progress = [&](std::uint64_t done, std::uint64_t planned) { progress.update(done, planned, "items"); };
  const SweepReport r = run_sweep(cfg, o);
  progress.finish();
  if (r.written.empty()) return 0;  // another rank wrote the file
  if (r.already_complete) {
    if (!c.quiet)
      std::printf("%s is complete (%zu of %zu points); nothing to resume\n", r.written.string().c_str(),
                  r.points_done, r.points);
    return 0;
  }
  if (!c.quiet) {
    print_result(r);
    print_points(r);
  }
  if (!r.complete && g_stop.load())
    throw Interrupted("interrupted: finished points are checkpointed; continue with --resume");
  return r.complete ? 0 : 1;
}

int cmd_merge(const std::vector<std::string>& shards, const std::string& out, bool force, bool quiet) {
  std::vector<std::filesystem::path> paths(shards.begin(), shards.end());
  std::string cmd = "nanoreach merge";
  for (const auto& s : shards) cmd += " " + s;
  cmd += " --out " + out;
  const SweepReport r = merge_shards(paths, out, force, cmd);
  if (!quiet) print_result(r);
  if (r.complete) {
    if (!quiet) print_points(r);
    return 0;
  }
  // An incomplete merge says on stderr why it exits 1: the missing points and where they belong.
  std::fprintf(stderr, "nanoreach: merge incomplete: %s; kept what there is in %s (complete = false)\n",
               r.missing.c_str(), r.written.string().c_str());
  return 1;
}

}  // namespace nanoreach::cli
