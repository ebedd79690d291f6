// Result files: what goes where in HDF5, and the summary statistics derived from the runs.
//
// Layout (also the README's table):
//   /                 attributes: nanoreach_version, git_revision, config (TOML after overrides), seed,
//                     threads, mpi_ranks, host, start_time, end_time, command_line, complete
//   /graph            the statistics of `nanoreach graph` (attributes, histograms), and with
//                     output.save_graph the CSR arrays (/graph/strong, /graph/audience, /graph/tier)
//   /runs             one row per run: columns below (a columnar table: equal-length 1-D datasets)
//   /summary          one row per (strategy, model) [and point, in sweeps], derived from /runs alone
//   /curves/<strategy>/<model>     runs x steps: people who adopted at each step (0 after the end);
//                                  rows in the order of that strategy and model's rows in /runs
//   /curves/<strategy>/sir_infected  runs x steps: people infectious at each step (sir only)
// layout.hpp adds a description (and units) to every dataset and the dimension scales that label the
// rows of the tables and the axes of the curves, once a file is finished.
// Summary statistics are a pure function of /runs (and the population size), so `nanoreach merge` and
// readers recompute exactly what `nanoreach run` wrote.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "nanoreach/graph/stats.hpp"
#include "nanoreach/io/h5.hpp"
#include "nanoreach/sim/experiment.hpp"

namespace nanoreach {

// The runs of one strategy under one model, as rows of /runs (with a `point` column in sweeps).
io::h5::Table runs_rows(const std::string& strategy, ModelKind model, const std::vector<RunRecord>& runs,
                        std::int64_t point = -1);

// Per-strategy facts the summary reports beside the statistics.
struct StrategyFacts {
  std::string kind, tier;
  double budget = 0;
};

// Bond-percolation theory beside the simulation (Newman 2002, analytics.hpp): the strong-tie layer read
// as a configuration-model graph with its own degree distribution, every tie carrying the mean
// per-tie transmissibility T of the campaign (ic: the circle-weighted mean edge probability; sir:
// the mean of beta / (beta + gamma - beta gamma) per circle; threshold: no prediction, NaN). It leaves
// out audiences, clustering and the seeding strategy, so it is a yardstick, not a forecast.
struct Theory {
  double T = NAN, outbreak_probability = NAN, outbreak_size = NAN;  // size as a share of the population
};
Theory percolation_theory(std::span<const std::uint64_t> degree_hist, std::span<const double> circle_mean_ties,
                          const ExperimentSpec& spec, ModelKind model);

// What the summary needs beyond /runs, per point (-1 outside sweeps): the population size (for the
// 1% / 10% columns), each strategy's facts, and the adaptive target (for `converged`).
struct SummaryContext {
  std::function<std::uint64_t(std::int64_t point)> people;
  std::function<StrategyFacts(std::int64_t point, const std::string& strategy)> facts;
  std::function<double(std::int64_t point)> target;
  std::function<Theory(std::int64_t point, const std::string& model)> theory;  // optional
};

// /summary from /runs: one row per (point,) strategy, model, in order of first appearance.
io::h5::Table summarize(const io::h5::Table& runs, const SummaryContext& context);
// The context of one experiment (no points) on a graph with these statistics.
SummaryContext summary_context(const ExperimentSpec& spec, const GraphStats& stats);

// Quantile of sorted values by linear interpolation (numpy's default, "type 7").
double quantile_sorted(const std::vector<double>& sorted, double q);

// The curves of a block of runs as row-major matrices: people who adopted at each step, and (sir)
// people infectious at each step; rows zero-padded to the longest run.
struct CurveRows {
  std::vector<std::uint32_t> adopted, infected;
  std::size_t adopted_width = 1, infected_width = 1;
};
CurveRows curve_rows(const std::vector<RunRecord>& runs);

// Appends a block of runs to an open result file: /runs rows and, if curves, /curves rows.
void append_block(io::h5::File& f, const std::string& strategy, ModelKind model, const std::vector<RunRecord>& runs,
                  bool curves, std::int64_t point = -1);

// Writes /graph: statistics, generator parameters, and optionally the CSR arrays (offsets as int64).
// `source` names what made the graph (default: the spec's source).
void write_graph_group(io::h5::Group& root, const SocialGraph& g, const GraphStats& stats, const GraphSpec& spec,
                       std::uint64_t seed, double build_seconds, bool save_graph, std::string_view source = {});

// Reads a graph saved by write_graph_group(..., save_graph = true); tiers are recut by `rule`.
SocialGraph read_saved_graph(const std::string& path, const TierRule& rule);

// Strategy facts from a spec.
std::vector<std::pair<std::string, StrategyFacts>> strategy_facts(const ExperimentSpec& spec);

// "2026-11-27T03:21:30Z"
std::string utc_now();

}  // namespace nanoreach
