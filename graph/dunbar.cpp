// The Dunbar generator (see the header for the model). Every decision is a pure function of
// (seed, pair) or of a stub's number, so one person's list can be rebuilt alone (DunbarLayer::ties) and
// the full build is that list for every person (generate_dunbar):
//   setup: one pass over people decides each person's 2R lattice pairs and counts, per circle, the
//          rewired stubs they hold; prefix sums per block of 64 people number the stubs in person order;
//   ties(i): i's 2R lattice decisions give the kept lattice ties of each circle (already in target order
//          but near the ring's seam); each of i's stubs is paired through the circle's keyed permutation
//          (the mate of stub s sits next to it in the permuted order), its holder found from the block
//          sums; the random ties are sorted, de-duplicated (a repeated partner keeps its smallest
//          circle), stripped of self-loops and of pairs that are lattice ties, and merged into the circles.
// Why a ring rather than disjoint nested groups: disjoint groups give cliques with clustering 1 and
// no friend-of-friend overlap between groups; a ring of nested neighbourhoods (Watts & Strogatz's
// lattice read as Dunbar's circles) gives each person their own nested circles, overlapping ones for
// their friends, clustering near 0.6-0.7 before rewiring, and a tie's existence decidable from its
// two ends alone, which is what makes the build parallel, deterministic and memory-lean, and lets the
// implicit graph store about 6 bytes per person instead of the ~900 of the explicit one.
#include "nanoreach/graph/dunbar.hpp"

#include <immintrin.h>
#include <sys/mman.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
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

namespace {
// Each person's target network size into size[0, n), and their histogram (kDunbarCap + 1 bins).
void target_sizes(const DunbarParams& p, std::uint64_t seed, std::uint8_t* size, std::uint64_t* hist) {
  p.validate();
  const node_t n = static_cast<node_t>(p.people);
  const std::uint64_t key = rng::derive(seed, rng::Purpose::graph_size);
  const double lo = p.size_min, hi = p.circles[3];
  // Box-Muller: z = sqrt(-2 log u) cos(2 pi v). Where cos(2 pi v) is clearly positive (v within 0.24 of
  // 0 or 1: cos >= 0.06, far beyond the last-bit error of cos), z >= 0, so a mean that already rounds
  // to the cap puts the person at the cap without the logarithm and the cosine: about half the people
  // at the default mean of 150, with the same sizes as the formula.
  const bool capped_above_mean = p.size_mean >= hi - 0.5 && lo <= hi;
  std::fill(hist, hist + kDunbarCap + 1, 0);
#pragma omp parallel
  {
    std::array<std::uint64_t, kDunbarCap + 1> h = {};
#pragma omp for schedule(static)
    for (node_t i = 0; i < n; ++i) {
      const double v = rng::to_unit(rng::hash(key, 2 * std::uint64_t(i) + 1));
      if (capped_above_mean && (v <= 0.24 || v >= 0.76)) {
        size[i] = static_cast<std::uint8_t>(hi);
        ++h[size[i]];
        continue;
      }
      const double u = rng::to_unit_pos(rng::hash(key, 2 * std::uint64_t(i)));
      const double z = std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
      const double s = std::clamp(std::round(p.size_mean + p.size_sd * z), lo, hi);
      size[i] = static_cast<std::uint8_t>(s);
      ++h[size[i]];
    }
#pragma omp critical
    for (std::size_t k = 0; k < h.size(); ++k) hist[k] += h[k];
  }
}
}  // namespace

std::vector<std::uint8_t> dunbar_target_sizes(const DunbarParams& p, std::uint64_t seed) {
  std::vector<std::uint8_t> size(p.people);
  std::array<std::uint64_t, kDunbarCap + 1> hist;
  target_sizes(p, seed, size.data(), hist.data());
  return size;
}

void advise_huge_pages(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t(1) << 21;
  const std::uintptr_t a = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t b = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (b > a) madvise(reinterpret_cast<void*>(a), b - a, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}


namespace {
// count[v] += occurrences of v in code[0, m) for the codes that matter (circles 1..4, rewired or not):
// byte compares and popcounts rather than increments that queue behind each other in memory.
__attribute__((target("avx512f,avx512bw"))) void count_codes_avx512(const std::uint8_t* code, std::uint32_t m,
                                                                     std::array<std::uint16_t, 16>& count) {
  for (std::uint32_t k = 0; k < m; k += 64) {
    const __mmask64 live = m - k >= 64 ? ~__mmask64(0) : (__mmask64(1) << (m - k)) - 1;
    const __m512i v = _mm512_maskz_loadu_epi8(live, code + k);
    for (int c : {1, 2, 3, 4, 9, 10, 11, 12})
      count[c] += static_cast<std::uint16_t>(__builtin_popcountll(_mm512_mask_cmpeq_epi8_mask(live, v, _mm512_set1_epi8(char(c)))));
  }
}

// The same, 32 bytes at a time; reads up to 31 bytes past m (the code buffers are padded for it).
__attribute__((target("avx2"))) void count_codes_avx2(const std::uint8_t* code, std::uint32_t m,
                                                       std::array<std::uint16_t, 16>& count) {
  for (std::uint32_t k = 0; k < m; k += 32) {
    const std::uint32_t live = m - k >= 32 ? ~0u : (1u << (m - k)) - 1;
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(code + k));
    for (int c : {1, 2, 3, 4, 9, 10, 11, 12})
      count[c] += static_cast<std::uint16_t>(__builtin_popcount(
          live & static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(char(c)))))));
  }
}
}  // namespace

void DunbarLayer::count_codes(const std::uint8_t* code, std::uint32_t m, std::array<std::uint16_t, 16>& count) const {
  if (kernel_ == Kernel::avx512) {
    count_codes_avx512(code, m, count);
    return;
  }
  if (kernel_ == Kernel::avx2) {
    count_codes_avx2(code, m, count);
    return;
  }
  for (std::uint32_t k = 0; k < m; ++k) ++count[code[k]];
}

