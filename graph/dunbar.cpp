// The Dunbar generator (see the header for the model). Three passes over people, each parallel over
// nodes with every decision a pure function of (seed, pair):
//   0. decide every lattice pair once, from its left end, into four bits (circle, rewired);
//   A. count each person's surviving lattice ties and rewired stubs per circle;
//   B. pair stubs through a keyed permutation per circle and keep each person's random ties (sorted,
//      de-duplicated, minus self-loops and pairs that are already lattice ties), counting them;
//   C. write each list in (circle, target) order: the lattice band of each circle is already sorted
//      by target (except near the ring's seam), the random ties are merged into it.
// Why a ring rather than disjoint nested groups: disjoint groups give cliques with clustering 1 and
// no friend-of-friend overlap between groups; a ring of nested neighbourhoods (Watts & Strogatz's
// lattice read as Dunbar's circles) gives each person their own nested circles, overlapping ones for
// their friends, clustering near 0.6-0.7 before rewiring, and a tie's existence decidable from its
// two ends alone, which is what makes the build parallel, deterministic and memory-lean.
#include "nanoreach/graph/dunbar.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "nanoreach/rng.hpp"

namespace nanoreach {

void DunbarParams::validate() const {
  if (people < 2)
    throw ConfigError("graph.people", "must be at least 2, got " + std::to_string(people));
  checked_node_count(people, "graph.people");
  for (int c = 0; c < 4; ++c) {
    if (circles[c] < 1 || circles[c] > kDunbarCap)
      throw ConfigError("graph.circles", "circle " + std::to_string(c + 1) + " has size " +
                                             std::to_string(circles[c]) + "; sizes must be in 1..150");
    if (c > 0 && circles[c] <= circles[c - 1])
      throw ConfigError("graph.circles", "cumulative circle sizes must increase, got " +
                                             std::to_string(circles[c - 1]) + " then " +
                                             std::to_string(circles[c]));
  }
  const std::uint64_t R = (circles[3] + 1) / 2;
  if (people < 2 * R + 2)
    throw ConfigError("graph.people", "the Dunbar generator needs at least " + std::to_string(2 * R + 2) +
                                          " people for circles up to " + std::to_string(circles[3]) +
                                          ", got " + std::to_string(people));
  if (!(size_mean >= 0.0) || !std::isfinite(size_mean))
    throw ConfigError("graph.size_mean", "must be a non-negative number, got " + number_text(size_mean));
  if (!(size_sd >= 0.0) || !std::isfinite(size_sd))
    throw ConfigError("graph.size_sd", "must be a non-negative number, got " + number_text(size_sd));
  if (size_min > circles[3])
    throw ConfigError("graph.size_min", "must not exceed the outer circle " + std::to_string(circles[3]) +
                                            ", got " + std::to_string(size_min));
  if (!(rewire >= 0.0 && rewire <= 1.0))
    throw ConfigError("graph.rewire", "is a probability and must be in [0, 1], got " + number_text(rewire));
}

KeyedPermutation::KeyedPermutation(std::uint64_t n, std::uint64_t key) : n_(n), key_(key) {
  unsigned bits = 2;
  while (bits < 62 && (std::uint64_t(1) << bits) < n) ++bits;
  low_bits_ = bits / 2;
  high_bits_ = bits - low_bits_;
  low_mask_ = (std::uint64_t(1) << low_bits_) - 1;
  high_mask_ = (std::uint64_t(1) << high_bits_) - 1;
}

// Alternating (unbalanced) Feistel rounds: even rounds mix the high part into the low, odd rounds the
// low into the high. Each round is its own inverse given the other part, so decryption replays them
// backwards.
std::uint64_t KeyedPermutation::encrypt(std::uint64_t x) const {
  std::uint64_t hi = x >> low_bits_, lo = x & low_mask_;
  for (std::uint64_t round = 0; round < kRounds; ++round) {
    if (round % 2 == 0)
      lo ^= rng::hash(key_ + round, hi) & low_mask_;
    else
      hi ^= rng::hash(key_ + round, lo) & high_mask_;
  }
  return (hi << low_bits_) | lo;
}

std::uint64_t KeyedPermutation::decrypt(std::uint64_t y) const {
  std::uint64_t hi = y >> low_bits_, lo = y & low_mask_;
  for (std::uint64_t round = kRounds; round-- > 0;) {
    if (round % 2 == 0)
      lo ^= rng::hash(key_ + round, hi) & low_mask_;
    else
      hi ^= rng::hash(key_ + round, lo) & high_mask_;
  }
  return (hi << low_bits_) | lo;
}

std::uint64_t KeyedPermutation::forward(std::uint64_t x) const {
  std::uint64_t y = encrypt(x);
  while (y >= n_) y = encrypt(y);
  return y;
}

std::uint64_t KeyedPermutation::inverse(std::uint64_t y) const {
  std::uint64_t x = decrypt(y);
  while (x >= n_) x = decrypt(x);
  return x;
}

std::vector<std::uint8_t> dunbar_target_sizes(const DunbarParams& p, std::uint64_t seed) {
  p.validate();
  const node_t n = static_cast<node_t>(p.people);
  const std::uint64_t key = rng::derive(seed, rng::Purpose::graph_size);
  std::vector<std::uint8_t> size(n);
  const double lo = p.size_min, hi = p.circles[3];
#pragma omp parallel for schedule(static)
  for (node_t i = 0; i < n; ++i) {
    const double u = rng::to_unit_pos(rng::hash(key, 2 * std::uint64_t(i)));
    const double v = rng::to_unit(rng::hash(key, 2 * std::uint64_t(i) + 1));
    const double z = std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
    const double s = std::clamp(std::round(p.size_mean + p.size_sd * z), lo, hi);
    size[i] = static_cast<std::uint8_t>(s);
  }
  return size;
}

namespace {

// Ring geometry and the survival rule, shared by the three passes.
class Lattice {
 public:
  Lattice(const DunbarParams& p, std::uint64_t seed, std::vector<std::uint8_t> size)
      : n_(static_cast<node_t>(p.people)), size_(std::move(size)),
        key_(rng::derive(seed, rng::Purpose::graph_tie)), rewire_(p.rewire) {
    R_ = (p.circles[3] + 1) / 2;
    circle_.assign(R_ + 1, 0);
    frac_.assign(R_ + 1, 1.0);
    for (std::uint32_t d = 1; d <= R_; ++d) {
      int c = 0;
      while (2.0 * d > 2.0 * std::ceil(p.circles[c] / 2.0)) ++c;  // smallest c with d <= ceil(h_c)
      circle_[d] = static_cast<std::uint8_t>(c + 1);
      const double h = p.circles[c] / 2.0;
      if (d > std::floor(h)) frac_[d] = h - std::floor(h);  // boundary distance, shared with c + 1
    }
    // Band of distances that may carry circle c: [lo_c, hi_c].
    for (int c = 1; c <= 4; ++c) {
      lo_[c] = R_ + 1;
      hi_[c] = 0;
    }
    for (std::uint32_t d = 1; d <= R_; ++d) {
      const int c = circle_[d];
      lo_[c] = std::min(lo_[c], d);
      hi_[c] = std::max(hi_[c], d);
      if (frac_[d] < 1.0 && c < 4) {
        lo_[c + 1] = std::min(lo_[c + 1], d);
        hi_[c + 1] = std::max(hi_[c + 1], d);
      }
    }
    // Share of each circle's slots a person of size s fills, and its population mean (from exact
    // integer counts, so it does not depend on summation order).
    std::vector<std::uint64_t> hist(kDunbarCap + 1, 0);
    for (std::uint8_t s : size_) ++hist[s];
    double prev = 0;
    for (int c = 0; c < 4; ++c) {
      const double slots = p.circles[c] - prev;
      double mean = 0;
      for (std::uint32_t s = 0; s <= kDunbarCap; ++s) {
        fill_[c][s] = std::clamp((s - prev) / slots, 0.0, 1.0);
        mean += fill_[c][s] * static_cast<double>(hist[s]);
      }
      mean /= static_cast<double>(n_);
      inv_mean_[c] = mean > 0 ? 1.0 / mean : 0.0;
      prev = p.circles[c];
    }
  }

