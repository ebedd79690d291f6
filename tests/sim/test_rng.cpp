// Random streams: addressing, and the distributions the engine relies on, against their exact laws.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "nanoreach/rng.hpp"
#include "nanoreach/sim/engine.hpp"

using namespace nanoreach;

TEST_CASE("a stream is a pure function of its address", "[rng]") {
  const std::uint64_t key = rng::derive(1, rng::Purpose::cascade, 2);
  rng::Stream a(key, 5, 6, 7), b(key, 5, 6, 7), c(key, 5, 6, 8);
  std::vector<std::uint32_t> xa, xb, xc;
  for (int i = 0; i < 20; ++i) {
    xa.push_back(a.u32());
    xb.push_back(b.u32());
    xc.push_back(c.u32());
  }
  REQUIRE(xa == xb);
  REQUIRE(xa != xc);
  REQUIRE(rng::derive(1, rng::Purpose::cascade, 2) != rng::derive(1, rng::Purpose::cascade, 3));
  REQUIRE(rng::derive(1, rng::Purpose::cascade) != rng::derive(2, rng::Purpose::cascade));
}

TEST_CASE("first_blocks computes Random123's Philox blocks, and a stream started from one continues it", "[rng]") {
  const std::uint64_t key = rng::derive(3, rng::Purpose::cascade, 9);
  // 150 streams: two full vector batches of 64 and a ragged one.
  std::vector<std::uint32_t> c1(150);
  for (std::size_t i = 0; i < c1.size(); ++i) c1[i] = static_cast<std::uint32_t>(i * 2654435761u);
  std::vector<std::uint32_t[4]> first(c1.size());
  rng::first_blocks(key, c1.data(), 17, 4, c1.size(), first.data());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < c1.size(); ++i) {
    r123::Philox4x32::ctr_type ctr = {{0, c1[i], 17, 4}};
    const r123::Philox4x32::key_type k = {{static_cast<std::uint32_t>(key), static_cast<std::uint32_t>(key >> 32)}};
    const auto block = r123::Philox4x32()(ctr, k);
    for (int j = 0; j < 4; ++j) mismatches += block.v[j] != first[i][j];
    rng::Stream plain(key, c1[i], 17, 4), started(key, c1[i], 17, 4, first[i]);
    for (int j = 0; j < 13; ++j) mismatches += plain.u32() != started.u32();  // across three blocks
  }
  REQUIRE(mismatches == 0);
}

TEST_CASE("a BlockStream draws the numbers of the Stream with the same address, in the same order", "[rng]") {
  const std::uint64_t key = rng::derive(5, rng::Purpose::audience_pick);
  std::size_t mismatches = 0, draws = 0;
  for (std::uint32_t c1 : {0u, 7u, 0xFFFFFFFFu}) {
    rng::Stream plain(key, c1, 3, 9);
    rng::BlockStream<8> eight(key, c1, 3, 9);
    rng::BlockStream<3> three(key, c1, 3, 9);
    // Mixed draws over many refills, each a different number of words.
    for (int j = 0; j < 2000; ++j) {
      const std::uint64_t n = 1 + (j * 2654435761u) % 300;
      const std::uint64_t a = plain.below(n), b = eight.below(n), c = three.below(n);
      mismatches += (a != b) + (a != c);
      if (j % 7 == 0) {
        const std::uint64_t x = plain.u64();
        mismatches += (x != eight.u64()) + (x != three.u64());
      }
      draws += 1 + (j % 7 == 0);
    }
  }
  REQUIRE(draws > 6000);
  REQUIRE(mismatches == 0);
}

TEST_CASE("below(n) is uniform: chi-square over 10 cells", "[rng]") {
  rng::Stream s(42);
  const int n = 10, draws = 200000;
  std::vector<int> count(n, 0);
  for (int i = 0; i < draws; ++i) ++count[s.below(n)];
  double chi2 = 0;
  for (int c : count) chi2 += (c - draws / n) * (c - draws / n) / double(draws / n);
  // 9 degrees of freedom: P(chi2 > 27.9) = 0.001.
  REQUIRE(chi2 < 27.9);
}

TEST_CASE("the ziggurat exponential has mean 1, variance 1 and the right tail", "[rng]") {
  rng::Stream s(7);
  const int draws = 400000;
  double sum = 0, sum2 = 0, tail = 0;
  for (int i = 0; i < draws; ++i) {
    const double e = s.exponential_fast();
    REQUIRE(e >= 0);
    sum += e;
    sum2 += e * e;
    tail += e > 8.0;  // beyond the base layer's edge (7.697): exercises the exact fallback
  }
  const double mean = sum / draws, var = sum2 / draws - mean * mean;
  // Mean: SE = 1/sqrt(draws) = 0.0016; tolerance 4 SE. Variance: SE = sqrt(8/draws) = 0.0045 (E[X^4]=24).
  REQUIRE(std::abs(mean - 1.0) < 4 / std::sqrt(double(draws)));
  REQUIRE(std::abs(var - 1.0) < 4 * std::sqrt(8.0 / draws));
  // P(E > 8) = e^-8 = 3.35e-4: about 134 of 400,000, binomial SE 11.6; tolerance 4 SE.
  REQUIRE(std::abs(tail - draws * std::exp(-8.0)) < 4 * std::sqrt(draws * std::exp(-8.0)));
}

TEST_CASE("skip-sampling fires each edge with probability p, independently", "[rng][engine]") {
  // 200 edges, p = 0.07, 20,000 streams: each edge's firing count is Binomial(20000, 0.07)
  // (SE 36); every count within 4.5 SE, and pairs of neighbouring edges fire together p^2 of the time.
  const int edges = 200, streams = 20000;
  const double p = 0.07;
  const Coin coin = Coin::of(p);
  std::vector<int> fired(edges, 0), pairs(edges - 1, 0);
  for (int r = 0; r < streams; ++r) {
    rng::Stream s(rng::derive(3, rng::Purpose::cascade), r);
    std::vector<char> hit(edges, 0);
    sample_edges(s, 0, edges, coin, [&](offset_t i) { hit[i] = 1; });
    for (int i = 0; i < edges; ++i) fired[i] += hit[i];
    for (int i = 0; i + 1 < edges; ++i) pairs[i] += hit[i] && hit[i + 1];
  }
  const double se = std::sqrt(streams * p * (1 - p));
  for (int c : fired) REQUIRE(std::abs(c - streams * p) < 4.5 * se);
  double pair_total = 0;
  for (int c : pairs) pair_total += c;
  const double expect = (edges - 1) * double(streams) * p * p;
  REQUIRE(std::abs(pair_total - expect) < 4 * std::sqrt(expect));  // Poisson-like SE of the total
  // p = 0 fires nothing and p = 1 fires everything, drawing no random numbers.
  rng::Stream s(1);
  int n0 = 0, n1 = 0;
  sample_edges(s, 0, 50, Coin::of(0.0), [&](offset_t) { ++n0; });
  sample_edges(s, 0, 50, Coin::of(1.0), [&](offset_t) { ++n1; });
  REQUIRE(n0 == 0);
  REQUIRE(n1 == 50);
}
