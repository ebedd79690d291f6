// Tiers and the social graph's invariant check.
#include "nanoreach/graph/social.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "nanoreach/graph/implicit.hpp"

namespace nanoreach {

const char* tier_name(Tier t) {
  switch (t) {
    case Tier::none: return "ordinary";
    case Tier::nano: return "nano";
    case Tier::micro: return "micro";
    case Tier::macro: return "macro";
    case Tier::mega: return "mega";
  }
  return "?";
}

std::optional<Tier> parse_tier(std::string_view name) {
  for (Tier t : kAllTiers)
    if (name == tier_name(t)) return t;
  if (name == "none") return Tier::none;
  return std::nullopt;
}

TierThresholds resolve_tiers(const TierRule& rule, node_t people) {
  TierThresholds out;
  out.rule = rule.mode == TierRule::Mode::absolute ? "absolute"
             : rule.mode == TierRule::Mode::fraction ? "fraction"
                                                     : "automatic";
  for (int k = 0; k < 4; ++k) {
    const double abs = std::ceil(rule.absolute[k]);
    const double frac = std::ceil(rule.fraction[k] * double(people));
    const double v = rule.mode == TierRule::Mode::absolute   ? abs
                     : rule.mode == TierRule::Mode::fraction ? frac
                                                             : std::min(abs, frac);
    out.min_followers[k] = static_cast<std::uint64_t>(std::max(1.0, v));
  }
  // Automatic thresholds of a tiny population may collide: keep them increasing, one follower apart.
  if (rule.mode == TierRule::Mode::automatic)
    for (int k = 1; k < 4; ++k) out.min_followers[k] = std::max(out.min_followers[k], out.min_followers[k - 1] + 1);
  for (int k = 1; k < 4; ++k)
    if (out.min_followers[k] <= out.min_followers[k - 1])
      throw ConfigError("tiers", "tier thresholds must increase (nano < micro < macro < mega), got " +
                                     std::to_string(out.min_followers[k - 1]) + " then " +
                                     std::to_string(out.min_followers[k]) + " followers");
  return out;
}

Tier tier_of(std::uint64_t followers, const TierThresholds& t) {
  int k = 0;
  while (k < 4 && followers >= t.min_followers[k]) ++k;
  return static_cast<Tier>(k);
}

void SocialGraph::assign_tiers(const TierRule& rule) {
  thresholds = resolve_tiers(rule, people());
  if (implicit) {
    implicit->tiers(thresholds, tier);
    return;
  }
  tier.resize(people());
  const node_t n = people();
#pragma omp parallel for schedule(static)
  for (node_t u = 0; u < n; ++u) tier[u] = tier_of(followers(u), thresholds);
}

void SocialGraph::require_explicit(const std::string& what) const {
  if (implicit)
    throw ConfigError("graph.storage", what + " needs the graph stored explicitly (its lists as arrays), and this "
                                       "graph is implicit; set graph.storage = \"explicit\" on a population that fits");
}

void SocialGraph::check() const {
  if (implicit) throw Error("social graph: check() needs the explicit layers");
  const node_t n = people();
  if (audience.num_nodes() != n)
    throw Error("social graph: audience layer has " + std::to_string(audience.num_nodes()) +
                " people, strong layer " + std::to_string(n));
  if (tier.size() != n) throw Error("social graph: tier array has the wrong length");
  if (!external_ids.empty() && external_ids.size() != n)
    throw Error("social graph: external id map has the wrong length");
  if (strong.num_edges() > 0 && !strong.has_attr()) throw Error("social graph: strong ties carry no circle");
  for (std::uint8_t c : strong.attr())
    if (c < 1 || c > kCircles) throw Error("social graph: a strong tie has circle " + std::to_string(c));
  strong.check_canonical();
  if (!strong.is_symmetric()) throw Error("social graph: strong ties are not symmetric");
  if (dunbar_capped) {
    const std::uint32_t m = strong.max_degree();
    if (m > kDunbarCap)
      throw Error("social graph: a person has " + std::to_string(m) + " strong ties, more than Dunbar's " +
                  std::to_string(kDunbarCap));
  }
  bool ok = true;
  node_t bad = 0;
#pragma omp parallel for schedule(dynamic, 1024) reduction(&& : ok)
  for (node_t u = 0; u < n; ++u) {
    for (node_t v : audience.neighbors(u))
      if (v == u) {
        ok = false;
#pragma omp critical
        bad = u;
      }
    if (tier[u] != tier_of(followers(u), thresholds)) ok = false;
  }
  if (!ok)
    throw Error("social graph: person " + std::to_string(bad) +
                " has an audience edge to themself, or a wrong tier");
}

SocialGraph social_from_undirected(Csr g, std::uint8_t circle, bool dunbar_capped) {
  if (circle < 1 || circle > kCircles) throw ConfigError("graph.circle", "must be in 1..4");
  SocialGraph s;
  const node_t n = g.num_nodes();
  s.strong = std::move(g).with_uniform_attr(circle);
  s.audience = Csr::empty(n);
  s.dunbar_capped = dunbar_capped;
  s.tier.assign(n, Tier::none);
  return s;
}

}  // namespace nanoreach
