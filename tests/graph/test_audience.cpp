// The audience layer: heavy tails, locality that falls with size, exact sizes, no duplicates of strong
// ties, determinism; tiers and their thresholds.
#include <catch2/catch.hpp>

#include <omp.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "nanoreach/graph/audience.hpp"
#include "nanoreach/graph/build.hpp"
#include "nanoreach/graph/dunbar.hpp"
#include "nanoreach/graph/social.hpp"

using namespace nanoreach;

namespace {
SocialGraph social(node_t n, std::uint64_t seed, AudienceParams a = {}) {
  DunbarParams d;
  d.people = n;
  SocialGraph g;
  g.strong = generate_dunbar(d, seed);
  g.audience = generate_audience(g.strong, a, seed);
  g.assign_tiers(TierRule{});
  return g;
}
}  // namespace

TEST_CASE("audience sizes follow the power law: tail probabilities within standard errors", "[audience]") {
  AudienceParams a;  // exponent 2.276, min 10
  const node_t n = 200000;
  const auto size = draw_audience_sizes(a, n, 3);
  for (double x : {20.0, 100.0, 1000.0}) {
    double over = 0;
    for (auto s : size) over += s >= x;
    // P(A >= x) = (x / 10)^-(2.276 - 1) for a floored Pareto; binomial SE; tolerance 4 SE.
    const double p = std::pow(x / 10.0, -1.276);
    INFO("x " << x);
    REQUIRE(std::abs(over / n - p) < 4 * std::sqrt(p * (1 - p) / n));
  }
  a.distribution = AudienceParams::Distribution::none;
  for (auto s : draw_audience_sizes(a, 100, 3)) REQUIRE(s == 0);
}

TEST_CASE("audiences: exact sizes, never self or a strong tie, sorted, deterministic on any thread count",
          "[audience][threads]") {
  std::vector<Csr> layers;
  for (int t : {1, 2, 8}) {
    omp_set_num_threads(t);
    layers.push_back(social(20000, 4).audience);
  }
  omp_set_num_threads(2);
  REQUIRE(layers[0] == layers[1]);
  REQUIRE(layers[0] == layers[2]);
  const SocialGraph g = social(20000, 4);
  g.check();  // no self-loops, no strong tie as follower, canonical order, tiers consistent
  AudienceParams a;
  const auto size = draw_audience_sizes(a, 20000, 4);
  for (node_t u = 0; u < 20000; ++u)
    REQUIRE(g.followers(u) == std::min<std::uint64_t>(size[u], 20000 - 1 - g.strong.degree(u)));
}

TEST_CASE("small audiences are mostly friends of friends, large ones the whole population", "[audience]") {
  const SocialGraph g = social(30000, 5);
  // Share of an account's followers who are friends of a friend, by audience size.
  auto local_share = [&](node_t u) {
    std::vector<char> two_hop(g.people(), 0);
    for (node_t f : g.strong.neighbors(u))
      for (node_t ff : g.strong.neighbors(f)) two_hop[ff] = 1;
    double local = 0;
    for (node_t v : g.audience.neighbors(u)) local += two_hop[v];
    return local / g.followers(u);
  };
  double small = 0, large = 0;
  int ns = 0, nl = 0;
  for (node_t u = 0; u < g.people(); ++u) {
    const auto f = g.followers(u);
    if (f >= 20 && f <= 60 && ns < 200) {
      small += local_share(u);
      ++ns;
    }
    if (f >= 3000 && nl < 20) {
      large += local_share(u);
      ++nl;
    }
  }
  REQUIRE(ns == 200);
  REQUIRE(nl >= 5);
  // Designed shares: 1000/(1000+A) is about 0.96-0.98 for A in 20..60 and at most 0.25 from 3,000 on
  // (plus the 2-hop neighbourhood's share of the population by chance, under 1% here).
  REQUIRE(small / ns > 0.9);
  REQUIRE(large / nl < 0.3);
}

TEST_CASE("tiers: absolute, fraction and automatic thresholds", "[tiers]") {
  TierRule r;
  const TierThresholds at1m = resolve_tiers(r, 1000000);
  REQUIRE(at1m.min_followers == std::array<std::uint64_t, 4>{100, 3000, 10000, 100000});
  REQUIRE(at1m.rule == "automatic");
  REQUIRE(resolve_tiers(r, 10000000).min_followers == std::array<std::uint64_t, 4>{100, 3000, 10000, 1000000});
  REQUIRE(resolve_tiers(r, 100000).min_followers == std::array<std::uint64_t, 4>{100, 300, 1000, 10000});
  r.mode = TierRule::Mode::absolute;
  REQUIRE(resolve_tiers(r, 1000).min_followers == std::array<std::uint64_t, 4>{100, 3000, 10000, 1000000});
  r.mode = TierRule::Mode::fraction;
  REQUIRE(resolve_tiers(r, 1000000).min_followers == std::array<std::uint64_t, 4>{1000, 3000, 10000, 100000});
  const TierThresholds th = at1m;
  REQUIRE(tier_of(99, th) == Tier::none);
  REQUIRE(tier_of(100, th) == Tier::nano);
  REQUIRE(tier_of(2999, th) == Tier::nano);
  REQUIRE(tier_of(3000, th) == Tier::micro);
  REQUIRE(tier_of(100000, th) == Tier::mega);
  REQUIRE(std::string(tier_name(Tier::none)) == "ordinary");
  REQUIRE(parse_tier("mega") == Tier::mega);
  REQUIRE_FALSE(parse_tier("giga"));
}

TEST_CASE("build_graph: sources, and directed edge lists split into strong ties and audiences", "[build]") {
  GraphSpec s;
  s.source = GraphSpec::Source::erdos_renyi;
  s.dunbar.people = 2000;
  s.mean_degree = 4;
  s.circle = 2;
  const SocialGraph g = build_graph(s, 1);
  g.check();
  for (auto c : g.strong.attr()) REQUIRE(c == 2);
  REQUIRE_FALSE(g.dunbar_capped);
  REQUIRE(g.audience.num_edges() > 0);  // an audience is generated on any source

  // "u v" = v follows u: 0 and 1 follow each other (a strong tie); 2 follows 0 and 3 follows 1 (audience).
  const std::string path = std::filesystem::temp_directory_path() / "nanoreach_directed_test.txt";
  {
    std::ofstream(path) << "# directed\n10 11\n11 10\n10 12\n11 13\n";
  }
  GraphSpec d;
  d.source = GraphSpec::Source::edgelist;
  d.path = path;
  d.directed = true;
  const SocialGraph dg = build_graph(d, 1);
  std::filesystem::remove(path);
  dg.check();
  REQUIRE(dg.people() == 4);
  REQUIRE(dg.external_ids == std::vector<std::uint64_t>{10, 11, 12, 13});
  REQUIRE(dg.strong.num_edges() == 2);   // one tie, both ways
  REQUIRE(dg.strong.has_edge(0, 1));
  REQUIRE(dg.audience.num_edges() == 2);  // 0 -> 2, 1 -> 3
  REQUIRE(dg.audience.has_edge(0, 2));
  REQUIRE(dg.audience.has_edge(1, 3));
}
