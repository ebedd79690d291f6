// The Dunbar generator: a clustered, small-world strong-tie layer in which nobody has more than 150
// ties, organised in nested circles of cumulative size about 5 / 15 / 50 / 150 (MODEL.md section 1;
// Zhou, Sornette, Hill & Dunbar 2005; Dunbar, Arnaboldi, Conti & Passarella 2015).
//
// Construction (graph/dunbar.cpp explains the choices):
//   1. People sit on a ring. Person i's candidate ties are the 2R people within ring distance R, with
//      R = ceil(circles[3] / 2). Ring distance sets the circle: the nearest circles[0]/2 on each side
//      form the support clique, the next ones the sympathy group, then the band, then the community,
//      so each person's circles are nested neighbourhoods that overlap with their neighbours'
//      (friends of friends are friends: clustering). A fractional half-size is met exactly in
//      expectation by a symmetric coin on the boundary distance.
//   2. People differ in network size: each draws a target size ~ Normal(size_mean, size_sd), clamped
//      to [size_min, circles[3]] (Goncalves, Perra & Vespignani 2011: about 100-200). A tie in circle c
//      survives with a Chung-Lu probability min(1, f_c(i) f_c(j) / mean f_c), where f_c is the share
//      of circle c's slots a person fills, so small networks lose their outer circles first.
//   3. A fraction `rewire` of surviving ties is rewired (Watts & Strogatz 1998): both ends of the tie
//      keep a stub of its circle, and stubs of each circle are paired by a keyed random permutation.
//      Nobody's degree grows, so the 150 cap holds by construction; a random tie that would repeat an
//      existing one or close a self-loop is dropped.
// Every coin is a hash of (seed, purpose, pair), so each person's list is computed independently and
// the CSR arrays are byte-identical on any number of threads (and MPI ranks).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "nanoreach/graph/csr.hpp"
#include "nanoreach/rng.hpp"

namespace nanoreach {

// A std::allocator whose vectors grow without initialising their new elements, for big arrays that a
// parallel pass then writes whole: their pages are first touched there, on every thread, instead of
// being zeroed by one.
template <class T>
struct UninitAllocator : std::allocator<T> {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = UninitAllocator<U>;
  };
  UninitAllocator() = default;
  template <class U>
  UninitAllocator(const UninitAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... A>
  void construct(U* p, A&&... a) {
    ::new (static_cast<void*>(p)) U(std::forward<A>(a)...);
  }
};
template <class T>
using UninitVector = std::vector<T, UninitAllocator<T>>;

// Asks the kernel to back [p, p + bytes) with huge pages where it can (fewer page faults on first
// touch); a hint, without effect elsewhere.
void advise_huge_pages(void* p, std::size_t bytes);

struct DunbarParams {
  std::uint64_t people = 1'000'000;
  std::array<std::uint32_t, 4> circles = {5, 15, 50, 150};  // cumulative sizes
  double size_mean = 150.0;
  double size_sd = 25.0;
  std::uint32_t size_min = 5;
  double rewire = 0.1;

  // Throws ConfigError naming the offending graph.* key.
  void validate() const;
};

// The strong-tie layer, attribute = circle 1..4, sorted by (circle, target): every person's list of
// DunbarLayer::ties(), materialised (so the explicit and the implicit graph are the same graph).
Csr generate_dunbar(const DunbarParams& params, std::uint64_t seed);

// Each person's target network size as drawn by generate_dunbar (for tests and statistics).
std::vector<std::uint8_t> dunbar_target_sizes(const DunbarParams& params, std::uint64_t seed);

// A keyed pseudo-random bijection on [0, n): a 6-round alternating Feistel network on the smallest
// number of bits that covers n, with cycle walking (Black & Rogaway 2002), so fewer than two rounds of
// walking are needed on average. O(1) memory; any element, in any order, on any thread.
class KeyedPermutation {
 public:
  KeyedPermutation(std::uint64_t n, std::uint64_t key);
  std::uint64_t forward(std::uint64_t x) const;
  std::uint64_t inverse(std::uint64_t y) const;
  std::uint64_t size() const { return n_; }
  // The same bijection shape on [0, n) under another key (no recomputation of the bit split).
  KeyedPermutation rekeyed(std::uint64_t key) const {
    KeyedPermutation p = *this;
    p.key_ = key;
    return p;
  }

  // One pass of the rounds (forward and inverse apply them until the result is inside [0, n)).
  std::uint64_t encrypt(std::uint64_t x) const;
  std::uint64_t decrypt(std::uint64_t y) const;