  std::uint32_t radius() const { return R_; }
  node_t people() const { return n_; }
  std::uint32_t band_lo(int c) const { return lo_[c]; }
  std::uint32_t band_hi(int c) const { return hi_[c]; }

  // The tie between i and j = i +/- d (ring distance d): circle (0 = none), and whether rewired.
  struct Tie {
    std::uint8_t circle;
    bool rewired;
  };
  Tie decide(node_t i, node_t j, std::uint32_t d) const {
    const node_t a = std::min(i, j), b = std::max(i, j);
    const std::uint64_t h = rng::hash(key_, (std::uint64_t(a) << 32) | b);
    constexpr double k21 = 0x1.0p-21;
    const double u_circle = static_cast<double>(h & 0x1FFFFF) * k21;
    const double u_keep = static_cast<double>((h >> 21) & 0x1FFFFF) * k21;
    const double u_rewire = static_cast<double>((h >> 42) & 0x1FFFFF) * k21;
    int c = circle_[d];
    if (u_circle >= frac_[d]) ++c;
    if (c > 4) return {0, false};
    const double keep = fill_[c - 1][size_[i]] * fill_[c - 1][size_[j]] * inv_mean_[c - 1];
    if (u_keep >= keep) return {0, false};
    return {static_cast<std::uint8_t>(c), u_rewire < rewire_};
  }

