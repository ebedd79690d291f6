// The audience generator: weak, one-way followers on top of a strong-tie layer (MODEL.md section 2).
//
// Follower counts are heavy-tailed: a (floored) Pareto with the given exponent and minimum (Kwak, Lee,
// Park & Moon 2010 measured a tail exponent of 2.276 on Twitter, below 10^5 followers), or a log-normal
// for those who prefer a body that is not a clean power law. An account's audience is its drawn size,
// capped at max_fraction x N and at the N - 1 - (strong degree) people who are neither the account nor
// one of its friends.
//
// Who follows: small accounts' audiences are mostly people they already know or have interacted with
// (the article). A share local_half / (local_half + A) of an audience of size A is local: friends of
// friends (not the account, not its friends), drawn by two-step walks from the account's own stream
// until that many distinct ones are found (at most 8 x that + 64 walks), which favours people who share
// many friends with the account. The first step is a uniform friend; the second a uniform tie of that
// friend (on the Dunbar network: one of the friend's ring ties, i.e. through the friend's own community,
// which needs no list of the friend's ties and so costs the same on the implicit graph). The rest of
// the audience is uniform over everyone but the account: the account's own keyed permutation of the
// other N - 1 people, taken in order. With local_half = 1,000: 91% local at 100 followers, 25% at
// 3,000, 1% at 100,000.
//
// The list of account u is stored as: its local followers in id order, then its uniform followers
// from the last drawn to the first, so that position k >= local_wanted(A) is always the uniform
// follower number A - 1 - k, whatever the walks found: a cascade can jump to the followers that fire
// without building a million-follower list (the implicit graph does exactly that). The uniform part
// may, rarely, name a friend or a local follower again (probability (degree + local) / N per
// follower; one in ten thousand at a million people): such a person follows the account twice over
// and gets two chances, which is what "an audience drawn from everyone" means. Every account's
// followers come from its own streams, so the layer is identical on any thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "nanoreach/graph/csr.hpp"
#include "nanoreach/graph/dunbar.hpp"
#include "nanoreach/rng.hpp"

namespace nanoreach {

struct AudienceParams {
  enum class Distribution { none, powerlaw, lognormal };
  Distribution distribution = Distribution::powerlaw;
  double exponent = 2.276;     // Pareto exponent of P(A = a) ~ a^-exponent
  double min = 10;             // smallest audience under the power law
  double mu = 2.5;             // log-normal: mean of ln A
  double sigma = 1.5;          // log-normal: sd of ln A
  double max_fraction = 1.0;   // cap on an audience as a fraction of the population
  double local_half = 1000;    // audience size at which half the audience is local

  // Throws ConfigError naming the offending audience.* key.
  void validate() const;
};

// The share of an audience of size a drawn from the 2-hop neighbourhood.
double local_share(const AudienceParams& params, double a);

// Membership scratch for the local walks: an open-addressing set of people stamped by epoch, so it
// is cleared in O(1) between accounts.
class FollowerSet {
 public:
  void reset(std::size_t expected);
  bool insert(node_t v);  // true when v was not in the set

 private:
  std::vector<node_t> key_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t epoch_ = 0;
  std::size_t mask_ = 0;
};

// Everything that decides an account's audience; shared by the explicit and the implicit graph.
class AudienceModel {
 public:
  AudienceModel(const AudienceParams& params, node_t people, std::uint64_t seed);

