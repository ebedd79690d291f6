// Seeding strategies, prices and budgets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "fixtures.hpp"
#include "nanoreach/graph/build.hpp"
#include "nanoreach/sim/seeding.hpp"

using namespace nanoreach;
using namespace nanoreach::test;

namespace {
StrategySpec spec(const std::string& name, StrategyKind kind) {
  StrategySpec s;
  s.name = name;
  s.kind = kind;
  return s;
}
const SocialGraph& graph() {
  static const SocialGraph g = small_social(20000, 4);  // automatic tiers: 100 / 60 ... see below
  return g;
}
}  // namespace

TEST_CASE("tier prices: low at the tier's threshold, high at the next, rising in between", "[seeding]") {
  CostModel c;
  TierThresholds th;
  th.min_followers = {100, 3000, 10000, 1000000};
  REQUIRE(c.cost(Tier::nano, 100, th) == Approx(10));
  REQUIRE(c.cost(Tier::nano, 3000, th) == Approx(100));
  REQUIRE(c.cost(Tier::micro, 3000, th) == Approx(100));
  REQUIRE(c.cost(Tier::macro, 10000, th) == Approx(500));
  REQUIRE(c.cost(Tier::mega, 1000000, th) == Approx(10000));
  REQUIRE(c.cost(Tier::mega, 100000000, th) == Approx(100000));
  REQUIRE(c.cost(Tier::none, 40, th) == Approx(10));
  double last = 0;
  for (std::uint64_t f = 100; f < 3000; f += 97) {
    const double x = c.cost(Tier::nano, f, th);
    REQUIRE(x >= last);
    last = x;
  }
  c.kind = CostModel::Kind::linear;
  REQUIRE(c.cost(Tier::mega, 1000000, th) == Approx(10 + 0.01 * 1e6));
}

TEST_CASE("tier strategy: k distinct people of the tier, reproducible per run, different per run", "[seeding]") {
  const SocialGraph& g = graph();
  const Exposure ex(g, Campaign{});
  StrategySpec s = spec("nano", StrategyKind::tier);
  s.tier = Tier::nano;
  s.k = 50;
  const Strategy st(s, ex, CostModel{}, 1);
  const SeedSet a = st.draw(3), b = st.draw(3), c = st.draw(4);
  REQUIRE(a.people == b.people);
  REQUIRE(a.people != c.people);
  REQUIRE(std::set<node_t>(a.people.begin(), a.people.end()).size() == 50);
  for (node_t u : a.people) REQUIRE(g.tier[u] == Tier::nano);
  // Another name, another stream.
  s.name = "nano2";
  REQUIRE(Strategy(s, ex, CostModel{}, 1).draw(3).people != a.people);
}

TEST_CASE("sampling without replacement is uniform: each person drawn with probability k/m", "[seeding]") {
  // Pool of m = 10, k = 7 (past the switch to shuffling); 20,000 draws. Each count is
  // Binomial(20000, 0.7): sd = sqrt(20000 * 0.7 * 0.3) = 64.8; tolerance 4.5 sd (10 cells).
  const int m = 10, k = 7, draws = 20000;
  std::vector<int> count(m, 0);
  for (int d = 0; d < draws; ++d) {
    rng::Stream rs(rng::derive(9, rng::Purpose::seeding), d);
    SequentialSampler sampler(m, rs);
    std::set<std::uint64_t> seen;
    for (int i = 0; i < k; ++i) {
      const auto x = sampler.next();
      REQUIRE(x);
      REQUIRE(seen.insert(*x).second);
      ++count[*x];
    }
  }
  for (int c : count) REQUIRE(std::abs(c - draws * 0.7) < 4.5 * std::sqrt(draws * 0.7 * 0.3));
  rng::Stream rs(1);
  SequentialSampler all(3, rs);
  REQUIRE(all.next());
  REQUIRE(all.next());
  REQUIRE(all.next());
  REQUIRE_FALSE(all.next());
}

TEST_CASE("budget strategy never overspends and stops only when nothing more is affordable", "[seeding]") {
  const SocialGraph& g = graph();
  const Exposure ex(g, Campaign{});
  StrategySpec s = spec("nano_budget", StrategyKind::budget);
  s.tier = Tier::nano;
  s.budget = 2000;
  const Strategy st(s, ex, CostModel{}, 1);
  double cheapest = INFINITY;
  for (node_t u : tier_members(g, Tier::nano)) cheapest = std::min(cheapest, st.price(u));
  for (std::uint32_t run = 0; run < 20; ++run) {
    const SeedSet set = st.draw(run);
    REQUIRE(set.cost <= s.budget + 1e-9);
    REQUIRE(s.budget - set.cost < std::max(cheapest, 1e-9) + 1e-9);  // could not buy even the cheapest
    double c = 0;
    for (node_t u : set.people) {
      REQUIRE(g.tier[u] == Tier::nano);
      c += st.price(u);
    }
    REQUIRE(c == Approx(set.cost));
  }
}

