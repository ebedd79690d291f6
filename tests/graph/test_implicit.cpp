// The implicit graph against the explicit one and against a plain serial reference: every person's
// strong ties and every account's followers, rebuilt on demand, equal the stored lists, for several
// generator parameters, seeds and thread counts, with the vector kernels on and off.
#include <catch2/catch.hpp>

#include <omp.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "nanoreach/graph/audience.hpp"
#include "nanoreach/graph/build.hpp"
#include "nanoreach/graph/dunbar.hpp"
#include "nanoreach/graph/implicit.hpp"
#include "nanoreach/graph/stats.hpp"
#include "nanoreach/rng.hpp"

using namespace nanoreach;

namespace {

// The Dunbar generator written the plain way, from decide() alone: every lattice pair once, stubs of
// each circle numbered in person order, mates through the circle's keyed permutation, random ties
// sorted and de-duplicated (a repeated partner keeps its smallest circle), self-loops and ties that
// are lattice ties dropped, each list in (circle, target) order.
Csr reference_dunbar(const DunbarLayer& L, std::uint64_t seed) {
  const node_t n = L.people();
  const std::uint32_t R = L.radius();
  std::vector<std::vector<std::pair<std::uint8_t, node_t>>> list(n);
  std::array<std::vector<node_t>, 4> owner;  // per circle: stub -> person
  std::vector<std::array<std::uint32_t, 4>> stubs(n, {0, 0, 0, 0});
  for (node_t i = 0; i < n; ++i)
    for (std::uint32_t d = 1; d <= R; ++d) {
      const node_t j = static_cast<node_t>((std::uint64_t(i) + d) % n);
      const auto t = L.decide(i, j, d);
      if (t.circle == 0) continue;
      if (t.rewired) {
        ++stubs[i][t.circle - 1];
        ++stubs[j][t.circle - 1];
      } else {
        list[i].push_back({t.circle, j});
        list[j].push_back({t.circle, i});
      }
    }
  for (node_t i = 0; i < n; ++i)
    for (int c = 0; c < 4; ++c) owner[c].insert(owner[c].end(), stubs[i][c], i);
  std::vector<std::vector<std::pair<node_t, std::uint8_t>>> rnd(n);
  for (int c = 0; c < 4; ++c) {
    const KeyedPermutation perm(owner[c].size(), rng::derive(seed, rng::Purpose::graph_rewire, c));
    for (std::uint64_t s = 0; s < owner[c].size(); ++s) {
      const std::uint64_t m = perm.inverse(s) ^ 1;
      if (m >= perm.size()) continue;
      const node_t i = owner[c][s], j = owner[c][perm.forward(m)];
      if (i == j) continue;
      const std::uint64_t a = std::min(i, j), b = std::max(i, j);
      const std::uint64_t d = std::min(b - a, std::uint64_t(n) - (b - a));
      if (d <= R) {
        const auto t = L.decide(i, j, static_cast<std::uint32_t>(d));
        if (t.circle != 0 && !t.rewired) continue;
      }
      rnd[i].push_back({j, static_cast<std::uint8_t>(c + 1)});
    }
  }
  std::vector<offset_t> offsets(std::size_t(n) + 1, 0);
  std::vector<node_t> targets;
  std::vector<std::uint8_t> circle;
  for (node_t i = 0; i < n; ++i) {
    std::sort(rnd[i].begin(), rnd[i].end());
    std::map<node_t, std::uint8_t> first;
    for (const auto& [j, c] : rnd[i]) first.emplace(j, c);
    for (const auto& [j, c] : first) list[i].push_back({c, j});
    std::sort(list[i].begin(), list[i].end());
    for (const auto& [c, j] : list[i]) {
      targets.push_back(j);
      circle.push_back(c);
    }
    offsets[i + 1] = targets.size();
  }
  return Csr(std::move(offsets), std::move(targets), std::move(circle));
}

DunbarParams dunbar(std::uint64_t n, double rewire, double sd = 25, std::array<std::uint32_t, 4> circles = {5, 15, 50, 150}) {
  DunbarParams p;
  p.people = n;
  p.rewire = rewire;
  p.size_sd = sd;
  p.circles = circles;
  return p;
}

void require_rows_equal(const DunbarLayer& L, const Csr& g) {
  TieList t;
  for (node_t i = 0; i < L.people(); ++i) {
    L.ties(i, t);
    const auto nb = g.neighbors(i);
    const auto at = g.attrs(i);
    INFO("person " << i);
    REQUIRE(std::vector<node_t>(t.target.begin(), t.target.end()) == std::vector<node_t>(nb.begin(), nb.end()));
    for (int c = 1; c <= 4; ++c)
      for (std::uint32_t k = t.begin_of(c); k < t.end[c - 1]; ++k) REQUIRE(at[k] == c);
  }
}

}  // namespace