namespace {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// The set-up pass over one chunk [a, b) of people away from the ring's seam, by diagonals rather than
// by people: for each ring distance d, the pairs (p, p + d) of every p in [a - d, b), 64 at a time, so
// both ends' data are contiguous and each pair's keep coin is compared with the Chung-Lu product
// fill_c(s_p) fill_c(s_q) / mean_c computed in place (the same doubles as the threshold table, whose
// entry ceil(y) an integer coin u is below exactly when u < y; no gather). The result per pair lands in
// byte planes: kept ties and rewired stubs per circle, counted at the left end (planes 0..7) and at the
// right end (planes 8..15) so that no store overlaps the next load. Plane index = person - (a - R).
// fill[(c - 1) * len + index] is fill_c of that person's size (0 outside the ring); counts hold
// 16 planes of len bytes, zeroed by the caller; len >= (b - a) + 2R + 64.

// What one ring distance d of the pass needs, the same for every kernel.
struct Diagonal {
  std::uint32_t d, cthr, rw;
  bool boundary;           // the circle coin may move a pair out of circle c0 ...
  const double* f0;        // ... whose fill plane this is,
  const double* f1;        // into c0 + 1, whose fill plane this is (nullptr: outside every circle)
  double im0, im1;         // 2^21 / mean of c0 and of c0 + 1
  std::size_t at, groups;  // the plane index of the first pair (a - d, a), groups of 64 pairs
  std::uint64_t h;         // the first pair's pre-mix word key + (z + 1) golden, z = (p << 32) | (p + d)
  // kept ties and stubs of c0 at the left and at the right end, then the same of c0 + 1
  std::uint8_t* plane[8];
};
// The pre-mix words of consecutive pairs (p, p + d), (p + 1, p + 1 + d) differ by this.
constexpr std::uint64_t kPairStep = ((std::uint64_t(1) << 32) + 1) * rng::kGolden;

Diagonal diagonal(std::uint32_t d, std::uint64_t a, std::uint64_t b, std::uint32_t R, std::uint64_t key,
                  const std::uint8_t* circle0, const std::uint32_t* cthr, std::uint32_t rw, const double* fill,
                  const double* im21, std::size_t len, std::uint8_t* counts) {
  Diagonal g;
  const int c0 = circle0[d], c1 = c0 + 1;  // c1 = 5: outside the outer circle, never kept
  g.d = d;
  g.cthr = cthr[d];
  g.rw = rw;
  g.boundary = cthr[d] < (1u << 21);
  g.f0 = fill + std::size_t(c0 - 1) * len;
  g.f1 = c1 <= 4 ? fill + std::size_t(c1 - 1) * len : nullptr;
  g.im0 = im21[c0 - 1];
  g.im1 = c1 <= 4 ? im21[c1 - 1] : 0.0;
  const std::uint64_t p0 = a - d;
  g.at = p0 - (a - R);
  g.groups = ((b - a) + d + 63) / 64;
  g.h = key + (((p0 << 32) | (p0 + d)) + 1) * rng::kGolden;
  for (int s = 0; s < 2; ++s) {
    const int c = s == 0 ? c0 : c1;
    g.plane[4 * s] = counts + std::size_t(c - 1) * len;      // kept, left end
    g.plane[4 * s + 1] = counts + std::size_t(c + 3) * len;  // stubs, left end
    g.plane[4 * s + 2] = g.plane[4 * s] + 8 * len + d;       // kept, right end
    g.plane[4 * s + 3] = g.plane[4 * s + 1] + 8 * len + d;   // stubs, right end
  }
  return g;
}

// plane[0, 64) += 1 where m has a bit.
__attribute__((target("avx512f,avx512bw"))) inline void bump_bytes(std::uint8_t* plane, std::uint64_t m, __m512i one8) {
  const __m512i x = _mm512_loadu_si512(plane);
  _mm512_storeu_si512(plane, _mm512_mask_add_epi8(x, m, x, one8));
}
// One distance with AVX-512, eight pairs per vector, specialised for boundary distances (kBoundary) with
// a circle to move into (kOuter).
template <bool kBoundary, bool kOuter>
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl"))) inline void diagonal_groups_avx512(const Diagonal& g) {
  const __m512i m1 = _mm512_set1_epi64(std::int64_t(0xBF58476D1CE4E5B9ULL));
  const __m512i m2 = _mm512_set1_epi64(std::int64_t(0x94D049BB133111EBULL));
  const __m512i mask21 = _mm512_set1_epi64(0x1FFFFF), vrw = _mm512_set1_epi64(g.rw), vct = _mm512_set1_epi64(g.cthr);
  const __m512i one8 = _mm512_set1_epi8(1);
  const __m512d y0s = _mm512_set1_pd(g.im0), y1s = _mm512_set1_pd(g.im1);
  const __m512i vstep = _mm512_set1_epi64(std::int64_t(8 * kPairStep));
  __m512i h0 = _mm512_add_epi64(
      _mm512_set1_epi64(std::int64_t(g.h)),
      _mm512_mullo_epi64(_mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7), _mm512_set1_epi64(std::int64_t(kPairStep))));
  const double *f0 = g.f0, *f1 = g.f1;
  const std::uint32_t d = g.d;
  std::size_t at = g.at;
  for (std::size_t n = 0; n < g.groups; ++n, at += 64) {
    std::uint64_t K0 = 0, S0 = 0, K1 = 0, S1 = 0;
#pragma GCC unroll 8
    for (int v = 0; v < 8; ++v) {
      __m512i z = h0;
      h0 = _mm512_add_epi64(h0, vstep);
      z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), m1);
      z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), m2);
      z = _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
      const __m512i uk = _mm512_and_si512(_mm512_srli_epi64(z, 21), mask21);
      const __mmask8 rewired = _mm512_cmplt_epu64_mask(_mm512_and_si512(_mm512_srli_epi64(z, 42), mask21), vrw);
      const __m512d ukd = _mm512_cvtepi64_pd(uk);
      const std::size_t k = at + 8 * v;
      const __m512d y0 = _mm512_mul_pd(_mm512_mul_pd(_mm512_loadu_pd(f0 + k), _mm512_loadu_pd(f0 + k + d)), y0s);
      __mmask8 kept0 = _mm512_cmp_pd_mask(ukd, y0, _CMP_LT_OQ);
      if constexpr (kBoundary) {
        const __mmask8 moved = _mm512_cmpge_epu64_mask(_mm512_and_si512(z, mask21), vct);
        kept0 &= static_cast<__mmask8>(~moved);
        if constexpr (kOuter) {
          const __m512d y1 = _mm512_mul_pd(_mm512_mul_pd(_mm512_loadu_pd(f1 + k), _mm512_loadu_pd(f1 + k + d)), y1s);
          const __mmask8 kept1 = moved & _mm512_cmp_pd_mask(ukd, y1, _CMP_LT_OQ);
          K1 |= std::uint64_t(kept1) << (8 * v);
          S1 |= std::uint64_t(kept1 & rewired) << (8 * v);
        }
      }
      K0 |= std::uint64_t(kept0) << (8 * v);
      S0 |= std::uint64_t(kept0 & rewired) << (8 * v);
    }
    bump_bytes(g.plane[0] + at, K0, one8);
    bump_bytes(g.plane[1] + at, S0, one8);
    bump_bytes(g.plane[2] + at, K0, one8);
    bump_bytes(g.plane[3] + at, S0, one8);
    if constexpr (kBoundary && kOuter) {
      bump_bytes(g.plane[4] + at, K1, one8);
      bump_bytes(g.plane[5] + at, S1, one8);
      bump_bytes(g.plane[6] + at, K1, one8);
      bump_bytes(g.plane[7] + at, S1, one8);
    }
  }
}
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl"))) void diagonal_avx512(const Diagonal& g) {
  if (!g.boundary)
    diagonal_groups_avx512<false, false>(g);
  else if (g.f1)
    diagonal_groups_avx512<true, true>(g);
  else
    diagonal_groups_avx512<true, false>(g);
}