 private:
  static constexpr std::uint64_t kRounds = 6;
  std::uint64_t n_, key_;
  unsigned low_bits_, high_bits_;
  std::uint64_t low_mask_, high_mask_;
};

// One person's strong ties as generate_dunbar stores them: targets in (circle, target) order, circle c
// (1..4) in [end[c - 2], end[c - 1]) with end[-1] = 0. The vectors are scratch reused across people.
struct TieList {
  std::vector<node_t> target;
  std::array<std::uint32_t, 4> end = {};
  std::uint32_t size() const { return static_cast<std::uint32_t>(target.size()); }
  std::uint32_t begin_of(int circle) const { return circle == 1 ? 0 : end[circle - 2]; }
  // scratch
  std::vector<std::uint8_t> code;
  std::vector<std::uint64_t> random;
  std::vector<std::uint64_t> stub;      // (stub << 3) | (circle - 1), then the mate stub
  std::vector<std::uint64_t> mate;
  std::vector<node_t> band;
};

// The Dunbar network with nothing stored that can be recomputed (the implicit graph's strong layer).
// A tie's circle, survival and rewiring are decided from its two ends alone (a keyed hash and the two
// network sizes), so a person's lattice ties are 2R decisions; a rewired tie keeps a stub at each end
// and stubs of each circle are paired by a keyed permutation of the stubs numbered in person order.
// What is stored: each person's network size (1 byte), each person's number of stubs per circle
// (4 bytes) and the stubs before every block of 32 people (one byte per person), plus a sampled
// select index (about one entry per block) that finds the person holding a stub in a few reads.
// ties(i) then rebuilds person i's list exactly as a full build would: the same ties, the same order.
class DunbarLayer {
 public:
  // How the lattice pairs are computed: plain C++, or eight (AVX-512) or four (AVX2) pairs per
  // instruction where the processor has them. All three give the same integers (tested); `best` is
  // the fastest this processor runs.
  enum class Kernel : std::uint8_t { scalar, avx2, avx512, best };
  static bool cpu_has(Kernel k);

  // progress hears the share done of the one pass over people (counting stubs), from one thread.
  DunbarLayer(const DunbarParams& params, std::uint64_t seed, const std::function<void(double)>& progress = {},
              Kernel kernel = Kernel::best);

  node_t people() const { return n_; }
  std::uint32_t radius() const { return R_; }
  const DunbarParams& params() const { return p_; }
  std::uint8_t network_size(node_t i) const { return size_[i]; }

  // Person i's ties in (circle, target) order.
  void ties(node_t i, TieList& out) const;

  // The lattice pair (i, j) at ring distance d (1..R): its circle (0 = no tie) and whether it was rewired.
  struct Decision {
    std::uint8_t circle;
    bool rewired;
  };
  Decision decide(node_t i, node_t j, std::uint32_t d) const {
    const node_t a = i < j ? i : j, b = i < j ? j : i;
    const std::uint64_t h = rng::hash(key_, (std::uint64_t(a) << 32) | b);
    const std::uint32_t u_circle = h & 0x1FFFFF, u_keep = (h >> 21) & 0x1FFFFF, u_rewire = (h >> 42) & 0x1FFFFF;
    const std::uint32_t c = circle0_[d] + (u_circle >= circle_thr_[d] ? 1 : 0);
    if (u_keep >= keep_thr_[(c - 1) * kPlane + std::size_t(size_[i]) * kSizes + size_[j]]) return {0, false};
    return {static_cast<std::uint8_t>(c), u_rewire < rewire_thr_};
  }

  // One step along a friend's ring ties: a lattice slot of f drawn uniformly, redrawn while it holds no
  // tie or a rewired one; the other end, or kNoNode after 16 empty draws. (The audience generator's
  // second step of a friend-of-friend walk: a tie of f through its own community.)
  template <class RandomStream>
  node_t ring_step(node_t f, RandomStream& rs) const {
    for (int tries = 0; tries < 16; ++tries) {
      const std::uint64_t k = rs.below(2 * R_);
      const std::uint32_t d = static_cast<std::uint32_t>(k / 2) + 1;
      const node_t j = k % 2 ? plus(f, d) : minus(f, d);
      const Decision t = decide(f, j, d);
      if (t.circle != 0 && !t.rewired) return j;
    }
    return kNoNode;
  }