TEST_CASE("implicit strong ties: equal to a plain serial generator and to the stored graph, kernels on and off",
          "[implicit][dunbar]") {
  struct Case {
    DunbarParams p;
    std::uint64_t seed;
  };
  const std::vector<Case> cases = {
      {dunbar(152, 0.05), 1},                       // the smallest ring: every person at the seam
      {dunbar(3001, 0.0), 2},                       // no rewiring
      {dunbar(3001, 0.05), 3},                      // the default rewiring
      {dunbar(5000, 0.5, 60), 4},                   // many stubs, many people at the cap
      {dunbar(5000, 1.0, 60, {3, 9, 30, 81}), 5},   // everything rewired, smaller circles
      {dunbar(20000, 0.05, 0), 6},                  // everyone at 150
      {dunbar(20000, 0.2, 40, {1, 2, 40, 150}), 7}, // lopsided circles
      // Chunks of 4,096 people away from the seam go through the diagonal kernels (AVX2, AVX-512): an
      // outer boundary coin that moves a pair out of every circle (81 / 2 = 40.5).
      {dunbar(30000, 0.3, 60, {3, 9, 30, 81}), 8},
  };
  for (const auto& [p, seed] : cases) {
    INFO("people " << p.people << " rewire " << p.rewire << " seed " << seed);
    DunbarLayer layer(p, seed);
    const Csr stored = generate_dunbar(p, seed);
    REQUIRE(reference_dunbar(layer, seed) == stored);
    require_rows_equal(layer, stored);
    // Every kernel this processor has, in the lists and in the setup pass that counts the stubs.
    for (auto k : {DunbarLayer::Kernel::scalar, DunbarLayer::Kernel::avx2, DunbarLayer::Kernel::avx512}) {
      if (!DunbarLayer::cpu_has(k)) {
        WARN("this processor has no " << DunbarLayer::kernel_name(k) << " kernel; not compared");
        continue;
      }
      INFO("kernel " << DunbarLayer::kernel_name(k));
      layer.use_kernel(k);
      require_rows_equal(layer, stored);
      REQUIRE(materialize(layer) == stored);
      DunbarLayer built(p, seed, {}, k);
      REQUIRE(built.kernel() == k);
      REQUIRE(built.nominal_degree_hist() == layer.nominal_degree_hist());
      REQUIRE(built.nominal_circle_mean() == layer.nominal_circle_mean());
      for (node_t i = 0; i < p.people; ++i)
        for (int c = 1; c <= 4; ++c) REQUIRE(built.stubs(i, c) == layer.stubs(i, c));
      require_rows_equal(built, stored);
    }
  }
}

TEST_CASE("implicit strong ties: a kernel the processor lacks is refused", "[implicit][dunbar]") {
  const DunbarParams p = dunbar(3001, 0.05);
  for (auto k : {DunbarLayer::Kernel::avx2, DunbarLayer::Kernel::avx512})
    if (!DunbarLayer::cpu_has(k)) REQUIRE_THROWS_AS(DunbarLayer(p, 1, {}, k), std::invalid_argument);
  DunbarLayer best(p, 1);
  REQUIRE(best.kernel() != DunbarLayer::Kernel::best);
  REQUIRE(DunbarLayer::cpu_has(best.kernel()));
}