  bool empty() const { return p_.distribution == AudienceParams::Distribution::none; }
  node_t people() const { return n_; }
  const AudienceParams& params() const { return p_; }
  // The drawn audience size of u (before the cap against strong ties).
  std::uint32_t drawn(node_t u) const;
  // The audience size (follower count) of u, who has `degree` strong ties.
  std::uint64_t size(node_t u, std::uint32_t degree) const {
    return std::min<std::uint64_t>(drawn(u), std::uint64_t(n_) - 1 - degree);
  }
  // The power-law draw as a function of u's 53-bit size coin (drawn(u) = drawn_from_coin(size_coin(u))),
  // which never grows with the coin. A ladder of follower counts: last[k] is the largest coin whose draw
  // reaches at_least[k] (found by bisection on drawn_from_coin itself), so drawn(u) >= at_least[k]
  // exactly when size_coin(u) <= last[k] - trusted farther than `guard` coins from last[k], where no
  // last-bit rounding of the power can reorder two draws (guard coins move the draw by more than 2^-30 of
  // itself; the power is within a unit in the last place); within the guard, drawn(u) is computed. Only
  // for the power law with an exponent below 1,000 (has_ladder).
  struct Ladder {
    std::vector<std::int64_t> last;  // per count: -1 when no coin reaches it
    std::uint64_t guard = 0;
  };
  static constexpr std::uint64_t kLadderGuard = std::uint64_t(1) << 24;
  bool has_ladder() const {
    return p_.distribution == AudienceParams::Distribution::powerlaw && p_.exponent < 1000.0;
  }
  Ladder ladder(const std::vector<std::uint64_t>& at_least, std::uint64_t guard = kLadderGuard) const;
  std::uint64_t size_coin(node_t u) const { return rng::hash(size_key_, 2 * std::uint64_t(u)) >> 11; }
  std::uint32_t drawn_from_coin(std::uint64_t coin) const;
  // How many rungs of the ladder the draw of size coin `coin` reaches, or -1 within the guard of one.
  static int rungs(std::uint64_t coin, const Ladder& l) {
    const std::int64_t m = static_cast<std::int64_t>(coin);
    int k = 0;
    for (std::size_t r = 0; r < l.last.size(); ++r) {
      const std::int64_t gap = m - l.last[r];
      if (std::uint64_t(gap < 0 ? -gap : gap) <= l.guard) return -1;
      k += gap < 0;
    }
    return k;
  }

  // How many of an audience of `size` are meant to be local (0 for someone without friends).
  std::uint64_t local_wanted(std::uint64_t size, std::uint32_t degree) const;

  // u's local followers in id order. friends: u's strong ties (in the layer's order); step(f, rs): a
  // random tie of friend f drawn from rs (an rng::BlockStream<8>), or kNoNode.
  template <class Step>
  void local(node_t u, std::span<const node_t> friends, std::uint64_t size, Step&& step, FollowerSet& set,
             std::vector<node_t>& out) const {
    out.clear();
    const std::uint64_t want = local_wanted(size, static_cast<std::uint32_t>(friends.size()));
    if (want == 0) return;
    rng::BlockStream<8> rs(pick_key_, u);  // a few hundred draws: eight Philox blocks at a time
    set.reset(friends.size() + want + 1);
    set.insert(u);
    for (node_t f : friends) set.insert(f);
    for (std::uint64_t attempts = 8 * want + 64; out.size() < want && attempts > 0; --attempts) {
      const node_t f = friends[rs.below(friends.size())];
      const node_t w = step(f, rs);
      if (w != kNoNode && set.insert(w)) out.push_back(w);
    }
    std::sort(out.begin(), out.end());
  }

  // u's uniform follower number j (j = 0, 1, ...): the j-th of u's permutation of everyone but u.
  node_t uniform(node_t u, std::uint64_t j) const {
    const std::uint64_t x = others_.rekeyed(rng::hash(uniform_key_, u)).forward(j);
    return static_cast<node_t>(x < u ? x : x + 1);
  }

 private:
  AudienceParams p_;
  node_t n_;
  std::uint64_t size_key_, pick_key_, uniform_key_;
  double cap_;
  KeyedPermutation others_;
};

// Each person's drawn audience size.
std::vector<std::uint32_t> draw_audience_sizes(const AudienceParams& params, node_t people, std::uint64_t seed);

// The audience layer (account -> followers, in the order described above) on any strong layer: the
// walks' second step is a uniform tie of the friend.
Csr generate_audience(const Csr& strong, const AudienceParams& params, std::uint64_t seed);
// The same on the Dunbar network `layer` (whose materialised ties are `strong`): the second step is
// one of the friend's ring ties (DunbarLayer::ring_step), as on the implicit graph.
Csr generate_audience(const Csr& strong, const DunbarLayer& layer, const AudienceParams& params, std::uint64_t seed);

}  // namespace nanoreach
