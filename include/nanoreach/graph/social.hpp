// The social graph: a strong-tie layer and an audience layer over the same people, plus tiers.
//
// strong:   undirected ties (stored both ways), one-byte attribute = the tie's circle 1..4 (1 = support
//           clique ... 4 = the 150 layer; MODEL.md section 1). Sorted by (circle, target). A generated
//           graph never gives anyone more than kDunbarCap ties (dunbar_capped); an imported real
//           network may, and says so.
// audience: directed account -> follower edges: weak, one-way followers beyond the strong ties
//           (MODEL.md section 2). A person's follower count is their audience size; strong ties are
//           counted apart (see README "Departures": counting them as followers would make nearly
//           everyone with 100 friends a nano-influencer and leave no "ordinary people").
// tier:     by follower count against thresholds that are absolute or fractions of the population.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nanoreach/graph/csr.hpp"

namespace nanoreach {

enum class Tier : std::uint8_t { none = 0, nano = 1, micro = 2, macro = 3, mega = 4 };
inline constexpr int kTierCount = 5;
inline constexpr std::array<Tier, kTierCount> kAllTiers = {Tier::none, Tier::nano, Tier::micro,
                                                          Tier::macro, Tier::mega};
inline constexpr int kCircles = 4;

// "none" is printed as "ordinary": a person with fewer followers than a nano-influencer.
const char* tier_name(Tier t);
std::optional<Tier> parse_tier(std::string_view name);

// How tiers are cut: the minimum follower counts of nano, micro, macro and mega.
//   absolute:  the counts themselves (MODEL.md section 2: 100 / 3,000 / 10,000 / 1,000,000);
//   fraction:  fractions of the population;
//   automatic: each threshold is the smaller of the two, so a population too small to hold a real
//              mega account scales the top tiers down; nano stays at 100 followers from 100,000
//              people up. With the defaults: 1,000,000 people -> 100 / 3,000 / 10,000 / 100,000;
//              100,000 people -> 100 / 300 / 1,000 / 10,000; 10,000 people -> 10 / 30 / 100 / 1,000;
//              10,000,000 people -> the absolute thresholds. Tiny populations keep them increasing.
struct TierRule {
  enum class Mode { automatic, absolute, fraction };
  Mode mode = Mode::automatic;
  std::array<double, 4> absolute = {100, 3000, 10000, 1000000};
  std::array<double, 4> fraction = {1e-3, 3e-3, 1e-2, 1e-1};
};

struct TierThresholds {
  std::string rule = "absolute";  // which rule produced the thresholds: absolute, fraction or automatic
  std::array<std::uint64_t, 4> min_followers = {100, 3000, 10000, 1000000};
};

TierThresholds resolve_tiers(const TierRule& rule, node_t people);
Tier tier_of(std::uint64_t followers, const TierThresholds& t);

class ImplicitGraph;

// Explicit (the default): the two layers are CSR arrays. Implicit (graph.storage = "implicit", the
// Dunbar network only): `implicit` rebuilds any person's lists on demand, strong and audience are
// empty, and only the tier of each person is stored (see implicit.hpp).
struct SocialGraph {
  Csr strong;
  Csr audience;
  std::vector<Tier> tier;
  TierThresholds thresholds;
  bool dunbar_capped = true;
  std::vector<std::uint64_t> external_ids;  // imported graphs: our id -> the file's id
  // Edge-list imports: what the file held and what was dropped (all zero for other sources).
  struct Import {
    std::uint64_t lines = 0, edge_lines = 0, self_loops = 0, duplicates = 0;
  } import;
  // Dunbar graphs: the degrees before colliding rewired ties are dropped (DunbarLayer), the same under
  // both storages; the percolation theory is computed from them. Empty for other sources.
  std::vector<std::uint64_t> nominal_degree_hist;
  std::array<double, kCircles> nominal_circle_mean = {};
  std::shared_ptr<const ImplicitGraph> implicit;

  bool is_implicit() const { return implicit != nullptr; }
  node_t people() const { return implicit ? implicit_people() : strong.num_nodes(); }
  std::uint32_t followers(node_t u) const { return implicit ? implicit_followers(u) : audience.degree(u); }
  // Throws ConfigError on graph.storage when `what` needs the layers as arrays.
  void require_explicit(const std::string& what) const;
  // Recomputes tier[] from follower counts.
  void assign_tiers(const TierRule& rule);
  // Throws Error naming the first broken invariant: layer sizes, circles in 1..4, symmetry,
  // canonical order of the strong layer, the Dunbar cap when dunbar_capped, audience edges to oneself,
  // tiers.
  void check() const;

 private:
  node_t implicit_people() const;
  std::uint32_t implicit_followers(node_t u) const;
};

// A strong layer without circles (a classic or imported graph) as a social graph whose ties all sit
// in `circle`, with no audience.
SocialGraph social_from_undirected(Csr g, std::uint8_t circle, bool dunbar_capped);

}  // namespace nanoreach