  // Ring distance when at most R, else 0.
  std::uint32_t distance(node_t i, node_t j) const {
    const node_t a = std::min(i, j), b = std::max(i, j);
    const node_t d = std::min<node_t>(b - a, n_ - (b - a));
    return d <= R_ ? d : 0;
  }
  // d <= R < n, so one conditional correction replaces a modulo.
  node_t plus(node_t i, std::uint32_t d) const {
    const std::uint64_t j = std::uint64_t(i) + d;
    return static_cast<node_t>(j >= n_ ? j - n_ : j);
  }
  node_t minus(node_t i, std::uint32_t d) const {
    return i >= d ? i - d : static_cast<node_t>(std::uint64_t(i) + n_ - d);
  }

 private:
  node_t n_;
  std::vector<std::uint8_t> size_;
  std::uint64_t key_;
  double rewire_;
  std::uint32_t R_;
  std::vector<std::uint8_t> circle_;
  std::vector<double> frac_;
  std::uint32_t lo_[5], hi_[5];
  double fill_[4][kDunbarCap + 1];
  double inv_mean_[4];
};

}  // namespace

namespace {

// Each pair's fate, decided once from its left end: four bits per (person, distance to the right):
// the circle (0 = no tie) and whether the tie was rewired.
class PairStates {
 public:
  PairStates(const Lattice& lat) : lat_(lat), stride_((lat.radius() + 1) / 2) {
    const node_t n = lat.people();
    bytes_.resize(std::size_t(n) * stride_);
#pragma omp parallel for schedule(static, 4096)
    for (node_t i = 0; i < n; ++i) {
      std::uint8_t* row = bytes_.data() + std::size_t(i) * stride_;
      std::fill(row, row + stride_, 0);
      for (std::uint32_t d = 1; d <= lat.radius(); ++d) {
        const auto t = lat.decide(i, lat.plus(i, d), d);
        const std::uint8_t v = static_cast<std::uint8_t>(t.circle | (t.rewired ? 8 : 0));
        row[(d - 1) / 2] |= static_cast<std::uint8_t>((d - 1) % 2 ? v << 4 : v);
      }
    }
  }
  // The pair (i, i + d): circle in the low three bits, 8 when rewired.
  std::uint8_t right(node_t i, std::uint32_t d) const {
    const std::uint8_t b = bytes_[std::size_t(i) * stride_ + (d - 1) / 2];
    return (d - 1) % 2 ? b >> 4 : b & 0xF;
  }
  std::uint8_t left(node_t i, std::uint32_t d) const { return right(lat_.minus(i, d), d); }
  // A surviving, not rewired lattice tie between i and j?
  bool lattice_tie(node_t i, node_t j) const {
    const std::uint32_t d = lat_.distance(i, j);
    if (d == 0) return false;
    const std::uint8_t v = lat_.plus(i, d) == j ? right(i, d) : right(j, d);
    return (v & 7) != 0 && !(v & 8);
  }

