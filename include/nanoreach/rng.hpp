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

// Exponential variates by the ziggurat method (Marsaglia & Tsang 2000, "The ziggurat method for
// generating random variables"; 256 layers). One 32-bit draw: the top 8 bits pick a layer, the low 24
// bits a point in it; 98.9% of draws return at once, the rest fall back to an exact rejection step.
// The tables are computed once with std::exp / std::log, so they are the same wherever this binary runs.
struct ExpZiggurat {
  std::uint32_t k[256];
  double w[256], f[256];
  ExpZiggurat() {
    const double m = 16777216.0;  // 2^24
    double de = 7.697117470131487, te = de;
    const double ve = 3.949659822581572e-3;
    const double q = ve / std::exp(-de);
    k[0] = static_cast<std::uint32_t>((de / q) * m);
    k[1] = 0;
    w[0] = q / m;
    w[255] = de / m;
    f[0] = 1.0;
    f[255] = std::exp(-de);
    for (int i = 254; i >= 1; --i) {
      de = -std::log(ve / de + std::exp(-de));
      k[i + 1] = static_cast<std::uint32_t>((de / te) * m);
      te = de;
      f[i] = std::exp(-de);
      w[i] = de / m;
    }
  }
  static const ExpZiggurat& get() {
    static const ExpZiggurat z;
    return z;
  }
};

// Philox4x32-10 on w lanes at once: lane i's counter (x0[i], x1[i], x2[i], x3[i]) becomes its block,
// one loop over the lanes per round, which the compiler turns into vector multiplies. Equal to
// Random123's, bit for bit (tested).
inline void philox_lanes(std::uint64_t key, std::uint32_t* x0, std::uint32_t* x1, std::uint32_t* x2,
                         std::uint32_t* x3, std::size_t w) {
  std::uint32_t k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    for (std::size_t i = 0; i < w; ++i) {
      const std::uint64_t p0 = std::uint64_t(0xD2511F53u) * x0[i];
      const std::uint64_t p1 = std::uint64_t(0xCD9E8D57u) * x2[i];
      const std::uint32_t y0 = static_cast<std::uint32_t>(p1 >> 32) ^ x1[i] ^ k0;
      const std::uint32_t y2 = static_cast<std::uint32_t>(p0 >> 32) ^ x3[i] ^ k1;
      x1[i] = static_cast<std::uint32_t>(p1);
      x3[i] = static_cast<std::uint32_t>(p0);
      x0[i] = y0;
      x2[i] = y2;
    }
  }
}

// A stream that computes kBlocks Philox blocks at a time (BlockStream<8>: for loops that draw
// hundreds of numbers from one stream, where a block's latency would otherwise sit between every
// few draws). Stream is BasicStream<1>. Every kBlocks gives the same numbers in the same order.
template <int kBlocks>
class BasicStream {
  static_assert(kBlocks >= 1 && kBlocks <= 64);

 public:
  // key: from derive(); c1..c3: the work item's labels (run, node, ...).
  explicit BasicStream(std::uint64_t key, std::uint32_t c1 = 0, std::uint32_t c2 = 0, std::uint32_t c3 = 0) {
    key_.v[0] = static_cast<std::uint32_t>(key);
    key_.v[1] = static_cast<std::uint32_t>(key >> 32);
    ctr_.v[0] = 0;
    ctr_.v[1] = c1;
    ctr_.v[2] = c2;
    ctr_.v[3] = c3;
  }

  // The same stream, given its first block as computed by first_blocks(): no Philox call until the
  // block is used up.
  BasicStream(std::uint64_t key, std::uint32_t c1, std::uint32_t c2, std::uint32_t c3, const std::uint32_t (&first)[4])
    requires(kBlocks == 1)
      : BasicStream(key, c1, c2, c3) {
    for (int i = 0; i < 4; ++i) buf_[i] = first[i];
    ctr_.v[0] = 1;
    pos_ = 0;
  }

