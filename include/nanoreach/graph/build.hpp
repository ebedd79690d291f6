// A social graph described by parameters: which generator (or file) makes the strong layer, the
// audience on top, and how tiers are cut. The experiment layer fills a GraphSpec from the [graph],
// [audience] and [tiers] sections; build_graph() makes the graph.
//
// Sources: dunbar (MODEL.md section 1, the default); the classic generators erdos_renyi, chung_lu,
// configuration, barabasi_albert, watts_strogatz (for validation and comparison; every tie sits in
// circle `circle`); edgelist (a real network from a file). An undirected edge list gives strong ties.
// A directed one (lines "u v" read as "v follows u") gives strong ties for reciprocated pairs
// (people who follow each other know each other) and audience edges for the one-way rest, in which
// case no audience is generated on top. A generated audience (audience.distribution != none) may
// sit on any other source. Only the Dunbar generator promises the 150 cap; other sources report how
// many people exceed it.
//
// A build can report its progress through a BuildProgress callback (the graph library never prints):
// stages "strong ties", "audiences" and "tiers" in that order, each with the share of it done: 0
// when it starts, 1 when it ends, and values in between where the stage can tell. A stage that
// cannot tell reports only its ends, so a caller should show that time is passing on its own.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "nanoreach/graph/audience.hpp"
#include "nanoreach/graph/dunbar.hpp"
#include "nanoreach/graph/social.hpp"

namespace nanoreach {

struct GraphSpec {
  enum class Source { dunbar, erdos_renyi, chung_lu, configuration, barabasi_albert, watts_strogatz, edgelist, saved };
  Source source = Source::dunbar;
  DunbarParams dunbar;               // people, circles, sizes, rewiring (people is shared by all generators)
  double mean_degree = 10;           // erdos_renyi; chung_lu / configuration with degree_exponent 0 (Poisson)
  double degree_exponent = 0;        // chung_lu / configuration: power-law exponent (> 1), 0 = Poisson
  std::uint32_t min_degree = 1;      // power-law degree range
  std::uint32_t max_degree = 1000;
  std::uint32_t attach = 5;          // barabasi_albert: ties per newcomer (m)
  std::uint32_t neighbours = 10;     // watts_strogatz: ring neighbours (k, even)
  double beta = 0.1;                 // watts_strogatz: rewiring probability
  std::string path;                  // edgelist: the file; saved: an HDF5 file written with --save-graph
  bool directed = false;             // edgelist
  std::uint8_t circle = 1;           // circle of every tie that is not from the Dunbar generator
  AudienceParams audience;
  TierRule tiers;
  bool implicit = false;             // graph.storage resolved: rebuild lists on demand (dunbar only)

  void validate() const;  // ConfigError naming the graph.* / audience.* / tiers.* key
};

const char* source_name(GraphSpec::Source s);

// Bytes the explicit graph of `spec` needs at the peak of its build (an estimate from the mean degree
// and audience; graph.storage = "auto" compares it with the available memory).
std::uint64_t explicit_graph_bytes(const GraphSpec& spec);

// stage: the stage's name; done: its share done in [0, 1]. Called on the building thread only.
using BuildProgress = std::function<void(std::string_view stage, double done)>;

// Builds the graph of every source but `saved` (which the experiment layer reads from HDF5).
SocialGraph build_graph(const GraphSpec& spec, std::uint64_t seed, const BuildProgress& progress = {});

}  // namespace nanoreach
