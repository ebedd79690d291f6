// nanoreach: the command line. Parse, dispatch, and catch errors once at the top.
#include <CLI/CLI.hpp>

#include <omp.h>

#include <charconv>
#include <csignal>
#include <cstdio>

#include "commands.hpp"
#include "nanoreach/error.hpp"
#include "nanoreach/sim/runner.hpp"

namespace {

void on_signal(int) { nanoreach::cli::g_stop.store(true); }

// An integer option of at least `low`. CLI11's own range checks print the range of a double
// ("0 not in range 2.22507e-308 to 1.79769e+308"); this says what the number means instead.
CLI::Validator at_least(long long low, std::string meaning) {
  return CLI::Validator(
      [low, meaning](std::string& text) -> std::string {
        long long v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size())
          return "\"" + nanoreach::printable(text) + "\" is not a whole number; " + meaning;
        if (v < low) return std::to_string(v) + " is too small; " + meaning;
        return "";
      },
      "INT>=" + std::to_string(low));
}

// Help lines stay within 80 columns: CLI11 indents a description's continuation lines after "\n".
// out_default: what --out defaults to; nullptr for a command that writes no file (no --out, --force).
void experiment_options(CLI::App* app, nanoreach::cli::Common& c, bool config_required, const char* out_default) {
  auto* opt = app->add_option("config", c.config, "experiment file (TOML)");
  if (config_required) opt->required()->check(CLI::ExistingFile);
  else opt->check(CLI::ExistingFile);
  app->add_option("--set", c.sets, "override a key, e.g. --set graph.people=20000\n(repeatable)")->take_all();
  app->add_option("--seed", c.seed, "master seed (default: the file's `seed`, else 1)")
      ->check(at_least(0, "a seed is a whole number from 0 up"));
  app->add_option("--threads", c.threads, "OpenMP threads (default: all cores)")
      ->check(at_least(1, "give at least 1, or omit it for all " + std::to_string(omp_get_num_procs()) + " cores"));
  if (out_default) {
    app->add_option("--out", c.out, std::string("output HDF5 file\n(default: ") + out_default + ")");
    app->add_flag("--force", c.force, "overwrite an existing output file");
  }
  app->add_flag("--quiet", c.quiet, "no progress, no tables");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nanoreach::cli;
  CLI::App app{"nanoreach: do many nano-influencers spread a message further than a few\nmega-influencers?"};
  app.set_version_flag("--version", std::string("nanoreach ") + nanoreach::nanoreach_version() + " (git " +
                                        nanoreach::git_revision() + ")");
  app.require_subcommand(1);
  Common c;
  for (int i = 0; i < argc; ++i) c.command_line += (i ? " " : "") + std::string(argv[i]);

  auto* graph = app.add_subcommand("graph", "build a social graph, print and store its stats");
  experiment_options(graph, c, false, "CONFIG's name with .h5, or graph.h5");
  bool save_graph = false;
  graph->add_flag("--save-graph", save_graph, "also store the CSR arrays (for notebooks)");
  bool spectral = false;
  graph->add_flag("--spectral", spectral,
                  "also the spectral radius of both layers and the\nepidemic threshold p ~ 1/lambda_1 (minutes on a\n"
                  "million people)");

  auto* run = app.add_subcommand("run", "run an experiment: cascades per strategy and model");
  experiment_options(run, c, false, "the experiment's name with .h5");
  bool print_defaults = false, keys_markdown = false;
  run->add_flag("--print-defaults", print_defaults, "print a complete annotated experiment file\nand exit");
  run->add_flag("--keys-markdown", keys_markdown, "print the table of every key (Markdown)\nand exit");

  auto* info = app.add_subcommand("info", "show what a result file holds");
  std::string info_path;
  info->add_option("file", info_path, "result file (HDF5)")->required()->check(CLI::ExistingFile);
  bool info_quiet = false;
  info->add_flag("--quiet", info_quiet, "the facts only: no configuration, no table");

  auto* bench = app.add_subcommand("bench", "time cascades against a plain BFS on one graph");
  experiment_options(bench, c, false, nullptr);
  std::string bench_graph = "all";
  int cascades = 0;
  bench->add_option("--graph", bench_graph, "ba (Barabasi-Albert 100k, m = 10), dunbar (the\nconfigured graph) or all")
      ->check(CLI::IsMember({"ba", "dunbar", "all"}))
      ->capture_default_str();
  bench->add_option("--cascades", cascades, "cascades per measurement (default: as many as\ntake a few seconds)")
      ->check(at_least(0, "0 picks as many as take a few seconds"));
  int imm_k = 0;
  bench->add_option("--imm", imm_k, "also time IMM for the best k seeds on the Dunbar\ngraph (default: 0, skip)")
      ->check(at_least(0, "k seeds, or 0 to skip IMM"));

  auto* sweep = app.add_subcommand("sweep", "run every point of the experiment's [sweep]");
  experiment_options(sweep, c, true, "the experiment's name with .h5");
  std::string shard;
  bool resume = false;
  sweep->add_option("--shard", shard, "I/N: run only shard I of N, 1 <= I <= N\n(default: every point; for Slurm job arrays)");
  sweep->add_flag("--resume", resume, "skip points already finished in the output");

  auto* merge = app.add_subcommand("merge", "combine sweep shards into one result file");
  std::vector<std::string> shards;
  std::string merge_out;
  bool merge_force = false;
  merge->add_option("shards", shards, "shard files")->required()->check(CLI::ExistingFile);
  merge->add_option("--out", merge_out, "output HDF5 file")->required();
  merge->add_flag("--force", merge_force, "overwrite an existing output file");
  bool merge_quiet = false;
  merge->add_flag("--quiet", merge_quiet, "no table (an incomplete merge still says why)");

  auto* exp = app.add_subcommand("export", "write a result file's tables and curves as CSV");
  std::string export_file, export_format = "csv", export_out;
  bool export_force = false, export_quiet = false;
  exp->add_option("file", export_file, "result file (HDF5)")->required()->check(CLI::ExistingFile);
  exp->add_option("--format", export_format, "output format (csv)")->check(CLI::IsMember({"csv"}));
  exp->add_option("--out", export_out, "directory for the CSV files")
      ->required();
  exp->add_flag("--force", export_force, "overwrite existing CSV files");
  exp->add_flag("--quiet", export_quiet, "do not list the files written");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version print and exit 0; every usage error exits 2, as the README says
    // (CLI11's own codes are 105, 106, 109...).
    return app.exit(e) == 0 ? 0 : 2;
  }

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the program at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  try {
    if (*graph) return cmd_graph(c, save_graph, spectral);
    if (*run) {
      if (print_defaults) return cmd_print_defaults();
      if (keys_markdown) return cmd_keys_markdown();
      return cmd_run(c);
    }
    if (*info) return cmd_info(info_path, info_quiet);
    if (*bench) return cmd_bench(c, bench_graph, cascades, imm_k);
    if (*sweep) return cmd_sweep(c, shard, resume);
    if (*merge) return cmd_merge(shards, merge_out, merge_force, merge_quiet);
    if (*exp) return cmd_export(export_file, export_format, export_out, export_force, export_quiet);
  } catch (const nanoreach::Interrupted& e) {
    std::fprintf(stderr, "nanoreach: %s\n", e.what());
    return 130;
  } catch (const nanoreach::Error& e) {
    std::fprintf(stderr, "nanoreach: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nanoreach: internal error: %s\n", e.what());
    return 3;
  }
  return 0;
}