TEST_CASE("implicit strong ties: stub numbering, holders and mates agree with a direct count", "[implicit][dunbar]") {
  const DunbarParams p = dunbar(4000, 0.3, 40);
  const DunbarLayer L(p, 11);
  for (int c = 1; c <= 4; ++c) {
    std::uint64_t s = 0;
    for (node_t i = 0; i < L.people(); ++i) {
      REQUIRE(L.first_stubs(i)[c - 1] == s);
      for (std::uint32_t k = 0; k < L.stubs(i, c); ++k) REQUIRE(L.stub_owner(s + k, c) == i);
      s += L.stubs(i, c);
    }
    REQUIRE(s == L.total_stubs(c));
    // The pairing is an involution without fixed points (but for one odd stub).
    std::uint64_t unpaired = 0;
    for (std::uint64_t t = 0; t < s; ++t) {
      const auto m = L.mate(t, c);
      if (!m) {
        ++unpaired;
        continue;
      }
      REQUIRE(*m != t);
      REQUIRE(L.mate(*m, c) == t);
    }
    REQUIRE(unpaired == s % 2);
  }
}

TEST_CASE("implicit strong ties: the same on any thread count", "[implicit][threads]") {
  const DunbarParams p = dunbar(30000, 0.1);
  omp_set_num_threads(1);
  const DunbarLayer single(p, 9);
  const Csr one = materialize(single);
  omp_set_num_threads(2);
  const DunbarLayer two(p, 9);
  REQUIRE(materialize(two) == one);
  require_rows_equal(two, one);
  // The set-up pass's own outputs too (most chunks of 30,000 people take the diagonal kernels).
  REQUIRE(two.nominal_degree_hist() == single.nominal_degree_hist());
  REQUIRE(two.nominal_circle_mean() == single.nominal_circle_mean());
  for (int c = 1; c <= 4; ++c) REQUIRE(two.total_stubs(c) == single.total_stubs(c));
}

TEST_CASE("implicit audiences: every follower at every position equals the stored list", "[implicit][audience]") {
  struct Case {
    AudienceParams a;
    const char* what;
  };
  std::vector<Case> cases(5);
  cases[0].what = "default power law";
  cases[1].a.distribution = AudienceParams::Distribution::lognormal;
  cases[1].what = "log-normal";
  cases[2].a.local_half = 0;
  cases[2].what = "no local followers";
  cases[3].a.max_fraction = 0.05;
  cases[3].a.exponent = 1.6;
  cases[3].what = "heavy tail, capped";
  cases[4].a.distribution = AudienceParams::Distribution::none;
  cases[4].what = "no audiences";
  for (const auto& [a, what] : cases) {
    INFO(what);
    GraphSpec spec;
    spec.dunbar.people = 20000;
    spec.audience = a;
    const SocialGraph ex = build_graph(spec, 21);
    spec.implicit = true;
    const SocialGraph im = build_graph(spec, 21);
    REQUIRE(im.is_implicit());
    REQUIRE(im.tier == ex.tier);
    REQUIRE(im.thresholds.min_followers == ex.thresholds.min_followers);
    ImplicitGraph::Cursor c;
    std::uint64_t local = 0, uniform = 0;
    for (node_t u = 0; u < ex.people(); ++u) {
      REQUIRE(im.followers(u) == ex.followers(u));
      im.implicit->expand(u, c);
      REQUIRE(c.audience == ex.followers(u));
      const auto fol = ex.audience.neighbors(u);
      for (std::uint64_t k = 0; k < fol.size(); ++k) REQUIRE(im.implicit->follower(c, k) == fol[k]);
      // Positions past the local part need no walks: the uniform follower A - 1 - k.
      for (std::uint64_t k = c.local_wanted; k < fol.size(); ++k)
        REQUIRE(fol[k] == im.implicit->audience().uniform(u, fol.size() - 1 - k));
      local += c.local_ready ? c.local.size() : 0;
      uniform += fol.size() - (c.local_ready ? c.local.size() : 0);
    }
    if (a.distribution != AudienceParams::Distribution::none) REQUIRE(uniform > 0);
    if (a.local_half > 0 && a.distribution != AudienceParams::Distribution::none) REQUIRE(local > 0);
  }
}

