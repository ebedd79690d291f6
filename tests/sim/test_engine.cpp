// The engine against its reference implementations, exact limits and closed forms.
#include <catch2/catch.hpp>

#include <cmath>

#include "fixtures.hpp"
#include "nanoreach/graph/bgl.hpp"
#include "nanoreach/graph/stats.hpp"
#include "nanoreach/sim/engine.hpp"
#include "nanoreach/sim/reference.hpp"

using namespace nanoreach;
using namespace nanoreach::test;

namespace {

RunResult run_once(const Exposure& ex, const Model& m, const std::vector<node_t>& seeds, std::uint32_t run,
                   std::uint64_t key = 7, double auth = 1.0) {
  Scratch s(ex.graph().people());
  CascadeInput in;
  in.seeds = seeds;
  in.key = key;
  in.run = run;
  in.seed_authenticity = auth;
  RunResult r;
  simulate(ex, m, in, s, r);
  return r;
}

}  // namespace

TEST_CASE("engine and reference agree run for run, all three models", "[engine][reference]") {
  const SocialGraph g = small_social(600, 11);
  g.check();
  Campaign c;
  c.virality = 0.3;  // supercritical on this graph, so cascades are long and varied
  c.sponsored_posts = 3;
  const Exposure ex(g, c);
  ThresholdParams tp;
  tp.distribution = ThresholdParams::Distribution::uniform;
  tp.phi = 0.12;
  tp.spread = 0.1;
  SirParams sp;
  sp.recovery = 0.4;
  const std::vector<Model> models = {Model::ic(), Model::threshold(ex, tp), Model::sir(sp)};
  for (const Model& m : models) {
    INFO("model " << model_name(m.kind()));
    Scratch scratch(g.people());  // reused across runs, as the Monte Carlo driver does
    for (std::uint32_t run = 0; run < 25; ++run) {
      std::vector<node_t> seeds = {run * 13 % 600, (run * 71 + 5) % 600, 42, 42};
      CascadeInput in;
      in.seeds = seeds;
      in.key = 99;
      in.run = run;
      in.seed_authenticity = ex.authenticity(c.sponsored_posts);
      RunResult fast;
      simulate(ex, m, in, scratch, fast);
      const RunResult slow = reference_simulate(ex, m, in);
      INFO("run " << run << " reach " << fast.reach << " vs " << slow.reach);
      require_same(fast, slow);
    }
  }
}

TEST_CASE("p = 0 reaches only the seeds, p = 1 reaches exactly the seeds' components", "[engine][limits]") {
  const SocialGraph g = social_from_undirected(erdos_renyi_mean_degree(3000, 1.2, 5), 1, false);
  const std::vector<node_t> label = component_labels(g.strong);
  for (std::uint32_t run = 0; run < 20; ++run) {
    const std::vector<node_t> seeds = {run * 37 % 3000, run * 101 % 3000};
    const RunResult zero = run_once(Exposure(g, uniform(0.0)), Model::ic(), seeds, run);
    REQUIRE(zero.reach == (seeds[0] == seeds[1] ? 1u : 2u));
    REQUIRE(zero.steps == 0);
    std::uint64_t expected = 0;
    for (node_t v = 0; v < g.people(); ++v) expected += label[v] == label[seeds[0]] || label[v] == label[seeds[1]];
    for (const Model& m : {Model::ic(), Model::sir(SirParams{1.0})}) {
      const RunResult one = run_once(Exposure(g, uniform(1.0)), m, seeds, run);
      REQUIRE(one.reach == expected);
    }
  }
}

TEST_CASE("p = 1 over strong ties and audiences reaches exactly what BFS reaches", "[engine][limits]") {
  const SocialGraph g = small_social(800, 3);
  const Exposure ex(g, uniform(1.0));
  // A plain BFS over both layers as the reference.
  for (node_t s : {0u, 399u, 799u}) {
    std::vector<char> seen(g.people(), 0);
    std::vector<node_t> q = {s};
    seen[s] = 1;
    for (std::size_t i = 0; i < q.size(); ++i) {
      for (node_t v : g.strong.neighbors(q[i])) if (!seen[v]) { seen[v] = 1; q.push_back(v); }
      for (node_t v : g.audience.neighbors(q[i])) if (!seen[v]) { seen[v] = 1; q.push_back(v); }
    }
    const RunResult r = run_once(ex, Model::ic(), {s}, 0);
    REQUIRE(r.reach == q.size());
  }
}

