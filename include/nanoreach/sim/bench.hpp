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

// One-thread IC timings at each probability in `ps` on the stored graph `ex` and on the implicit graph
// `im` built from the same spec and seed, with the same seeds and coins (explicit line, then implicit
// line, per p). The two storages must give the same cascades: a difference in reach or edges examined
// throws std::logic_error. Rounds interleave the storages and keep the fastest.
std::vector<BenchLine> bench_storage(const SocialGraph& ex, const SocialGraph& im, std::uint32_t cascades,
                                     std::uint32_t seeds_per_cascade, const std::vector<double>& ps,
                                     std::uint64_t seed, int rounds = 3);

// One-thread IC timing at probability p on any graph, implicit included (the fastest of `rounds`).
BenchLine bench_ic(const SocialGraph& g, std::uint32_t cascades, std::uint32_t seeds_per_cascade, double p,
                   std::uint64_t seed, int rounds = 1);

// Bytes the graph holds: CSR layers and tiers, or the implicit graph's tables and tiers.
std::uint64_t graph_memory_bytes(const SocialGraph& g);

// Monte Carlo throughput with every thread: IC at probability p, cascades per second.
BenchLine bench_parallel(const SocialGraph& g, std::uint32_t cascades, std::uint32_t seeds_per_cascade, double p,
                         std::uint64_t seed);

}  // namespace nanoreach