  // Stubs of circle c (1..4) of person i, and their first index in the circle's stub numbering.
  std::uint32_t stubs(node_t i, int circle) const { return (stubs_[i] >> (8 * (circle - 1))) & 0xFF; }
  std::array<std::uint64_t, 4> first_stubs(node_t i) const;
  std::uint64_t total_stubs(int circle) const { return block_off_.back()[circle - 1]; }
  // The person holding stub t of circle c.
  node_t stub_owner(std::uint64_t t, int circle) const;
  // The stub paired with stub s of circle c, or nothing for the odd stub out.
  std::optional<std::uint64_t> mate(std::uint64_t s, int circle) const;

  // Degrees before the few rewired ties that would close a self-loop or repeat a tie are dropped
  // (kept lattice ties + stubs): their histogram and the mean ties per circle. Equal for the explicit
  // and the implicit graph, so theory computed from them is too.
  const std::vector<std::uint64_t>& nominal_degree_hist() const { return nominal_hist_; }
  const std::array<double, 4>& nominal_circle_mean() const { return nominal_circle_; }

  // The kernel in use; tests switch between them to compare them with the scalar code they replace.
  // A kernel the processor lacks is refused (std::invalid_argument).
  Kernel kernel() const { return kernel_; }
  void use_kernel(Kernel k);
  static const char* kernel_name(Kernel k);

  // Bytes held (sizes, stub counts, block offsets, select index).
  std::size_t memory_bytes() const;

 private:
  static constexpr node_t kBlock = 32;
  node_t plus(node_t i, std::uint32_t d) const {
    const std::uint64_t j = std::uint64_t(i) + d;
    return static_cast<node_t>(j >= n_ ? j - n_ : j);
  }
  node_t minus(node_t i, std::uint32_t d) const {
    return i >= d ? i - d : static_cast<node_t>(std::uint64_t(i) + n_ - d);
  }
  std::uint32_t distance(node_t i, node_t j) const;
  bool lattice_tie(node_t i, node_t j) const;

  DunbarParams p_;
  node_t n_;
  std::uint32_t R_;
  std::uint64_t key_;
  UninitVector<std::uint8_t> size_;
  static constexpr std::uint32_t kSizes = kDunbarCap + 1;
  static constexpr std::uint32_t kPlane = kSizes * kSizes;  // keep thresholds of one circle
  static constexpr std::uint64_t kNoMate = ~std::uint64_t(0);
  // mate() of every (stub << 3 | circle - 1) into out (kNoMate for the odd stub out).
  void mates(const std::uint64_t* stub, std::uint64_t* out, std::size_t m) const;

  // Codes of i's 2R lattice slots (only slots R.. 2R - 1, the right side, when right_only).
  void lattice_codes(node_t i, std::uint8_t* code, bool right_only = false) const;
  void count_codes(const std::uint8_t* code, std::uint32_t m, std::array<std::uint16_t, 16>& count) const;
  std::vector<std::uint8_t> circle0_;       // by distance: the circle of a pair before its boundary coin
  std::vector<std::uint32_t> circle_thr_;   // by distance: the circle coin moves the pair out at or above this
  std::vector<std::uint32_t> keep_thr_;     // [circle 1..5][size][size]: the keep coin must fall below this
  std::uint32_t rewire_thr_ = 0;            // the rewire coin rewires below this
  std::array<std::array<std::uint32_t, 2>, 4> circle_dist_ = {};  // per circle: the distances that can hold it
  std::uint32_t padded_slots_ = 0;          // 2R + 16: slot tables and code buffers
  std::vector<std::uint32_t> slot_dist_;    // per slot: ring distance
  std::vector<std::int32_t> slot_off_;      // per slot: the other end's offset from the person
  std::vector<std::uint8_t> slot_c0_;       // per slot: circle0_ and circle_thr_ of its distance
  std::vector<std::uint32_t> slot_cthr_;
  Kernel kernel_ = Kernel::scalar;
  UninitVector<std::uint32_t> stubs_;                  // per person: stubs of circles 1..4, a byte each
  UninitVector<std::array<std::uint64_t, 4>> block_off_;  // per block of kBlock people: stubs before it, per circle
  struct Select {
    node_t person;     // who holds stub k << shift
    std::uint32_t at;  // which of their stubs it is
  };
  std::array<UninitVector<Select>, 4> select_;  // per circle
  std::array<unsigned, 4> select_shift_ = {};
  std::vector<KeyedPermutation> perm_;
  std::vector<std::uint64_t> nominal_hist_;
  std::array<double, 4> nominal_circle_ = {};
};

}  // namespace nanoreach

namespace nanoreach {
// Every person's ties() as one CSR (generate_dunbar is this on a fresh layer).
Csr materialize(const DunbarLayer& layer);
}  // namespace nanoreach