// a x b mod 2^64 on four lanes from three 32 x 32 -> 64-bit products, b = (b_hi << 32) | b_lo (AVX2
// has no 64-bit multiply); also used by lattice_codes_avx2 below.
__attribute__((target("avx2"))) inline __m256i mul64_avx2(__m256i a, __m256i b_lo, __m256i b_hi) {
  const __m256i lo = _mm256_mul_epu32(a, b_lo);
  const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), b_lo), _mm256_mul_epu32(a, b_hi));
  return _mm256_add_epi64(lo, _mm256_slli_epi64(cross, 32));
}
// plane[0, 64) += 1 where m has a bit, without masked byte adds: each 32-bit half of m spread to one
// byte per bit (byte j gets mask byte j / 8, tested against bit j % 8), the all-ones bytes subtracted.
__attribute__((target("avx2"))) inline void bump_bytes_avx2(std::uint8_t* plane, std::uint64_t m) {
  const __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,  //
                                          2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
  const __m256i bits = _mm256_set1_epi64x(std::int64_t(0x8040201008040201ULL));
  for (int h = 0; h < 2; ++h) {
    const __m256i mb = _mm256_shuffle_epi8(_mm256_set1_epi32(std::int32_t(std::uint32_t(m >> (32 * h)))), spread);
    const __m256i on = _mm256_cmpeq_epi8(_mm256_and_si256(mb, bits), bits);
    __m256i* at = reinterpret_cast<__m256i*>(plane + 32 * h);
    _mm256_storeu_si256(at, _mm256_sub_epi8(_mm256_loadu_si256(at), on));
  }
}
// One distance with AVX2: the same pairs, coins, products and planes, four pairs per vector and sixteen
// vectors per group of 64. What AVX2 lacks is rebuilt exactly: 64-bit products from mul64_avx2;
// unsigned compares from signed ones (every value compared is below 2^63); the keep coin (below 2^21)
// as a double by or-ing it into the mantissa of 2^52 and subtracting 2^52; lane masks by movemask. The
// Chung-Lu product is the same two roundings (f_p f_q, then x im21), so the same pairs are kept.
__attribute__((target("avx2"))) void diagonal_avx2(const Diagonal& g) {
  const __m256i m1_lo = _mm256_set1_epi64x(0x1CE4E5B9), m1_hi = _mm256_set1_epi64x(0xBF58476D);
  const __m256i m2_lo = _mm256_set1_epi64x(0x133111EB), m2_hi = _mm256_set1_epi64x(0x94D049BB);
  const __m256i mask21 = _mm256_set1_epi64x(0x1FFFFF), vrw = _mm256_set1_epi64x(g.rw);
  const __m256i two52 = _mm256_set1_epi64x(0x4330000000000000);  // the bits of 2^52
  const __m256d two52d = _mm256_set1_pd(4503599627370496.0);
  const __m256i vstep = _mm256_set1_epi64x(std::int64_t(4 * kPairStep));
  const __m256d y0s = _mm256_set1_pd(g.im0), y1s = _mm256_set1_pd(g.im1);
  const __m256i vct = _mm256_set1_epi64x(g.cthr);
  __m256i h0 = _mm256_setr_epi64x(std::int64_t(g.h), std::int64_t(g.h + kPairStep), std::int64_t(g.h + 2 * kPairStep),
                                  std::int64_t(g.h + 3 * kPairStep));
  const double *f0 = g.f0, *f1 = g.f1;
  const std::uint32_t d = g.d;
  std::size_t at = g.at;
  for (std::size_t n = 0; n < g.groups; ++n, at += 64) {
    std::uint64_t K0 = 0, K1 = 0, RW = 0;
    for (int v = 0; v < 16; ++v) {
      __m256i z = h0;
      h0 = _mm256_add_epi64(h0, vstep);
      z = mul64_avx2(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), m1_lo, m1_hi);
      z = mul64_avx2(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), m2_lo, m2_hi);
      z = _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
      const __m256i uk = _mm256_and_si256(_mm256_srli_epi64(z, 21), mask21);
      const __m256i rewired = _mm256_cmpgt_epi64(vrw, _mm256_and_si256(_mm256_srli_epi64(z, 42), mask21));
      const __m256d ukd = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(uk, two52)), two52d);
      const std::size_t k = at + 4 * v;
      const __m256d y0 = _mm256_mul_pd(_mm256_mul_pd(_mm256_loadu_pd(f0 + k), _mm256_loadu_pd(f0 + k + d)), y0s);
      __m256d kept0 = _mm256_cmp_pd(ukd, y0, _CMP_LT_OQ);
      if (g.boundary) {
        const __m256d stays = _mm256_castsi256_pd(_mm256_cmpgt_epi64(vct, _mm256_and_si256(z, mask21)));
        kept0 = _mm256_and_pd(kept0, stays);
        if (f1) {
          const __m256d y1 = _mm256_mul_pd(_mm256_mul_pd(_mm256_loadu_pd(f1 + k), _mm256_loadu_pd(f1 + k + d)), y1s);
          const __m256d kept1 = _mm256_andnot_pd(stays, _mm256_cmp_pd(ukd, y1, _CMP_LT_OQ));
          K1 |= std::uint64_t(_mm256_movemask_pd(kept1)) << (4 * v);
        }
      }
      K0 |= std::uint64_t(_mm256_movemask_pd(kept0)) << (4 * v);
      RW |= std::uint64_t(_mm256_movemask_pd(_mm256_castsi256_pd(rewired))) << (4 * v);
    }
    bump_bytes_avx2(g.plane[0] + at, K0);
    bump_bytes_avx2(g.plane[1] + at, K0 & RW);
    bump_bytes_avx2(g.plane[2] + at, K0);
    bump_bytes_avx2(g.plane[3] + at, K0 & RW);
    if (g.boundary && f1) {
      bump_bytes_avx2(g.plane[4] + at, K1);
      bump_bytes_avx2(g.plane[5] + at, K1 & RW);
      bump_bytes_avx2(g.plane[6] + at, K1);
      bump_bytes_avx2(g.plane[7] + at, K1 & RW);
    }
  }
}
#pragma GCC diagnostic pop
}  // namespace

