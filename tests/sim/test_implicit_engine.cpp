// Cascades on the implicit graph equal cascades on the stored one, toss for toss: independent cascade
// and SIR from tier seeds, random seeds and the largest accounts, with and without seed fatigue, with
// dense and sparse per-run state; threshold and IMM refuse an implicit graph naming graph.storage.
#include <catch2/catch.hpp>

#include "nanoreach/graph/build.hpp"
#include "fixtures.hpp"
#include "nanoreach/sim/engine.hpp"
#include "nanoreach/sim/imm.hpp"
#include "nanoreach/sim/models.hpp"
#include "nanoreach/sim/seeding.hpp"

using namespace nanoreach;
using nanoreach::test::require_same;

namespace {

SocialGraph graph(bool implicit, node_t n, double rewire, std::uint64_t seed) {
  GraphSpec s;
  s.dunbar.people = n;
  s.dunbar.rewire = rewire;
  s.implicit = implicit;
  return build_graph(s, seed);
}

}  // namespace

TEST_CASE("implicit graph: IC and SIR runs equal the explicit graph's, dense and sparse state", "[implicit][engine]") {
  for (double rewire : {0.05, 0.4}) {
    const SocialGraph ex = graph(false, 12000, rewire, 17), im = graph(true, 12000, rewire, 17);
    REQUIRE(im.is_implicit());
    for (double virality : {0.03, 0.2, 1.0}) {
      Campaign c;
      c.virality = virality;
      const Exposure ee(ex, c), ei(im, c);
      const std::vector<node_t> mega = tier_members(ex, Tier::mega), nano = tier_members(ex, Tier::nano);
      REQUIRE_FALSE(mega.empty());
      REQUIRE(nano.size() > 100);
      for (const Model& m : {Model::ic(), Model::sir(SirParams{})}) {
        Scratch se(ex.people()), sd(im.people(), StateMode::dense), ss(im.people(), StateMode::sparse);
        REQUIRE(ss.sparse());
        REQUIRE_FALSE(sd.sparse());
        for (std::uint32_t run = 0; run < 8; ++run) {
          INFO("rewire " << rewire << " virality " << virality << " model " << model_name(m.kind()) << " run " << run);
          // Seeds: mega accounts (huge audiences), nano accounts, or random people.
          std::vector<node_t> seeds;
          rng::Stream rs(99, run);
          const std::vector<node_t>& pool = run % 3 == 0 ? mega : nano;
          for (int k = 0; k < (run % 3 == 0 ? 2 : 10); ++k)
            seeds.push_back(run % 3 == 2 ? static_cast<node_t>(rs.below(ex.people())) : pool[rs.below(pool.size())]);
          CascadeInput in;
          in.seeds = seeds;
          in.key = rng::derive(5, rng::Purpose::cascade, static_cast<std::uint64_t>(m.kind()));
          in.run = run;
          in.seed_authenticity = run % 2 ? 0.9 : 1.0;
          in.max_steps = run == 5 ? 3 : 100000;  // one truncated run
          RunResult a, b, s;
          simulate(ee, m, in, se, a);
          simulate(ei, m, in, sd, b);
          simulate(ei, m, in, ss, s);
          require_same(a, b);
          require_same(a, s);
          REQUIRE(a.reach > seeds.size() / 2);
        }
      }
    }
  }
}

TEST_CASE("implicit graph: the threshold model and IMM refuse it, naming graph.storage", "[implicit][errors]") {
  const SocialGraph im = graph(true, 5000, 0.05, 3);
  const Exposure ex(im, Campaign{});
  REQUIRE_THROWS_WITH(Model::threshold(ex, ThresholdParams{}), Catch::Contains("graph.storage") && Catch::Contains("threshold"));
  REQUIRE_THROWS_WITH(ImmGraph(ex), Catch::Contains("graph.storage") && Catch::Contains("IMM"));
  StrategySpec s;
  s.name = "hubs";
  s.kind = StrategyKind::top_degree;
  s.k = 3;
  REQUIRE_THROWS_WITH(Strategy(s, ex, CostModel{}, 1), Catch::Contains("graph.storage") && Catch::Contains("top_degree"));
}
