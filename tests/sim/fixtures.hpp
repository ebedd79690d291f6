// Small graphs and campaigns for the simulation tests.
#pragma once

#include <catch2/catch.hpp>

#include <vector>

#include "nanoreach/graph/audience.hpp"
#include "nanoreach/graph/classic.hpp"
#include "nanoreach/graph/dunbar.hpp"
#include "nanoreach/graph/social.hpp"
#include "nanoreach/sim/engine.hpp"
#include "nanoreach/sim/exposure.hpp"

namespace nanoreach::test {

// An undirected social graph from tie pairs, every tie in circle 1, no audience.
inline SocialGraph from_pairs(node_t n, const std::vector<std::pair<node_t, node_t>>& ties) {
  std::vector<node_t> a, b;
  for (auto [u, v] : ties) {
    a.push_back(u);
    b.push_back(v);
  }
  CsrBuildOptions o;
  o.symmetrize = true;
  return social_from_undirected(build_csr(n, a, b, {}, o), 1, false);
}

inline SocialGraph star(node_t n) {
  std::vector<std::pair<node_t, node_t>> t;
  for (node_t v = 1; v < n; ++v) t.push_back({0, v});
  return from_pairs(n, t);
}

inline SocialGraph path(node_t n) {
  std::vector<std::pair<node_t, node_t>> t;
  for (node_t v = 1; v < n; ++v) t.push_back({v - 1, v});
  return from_pairs(n, t);
}

// A campaign in which every edge, strong or audience, has probability p.
inline Campaign uniform(double p) {
  Campaign c;
  c.virality = p;
  c.trust_known = 1.0;
  c.trust_audience = 1.0;
  c.circle_weight = {1.0, 1.0, 1.0, 1.0};
  c.engagement.min_followers = {0};
  c.engagement.rate = {1.0};
  c.affinity = 1.0;
  return c;
}

// A small Dunbar network with audiences and tiers: the real thing at test size.
inline SocialGraph small_social(node_t n, std::uint64_t seed, double rewire = 0.05) {
  DunbarParams d;
  d.people = n;
  d.rewire = rewire;
  SocialGraph g;
  g.strong = generate_dunbar(d, seed);
  AudienceParams a;
  g.audience = generate_audience(g.strong, a, seed);
  g.assign_tiers(TierRule{});
  return g;
}

// Two runs are the same run: every recorded outcome equal, toss for toss.
inline void require_same(const RunResult& a, const RunResult& b) {
  REQUIRE(a.reach == b.reach);
  REQUIRE(a.seeds == b.seeds);
  REQUIRE(a.steps == b.steps);
  REQUIRE(a.activated_by == b.activated_by);
  REQUIRE(a.curve == b.curve);
  REQUIRE(a.infected == b.infected);
  REQUIRE(a.examined == b.examined);
  REQUIRE(a.truncated == b.truncated);
}

}  // namespace nanoreach::test