DunbarLayer::DunbarLayer(const DunbarParams& p, std::uint64_t seed, const std::function<void(double)>& progress,
                         Kernel kernel)
    : p_(p), n_(static_cast<node_t>(p.people)), key_(rng::derive(seed, rng::Purpose::graph_tie)) {
  p.validate();
  R_ = (p.circles[3] + 1) / 2;
  // The big arrays are allocated unwritten and first touched by the parallel passes that fill them.
  std::vector<std::uint64_t> hist(kDunbarCap + 1, 0);
  size_.resize(std::size_t(n_) + 16);  // the vector kernel reads sizes eight bytes at a time, past the end
  advise_huge_pages(size_.data(), size_.size());
  target_sizes(p, seed, size_.data(), hist.data());
  std::fill(size_.begin() + n_, size_.end(), std::uint8_t(0));
  // Each coin of a pair is a 21-bit integer u of its hash, read as u / 2^21; u / 2^21 < x holds
  // exactly when u < ceil(x 2^21), so every comparison is an integer one (the same in the scalar
  // and the vector code).
  constexpr double k2p21 = 2097152.0;
  auto threshold = [&](double x) { return static_cast<std::uint32_t>(std::min(std::ceil(x * k2p21), k2p21 + 1)); };
  circle0_.assign(R_ + 1, 0);
  circle_thr_.assign(R_ + 1, 1u << 21);
  for (std::uint32_t d = 1; d <= R_; ++d) {
    int c = 0;
    while (2.0 * d > 2.0 * std::ceil(p.circles[c] / 2.0)) ++c;  // smallest c with d <= ceil(h_c)
    circle0_[d] = static_cast<std::uint8_t>(c + 1);
    const double h = p.circles[c] / 2.0;
    // Boundary distance, shared with circle c + 1: the pair moves out with probability 1 - frac.
    if (d > std::floor(h)) circle_thr_[d] = threshold(h - std::floor(h));
  }
  rewire_thr_ = threshold(p.rewire);
  // The distances whose pairs can be of circle c: its own, and the boundary distance of circle c - 1
  // whose coin moves a pair out to c.
  for (int c = 1; c <= 4; ++c) {
    circle_dist_[c - 1] = {R_ + 1, 0};
    for (std::uint32_t d = 1; d <= R_; ++d)
      if (circle0_[d] == c || (circle0_[d] == c - 1 && circle_thr_[d] < (1u << 21))) {
        circle_dist_[c - 1][0] = std::min(circle_dist_[c - 1][0], d);
        circle_dist_[c - 1][1] = std::max(circle_dist_[c - 1][1], d);
      }
  }
  // Share of each circle's slots a person of size s fills, and its population mean (from exact
  // integer counts, so it does not depend on summation order); a pair of circle c between sizes s and
  // t survives with probability fill_c(s) fill_c(t) / mean_c (Chung-Lu).
  double fill[4][kDunbarCap + 1], inv_mean[4];
  double prev = 0;
  for (int c = 0; c < 4; ++c) {
    const double slots = p.circles[c] - prev;
    double mean = 0;
    for (std::uint32_t s = 0; s <= kDunbarCap; ++s) {
      fill[c][s] = std::clamp((s - prev) / slots, 0.0, 1.0);
      mean += fill[c][s] * static_cast<double>(hist[s]);
    }
    mean /= static_cast<double>(n_);
    inv_mean[c] = mean > 0 ? 1.0 / mean : 0.0;
    prev = p.circles[c];
  }
  // The keep coin u of a circle-c pair between sizes s and t keeps it when u < threshold(fill_c(s)
  // fill_c(t) / mean_c), that is when u < fill_c(s) fill_c(t) (2^21 / mean_c): scaling by a power of two
  // commutes with rounding, so the diagonal kernel compares with the same doubles.
  double im21[4];
  for (int c = 0; c < 4; ++c) im21[c] = inv_mean[c] * k2p21;
  // [circle 1..5][size of i][size of j]: circle 5 (outside the outer circle) never keeps. One circle's
  // plane is 89 KiB, so the community circle's, which most pairs use, stays in a core's L2 cache.
  keep_thr_.assign(std::size_t(5) * kPlane, 0);
  for (std::uint32_t s = 0; s < kSizes; ++s)
    for (std::uint32_t t = 0; t < kSizes; ++t)
      for (int c = 0; c < 4; ++c)
        keep_thr_[c * kPlane + std::size_t(s) * kSizes + t] = threshold(fill[c][s] * fill[c][t] * inv_mean[c]);
  // Per slot (ring order), padded with copies of the last slot: the vector code works in fours or
  // eights from slot 0 or slot R and may run 7 slots past 2R (and the counting reads 31 past).
  padded_slots_ = 2 * R_ + 32;
  slot_dist_.resize(padded_slots_);
  slot_off_.resize(padded_slots_);
  slot_c0_.resize(padded_slots_);
  slot_cthr_.resize(padded_slots_);
  for (std::uint32_t k = 0; k < padded_slots_; ++k) {
    const std::uint32_t kk = std::min(k, 2 * R_ - 1);
    const std::uint32_t d = kk < R_ ? R_ - kk : kk - R_ + 1;
    slot_dist_[k] = d;
    slot_off_[k] = kk < R_ ? -std::int32_t(d) : std::int32_t(d);
    slot_c0_[k] = circle0_[d];
    slot_cthr_[k] = circle_thr_[d];
  }
  use_kernel(kernel);

  // The one pass: stubs per person and circle, kept lattice ties for the nominal degrees. Chunks of
  // people in a fixed static schedule; each pair is decided once, from its left end, and counted at
  // both ends (a chunk also decides the R pairs reaching into it from the left); chunks at the ring's
  // seam decide each person's 2R pairs instead. Per-thread integer histograms: their sums do not
  // depend on order.
  stubs_.resize(n_);  // every person's entry is written below
  advise_huge_pages(stubs_.data(), stubs_.size() * sizeof(stubs_[0]));
  const node_t blocks = (n_ + kBlock - 1) / kBlock;
  std::vector<std::uint64_t> deg_hist(2 * std::size_t(R_) + 1, 0);
  std::array<std::uint64_t, 5> circle_ties = {};
  constexpr node_t kChunk = 128 * kBlock;
  const node_t chunks = (n_ + kChunk - 1) / kChunk;
  std::uint64_t done = 0;
#pragma omp parallel
  {
    std::vector<std::uint64_t> local_hist(deg_hist.size(), 0);
    std::array<std::uint64_t, 5> local_circle = {};
    std::vector<std::uint8_t> code(padded_slots_);
    std::vector<std::array<std::uint16_t, 16>> acc(kChunk);
    // The diagonal kernels' planes (see Diagonal).
    const bool by_distance = kernel_ == Kernel::avx512 || kernel_ == Kernel::avx2;
    const std::size_t len = by_distance ? kChunk + 2 * std::size_t(R_) + 64 : 0;
    std::vector<double> fillbuf(4 * len);
    std::vector<std::uint8_t> counts(16 * len);
#pragma omp for schedule(static, 1)
    for (node_t ch = 0; ch < chunks; ++ch) {
      const node_t a = ch * kChunk, b = static_cast<node_t>(std::min<std::uint64_t>(n_, std::uint64_t(a) + kChunk));
      for (node_t i = a; i < b; ++i) acc[i - a].fill(0);
      if (a < R_ || std::uint64_t(b) + R_ > n_) {
        for (node_t i = a; i < b; ++i) {
          lattice_codes(i, code.data());
          count_codes(code.data(), 2 * R_, acc[i - a]);
        }
      } else if (by_distance) {
        const std::size_t base = a - R_;
        for (int c = 0; c < 4; ++c)
          for (std::size_t k = 0; k < len; ++k) {
            const std::uint64_t q = base + k;
            fillbuf[c * len + k] = q < n_ ? fill[c][size_[q]] : 0.0;
          }
        std::fill(counts.begin(), counts.end(), std::uint8_t(0));
        for (std::uint32_t d = 1; d <= R_; ++d) {
          const Diagonal g = diagonal(d, a, b, R_, key_, circle0_.data(), circle_thr_.data(), rewire_thr_,
                                      fillbuf.data(), im21, len, counts.data());
          if (kernel_ == Kernel::avx512)
            diagonal_avx512(g);
          else
            diagonal_avx2(g);
        }
        for (node_t i = a; i < b; ++i) {
          const std::size_t k = i - base;
          for (int c = 1; c <= 4; ++c) {
            const auto kept = counts[(c - 1) * len + k] + counts[(c + 7) * len + k];
            const auto stub = counts[(c + 3) * len + k] + counts[(c + 11) * len + k];
            acc[i - a][c] = static_cast<std::uint16_t>(kept - stub);
            acc[i - a][c + 8] = static_cast<std::uint16_t>(stub);
          }
        }
      } else {
        for (node_t p = a - R_; p < b; ++p) {
          lattice_codes(p, code.data(), true);
          const std::uint8_t* right = code.data() + R_;  // right[d - 1]: the pair (p, p + d)
          if (p >= a) count_codes(right, R_, acc[p - a]);
          const std::uint32_t lo = p >= a ? 1 : a - p, hi = std::min<std::uint64_t>(R_, std::uint64_t(b) - 1 - p);
          for (std::uint32_t d = lo; d <= hi; ++d) ++acc[p + d - a][right[d - 1]];
        }
      }
      for (node_t i = a; i < b; ++i) {
        const auto& st = acc[i - a];
        std::uint32_t kept = 0, stub = 0;
        for (int c = 1; c <= 4; ++c) {
          kept += st[c];
          stub += st[c + 8];
          local_circle[c] += st[c] + st[c + 8];
        }
        stubs_[i] = std::uint32_t(st[9]) | (std::uint32_t(st[10]) << 8) | (std::uint32_t(st[11]) << 16) |
                    (std::uint32_t(st[12]) << 24);
        ++local_hist[kept + stub];
      }
      if (progress) {
        std::uint64_t now;
#pragma omp atomic capture
        now = done += b - a;
        if (omp_get_thread_num() == 0) progress(std::min(1.0, double(now) / double(n_)));
      }
    }
#pragma omp critical
    {
      for (std::size_t k = 0; k < deg_hist.size(); ++k) deg_hist[k] += local_hist[k];
      for (int c = 1; c <= 4; ++c) circle_ties[c] += local_circle[c];
    }
  }
  std::size_t top = deg_hist.size();
  while (top > 1 && deg_hist[top - 1] == 0) --top;
  deg_hist.resize(top);
  nominal_hist_ = std::move(deg_hist);
  for (int c = 0; c < 4; ++c) nominal_circle_[c] = double(circle_ties[c + 1]) / double(n_);

  // Stubs per block (in parallel, first touching the array), then their running sums.
  block_off_.resize(std::size_t(blocks) + 1);
  advise_huge_pages(block_off_.data(), block_off_.size() * sizeof(block_off_[0]));
  block_off_[0] = {0, 0, 0, 0};
#pragma omp parallel for schedule(static)
  for (node_t blk = 0; blk < blocks; ++blk) {
    std::array<std::uint64_t, 4> sum = {0, 0, 0, 0};
    const node_t last = static_cast<node_t>(std::min<std::uint64_t>(n_, std::uint64_t(blk + 1) * kBlock));
    for (node_t i = blk * kBlock; i < last; ++i)
      for (int c = 0; c < 4; ++c) sum[c] += (stubs_[i] >> (8 * c)) & 0xFF;
    block_off_[std::size_t(blk) + 1] = sum;
  }
  for (std::size_t b = 1; b <= blocks; ++b)
    for (int c = 0; c < 4; ++c) block_off_[b][c] += block_off_[b - 1][c];
  // One select entry per 2^shift stubs, 2^shift at most the mean stubs of a block: a lookup starts at
  // most a block or two of people before the holder. All four circles' entries in one pass.
  for (int c = 0; c < 4; ++c) {
    const std::uint64_t m = block_off_.back()[c];
    unsigned shift = 0;
    while ((std::uint64_t(2) << shift) * blocks <= m) ++shift;
    select_shift_[c] = shift;
    select_[c].resize(m == 0 ? 0 : ((m - 1) >> shift) + 1);  // every entry is written below
    advise_huge_pages(select_[c].data(), select_[c].size() * sizeof(Select));
    perm_.emplace_back(m, rng::derive(seed, rng::Purpose::graph_rewire, c));
  }
#pragma omp parallel for schedule(static, 1024)
  for (node_t blk = 0; blk < blocks; ++blk) {
    const node_t last = static_cast<node_t>(std::min<std::uint64_t>(n_, std::uint64_t(blk + 1) * kBlock));
    for (int c = 0; c < 4; ++c) {
      const unsigned shift = select_shift_[c], sh = 8 * c;
      Select* sel = select_[c].data();
      std::uint64_t t = block_off_[blk][c];
      std::uint64_t k = (t + (std::uint64_t(1) << shift) - 1) >> shift;  // first entry at or after t
      for (node_t i = blk * kBlock; i < last; ++i) {
        const std::uint64_t cnt = (stubs_[i] >> sh) & 0xFF;
        for (; (k << shift) < t + cnt; ++k) sel[k] = {i, static_cast<std::uint32_t>((k << shift) - t)};
        t += cnt;
      }
    }
  }

  if (progress) progress(1.0);
}