TEST_CASE("audience lists: local part sorted, distinct, friends of friends, uniform part distinct, never self",
          "[audience]") {
  GraphSpec spec;
  spec.dunbar.people = 30000;
  const SocialGraph g = build_graph(spec, 5);
  const ImplicitGraph ig(spec.dunbar, spec.audience, 5);
  ImplicitGraph::Cursor c;
  std::uint64_t overlap = 0, uniform_total = 0;
  double expected = 0;
  for (node_t u = 0; u < g.people(); u += 7) {
    ig.expand(u, c);
    const auto fol = g.audience.neighbors(u);
    const auto friends = g.strong.neighbors(u);
    std::vector<node_t> fr(friends.begin(), friends.end());
    std::sort(fr.begin(), fr.end());
    if (c.local_wanted > 0) ig.follower(c, 0);  // builds the local part
    const std::size_t local = c.local_wanted > 0 ? c.local.size() : 0;
    REQUIRE(std::is_sorted(fol.begin(), fol.begin() + local));
    REQUIRE(std::adjacent_find(fol.begin(), fol.begin() + local) == fol.begin() + local);
    for (std::size_t k = 0; k < local; ++k) {
      REQUIRE(fol[k] != u);
      REQUIRE_FALSE(std::binary_search(fr.begin(), fr.end(), fol[k]));
      // A friend of one of u's friends (along that friend's ring ties).
      bool fof = false;
      for (node_t f : friends)
        if (g.strong.has_edge(f, fol[k])) fof = true;
      REQUIRE(fof);
    }
    std::vector<node_t> uni(fol.begin() + local, fol.end());
    for (node_t v : uni) {
      REQUIRE(v != u);
      overlap += std::binary_search(fr.begin(), fr.end(), v) || std::binary_search(fol.begin(), fol.begin() + local, v);
    }
    uniform_total += uni.size();
    expected += double(uni.size()) * double(fr.size() + local) / double(g.people() - 1);
    std::sort(uni.begin(), uni.end());
    REQUIRE(std::adjacent_find(uni.begin(), uni.end()) == uni.end());
  }
  // A uniform follower is a friend or local follower by chance only: (degree + local) / (N - 1) each,
  // drawn without replacement (hypergeometric, so the Poisson SE sqrt(expected) is an upper bound); 4 SE.
  REQUIRE(uniform_total > 10000);
  INFO("overlap " << overlap << " expected " << expected);
  REQUIRE(std::abs(double(overlap) - expected) < 4 * std::sqrt(expected));
}

TEST_CASE("implicit tiers: the audience ladder gives tier_of(followers) for everyone, at any guard",
          "[implicit][audience]") {
  // The ladder replaces the power with comparisons of each person's size coin; within `guard` coins of
  // a rung the draw is computed. Guard 0 trusts the ladder everywhere, 2^45 computes about one person in
  // 128 per rung: both must give every person's tier exactly as tier_of(followers(u)) does.
  struct Case {
    std::uint64_t people;
    double exponent, max_fraction;
    std::array<std::uint64_t, 4> thresholds;
  };
  const std::vector<Case> cases = {
      {20000, 2.276, 0.1, {100, 3000, 10000, 1000000}},  // the defaults; nobody reaches mega
      {20000, 2.276, 0.1, {12, 13, 50, 100}},            // thresholds near the minimum of 10
      {3000, 1.6, 1.0, {100, 1000, 2000, 2800}},         // the cap against strong ties binds
      {20000, 50.0, 0.1, {10, 11, 12, 13}},              // an almost flat power law
  };
  for (const auto& [n, exponent, max_fraction, thresholds] : cases) {
    INFO("people " << n << " exponent " << exponent << " thresholds " << thresholds[0] << " .. " << thresholds[3]);
    GraphSpec spec;
    spec.dunbar.people = n;
    spec.audience.exponent = exponent;
    spec.audience.max_fraction = max_fraction;
    spec.implicit = true;
    const SocialGraph g = build_graph(spec, 5);
    const ImplicitGraph& ig = *g.implicit;
    TierThresholds t;
    t.min_followers = thresholds;
    std::vector<Tier> want(n);
    std::array<std::uint64_t, kTierCount> count = {};
    for (node_t u = 0; u < n; ++u) ++count[static_cast<int>(want[u] = tier_of(ig.followers(u), t))];
    for (std::uint64_t guard : {std::uint64_t(0), AudienceModel::kLadderGuard, std::uint64_t(1) << 45}) {
      INFO("guard " << guard);
      std::vector<Tier> got;
      ig.tiers(t, got, guard);
      REQUIRE(got == want);
    }
    // Each rung sits where the draw crosses its count.
    const auto l = ig.audience().ladder({thresholds.begin(), thresholds.end()});
    for (std::size_t k = 0; k < 4; ++k) {
      if (l.last[k] >= 0) REQUIRE(ig.audience().drawn_from_coin(std::uint64_t(l.last[k])) >= thresholds[k]);
      if (l.last[k] < (std::int64_t(1) << 53) - 1)
        REQUIRE(ig.audience().drawn_from_coin(std::uint64_t(l.last[k] + 1)) < thresholds[k]);
    }
    // The cases exercise more than one tier.
    REQUIRE(std::count_if(count.begin(), count.end(), [](std::uint64_t c) { return c > 0; }) >= 2);
  }
}