TEST_CASE("IC on a star from the centre: mean reach 1 + (n - 1) p within 4 standard errors", "[engine][theory]") {
  const node_t n = 201;
  const SocialGraph g = star(n);
  for (double p : {0.05, 0.3, 0.8}) {
    const Exposure ex(g, uniform(p));
    Scratch s(n);
    const int runs = 4000;
    double sum = 0, sum2 = 0;
    for (int r = 0; r < runs; ++r) {
      CascadeInput in;
      const std::vector<node_t> seeds = {0};
      in.seeds = seeds;
      in.run = r;
      in.key = 1234;
      RunResult out;
      simulate(ex, Model::ic(), in, s, out);
      sum += out.reach;
      sum2 += double(out.reach) * out.reach;
    }
    const double mean = sum / runs, sd = std::sqrt((sum2 - sum * sum / runs) / (runs - 1));
    const double expected = 1 + (n - 1) * p;
    // Tolerance: 4 standard errors of the mean (exact variance (n-1)p(1-p) used as a floor).
    const double se = std::max(sd, std::sqrt((n - 1) * p * (1 - p))) / std::sqrt(double(runs));
    INFO("p " << p << " mean " << mean << " expected " << expected << " se " << se);
    REQUIRE(std::abs(mean - expected) < 4 * se);
  }
}

TEST_CASE("IC along a path from one end: mean reach sum of p^k within 4 standard errors", "[engine][theory]") {
  const node_t n = 30;
  const SocialGraph g = path(n);
  for (double p : {0.5, 0.9}) {
    const Exposure ex(g, uniform(p));
    Scratch s(n);
    const int runs = 20000;
    double sum = 0, sum2 = 0, expected = 0, expected2 = 0;
    for (node_t k = 0; k < n; ++k) expected += std::pow(p, k);
    // E[R^2] = sum_{j,k} p^max(j,k): the reach is at least j+1 with probability p^j.
    for (node_t j = 0; j < n; ++j)
      for (node_t k = 0; k < n; ++k) expected2 += std::pow(p, std::max(j, k));
    for (int r = 0; r < runs; ++r) {
      CascadeInput in;
      const std::vector<node_t> seeds = {0};
      in.seeds = seeds;
      in.run = r;
      in.key = 55;
      RunResult out;
      simulate(ex, Model::ic(), in, s, out);
      sum += out.reach;
      sum2 += double(out.reach) * out.reach;
      REQUIRE(out.steps + 1 == out.reach);  // a path advances one person per step
    }
    const double mean = sum / runs;
    const double se = std::sqrt(expected2 - expected * expected) / std::sqrt(double(runs));
    INFO("p " << p << " mean " << mean << " expected " << expected << " se " << se);
    REQUIRE(std::abs(mean - expected) < 4 * se);
  }
}

TEST_CASE("the curve, attribution and seeds add up", "[engine]") {
  const SocialGraph g = small_social(1000, 8);
  Campaign c;
  c.virality = 0.2;
  const Exposure ex(g, c);
  SirParams sp;
  for (const Model& m : {Model::ic(), Model::sir(sp)}) {
    for (std::uint32_t run = 0; run < 10; ++run) {
      const RunResult r = run_once(ex, m, {run, run + 500}, run);
      std::uint64_t by = 0;
      for (auto x : r.activated_by) by += x;
      REQUIRE(by + r.seeds == r.reach);
      REQUIRE(r.curve.front() == r.seeds);
      REQUIRE(r.curve.back() == r.reach);
      REQUIRE(std::is_sorted(r.curve.begin(), r.curve.end()));
      if (m.kind() == ModelKind::sir) {
        // S + I + R = N at every step, each part non-negative, and everyone recovers in the end.
        REQUIRE(r.infected.size() >= r.curve.size());
        for (std::size_t t = 0; t < r.infected.size(); ++t) {
          const std::uint64_t ever = r.curve[std::min(t, r.curve.size() - 1)];
          REQUIRE(r.infected[t] <= ever);
          const std::uint64_t S = g.people() - ever, I = r.infected[t], R = ever - I;
          REQUIRE(S + I + R == g.people());
        }
        REQUIRE(r.infected.back() == 0);
      }
    }
  }
}

TEST_CASE("a seed's fatigue lowers its reach: authenticity multiplies only the seeds' edges", "[engine]") {
  const SocialGraph g = star(101);
  const Exposure ex(g, uniform(0.5));
  double fresh = 0, tired = 0;
  for (std::uint32_t run = 0; run < 2000; ++run) {
    fresh += run_once(ex, Model::ic(), {0}, run, 3, 1.0).reach;
    tired += run_once(ex, Model::ic(), {0}, run, 3, 0.2).reach;
  }
  // Expected 1 + 100 * 0.5 = 51 vs 1 + 100 * 0.1 = 11; standard errors are about 0.1 here.
  REQUIRE(fresh / 2000 == Approx(51).margin(1.0));
  REQUIRE(tired / 2000 == Approx(11).margin(1.0));
}