bool DunbarLayer::cpu_has(Kernel k) {
  switch (k) {
    case Kernel::scalar:
    case Kernel::best:
      return true;
    case Kernel::avx2:
      return __builtin_cpu_supports("avx2");
    case Kernel::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  }
  return false;
}

void DunbarLayer::use_kernel(Kernel k) {
  if (k == Kernel::best) k = cpu_has(Kernel::avx512) ? Kernel::avx512 : cpu_has(Kernel::avx2) ? Kernel::avx2 : Kernel::scalar;
  if (!cpu_has(k)) throw std::invalid_argument(std::string("DunbarLayer: this processor has no ") + kernel_name(k));
  kernel_ = k;
}

const char* DunbarLayer::kernel_name(Kernel k) {
  switch (k) {
    case Kernel::scalar: return "scalar";
    case Kernel::avx2: return "AVX2";
    case Kernel::avx512: return "AVX-512";
    case Kernel::best: return "best";
  }
  return "?";
}

// All 2R lattice pairs of person i in ring order (slot R - d is i - d, slot R - 1 + d is i + d), as
// codes circle | 8 x rewired (0: no tie), into code[0 .. padded slots). This is decide() for every
// slot at once; the AVX-512 version computes eight slots per instruction with the same integer
// arithmetic, so both give the same codes (tested), and is used where the processor has it.
namespace {
// GCC 12 warns about the intrinsics headers' own undefined vectors; nothing here reads one.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// a x b mod 2^64 on eight lanes from three 32 x 32 -> 64-bit products, b = (b_hi << 32) | b_lo: half
// the latency of vpmullq, which is what bounds a hash chain.
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl"))) inline __m512i mul64(__m512i a, __m512i b_lo, __m512i b_hi) {
  const __m512i lo = _mm512_mul_epu32(a, b_lo);
  const __m512i cross = _mm512_add_epi64(_mm512_mul_epu32(_mm512_srli_epi64(a, 32), b_lo), _mm512_mul_epu32(a, b_hi));
  return _mm512_add_epi64(lo, _mm512_slli_epi64(cross, 32));
}
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl"))) void lattice_codes_avx512(
    std::uint64_t i, std::uint64_t n, std::uint64_t key, std::uint32_t k0, std::uint32_t k1, const std::int32_t* off,
    const std::uint8_t* c0, const std::uint32_t* cthr, const std::uint32_t* keep_row, const std::uint8_t* size,
    const std::uint8_t* slot_size, std::uint32_t rw, std::uint32_t plane, std::uint8_t* code) {
  const __m512i vi = _mm512_set1_epi64(std::int64_t(i)), vn = _mm512_set1_epi64(std::int64_t(n));
  const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi64(1);
  const __m512i vkey = _mm512_set1_epi64(std::int64_t(key));
  const __m512i g_lo = _mm512_set1_epi64(std::int64_t(rng::kGolden & 0xFFFFFFFF)), g_hi = _mm512_set1_epi64(std::int64_t(rng::kGolden >> 32));
  const __m512i m1_lo = _mm512_set1_epi64(0x1CE4E5B9), m1_hi = _mm512_set1_epi64(0xBF58476D);
  const __m512i m2_lo = _mm512_set1_epi64(0x133111EB), m2_hi = _mm512_set1_epi64(0x94D049BB);
  const __m512i mask21 = _mm512_set1_epi64(0x1FFFFF), vrw = _mm512_set1_epi64(rw), eight = _mm512_set1_epi64(8);
  const __m512i byte = _mm512_set1_epi64(0xFF), vplane = _mm512_set1_epi64(plane);
  for (std::uint32_t k = k0; k < k1; k += 8) {
    __m512i x = _mm512_add_epi64(vi, _mm512_cvtepi32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(off + k))));
    x = _mm512_mask_add_epi64(x, _mm512_cmplt_epi64_mask(x, zero), x, vn);
    x = _mm512_mask_sub_epi64(x, _mm512_cmpge_epi64_mask(x, vn), x, vn);
    const __m512i lo = _mm512_min_epu64(x, vi), hi = _mm512_max_epu64(x, vi);
    __m512i z = _mm512_or_si512(_mm512_slli_epi64(lo, 32), hi);
    z = _mm512_add_epi64(vkey, mul64(_mm512_add_epi64(z, one), g_lo, g_hi));
    z = mul64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), m1_lo, m1_hi);
    z = mul64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), m2_lo, m2_hi);
    z = _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
    const __m512i uc = _mm512_and_si512(z, mask21);
    const __m512i uk = _mm512_and_si512(_mm512_srli_epi64(z, 21), mask21);
    const __m512i ur = _mm512_and_si512(_mm512_srli_epi64(z, 42), mask21);
    __m512i c = _mm512_cvtepu8_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(c0 + k)));
    const __m512i ct = _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(cthr + k)));
    c = _mm512_mask_add_epi64(c, _mm512_cmpge_epu64_mask(uc, ct), c, one);
    // The partners' sizes: contiguous bytes away from the ring's seam, gathered across it.
    const __m512i sz = slot_size ? _mm512_cvtepu8_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(slot_size + k)))
                                 : _mm512_and_si512(_mm512_i64gather_epi64(x, reinterpret_cast<const long long*>(size), 1), byte);
    const __m512i idx = _mm512_add_epi64(sz, _mm512_mul_epu32(_mm512_sub_epi64(c, one), vplane));
    const __m512i keep = _mm512_cvtepu32_epi64(_mm512_i64gather_epi32(idx, reinterpret_cast<const int*>(keep_row), 4));
    const __m512i v = _mm512_mask_or_epi64(c, _mm512_cmplt_epu64_mask(ur, vrw), c, eight);
    const __m512i out = _mm512_maskz_mov_epi64(_mm512_cmplt_epu64_mask(uk, keep), v);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(code + k), _mm512_cvtepi64_epi8(out));
  }
}

