// What the commands print about a result: the summary table and the tier thresholds a graph used,
// both read back from what was written (so `run`, `sweep` and `info` show the same thing), both
// fitted to an 80-column terminal for the usual experiments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nanoreach/io/h5.hpp"

namespace nanoreach::cli {

// The end-of-run table: strategy, model, seeds, spending, mean reach with the half-width of its 95%
// CI, reach per $1,000, share of adoptions triggered by ordinary people. A budget shared by every
// row is printed once above the table. Sweeps (a `point` column): each point's rows follow a heading
// with the point's number (as in /points) and its axis values, from `points` when given.
void print_summary_table(const io::h5::Table& summary, const io::h5::Table* points = nullptr);

// "tiers at 1,000,000 people (automatic): nano >= 100 followers (52,091 people), micro >= 3,000
// (497), ...", wrapped at 80 columns, from a /graph group's attributes and tier_counts.
std::string tiers_text(const io::h5::Group& graph);
// The same from the values: rule, population, the four thresholds, people per tier (ordinary first).
std::string tiers_text(const std::string& rule, double people, const std::vector<std::int64_t>& thresholds,
                       const std::vector<std::uint64_t>& counts);

// The tier lines of a result file: its /graph, or each distinct graph of a sweep (one line block per
// graph when they differ; the graphs that share thresholds and counts are named together).
std::string file_tiers_text(const io::h5::File& f);

// The stored configuration with each [tiers] threshold key annotated with the value actually used
// ("mega = 1000000.0  # used: 100,000 (automatic: the smaller of this and mega_fraction x people)").
std::string annotate_tiers(const std::string& config_toml, const io::h5::Group& graph);

}  // namespace nanoreach::cli
