// social_from_edges (see the header): check the edges, build the arcs as a canonical CSR (which
// drops self-loops and repeats, keeping the smallest circle), then split or symmetrise them.
#include "nanoreach/graph/from_edges.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace nanoreach {

namespace {

void check_edges(node_t people, std::span<const node_t> src, std::span<const node_t> dst,
                 std::span<const std::uint8_t> circle) {
  if (src.size() != dst.size())
    throw InputError("edges: " + std::to_string(src.size()) + " sources but " + std::to_string(dst.size()) +
                     " targets");
  if (!circle.empty() && circle.size() != src.size())
    throw InputError("edges: " + std::to_string(circle.size()) + " circles for " + std::to_string(src.size()) +
                     " edges");
  for (std::size_t i = 0; i < src.size(); ++i)
    if (src[i] >= people || dst[i] >= people)
      throw InputError("edge " + std::to_string(i) + " (" + std::to_string(src[i]) + ", " + std::to_string(dst[i]) +
                       "): node ids must be in [0, " + std::to_string(people) + ")");
  for (std::size_t i = 0; i < circle.size(); ++i)
    if (circle[i] < 1 || circle[i] > kCircles)
      throw InputError("edge " + std::to_string(i) + ": circle " + std::to_string(circle[i]) +
                       " is not in 1..4");
}

}  // namespace

SocialGraph social_from_edges(node_t people, std::span<const node_t> src, std::span<const node_t> dst,
                              std::span<const std::uint8_t> circle, bool directed, const GraphSpec& spec,
                              std::uint64_t seed) {
  if (spec.circle < 1 || spec.circle > kCircles) throw ConfigError("graph.circle", "must be in 1..4");
  spec.audience.validate();
  check_edges(people, src, dst, circle);
  const std::vector<std::uint8_t> uniform(circle.empty() ? src.size() : 0, spec.circle);
  const std::span<const std::uint8_t> attr = circle.empty() ? std::span<const std::uint8_t>(uniform) : circle;
  SocialGraph g;
  if (!directed) {
    CsrBuildOptions sym;
    sym.symmetrize = true;
    g.strong = build_csr(people, src, dst, attr, sym);
    g.audience = spec.audience.distribution == AudienceParams::Distribution::none
                     ? Csr::empty(people)
                     : generate_audience(g.strong, spec.audience, seed);
  } else {
    const Csr arcs = build_csr(people, src, dst, attr);
    std::vector<node_t> su, sv, au, av;
    std::vector<std::uint8_t> sc;
    for (node_t u = 0; u < people; ++u) {
      const auto targets = arcs.neighbors(u);
      const auto circles = arcs.attrs(u);
      for (std::size_t i = 0; i < targets.size(); ++i) {
        const node_t v = targets[i];
        const std::uint8_t back = arcs.edge_attr(v, u);
        if (back == 0) {
          au.push_back(u);
          av.push_back(v);
        } else if (u < v) {
          su.push_back(u);
          sv.push_back(v);
          sc.push_back(std::min(circles[i], back));
        }
      }
    }
    CsrBuildOptions sym;
    sym.symmetrize = true;
    g.strong = build_csr(people, su, sv, sc, sym);
    g.audience = build_csr(people, au, av);
  }
  g.dunbar_capped = false;
  g.assign_tiers(spec.tiers);
  g.check();
  return g;
}

SocialGraph social_from_layers(node_t people, std::span<const node_t> strong_src, std::span<const node_t> strong_dst,
                               std::span<const std::uint8_t> strong_circle, std::span<const node_t> audience_src,
                               std::span<const node_t> audience_dst, const GraphSpec& spec) {
  if (spec.circle < 1 || spec.circle > kCircles) throw ConfigError("graph.circle", "must be in 1..4");
  check_edges(people, strong_src, strong_dst, strong_circle);
  check_edges(people, audience_src, audience_dst, {});
  const std::vector<std::uint8_t> uniform(strong_circle.empty() ? strong_src.size() : 0, spec.circle);
  CsrBuildOptions sym;
  sym.symmetrize = true;
  SocialGraph g;
  g.strong = build_csr(people, strong_src, strong_dst,
                       strong_circle.empty() ? std::span<const std::uint8_t>(uniform) : strong_circle, sym);
  g.audience = build_csr(people, audience_src, audience_dst);
  g.dunbar_capped = false;
  g.assign_tiers(spec.tiers);
  g.check();
  return g;
}

}  // namespace nanoreach
