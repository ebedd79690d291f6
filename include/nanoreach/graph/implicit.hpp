// The implicit social graph: the Dunbar network and its audiences with nothing stored that can be
// recomputed, for populations whose explicit arrays (about 0.9 GB per million people) do not fit.
//
// A person's strong ties are rebuilt by DunbarLayer::ties (2R keyed lattice decisions plus the
// pairing of their rewired stubs); a person's audience size by AudienceModel (a keyed draw; the
// degree is needed only when the draw comes within 2R of the population); a follower at position k of
// the audience list is, past the local part, the account's uniform follower number A - 1 - k (one
// keyed permutation step), and within it the local walks are run once per expansion, only when a
// local position is asked for. The lists are exactly those of the explicit graph built from the same
// specification and seed (generate_dunbar, generate_audience on the Dunbar layer), in the same order,
// so a cascade that tosses the same coins reaches the same people: results are byte-identical.
//
// Stored: about 7.5 bytes per person in the Dunbar layer (network size, stub counts, block sums, a
// select index) and,
// in SocialGraph, one tier byte per person. What it cannot do without arrays: in-neighbour lists of
// the audience (IMM, the threshold model with audience weight, the in-weights of followers), global
// traversals (components, spectra, k-cores, eigenvectors), which say so (SocialGraph::require_explicit).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "nanoreach/graph/audience.hpp"
#include "nanoreach/graph/dunbar.hpp"
#include "nanoreach/graph/social.hpp"

namespace nanoreach {

class ImplicitGraph {
 public:
  ImplicitGraph(const DunbarParams& dunbar, const AudienceParams& audience, std::uint64_t seed,
                const std::function<void(double)>& progress = {});

  node_t people() const { return strong_.people(); }
  const DunbarLayer& strong() const { return strong_; }
  const AudienceModel& audience() const { return audience_; }
  std::uint32_t followers(node_t u) const;
  // Every person's tier, tier_of(followers(u), t): from the audience ladder (no power computed) where the
  // size coin is clear of every threshold, else from followers(u).
  void tiers(const TierThresholds& t, std::vector<Tier>& out,
             std::uint64_t guard = AudienceModel::kLadderGuard) const;
  std::size_t memory_bytes() const { return strong_.memory_bytes(); }

  // One person's lists being read; per thread, reused.
  struct Cursor {
    node_t person = kNoNode;
    TieList ties;
    std::uint64_t audience = 0;      // the audience size
    std::uint64_t local_wanted = 0;  // positions below this may be local
    bool local_ready = false;
    std::vector<node_t> local;
    FollowerSet set;
  };
  // Rebuilds u's strong ties and audience size into c.
  void expand(node_t u, Cursor& c) const {
    strong_.ties(u, c.ties);
    c.person = u;
    c.audience = audience_.size(u, c.ties.size());
    c.local_wanted = audience_.local_wanted(c.audience, c.ties.size());
    c.local_ready = false;
  }
  // The follower at position k (< c.audience) of the expanded person's audience list.
  node_t follower(Cursor& c, std::uint64_t k) const {
    if (k >= c.local_wanted) return audience_.uniform(c.person, c.audience - 1 - k);
    if (!c.local_ready) {
      audience_.local(c.person, c.ties.target, c.audience,
                      [&](node_t f, auto& rs) { return strong_.ring_step(f, rs); }, c.set, c.local);
      c.local_ready = true;
    }
    return k < c.local.size() ? c.local[k] : audience_.uniform(c.person, c.audience - 1 - k);
  }

 private:
  DunbarLayer strong_;
  AudienceModel audience_;
};

// Bytes the implicit graph of `people` people holds, tier bytes included (before it is built).
std::uint64_t implicit_graph_bytes(std::uint64_t people);

}  // namespace nanoreach
