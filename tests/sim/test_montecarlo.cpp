// The Monte Carlo driver: thread-count independence, adaptive stopping, interruption.
#include <catch2/catch.hpp>

#include <omp.h>

#include "fixtures.hpp"
#include "nanoreach/sim/montecarlo.hpp"

using namespace nanoreach;
using namespace nanoreach::test;

namespace {
void require_same(const McOutcome& a, const McOutcome& b) {
  REQUIRE(a.runs.size() == b.runs.size());
  REQUIRE(a.complete == b.complete);
  REQUIRE(a.converged == b.converged);
  for (std::size_t i = 0; i < a.runs.size(); ++i) {
    const RunRecord &x = a.runs[i], &y = b.runs[i];
    REQUIRE(x.run == y.run);
    REQUIRE(x.seeds == y.seeds);
    REQUIRE(x.cost == y.cost);
    REQUIRE(x.nominal_reach == y.nominal_reach);
    REQUIRE(x.result.reach == y.result.reach);
    REQUIRE(x.result.activated_by == y.result.activated_by);
    REQUIRE(x.result.curve == y.result.curve);
    REQUIRE(x.result.infected == y.result.infected);
  }
}

struct World {
  SocialGraph g = small_social(5000, 21);
  Campaign c;
  World() { c.virality = 0.08; }
};
}  // namespace

TEST_CASE("Monte Carlo: identical records on 1, 2 and 4 threads, for every model", "[montecarlo][threads]") {
  World w;
  const Exposure ex(w.g, w.c);
  StrategySpec s;
  s.name = "random";
  s.kind = StrategyKind::random;
  s.k = 5;
  const Strategy st(s, ex, CostModel{}, 77);
  McParams p;
  p.runs = 60;
  ThresholdParams tp;
  tp.phi = 0.05;
  for (const Model& m : {Model::ic(), Model::threshold(ex, tp), Model::sir(SirParams{})}) {
    std::vector<McOutcome> outs;
    for (int threads : {1, 2, 4}) {
      omp_set_num_threads(threads);
      ScratchPool pool;
      outs.push_back(run_monte_carlo(ex, m, st, p, cascade_key(77, m.kind()), pool));
    }
    omp_set_num_threads(2);
    require_same(outs[0], outs[1]);
    require_same(outs[0], outs[2]);
    REQUIRE(outs[0].runs.size() == 60);
    REQUIRE(outs[0].complete);
  }
}

TEST_CASE("adaptive stopping: stops at the first batch meeting the target, the same on any thread count",
          "[montecarlo]") {
  World w;
  const Exposure ex(w.g, w.c);
  StrategySpec s;
  s.name = "random";
  s.kind = StrategyKind::random;
  s.k = 20;
  const Strategy st(s, ex, CostModel{}, 5);
  McParams p;
  p.runs = 5000;
  p.target = 0.05;
  p.batch = 50;
  p.min_runs = 100;
  std::vector<McOutcome> outs;
  for (int threads : {1, 3}) {
    omp_set_num_threads(threads);
    ScratchPool pool;
    outs.push_back(run_monte_carlo(ex, Model::ic(), st, p, cascade_key(5, ModelKind::ic), pool));
  }
  omp_set_num_threads(2);
  require_same(outs[0], outs[1]);
  const McOutcome& o = outs[0];
  REQUIRE(o.converged);
  REQUIRE(o.runs.size() % 50 == 0);
  REQUIRE(o.runs.size() >= 100);
  REQUIRE(o.runs.size() < 5000);
  // The criterion holds at the stopping point and failed one batch earlier (when past min_runs).
  auto halfwidth_ok = [&](std::size_t k) {
    double sum = 0, sum2 = 0;
    for (std::size_t i = 0; i < k; ++i) {
      const double x = double(o.runs[i].result.reach);
      sum += x;
      sum2 += x * x;
    }
    const double mean = sum / k, var = (sum2 - sum * sum / k) / (k - 1);
    return 1.959963984540054 * std::sqrt(var / k) <= 0.05 * mean;
  };
  REQUIRE(halfwidth_ok(o.runs.size()));
  if (o.runs.size() > 100) REQUIRE_FALSE(halfwidth_ok(o.runs.size() - 50));
}

TEST_CASE("a stop request keeps only whole runs and says the outcome is incomplete", "[montecarlo]") {
  World w;
  const Exposure ex(w.g, w.c);
  StrategySpec s;
  s.name = "random";
  s.kind = StrategyKind::random;
  s.k = 5;
  const Strategy st(s, ex, CostModel{}, 5);
  McParams p;
  p.runs = 400;
  std::atomic<bool> stop{false};
  McControl control;
  control.stop = &stop;
  control.progress = [&](std::uint64_t done) {
    if (done >= 30) stop = true;
  };
  ScratchPool pool;
  const McOutcome o = run_monte_carlo(ex, Model::ic(), st, p, cascade_key(5, ModelKind::ic), pool, control);
  REQUIRE_FALSE(o.complete);
  REQUIRE(o.runs.size() >= 30);
  REQUIRE(o.runs.size() < 400);
  // Every record kept is a whole run: it equals the same run done alone.
  ScratchPool pool2;
  p.runs = 400;
  const McOutcome full = run_monte_carlo(ex, Model::ic(), st, p, cascade_key(5, ModelKind::ic), pool2);
  for (const RunRecord& r : o.runs) {
    REQUIRE(r.result.reach == full.runs[r.run].result.reach);
    REQUIRE(r.result.curve == full.runs[r.run].result.curve);
  }
}