TEST_CASE("mix spends each share on its tier, nominal reach reaches its follower target", "[seeding]") {
  const SocialGraph& g = graph();
  const Exposure ex(g, Campaign{});
  StrategySpec s = spec("mix", StrategyKind::mix);
  s.mix_tiers = {Tier::nano, Tier::micro};
  s.mix_shares = {0.5, 0.5};
  s.budget = 3000;
  const Strategy st(s, ex, CostModel{}, 1);
  const SeedSet set = st.draw(0);
  double nano = 0, micro = 0;
  for (node_t u : set.people) (g.tier[u] == Tier::nano ? nano : micro) += st.price(u);
  REQUIRE(nano <= 1500 + 1e-9);
  REQUIRE(micro <= 1500 + 1e-9);
  REQUIRE(nano > 0);
  REQUIRE(micro > 0);

  StrategySpec r = spec("reach", StrategyKind::nominal_reach);
  r.tier = Tier::nano;
  r.reach = 5000;
  const SeedSet rs = Strategy(r, ex, CostModel{}, 1).draw(2);
  REQUIRE(rs.followers >= 5000);
  REQUIRE(rs.followers - g.followers(rs.people.back()) < 5000);  // the last one was needed
}

TEST_CASE("fixed strategies: top followers, degree and core are the true top k", "[seeding]") {
  const SocialGraph& g = graph();
  const Exposure ex(g, Campaign{});
  StrategySpec s = spec("top", StrategyKind::top_followers);
  s.k = 10;
  const Strategy st(s, ex, CostModel{}, 1);
  REQUIRE(st.fixed());
  const SeedSet set = st.draw(0);
  REQUIRE(set.people == st.draw(99).people);
  std::uint32_t weakest = UINT32_MAX;
  for (node_t u : set.people) weakest = std::min(weakest, g.followers(u));
  std::uint32_t above = 0;
  for (node_t u = 0; u < g.people(); ++u) above += g.followers(u) > weakest;
  REQUIRE(above < 10);
  s.kind = StrategyKind::top_degree;
  for (node_t u : Strategy(s, ex, CostModel{}, 1).draw(0).people) REQUIRE(g.strong.degree(u) >= 140);
  s.kind = StrategyKind::top_core;
  REQUIRE(Strategy(s, ex, CostModel{}, 1).draw(0).people.size() == 10);
}

TEST_CASE("strategies that cannot be carried out are clear errors naming the key", "[seeding]") {
  const SocialGraph& g = graph();
  const Exposure ex(g, Campaign{});
  const auto nano = tier_members(g, Tier::nano).size();
  StrategySpec s = spec("nano", StrategyKind::tier);
  s.tier = Tier::nano;
  s.k = static_cast<std::uint32_t>(nano + 1);
  REQUIRE_THROWS_WITH(Strategy(s, ex, CostModel{}, 1),
                      Catch::Contains("strategy.nano.k") && Catch::Contains("has only " + std::to_string(nano)));
  StrategySpec b = spec("mega_budget", StrategyKind::budget);
  b.tier = Tier::mega;
  b.budget = 5;
  REQUIRE_THROWS_WITH(Strategy(b, ex, CostModel{}, 1),
                      Catch::Contains("strategy.mega_budget.budget") && Catch::Contains("buys nobody"));
  // A tier that is empty: 20,000 people cannot hold an absolute mega account.
  SocialGraph copy = g;
  TierRule rule;
  rule.mode = TierRule::Mode::absolute;
  copy.assign_tiers(rule);
  const Exposure ex2(copy, Campaign{});
  StrategySpec m = spec("mega", StrategyKind::tier);
  m.tier = Tier::mega;
  m.k = 1;
  REQUIRE_THROWS_WITH(Strategy(m, ex2, CostModel{}, 1), Catch::Contains("strategy.mega.tier") && Catch::Contains("empty"));
}

TEST_CASE("influentials: random people from the top share by strong degree, empty budgets when allowed",
          "[seeding]") {
  const SocialGraph& g = graph();
  const Exposure ex(g, Campaign{});
  StrategySpec s = spec("influential", StrategyKind::random);
  s.k = 1;
  s.top_fraction = 0.1;
  const Strategy st(s, ex, CostModel{}, 1);
  // The 10th-percentile-from-the-top degree: every drawn person has at least it.
  std::vector<std::uint32_t> deg(g.people());
  for (node_t u = 0; u < g.people(); ++u) deg[u] = g.strong.degree(u);
  std::nth_element(deg.begin(), deg.begin() + g.people() / 10, deg.end(), std::greater<>());
  const std::uint32_t cut = deg[g.people() / 10];
  std::set<node_t> seen;
  for (std::uint32_t run = 0; run < 200; ++run) {
    const node_t u = st.draw(run).people.at(0);
    REQUIRE(g.strong.degree(u) >= cut);
    seen.insert(u);
  }
  REQUIRE(seen.size() > 150);  // 200 draws from 2,000 people: mostly distinct
  s.top_fraction = 0;
  REQUIRE_THROWS_WITH(Strategy(s, ex, CostModel{}, 1), Catch::Contains("strategy.influential.top_fraction"));

  StrategySpec b = spec("mega_budget", StrategyKind::budget);
  b.tier = Tier::mega;
  b.budget = 5;
  b.empty_ok = true;
  const Strategy none(b, ex, CostModel{}, 1);
  const SeedSet empty = none.draw(0);
  REQUIRE(empty.people.empty());
  REQUIRE(empty.cost == 0);
  REQUIRE_THAT(none.note(), Catch::Contains("buys nobody") && Catch::Contains("the cheapest mega account costs $"));
}

