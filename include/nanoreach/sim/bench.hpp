// Measurements for `nanoreach bench`: cascade speed beside a plain breadth-first search over the same
// CSR layers, timed in the same process so that the ratio survives a noisy machine. Measures and
// returns; the program prints. Nothing here asserts a speed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nanoreach/graph/social.hpp"

namespace nanoreach {

struct BenchLine {
  std::string what;           // "bfs", "ic p=1", "ic p=0.05", ...
  std::uint64_t cascades = 0;
  double seconds = 0;         // wall time, one thread
  double mean_reach = 0;
  std::uint64_t edges = 0;    // edges examined (out-edges of every reached person)
  double per_cascade_ms() const { return cascades ? 1000.0 * seconds / cascades : 0.0; }
  double edges_per_second() const { return seconds > 0 ? double(edges) / seconds : 0.0; }
};

// One-thread timings on g from `seeds_per_cascade` random seeds per cascade: a plain BFS, IC with every
// edge probability 1 (the same traversal plus the engine's bookkeeping), and IC with every edge
// probability p. Repeats each measurement `rounds` times interleaved and keeps the fastest round.
std::vector<BenchLine> bench_cascades(const SocialGraph& g, std::uint32_t cascades, std::uint32_t seeds_per_cascade,
                                      double p, std::uint64_t seed, int rounds = 3);

// Monte Carlo throughput with every thread: IC at probability p, cascades per second.
BenchLine bench_parallel(const SocialGraph& g, std::uint32_t cascades, std::uint32_t seeds_per_cascade, double p,
                         std::uint64_t seed);

}  // namespace nanoreach
