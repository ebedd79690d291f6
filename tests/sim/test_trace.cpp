// The trace of reference_simulate (who activated whom, for nanoreach.cascade): the traced run gives
// the engine's RunResult, and the trace is consistent with it: every active person once, seeds at
// step 0 without an activator, every other person activated one step after an active activator
// (ic, threshold) or later (sir), per-step counts equal to the curve, activators' origins equal
// to the attribution counts.
#include <catch2/catch.hpp>
#include <set>

#include "fixtures.hpp"
#include "nanoreach/sim/engine.hpp"
#include "nanoreach/sim/reference.hpp"

using namespace nanoreach;
using namespace nanoreach::test;

TEST_CASE("reference trace: equals the engine's run and explains it", "[reference][trace]") {
  const SocialGraph g = small_social(500, 17);
  Campaign c;
  c.virality = 0.3;
  const Exposure ex(g, c);
  ThresholdParams tp;
  tp.phi = 0.1;
  SirParams sp;
  sp.recovery = 0.5;
  const std::vector<Model> models = {Model::ic(), Model::threshold(ex, tp), Model::sir(sp)};
  for (const Model& m : models) {
    INFO("model " << model_name(m.kind()));
    Scratch scratch(g.people());
    for (std::uint32_t run = 0; run < 10; ++run) {
      const std::vector<node_t> seeds = {run * 7 % 500, (run * 31 + 3) % 500, 250};
      CascadeInput in;
      in.seeds = seeds;
      in.key = 1234;
      in.run = run;
      RunResult fast;
      simulate(ex, m, in, scratch, fast);
      CascadeTrace t;
      const RunResult slow = reference_simulate(ex, m, in, &t);
      REQUIRE(slow.reach == fast.reach);
      REQUIRE(slow.curve == fast.curve);
      REQUIRE(slow.activated_by == fast.activated_by);
      REQUIRE(t.people.size() == fast.reach);
      REQUIRE(t.step.size() == t.people.size());
      REQUIRE(t.activator.size() == t.people.size());
      REQUIRE(std::set<node_t>(t.people.begin(), t.people.end()).size() == t.people.size());
      std::vector<std::int64_t> step_of(g.people(), -1);
      std::vector<char> is_seed(g.people(), 0);
      for (node_t s : seeds) is_seed[s] = 1;
      std::vector<std::uint32_t> per_step(fast.steps + 1, 0);
      std::array<std::uint64_t, kAttribution> by{};
      for (std::size_t i = 0; i < t.people.size(); ++i) {
        const node_t v = t.people[i];
        step_of[v] = t.step[i];
        REQUIRE(t.step[i] <= fast.steps);
        ++per_step[t.step[i]];
        if (t.activator[i] == kNoNode) {
          REQUIRE(is_seed[v]);
          REQUIRE(t.step[i] == 0);
          continue;
        }
        const node_t u = t.activator[i];
        REQUIRE(step_of[u] >= 0);  // activated earlier in the trace
        if (m.kind() == ModelKind::sir)
          REQUIRE(step_of[u] < t.step[i]);
        else
          REQUIRE(step_of[u] + 1 == t.step[i]);
        ++by[is_seed[u] ? kBySeed : static_cast<int>(g.tier[u])];
      }
      REQUIRE(by == fast.activated_by);
      std::uint32_t total = 0;
      for (std::uint32_t s = 0; s <= fast.steps; ++s) {
        total += per_step[s];
        REQUIRE(total == fast.curve[s]);
      }
    }
  }
}