TEST_CASE("an empty tier is an error naming empty_ok, or with empty_ok no seeds and a note", "[seeding]") {
  // 20,000 people cut by absolute thresholds hold no mega account.
  SocialGraph g = graph();
  TierRule rule;
  rule.mode = TierRule::Mode::absolute;
  g.assign_tiers(rule);
  REQUIRE(tier_members(g, Tier::mega).empty());
  REQUIRE_FALSE(tier_members(g, Tier::nano).empty());
  const Exposure ex(g, Campaign{});
  StrategySpec b = spec("mega", StrategyKind::budget);
  b.tier = Tier::mega;
  b.budget = 50000;
  REQUIRE_THROWS_WITH(Strategy(b, ex, CostModel{}, 1),
                      Catch::Contains("strategy.mega.tier") && Catch::Contains("the mega tier is empty") &&
                          Catch::Contains("mega >= 1,000,000") && Catch::Contains("strategy.mega.empty_ok = true"));
  b.empty_ok = true;
  const Strategy none(b, ex, CostModel{}, 1);
  REQUIRE(none.draw(3).people.empty());
  REQUIRE_THAT(none.note(), Catch::Contains("the mega tier is empty") && Catch::Contains("20,000 people") &&
                                Catch::Contains("seeds nobody"));
  // A mix spends the empty tier's share on nobody and the rest as usual.
  StrategySpec m = spec("mix", StrategyKind::mix);
  m.budget = 10000;
  m.mix_tiers = {Tier::nano, Tier::mega};
  m.mix_shares = {0.5, 0.5};
  REQUIRE_THROWS_WITH(Strategy(m, ex, CostModel{}, 1),
                      Catch::Contains("strategy.mix.tiers") && Catch::Contains("strategy.mix.empty_ok = true"));
  m.empty_ok = true;
  const Strategy half(m, ex, CostModel{}, 1);
  const SeedSet s = half.draw(0);
  REQUIRE_FALSE(s.people.empty());
  REQUIRE(s.cost <= 5000);
  for (node_t u : s.people) REQUIRE(g.tier[u] == Tier::nano);
  REQUIRE_THAT(half.note(), Catch::Contains("the mega tier is empty") && Catch::Contains("that share seeds nobody"));
  // A strategy that can do everything it was asked has no note.
  StrategySpec n = spec("nano", StrategyKind::budget);
  n.tier = Tier::nano;
  n.budget = 1000;
  n.empty_ok = true;
  REQUIRE(Strategy(n, ex, CostModel{}, 1).note().empty());
}

TEST_CASE("NodePool: a tier held as its complement names the same person at every position", "[seeding][pool]") {
  GraphSpec gs;
  gs.dunbar.people = 6000;
  const SocialGraph g = build_graph(gs, 4);
  bool saw_complement = false, saw_members = false;
  for (Tier t : kAllTiers) {
    const std::vector<node_t> m = tier_members(g, t);
    const NodePool p = NodePool::of_tier(g, t);
    (p.complement() ? saw_complement : saw_members) = true;
    REQUIRE(p.size() == m.size());
    std::vector<node_t> seen;
    p.for_each([&](node_t u) { seen.push_back(u); });
    REQUIRE(seen == m);
    for (std::size_t i = 0; i < m.size(); ++i) REQUIRE(p[i] == m[i]);
  }
  REQUIRE(saw_complement);  // the ordinary tier
  REQUIRE(saw_members);
  // Left out at the ends and in runs: positions skip exactly them.
  const NodePool q = NodePool::all_but(10, {0, 1, 4, 5, 6, 9});
  REQUIRE(q.size() == 4);
  REQUIRE(std::vector<node_t>{q[0], q[1], q[2], q[3]} == std::vector<node_t>{2, 3, 7, 8});
  const NodePool everyone = NodePool::all_but(5, {});
  for (node_t i = 0; i < 5; ++i) REQUIRE(everyone[i] == i);
  REQUIRE(NodePool::all_but(3, {0, 1, 2}).empty());
}