// The same codes four slots at a time with AVX2 (no unsigned 64-bit compares or min / max there: every
// value compared is below 2^63, so the signed ones give the same answers). Writes up to 3 slots past k1.
__attribute__((target("avx2"))) void lattice_codes_avx2(
    std::uint64_t i, std::uint64_t n, std::uint64_t key, std::uint32_t k0, std::uint32_t k1, const std::int32_t* off,
    const std::uint8_t* c0, const std::uint32_t* cthr, const std::uint32_t* keep_row, const std::uint8_t* size,
    const std::uint8_t* slot_size, std::uint32_t rw, std::uint32_t plane, std::uint8_t* code) {
  const __m256i vi = _mm256_set1_epi64x(std::int64_t(i)), vn = _mm256_set1_epi64x(std::int64_t(n));
  const __m256i vn1 = _mm256_set1_epi64x(std::int64_t(n) - 1);
  const __m256i zero = _mm256_setzero_si256(), one = _mm256_set1_epi64x(1);
  const __m256i vkey = _mm256_set1_epi64x(std::int64_t(key));
  const __m256i g_lo = _mm256_set1_epi64x(std::int64_t(rng::kGolden & 0xFFFFFFFF)),
                g_hi = _mm256_set1_epi64x(std::int64_t(rng::kGolden >> 32));
  const __m256i m1_lo = _mm256_set1_epi64x(0x1CE4E5B9), m1_hi = _mm256_set1_epi64x(0xBF58476D);
  const __m256i m2_lo = _mm256_set1_epi64x(0x133111EB), m2_hi = _mm256_set1_epi64x(0x94D049BB);
  const __m256i mask21 = _mm256_set1_epi64x(0x1FFFFF), vrw = _mm256_set1_epi64x(rw), eight = _mm256_set1_epi64x(8);
  const __m256i byte = _mm256_set1_epi64x(0xFF), vplane = _mm256_set1_epi64x(plane);
  // Lane l's low byte to byte l of the low 32 bits.
  const __m256i gather_bytes = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  for (std::uint32_t k = k0; k < k1; k += 4) {
    __m256i x = _mm256_add_epi64(vi, _mm256_cvtepi32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(off + k))));
    x = _mm256_add_epi64(x, _mm256_and_si256(_mm256_cmpgt_epi64(zero, x), vn));
    x = _mm256_sub_epi64(x, _mm256_and_si256(_mm256_cmpgt_epi64(x, vn1), vn));
    const __m256i x_gt = _mm256_cmpgt_epi64(x, vi);
    const __m256i lo = _mm256_blendv_epi8(x, vi, x_gt), hi = _mm256_blendv_epi8(vi, x, x_gt);
    __m256i z = _mm256_or_si256(_mm256_slli_epi64(lo, 32), hi);
    z = _mm256_add_epi64(vkey, mul64_avx2(_mm256_add_epi64(z, one), g_lo, g_hi));
    z = mul64_avx2(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), m1_lo, m1_hi);
    z = mul64_avx2(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), m2_lo, m2_hi);
    z = _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
    const __m256i uc = _mm256_and_si256(z, mask21);
    const __m256i uk = _mm256_and_si256(_mm256_srli_epi64(z, 21), mask21);
    const __m256i ur = _mm256_and_si256(_mm256_srli_epi64(z, 42), mask21);
    std::int32_t c4;
    std::memcpy(&c4, c0 + k, 4);
    __m256i c = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(c4));
    const __m256i ct = _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(cthr + k)));
    c = _mm256_sub_epi64(c, _mm256_andnot_si256(_mm256_cmpgt_epi64(ct, uc), _mm256_set1_epi64x(-1)));  // +1 where uc >= ct
    __m256i sz;
    if (slot_size) {
      std::int32_t s4;
      std::memcpy(&s4, slot_size + k, 4);
      sz = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(s4));
    } else {
      sz = _mm256_and_si256(_mm256_i64gather_epi64(reinterpret_cast<const long long*>(size), x, 1), byte);
    }
    const __m256i idx = _mm256_add_epi64(sz, _mm256_mul_epu32(_mm256_sub_epi64(c, one), vplane));
    const __m256i keep = _mm256_cvtepu32_epi64(_mm256_i64gather_epi32(reinterpret_cast<const int*>(keep_row), idx, 4));
    const __m256i v = _mm256_or_si256(c, _mm256_and_si256(_mm256_cmpgt_epi64(vrw, ur), eight));
    const __m256i out = _mm256_and_si256(_mm256_cmpgt_epi64(keep, uk), v);
    // Each lane's code (< 16) sits in its low dword: gather the four dwords, then their low bytes.
    const __m128i d = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(out, gather_bytes));
    const __m128i b = _mm_packus_epi16(_mm_packus_epi32(d, d), _mm_setzero_si128());
    const std::int32_t w = _mm_cvtsi128_si32(b);
    std::memcpy(code + k, &w, 4);
  }
}
#pragma GCC diagnostic pop
}  // namespace