TEST_CASE("implicit statistics: tiers and followers exact, degrees nominal, theory inputs equal to explicit",
          "[implicit][stats]") {
  GraphSpec spec;
  spec.dunbar.people = 40000;
  const SocialGraph ex = build_graph(spec, 3);
  spec.implicit = true;
  const SocialGraph im = build_graph(spec, 3);
  const GraphStats a = compute_stats(ex, 3), b = compute_stats(im, 3);
  REQUIRE(b.storage == "implicit");
  REQUIRE(a.tier_counts == b.tier_counts);
  REQUIRE(a.follower_hist == b.follower_hist);
  REQUIRE(a.audience_edges == b.audience_edges);
  REQUIRE(a.max_followers == b.max_followers);
  REQUIRE(a.theory_degree_hist == b.theory_degree_hist);
  REQUIRE(a.theory_circle_mean == b.theory_circle_mean);
  // Nominal degrees exceed the stored ones only by the dropped rewired ties: a few per thousand ties.
  REQUIRE(b.strong_ties >= a.strong_ties);
  REQUIRE(double(b.strong_ties - a.strong_ties) < 1e-3 * double(a.strong_ties));
  // Sampled clustering (2,000 people) within 4 standard errors of the exact value.
  REQUIRE(b.clustering_sampled);
  REQUIRE(std::abs(b.clustering - a.clustering) < 4 * b.clustering_se);
  REQUIRE(b.graph_bytes < a.graph_bytes / 50);
  // The estimate that graph.storage = "auto" and the memory checks use, before anything is built: within
  // 10% of what the graph holds (the fixed 1 MiB allowance aside).
  const double estimate = double(implicit_graph_bytes(spec.dunbar.people) - (1u << 20));
  REQUIRE(std::abs(estimate - double(b.graph_bytes)) < 0.1 * double(b.graph_bytes));
}

TEST_CASE("implicit storage: only the Dunbar source, and explicit-only work refuses naming graph.storage",
          "[implicit][errors]") {
  GraphSpec spec;
  spec.source = GraphSpec::Source::erdos_renyi;
  spec.dunbar.people = 1000;
  spec.implicit = true;
  REQUIRE_THROWS_WITH(build_graph(spec, 1), Catch::Contains("graph.storage") && Catch::Contains("erdos_renyi"));
  spec.source = GraphSpec::Source::dunbar;
  const SocialGraph g = build_graph(spec, 1);
  REQUIRE_THROWS_WITH(g.require_explicit("IMM"), Catch::Contains("graph.storage") && Catch::Contains("IMM"));
  REQUIRE_THROWS_WITH(g.check(), Catch::Contains("explicit"));
}