 private:
  const Lattice& lat_;
  std::size_t stride_;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace

Csr generate_dunbar(const DunbarParams& p, std::uint64_t seed) {
  const Lattice lat(p, seed, dunbar_target_sizes(p, seed));
  const node_t n = lat.people();
  const std::uint32_t R = lat.radius();
  const PairStates pairs(lat);

  // Pass A: surviving lattice ties and rewired stubs per circle.
  std::vector<std::uint8_t> lattice_deg(n);
  std::array<std::vector<offset_t>, 4> stubs;
  for (auto& s : stubs) s.assign(n, 0);
#pragma omp parallel for schedule(static, 4096)
  for (node_t i = 0; i < n; ++i) {
    std::uint32_t kept = 0;
    std::uint32_t st[5] = {0, 0, 0, 0, 0};
    for (std::uint32_t d = 1; d <= R; ++d) {
      for (std::uint8_t v : {pairs.right(i, d), pairs.left(i, d)}) {
        if ((v & 7) == 0) continue;
        if (v & 8)
          ++st[v & 7];
        else
          ++kept;
      }
    }
    lattice_deg[i] = static_cast<std::uint8_t>(kept);
    for (int c = 0; c < 4; ++c) stubs[c][i] = st[c + 1];
  }

  // Stubs of circle c are numbered in node order; stub_node maps a stub to its person.
  std::array<std::vector<offset_t>, 4> stub_off;
  std::array<std::vector<node_t>, 4> stub_node;
  std::vector<KeyedPermutation> perm;
  for (int c = 0; c < 4; ++c) {
    stub_off[c] = prefix_offsets(stubs[c]);
    std::vector<offset_t>().swap(stubs[c]);
    stub_node[c].resize(stub_off[c].back());
#pragma omp parallel for schedule(static, 4096)
    for (node_t i = 0; i < n; ++i)
      std::fill(stub_node[c].begin() + stub_off[c][i], stub_node[c].begin() + stub_off[c][i + 1], i);
    perm.emplace_back(stub_off[c].back(), rng::derive(seed, rng::Purpose::graph_rewire, c));
  }

  // Pass B: each person's random ties: the mate of stub s sits next to it in the permuted order.
  std::vector<offset_t> rnd_cap(n);
#pragma omp parallel for schedule(static, 4096)
  for (node_t i = 0; i < n; ++i) {
    offset_t total = 0;
    for (int c = 0; c < 4; ++c) total += stub_off[c][i + 1] - stub_off[c][i];
    rnd_cap[i] = total;
  }
  const std::vector<offset_t> rnd_off = prefix_offsets(rnd_cap);
  std::vector<offset_t>().swap(rnd_cap);
  std::vector<std::uint64_t> rnd(rnd_off.back());  // (target << 8) | circle, sorted by target
  std::vector<std::uint8_t> rnd_deg(n);
  // Mates are found in blocks of people: first every mate's position is computed and its cache line
  // requested, then the block reads them, so the random reads overlap instead of queueing.
  constexpr node_t kBlock = 64;
  const node_t blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel
  {
    struct Mate {
      node_t person;
      std::uint8_t circle;
      std::uint64_t stub;
    };
    std::vector<Mate> mates;
#pragma omp for schedule(static, 64)
    for (node_t blk = 0; blk < blocks; ++blk) {
      const node_t first = blk * kBlock, last = std::min<node_t>(n, first + kBlock);
      mates.clear();
      for (node_t i = first; i < last; ++i)
        for (int c = 0; c < 4; ++c) {
          const std::uint64_t m = perm[c].size();
          for (offset_t s = stub_off[c][i]; s < stub_off[c][i + 1]; ++s) {
            const std::uint64_t mate = perm[c].inverse(s) ^ 1;
            if (mate >= m) continue;  // the odd stub out
            const std::uint64_t t = perm[c].forward(mate);
            __builtin_prefetch(stub_node[c].data() + t);
            mates.push_back({i, static_cast<std::uint8_t>(c), t});
          }
        }
      std::size_t q = 0;
      for (node_t i = first; i < last; ++i) {
        std::uint64_t* out = rnd.data() + rnd_off[i];
        std::size_t k = 0;
        for (; q < mates.size() && mates[q].person == i; ++q) {
          const node_t j = stub_node[mates[q].circle][mates[q].stub];
          if (j == i || pairs.lattice_tie(i, j)) continue;
          out[k++] = (std::uint64_t(j) << 8) | std::uint64_t(mates[q].circle + 1);
        }
        std::sort(out, out + k);
        const std::size_t kept =
            std::unique(out, out + k, [](std::uint64_t x, std::uint64_t y) { return (x >> 8) == (y >> 8); }) -
            out;
        rnd_deg[i] = static_cast<std::uint8_t>(kept);
      }
    }
  }
  for (auto& v : stub_node) std::vector<node_t>().swap(v);
  for (auto& v : stub_off) std::vector<offset_t>().swap(v);

  // Pass C: final offsets, then each list in (circle, target) order.
  std::vector<offset_t> deg(n);
#pragma omp parallel for schedule(static, 4096)
  for (node_t i = 0; i < n; ++i) deg[i] = offset_t(lattice_deg[i]) + rnd_deg[i];
  std::vector<offset_t> offsets = prefix_offsets(deg);
  std::vector<offset_t>().swap(deg);
  std::vector<node_t> targets(offsets.back());
  std::vector<std::uint8_t> circle(offsets.back());
#pragma omp parallel
  {
    std::vector<node_t> band, extra;
    band.reserve(2 * R);
#pragma omp for schedule(static, 4096)
    for (node_t i = 0; i < n; ++i) {
      offset_t w = offsets[i];
      const std::uint64_t* r = rnd.data() + rnd_off[i];
      const std::size_t rn = rnd_deg[i];
      const bool seam = i < R || std::uint64_t(i) + R >= n;
      for (std::uint8_t c = 1; c <= 4; ++c) {
        band.clear();
        for (std::uint32_t d = lat.band_hi(c); d >= lat.band_lo(c) && d > 0; --d)
          if (pairs.left(i, d) == c) band.push_back(lat.minus(i, d));
        for (std::uint32_t d = lat.band_lo(c); d <= lat.band_hi(c); ++d)
          if (pairs.right(i, d) == c) band.push_back(lat.plus(i, d));
        if (seam) std::sort(band.begin(), band.end());
        extra.clear();
        for (std::size_t q = 0; q < rn; ++q)
          if ((r[q] & 0xFF) == c) extra.push_back(static_cast<node_t>(r[q] >> 8));
        const offset_t start = w;
        std::merge(band.begin(), band.end(), extra.begin(), extra.end(), targets.begin() + start);
        w += band.size() + extra.size();
        std::fill(circle.begin() + start, circle.begin() + w, c);
      }
    }
  }
  return Csr(std::move(offsets), std::move(targets), std::move(circle));
}

}  // namespace nanoreach
