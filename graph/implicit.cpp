// The implicit social graph (see the header).
#include "nanoreach/graph/implicit.hpp"

namespace nanoreach {

ImplicitGraph::ImplicitGraph(const DunbarParams& dunbar, const AudienceParams& audience, std::uint64_t seed,
                             const std::function<void(double)>& progress)
    : strong_(dunbar, seed, progress),
      audience_(audience, static_cast<node_t>(dunbar.people), seed) {}

std::uint32_t ImplicitGraph::followers(node_t u) const {
  const std::uint32_t a = audience_.drawn(u);
  // Nobody has more than 2R strong ties, so the cap against them binds only this close to N.
  if (std::uint64_t(a) + 2 * strong_.radius() + 1 < people()) return a;
  TieList t;
  strong_.ties(u, t);
  return static_cast<std::uint32_t>(audience_.size(u, t.size()));
}

void ImplicitGraph::tiers(const TierThresholds& t, std::vector<Tier>& out, std::uint64_t guard) const {
  const node_t n = people();
  if (out.capacity() < n) {  // a billion tier bytes: fewer page faults on huge pages
    std::vector<Tier>().swap(out);
    out.reserve(n);
    advise_huge_pages(out.data(), n);
  }
  out.resize(n);
  if (!audience_.has_ladder()) {
#pragma omp parallel for schedule(static)
    for (node_t u = 0; u < n; ++u) out[u] = tier_of(followers(u), t);
    return;
  }
  // A rung per threshold; and the last coin whose draw comes within 2R of the population, where the
  // cap against strong ties may bind and followers(u) needs u's ties: at or below it, computed too.
  const AudienceModel::Ladder tiers = audience_.ladder({t.min_followers.begin(), t.min_followers.end()}, guard);
  const std::uint64_t binds = n > 2 * std::uint64_t(strong_.radius()) + 1 ? n - 2 * strong_.radius() - 1 : 0;
  const std::int64_t near_cap = audience_.ladder({binds}, guard).last[0];
#pragma omp parallel for schedule(static)
  for (node_t u = 0; u < n; ++u) {
    const std::uint64_t coin = audience_.size_coin(u);
    const int k = AudienceModel::rungs(coin, tiers);
    const bool computed = k < 0 || std::int64_t(coin) <= near_cap + std::int64_t(guard);
    out[u] = computed ? tier_of(followers(u), t) : static_cast<Tier>(k);
  }
}

std::uint64_t implicit_graph_bytes(std::uint64_t people) {
  // Network size 1 + stub counts 4 + block sums 4 x 8 / 32 + the select index (about 1.5: 8 bytes per
  // sampled stub) + tier 1: 8.5 bytes per person, measured 8.46 at 100 M people (nanoreach bench).
  return people * 17 / 2 + (std::uint64_t(1) << 20);
}

node_t SocialGraph::implicit_people() const { return implicit->people(); }
std::uint32_t SocialGraph::implicit_followers(node_t u) const { return implicit->followers(u); }

}  // namespace nanoreach
