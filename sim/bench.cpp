// Benchmarks (see bench.hpp). The BFS baseline uses the same stamping trick as the engine (an epoch
// per traversal instead of clearing) so that the ratio measures the engine's bookkeeping and coin
// tossing, not a different memory discipline.
#include "nanoreach/sim/bench.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <chrono>
#include <stdexcept>

#include "nanoreach/graph/implicit.hpp"

#include "nanoreach/sim/montecarlo.hpp"

namespace nanoreach {

namespace {

Campaign uniform_campaign(double p) {
  Campaign c;
  c.virality = p;
  c.trust_known = c.trust_audience = 1.0;
  c.circle_weight = {1, 1, 1, 1};
  c.engagement.min_followers = {0};
  c.engagement.rate = {1.0};
  c.affinity = 1.0;
  return c;
}

std::vector<std::vector<node_t>> seed_sets(node_t n, std::uint32_t cascades, std::uint32_t k, std::uint64_t seed) {
  std::vector<std::vector<node_t>> out(cascades);
  for (std::uint32_t i = 0; i < cascades; ++i) {
    rng::Stream rs(rng::derive(seed, rng::Purpose::seeding, 0xBE4C), i);
    for (std::uint32_t j = 0; j < k; ++j) out[i].push_back(static_cast<node_t>(rs.below(n)));
  }
  return out;
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string p_label(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", p);
  return buf;
}

// IC cascades from `seeds` on one thread; keeps the faster of this and line's earlier time.
void time_ic(const Exposure& exposure, const std::vector<std::vector<node_t>>& seeds, std::uint64_t seed,
             Scratch& scratch, BenchLine& line) {
  const Model ic = Model::ic();
  RunResult r;
  std::uint64_t reached = 0, edges = 0;
  const double t0 = now();
  for (std::uint32_t i = 0; i < seeds.size(); ++i) {
    CascadeInput in;
    in.seeds = seeds[i];
    in.key = rng::derive(seed, rng::Purpose::cascade, 0xBE4C);
    in.run = i;
    simulate(exposure, ic, in, scratch, r);
    reached += r.reach;
    edges += r.examined;
  }
  const double t1 = now();
  line.seconds = std::min(line.seconds, t1 - t0);
  line.cascades = seeds.size();
  line.edges = edges;
  line.mean_reach = seeds.empty() ? 0.0 : double(reached) / double(seeds.size());
}

}  // namespace

std::uint64_t graph_memory_bytes(const SocialGraph& g) {
  if (g.is_implicit()) return g.implicit->memory_bytes() + g.tier.size();
  return g.strong.memory_bytes() + g.audience.memory_bytes() + g.tier.size();
}

std::vector<BenchLine> bench_storage(const SocialGraph& ex, const SocialGraph& im, std::uint32_t cascades,
                                     std::uint32_t k, const std::vector<double>& ps, std::uint64_t seed,
                                     int rounds) {
  if (ex.people() != im.people()) throw std::logic_error("bench_storage: the two graphs differ in size");
  const auto seeds = seed_sets(ex.people(), cascades, k, seed);
  std::vector<BenchLine> lines;
  Scratch se(ex.people()), si(im.people());
  for (double p : ps) {
    BenchLine le{"IC p = " + p_label(p) + ", explicit"}, li{"IC p = " + p_label(p) + ", implicit"};
    le.seconds = li.seconds = 1e300;
    const Exposure ee(ex, uniform_campaign(p)), ei(im, uniform_campaign(p));
    for (int round = 0; round < rounds; ++round) {
      time_ic(ee, seeds, seed, se, le);
      time_ic(ei, seeds, seed, si, li);
    }
    if (le.edges != li.edges || le.mean_reach != li.mean_reach)
      throw std::logic_error("bench_storage: implicit and explicit cascades differ at p = " + p_label(p));
    lines.push_back(le);
    lines.push_back(li);
  }
  return lines;
}

BenchLine bench_ic(const SocialGraph& g, std::uint32_t cascades, std::uint32_t k, double p, std::uint64_t seed,
                   int rounds) {
  const auto seeds = seed_sets(g.people(), cascades, k, seed);
  BenchLine line{"IC p = " + p_label(p) + (g.is_implicit() ? ", implicit" : ", explicit")};
  line.seconds = 1e300;
  const Exposure e(g, uniform_campaign(p));
  Scratch scratch(g.people());
  for (int round = 0; round < rounds; ++round) time_ic(e, seeds, seed, scratch, line);
  return line;
}

std::vector<BenchLine> bench_cascades(const SocialGraph& g, std::uint32_t cascades, std::uint32_t k, double p,
                                      std::uint64_t seed, int rounds) {
  const node_t n = g.people();
  const auto seeds = seed_sets(n, cascades, k, seed);
  BenchLine bfs{"plain BFS"}, ic1{"IC p = 1"}, icp{"IC p = " + std::to_string(p).substr(0, 4)};
  bfs.seconds = ic1.seconds = icp.seconds = 1e300;

  std::vector<std::uint32_t> stamp(n, 0);
  std::vector<node_t> queue;
  queue.reserve(n);
  std::uint32_t epoch = 0;
  const Exposure ex1(g, uniform_campaign(1.0)), exp(g, uniform_campaign(p));
  const Model ic = Model::ic();
  Scratch scratch(n);
  RunResult r;

  for (int round = 0; round < rounds; ++round) {
    // Plain BFS over both layers.
    double t0 = now();
    std::uint64_t reached = 0, edges = 0;
    for (const auto& s : seeds) {
      ++epoch;
      queue.clear();
      for (node_t v : s)
        if (stamp[v] != epoch) {
          stamp[v] = epoch;
          queue.push_back(v);
        }
      for (std::size_t i = 0; i < queue.size(); ++i) {
        const node_t u = queue[i];
        for (node_t v : g.strong.neighbors(u))
          if (stamp[v] != epoch) {
            stamp[v] = epoch;
            queue.push_back(v);
          }
        for (node_t v : g.audience.neighbors(u))
          if (stamp[v] != epoch) {
            stamp[v] = epoch;
            queue.push_back(v);
          }
        edges += g.strong.degree(u) + g.audience.degree(u);
      }
      reached += queue.size();
    }
    double t1 = now();
    bfs.seconds = std::min(bfs.seconds, t1 - t0);
    bfs.cascades = cascades;
    bfs.edges = edges;
    bfs.mean_reach = double(reached) / cascades;

    for (auto [line, exposure] : {std::pair{&ic1, &ex1}, std::pair{&icp, &exp}}) {
      reached = edges = 0;
      t0 = now();
      for (std::uint32_t i = 0; i < cascades; ++i) {
        CascadeInput in;
        in.seeds = seeds[i];
        in.key = rng::derive(seed, rng::Purpose::cascade, 0xBE4C);
        in.run = i;
        simulate(*exposure, ic, in, scratch, r);
        reached += r.reach;
        edges += r.examined;
      }
      t1 = now();
      line->seconds = std::min(line->seconds, t1 - t0);
      line->cascades = cascades;
      line->edges = edges;
      line->mean_reach = double(reached) / cascades;
    }
  }
  return {bfs, ic1, icp};
}

BenchLine bench_parallel(const SocialGraph& g, std::uint32_t cascades, std::uint32_t k, double p, std::uint64_t seed) {
  const Exposure ex(g, uniform_campaign(p));
  StrategySpec s;
  s.name = "bench";
  s.kind = StrategyKind::random;
  s.k = k;
  const Strategy st(s, ex, CostModel{}, seed);
  McParams mp;
  mp.runs = cascades;
  mp.batch = cascades;
  ScratchPool pool;
  const double t0 = now();
  const McOutcome out = run_monte_carlo(ex, Model::ic(), st, mp, cascade_key(seed, ModelKind::ic), pool);
  BenchLine line{"IC p = " + std::to_string(p).substr(0, 4) + ", " + std::to_string(omp_get_max_threads()) + " threads"};
  line.seconds = now() - t0;
  line.cascades = cascades;
  double reached = 0;
  for (const RunRecord& r : out.runs) {
    reached += double(r.result.reach);
    line.edges += r.result.examined;
  }
  line.mean_reach = reached / cascades;
  return line;
}

}  // namespace nanoreach