void DunbarLayer::lattice_codes(node_t i, std::uint8_t* code, bool right_only) const {
  const std::uint32_t first = right_only ? R_ : 0;
  const std::uint32_t* keep_row = keep_thr_.data() + std::size_t(size_[i]) * kSizes;
  if (kernel_ != Kernel::scalar) {
    const bool seam = i < R_ || std::uint64_t(i) + R_ >= n_;
    auto run = [&](std::uint32_t k0, std::uint32_t k1, const std::uint8_t* slot_size) {
      if (kernel_ == Kernel::avx512)
        lattice_codes_avx512(i, n_, key_, k0, k1, slot_off_.data(), slot_c0_.data(), slot_cthr_.data(), keep_row,
                             size_.data(), slot_size, rewire_thr_, kPlane, code);
      else
        lattice_codes_avx2(i, n_, key_, k0, k1, slot_off_.data(), slot_c0_.data(), slot_cthr_.data(), keep_row,
                           size_.data(), slot_size, rewire_thr_, kPlane, code);
    };
    if (seam) {
      run(first, 2 * R_, nullptr);
    } else {
      // Left slots are people i - R .. i - 1, right ones i + 1 .. i + R: two contiguous runs of sizes
      // (what the left run writes past slot R - 1 the right run overwrites).
      if (!right_only) run(0, R_, size_.data() + i - R_);
      run(R_, 2 * R_, size_.data() + i + 1 - R_);
    }
    return;
  }
  for (std::uint32_t k = first; k < 2 * R_; ++k) {
    const std::uint32_t d = slot_dist_[k];
    const node_t j = k < R_ ? minus(i, d) : plus(i, d);
    const Decision t = decide(i, j, d);
    code[k] = static_cast<std::uint8_t>(t.circle | (t.rewired ? 8 : 0));
  }
}

std::uint32_t DunbarLayer::distance(node_t i, node_t j) const {
  const node_t a = std::min(i, j), b = std::max(i, j);
  const node_t d = std::min<node_t>(b - a, n_ - (b - a));
  return d <= R_ ? d : 0;
}

bool DunbarLayer::lattice_tie(node_t i, node_t j) const {
  const std::uint32_t d = distance(i, j);
  if (d == 0) return false;
  const Decision t = decide(i, j, d);
  return t.circle != 0 && !t.rewired;
}

std::array<std::uint64_t, 4> DunbarLayer::first_stubs(node_t i) const {
  const node_t blk = i / kBlock;
  std::uint64_t acc = 0;  // four 16-bit sums: at most 31 people x 150 stubs
  for (node_t p = blk * kBlock; p < i; ++p) {
    const std::uint64_t w = stubs_[p];
    acc += (w & 0xFF) | ((w & 0xFF00) << 8) | ((w & 0xFF0000) << 16) | ((w & 0xFF000000) << 24);
  }
  const auto& off = block_off_[blk];
  return {off[0] + (acc & 0xFFFF), off[1] + ((acc >> 16) & 0xFFFF), off[2] + ((acc >> 32) & 0xFFFF), off[3] + (acc >> 48)};
}

node_t DunbarLayer::stub_owner(std::uint64_t t, int circle) const {
  const unsigned shift = select_shift_[circle - 1];
  const Select e = select_[circle - 1][t >> shift];
  std::uint64_t s = ((t >> shift) << shift) - e.at;  // the first stub of e.person
  const unsigned sh = 8 * (circle - 1);
  for (node_t p = e.person;; ++p) {
    s += (stubs_[p] >> sh) & 0xFF;
    if (t < s) return p;
  }
}

std::optional<std::uint64_t> DunbarLayer::mate(std::uint64_t s, int circle) const {
  const KeyedPermutation& perm = perm_[circle - 1];
  const std::uint64_t m = perm.inverse(s) ^ 1;
  if (m >= perm.size()) return std::nullopt;  // the odd stub out
  return perm.forward(m);
}

// mate() of a person's stubs, round by round across the stubs, so that the hash chains of different
// stubs (each round depends on the previous one) overlap instead of waiting on each other.
void DunbarLayer::mates(const std::uint64_t* stub, std::uint64_t* out, std::size_t m) const {
  constexpr std::size_t kLanes = 16;
  for (std::size_t q0 = 0; q0 < m; q0 += kLanes) {
    const std::size_t w = std::min(kLanes, m - q0);
    std::uint64_t x[kLanes];
    const KeyedPermutation* perm[kLanes];
    for (std::size_t q = 0; q < w; ++q) {
      perm[q] = &perm_[stub[q0 + q] & 7];
      x[q] = stub[q0 + q] >> 3;
    }
    // Inverse: decrypt until inside the range (cycle walking), every lane in step.
    bool pending[kLanes];
    for (std::size_t q = 0; q < w; ++q) pending[q] = true;
    for (bool any = true; any;) {
      any = false;
      for (std::size_t q = 0; q < w; ++q)
        if (pending[q]) x[q] = perm[q]->decrypt(x[q]);
      for (std::size_t q = 0; q < w; ++q) {
        pending[q] = pending[q] && x[q] >= perm[q]->size();
        any |= pending[q];
      }
    }
    bool ok[kLanes];
    for (std::size_t q = 0; q < w; ++q) {
      x[q] ^= 1;
      ok[q] = x[q] < perm[q]->size();  // else the odd stub out
      pending[q] = ok[q];
    }
    for (bool any = true; any;) {
      any = false;
      for (std::size_t q = 0; q < w; ++q)
        if (pending[q]) x[q] = perm[q]->encrypt(x[q]);
      for (std::size_t q = 0; q < w; ++q) {
        pending[q] = pending[q] && x[q] >= perm[q]->size();
        any |= pending[q];
      }
    }
    for (std::size_t q = 0; q < w; ++q) out[q0 + q] = ok[q] ? x[q] : kNoMate;
  }
}

