// Summary statistics of a social graph, as printed by `nanoreach graph` and stored under /graph.
//
// Average clustering (Watts & Strogatz 1998: mean over people with two or more ties of the share of
// pairs of their ties who are tied themselves) is exact up to `clustering_sample` people and
// estimated from that many people drawn uniformly (with its standard error) beyond. Connected
// components are of the strong-tie layer, found by a lock-free union-find whose roots are each
// component's smallest id, so the result does not depend on the thread count.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nanoreach/graph/social.hpp"

namespace nanoreach {

struct GraphStats {
  std::uint64_t people = 0;
  std::uint64_t strong_ties = 0;      // undirected ties
  std::uint64_t audience_edges = 0;   // account -> follower edges
  std::uint32_t max_degree = 0;       // strong ties
  double mean_degree = 0;
  std::uint64_t over_cap = 0;         // people with more than 150 strong ties (imported graphs)
  std::array<double, kCircles> mean_circle = {};  // mean number of ties in each circle
  std::array<std::uint64_t, kTierCount> tier_counts = {};
  std::uint64_t max_followers = 0;
  double mean_followers = 0;
  double clustering = 0;
  double clustering_se = 0;           // 0 when exact
  std::uint64_t clustering_people = 0;  // people the estimate averaged over
  bool clustering_sampled = false;
  std::uint64_t components = 0;
  std::uint64_t largest_component = 0;
  std::uint64_t isolated = 0;
  std::vector<std::uint64_t> degree_hist;        // [d] = people with d strong ties
  std::vector<std::uint64_t> follower_bin_lo;    // follower histogram bins: [lo_k, lo_{k+1})
  std::vector<std::uint64_t> follower_hist;      //   0, 1, 2-3, 4-7, ... (powers of two)
  // What the percolation theory reads: the Dunbar generator's nominal degrees (before colliding
  // rewired ties are dropped; the same under both storages), or degree_hist / mean_circle.
  std::vector<std::uint64_t> theory_degree_hist;
  std::array<double, kCircles> theory_circle_mean = {};
  // Implicit graphs: degree_hist, strong_ties, max_degree, mean_degree and mean_circle are the
  // nominal ones (exact up to the rare dropped rewired ties), components are not computed (they need
  // a traversal of every tie) and clustering is always sampled.
  std::string storage = "explicit";
  bool degrees_nominal = false;
  bool components_known = true;
  std::uint64_t graph_bytes = 0;  // bytes the graph holds in memory
};

// progress, when given, hears the share done (0, then after each of the three passes: counts and
// histograms, clustering, components), on the calling thread.
GraphStats compute_stats(const SocialGraph& g, std::uint64_t seed, std::uint64_t clustering_sample = 20000,
                         const std::function<void(double done)>& progress = {});

// Component label of every person (the smallest id in its strong-tie component).
std::vector<node_t> component_labels(const Csr& g);

// Local clustering of one person (0 with fewer than two ties); `mark` is scratch of size N, all zero,
// and is returned all zero.
double local_clustering(const Csr& g, node_t u, std::vector<std::uint8_t>& mark);

}  // namespace nanoreach