  std::uint32_t u32() {
    if (pos_ == 4 * kBlocks) refill();
    return buf_[pos_++];
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

  // A standard exponential variate (ziggurat), usually from one 32-bit draw.
  double exponential_fast() {
    const ExpZiggurat& z = ExpZiggurat::get();
    std::uint32_t j = u32();
    std::uint32_t i = j >> 24, x = j & 0xFFFFFF;
    if (x < z.k[i]) return x * z.w[i];
    while (true) {
      if (i == 0) return 7.697117470131487 - std::log(uniform_pos());
      const double v = x * z.w[i];
      if (z.f[i] + uniform() * (z.f[i - 1] - z.f[i]) < std::exp(-v)) return v;
      j = u32();
      i = j >> 24;
      x = j & 0xFFFFFF;
      if (x < z.k[i]) return x * z.w[i];
    }
  }

  // The same from neg_inv_log1m = -1 / log(1 - p) > 0, through an exponential variate E:
  // floor(E / -log(1 - p)) is geometric with P(G >= g) = (1 - p)^g. For the engine's inner loop.
  std::uint64_t geometric_fast(double neg_inv_log1m, std::uint64_t cap) {
    const double g = std::floor(exponential_fast() * neg_inv_log1m);
    return g >= static_cast<double>(cap) ? cap : static_cast<std::uint64_t>(g);
  }

 private:
  void refill() {
    if constexpr (kBlocks == 1) {
      const r123::Philox4x32::ctr_type b = r123::Philox4x32()(ctr_, key_);
      for (int i = 0; i < 4; ++i) buf_[i] = b.v[i];
    } else {
      std::uint32_t x0[kBlocks], x1[kBlocks], x2[kBlocks], x3[kBlocks];
      for (int i = 0; i < kBlocks; ++i) {
        x0[i] = ctr_.v[0] + static_cast<std::uint32_t>(i);
        x1[i] = ctr_.v[1];
        x2[i] = ctr_.v[2];
        x3[i] = ctr_.v[3];
      }
      philox_lanes((std::uint64_t(key_.v[1]) << 32) | key_.v[0], x0, x1, x2, x3, kBlocks);
      for (int i = 0; i < kBlocks; ++i) {
        buf_[4 * i] = x0[i];
        buf_[4 * i + 1] = x1[i];
        buf_[4 * i + 2] = x2[i];
        buf_[4 * i + 3] = x3[i];
      }
    }
    ctr_.v[0] += kBlocks;
    pos_ = 0;
  }

  r123::Philox4x32::key_type key_{};
  r123::Philox4x32::ctr_type ctr_{};
  std::uint32_t buf_[4 * kBlocks] = {};
  int pos_ = 4 * kBlocks;
};

using Stream = BasicStream<1>;
template <int kBlocks>
using BlockStream = BasicStream<kBlocks>;

// The first blocks of streams Stream(key, c1[i], c2, c3), i < m, written to out[i] (philox_lanes), so
// a batch of people costs less than their Philox calls one by one.
inline void first_blocks(std::uint64_t key, const std::uint32_t* c1, std::uint32_t c2, std::uint32_t c3,
                         std::size_t m, std::uint32_t (*out)[4]) {
  constexpr std::size_t kLanes = 64;
  for (std::size_t b = 0; b < m; b += kLanes) {
    const std::size_t w = m - b < kLanes ? m - b : kLanes;
    std::uint32_t x0[kLanes], x1[kLanes], x2[kLanes], x3[kLanes];
    for (std::size_t i = 0; i < w; ++i) {
      x0[i] = 0;
      x1[i] = c1[b + i];
      x2[i] = c2;
      x3[i] = c3;
    }
    philox_lanes(key, x0, x1, x2, x3, w);
    for (std::size_t i = 0; i < w; ++i) {
      out[b + i][0] = x0[i];
      out[b + i][1] = x1[i];
      out[b + i][2] = x2[i];
      out[b + i][3] = x3[i];
    }
  }
}

}  // namespace nanoreach::rng
