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
#include <vector>

#include "nanoreach/graph/csr.hpp"

namespace nanoreach {

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

// The strong-tie layer, attribute = circle 1..4, sorted by (circle, target).
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

 private:
  std::uint64_t encrypt(std::uint64_t x) const;
  std::uint64_t decrypt(std::uint64_t y) const;
  static constexpr std::uint64_t kRounds = 6;
  std::uint64_t n_, key_;
  unsigned low_bits_, high_bits_;
  std::uint64_t low_mask_, high_mask_;
};

}  // namespace nanoreach
