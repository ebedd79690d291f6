// Random streams keyed by work item, never by thread (STYLE.md habit 5).
//
// Every random number in nanoreach comes from a counter-based generator addressed by
// (master seed, purpose, labels...). Two tools:
//   * Stream: Random123's Philox4x32-10 (Salmon, Moraes, Dror & Shaw, SC'11). The key is derived from
//     the master seed, the purpose and up to two labels (strategy, model...); the counter holds three
//     more labels (run, node...) and a block index that advances as numbers are drawn. A stream is a
//     pure function of its address, so any thread may compute any stream in any order.
//   * hash(key, counter): SplitMix64's output function (Steele, Lea & Flood 2014), a bijective 64-bit
//     mixer, for the generators' innermost loops where one value per (key, pair) is needed and a Philox
//     call per tie would dominate the build time.
// Bits become numbers with this file's own code (not <random> distributions, whose output differs
// between standard libraries), so the same seed gives the same bytes everywhere this binary runs.
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace nanoreach::rng {

// What a stream is for. Values are part of the reproducibility contract: never renumber.
enum class Purpose : std::uint64_t {
  graph_size = 1,       // Dunbar generator: each person's network size
  graph_tie = 2,        // Dunbar generator: keep / circle / rewire coin per lattice pair
  graph_rewire = 3,     // Dunbar generator: stub matching permutation
  audience_size = 4,    // follower counts
  audience_pick = 5,    // who follows whom
  classic = 6,          // Erdos-Renyi, Chung-Lu, Barabasi-Albert, Watts-Strogatz
  seeding = 7,          // seed sets per strategy and run
  cascade = 8,          // live edges, thresholds, infectious periods per model, run and node
  imm = 9,              // reverse-reachable sets
  sample = 10,          // statistics sampled on large graphs (clustering)
  tiers = 11,           // tie-breaking in tier assignment
};

inline constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

// SplitMix64 finaliser: bijective, every output bit depends on every input bit.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The counter-th output of a SplitMix64 sequence started at key.
constexpr std::uint64_t hash(std::uint64_t key, std::uint64_t counter) {
  return mix64(key + (counter + 1) * kGolden);
}

// A 64-bit key for (seed, purpose, a, b). Distinct addresses give unrelated keys.
constexpr std::uint64_t derive(std::uint64_t seed, Purpose purpose, std::uint64_t a = 0,
                               std::uint64_t b = 0) {
  std::uint64_t h = mix64(seed ^ 0x6E616E6F72656163ULL);  // "nanoreac"
  h = mix64(h ^ hash(0x5EED, static_cast<std::uint64_t>(purpose)));
  h = mix64(h ^ hash(0xA11CE, a));
  h = mix64(h ^ hash(0xB0B, b));
  return h;
}

// FNV-1a of a name, so a strategy keeps its streams when others are added or reordered.
constexpr std::uint64_t name_label(const char* s, std::size_t n) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(s[i]);
    h *= 0x100000001B3ULL;
  }
  return h;
}

// 53 random bits as a double in [0, 1).
constexpr double to_unit(std::uint64_t x) { return static_cast<double>(x >> 11) * 0x1.0p-53; }
// A double in (0, 1]: safe for log().
constexpr double to_unit_pos(std::uint64_t x) { return static_cast<double>((x >> 11) + 1) * 0x1.0p-53; }

// Multiply-shift mapping of 32 random bits to [0, n) for n < 2^32; bias below 2^-32 * n, used only
// where that bias is immaterial (stub positions in generators). Streams use exact rejection below.
constexpr std::uint32_t scale32(std::uint32_t x, std::uint32_t n) {
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(x) * n) >> 32);
}

class Stream {
 public:
  // key: from derive(); c1..c3: the work item's labels (run, node, ...).
  explicit Stream(std::uint64_t key, std::uint32_t c1 = 0, std::uint32_t c2 = 0, std::uint32_t c3 = 0) {
    key_.v[0] = static_cast<std::uint32_t>(key);
    key_.v[1] = static_cast<std::uint32_t>(key >> 32);
    ctr_.v[0] = 0;
    ctr_.v[1] = c1;
    ctr_.v[2] = c2;
    ctr_.v[3] = c3;
  }

  std::uint32_t u32() {
    if (pos_ == 4) refill();
    return buf_.v[pos_++];
  }
  std::uint64_t u64() {
    std::uint64_t hi = u32();
    return (hi << 32) | u32();
  }
  double uniform() { return to_unit(u64()); }          // [0, 1)
  double uniform_pos() { return to_unit_pos(u64()); }  // (0, 1]

  // Uniform integer in [0, n), exact (Lemire 2019, multiply-shift with rejection). n > 0.
  std::uint64_t below(std::uint64_t n) {
    if (n <= 0xFFFFFFFFULL) {
      const std::uint32_t n32 = static_cast<std::uint32_t>(n);
      std::uint64_t m = static_cast<std::uint64_t>(u32()) * n32;
      std::uint32_t low = static_cast<std::uint32_t>(m);
      if (low < n32) {
        const std::uint32_t threshold = static_cast<std::uint32_t>(-n32) % n32;
        while (low < threshold) {
          m = static_cast<std::uint64_t>(u32()) * n32;
          low = static_cast<std::uint32_t>(m);
        }
      }
      return m >> 32;
    }
    __uint128_t m = static_cast<__uint128_t>(u64()) * n;
    std::uint64_t low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<__uint128_t>(u64()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  bool bernoulli(double p) { return uniform() < p; }

  // Standard normal by Box-Muller; two uniforms per call, no cached state.
  double normal() {
    const double u = uniform_pos();
    const double v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }

  double exponential() { return -std::log(uniform_pos()); }

  // Failures before the first success of a Bernoulli(p) sequence, given log1m = log(1 - p) < 0.
  // Capped at `cap` (callers pass the length of what they skip over).
  std::uint64_t geometric(double log1m, std::uint64_t cap) {
    const double g = std::floor(std::log(uniform_pos()) / log1m);
    return g >= static_cast<double>(cap) ? cap : static_cast<std::uint64_t>(g);
  }

  // The same from 32 random bits and inv_log1m = 1 / log(1 - p): U = (x + 1) / 2^32, so skips are
  // exact in distribution up to a CDF error below 2^-32 (and at most about 22 / p), at half the
  // random bits and without a division. For the engine's inner loop.
  std::uint64_t geometric_fast(double inv_log1m, std::uint64_t cap) {
    const double u = (static_cast<double>(u32()) + 1.0) * 0x1.0p-32;
    const double g = std::floor(std::log(u) * inv_log1m);
    return g >= static_cast<double>(cap) ? cap : static_cast<std::uint64_t>(g);
  }

 private:
  void refill() {
    buf_ = r123::Philox4x32()(ctr_, key_);
    ++ctr_.v[0];
    pos_ = 0;
  }

  r123::Philox4x32::key_type key_{};
  r123::Philox4x32::ctr_type ctr_{};
  r123::Philox4x32::ctr_type buf_{};
  int pos_ = 4;
};

}  // namespace nanoreach::rng