void DunbarLayer::ties(node_t i, TieList& out) const {
  const std::uint32_t slots = 2 * R_;
  out.code.resize(padded_slots_);
  lattice_codes(i, out.code.data());

  // Random ties: (partner << 8) | circle, sorted by partner; a repeated partner keeps its smallest circle.
  // All of i's stubs are paired at once (the permutations vectorised), then their holders are found
  // in three rounds of reads, each prefetched for every stub before any is used, so the cache misses
  // of different stubs overlap.
  auto& rnd = out.random;
  rnd.clear();
  auto& st = out.stub;
  st.clear();
  const std::uint32_t packed = stubs_[i];
  if (packed != 0) {
    const auto s0 = first_stubs(i);
    for (int c = 0; c < 4; ++c) {
      const std::uint32_t k = (packed >> (8 * c)) & 0xFF;
      for (std::uint64_t s = s0[c]; s < s0[c] + k; ++s) st.push_back((s << 3) | std::uint64_t(c));
    }
    out.mate.resize(st.size());
    mates(st.data(), out.mate.data(), st.size());
    for (std::size_t q = 0; q < st.size(); ++q)
      if (out.mate[q] != kNoMate) {
        const int c = int(st[q] & 7);
        __builtin_prefetch(&select_[c][out.mate[q] >> select_shift_[c]]);
      }
    for (std::size_t q = 0; q < st.size(); ++q)
      if (out.mate[q] != kNoMate) __builtin_prefetch(&stubs_[select_[st[q] & 7][out.mate[q] >> select_shift_[st[q] & 7]].person]);
    for (std::size_t q = 0; q < st.size(); ++q) {
      if (out.mate[q] == kNoMate) continue;
      const int c = int(st[q] & 7) + 1;
      const node_t j = stub_owner(out.mate[q], c);
      if (j == i || lattice_tie(i, j)) continue;
      rnd.push_back((std::uint64_t(j) << 8) | std::uint64_t(c));
    }
  }
  if (rnd.size() > 1) {
    std::sort(rnd.begin(), rnd.end());
    rnd.erase(std::unique(rnd.begin(), rnd.end(), [](std::uint64_t x, std::uint64_t y) { return (x >> 8) == (y >> 8); }),
              rnd.end());
  }

  // Counts per code (lattice ties of circle c have code c) and per circle of the random ties give
  // every circle's place in the list.
  std::array<std::uint16_t, 16> count = {};
  count_codes(out.code.data(), slots, count);
  std::uint32_t rcount[5] = {};
  for (std::uint64_t x : rnd) ++rcount[x & 0xFF];
  std::uint32_t pos = 0, lat[5];
  for (int c = 1; c <= 4; ++c) {
    lat[c] = pos;
    pos += count[c] + rcount[c];
    out.end[c - 1] = pos;
  }
  out.target.resize(pos);
  node_t* t = out.target.data();
  const bool seam = i < R_ || std::uint64_t(i) + R_ >= n_;
  // Each circle's lattice ties in ring order (which is id order away from the seam): only the slots
  // of the distances that can hold circle c are read, and every one is written, the write position
  // moving on only for a tie of c (no branch on the coins; a circle's extra write lands on the next
  // circle's first place, written after it, or on the one spare place at the end).
  auto& band = out.band;
  band.resize(slots + 1);
  std::uint32_t first[5], at[5];
  for (int c = 1, w = 0; c <= 4; ++c) {
    first[c] = w;
    const std::uint32_t dlo = circle_dist_[c - 1][0], dhi = circle_dist_[c - 1][1];
    if (dlo <= dhi) {
      const std::uint8_t* code = out.code.data();
      node_t* b = band.data();
      if (!seam) {
        const node_t left = i - R_, right = i + 1 - R_;
        for (std::uint32_t k = R_ - dhi; k <= R_ - dlo; ++k) {
          b[w] = left + k;
          w += code[k] == c;
        }
        for (std::uint32_t k = R_ - 1 + dlo; k <= R_ - 1 + dhi; ++k) {
          b[w] = right + k;
          w += code[k] == c;
        }
      } else {
        for (std::uint32_t k = R_ - dhi; k <= R_ - dlo; ++k) {
          b[w] = minus(i, R_ - k);
          w += code[k] == c;
        }
        for (std::uint32_t k = R_ - 1 + dlo; k <= R_ - 1 + dhi; ++k) {
          b[w] = plus(i, k - R_ + 1);
          w += code[k] == c;
        }
      }
    }
    at[c] = w;
  }
  for (int c = 1; c <= 4; ++c) {
    node_t* b = band.data() + first[c];
    node_t* e = band.data() + at[c];
    if (seam) std::sort(b, e);
    node_t* w = t + lat[c];
    if (rcount[c] != 0)
      for (std::uint64_t x : rnd) {  // merge the band with the random ties of circle c (both sorted)
        if ((x & 0xFF) != std::uint64_t(c)) continue;
        const node_t j = static_cast<node_t>(x >> 8);
        while (b < e && *b < j) *w++ = *b++;
        *w++ = j;
      }
    std::copy(b, e, w);
  }
}

std::size_t DunbarLayer::memory_bytes() const {
  std::size_t b = size_.size() + stubs_.size() * sizeof(std::uint32_t) + block_off_.size() * sizeof(block_off_[0]);
  for (int c = 0; c < 4; ++c) b += select_[c].size() * sizeof(Select);
  return b;
}

// Every person's ties() into one CSR: people in chunks, each thread building the lists of a contiguous
// share of the chunk into its own buffer, appended in person order. The nominal degrees bound the
// total from above, so the arrays are reserved once.
Csr generate_dunbar(const DunbarParams& p, std::uint64_t seed) {
  p.validate();
  return materialize(DunbarLayer(p, seed));
}

Csr materialize(const DunbarLayer& layer) {
  const node_t n = layer.people();
  std::uint64_t bound = 0;
  const auto& h = layer.nominal_degree_hist();
  for (std::size_t k = 0; k < h.size(); ++k) bound += k * h[k];
  std::vector<offset_t> offsets(std::size_t(n) + 1, 0);
  std::vector<node_t> targets;
  std::vector<std::uint8_t> circle;
  targets.reserve(bound);
  circle.reserve(bound);
  const int threads = omp_get_max_threads();
  std::vector<std::vector<node_t>> tbuf(threads);
  std::vector<std::vector<std::uint8_t>> cbuf(threads);
  constexpr node_t kChunk = 1u << 20;
  for (node_t first = 0; first < n; first = static_cast<node_t>(std::min<std::uint64_t>(n, std::uint64_t(first) + kChunk))) {
    const node_t last = static_cast<node_t>(std::min<std::uint64_t>(n, std::uint64_t(first) + kChunk));
#pragma omp parallel num_threads(threads)
    {
      const int t = omp_get_thread_num(), nt = omp_get_num_threads();
      const node_t span = last - first;
      const node_t lo = first + static_cast<node_t>(std::uint64_t(span) * t / nt);
      const node_t hi = first + static_cast<node_t>(std::uint64_t(span) * (t + 1) / nt);
      auto& tb = tbuf[t];
      auto& cb = cbuf[t];
      tb.clear();
      cb.clear();
      TieList list;
      for (node_t i = lo; i < hi; ++i) {
        layer.ties(i, list);
        tb.insert(tb.end(), list.target.begin(), list.target.end());
        for (int c = 1; c <= 4; ++c) cb.insert(cb.end(), list.end[c - 1] - list.begin_of(c), static_cast<std::uint8_t>(c));
        offsets[std::size_t(i) + 1] = list.size();
      }
    }
    for (int t = 0; t < threads; ++t) {
      targets.insert(targets.end(), tbuf[t].begin(), tbuf[t].end());
      circle.insert(circle.end(), cbuf[t].begin(), cbuf[t].end());
    }
  }
  for (std::size_t i = 1; i < offsets.size(); ++i) offsets[i] += offsets[i - 1];
  return Csr(std::move(offsets), std::move(targets), std::move(circle));
}

}  // namespace nanoreach
