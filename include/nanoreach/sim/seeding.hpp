// Seeding strategies and budgets (MODEL.md section 5).
//
// Cost per post (industry rule of thumb): nano $10-100, micro $100-500, mid $500-5,000,
// macro $5,000-10,000, mega $10,000+. Our macro tier (10K-1M followers) spans the rule's mid and macro,
// so its default range is $500-10,000. Within a tier the cost rises log-linearly with followers from
// the tier's low to its high price (mega: from its threshold to 100x its threshold). Alternatively
// cost = a + b x followers (Bakshy, Hofman, Mason & Watts 2011). Ordinary people cost `ordinary`.
//
// Strategies (`kind`):
//   tier           k people drawn from one tier, anew each run;
//   random         k people drawn from the whole population, anew each run (or, with top_fraction
//                  below 1, from the people of highest strong degree: "influentials", Watts & Dodds 2007);
//   top_followers  the k people with most followers (fixed);
//   top_degree     the k people with most strong ties (fixed);
//   top_core       the k people of highest k-core number of the strong layer (Boost.Graph
//                  core_numbers; ties by degree, then id; fixed);
//   budget         people drawn from a tier (or everyone) in random order, each bought when still
//                  affordable, until the budget is spent or the tier exhausted, anew each run;
//   mix            a budget split between tiers by shares, each share spent as `budget`;
//   nominal_reach  people drawn from a tier until their followers add up to a target (the seed's
//                  WeAre8 example: 80,000 accounts, a billion followers);
//   optimal        near-optimal seeds by IMM (imm.hpp): best k, or best under the budget (fixed);
//   eigenvector    the k people of highest eigenvector centrality of the strong layer (fixed).
// A strategy that draws per run uses its own stream keyed by (master seed, its name, run), so every
// strategy sees independent but reproducible seed sets, whatever else is in the experiment.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "nanoreach/rng.hpp"
#include "nanoreach/sim/exposure.hpp"

namespace nanoreach {

struct CostModel {
  enum class Kind { tier, linear };
  Kind kind = Kind::tier;
  // [low, high] price per post for nano, micro, macro, mega.
  std::array<std::array<double, 2>, 4> range = {{{10, 100}, {100, 500}, {500, 10000}, {10000, 100000}}};
  double ordinary = 10;
  double a = 10, b = 0.01;  // linear: a + b * followers
  void validate() const;
  double cost(Tier t, std::uint64_t followers, const TierThresholds& th) const;
};

enum class StrategyKind { tier, random, top_followers, top_degree, top_core, budget, mix, nominal_reach, optimal, eigenvector };
const char* strategy_kind_name(StrategyKind k);
std::optional<StrategyKind> parse_strategy_kind(std::string_view s);

struct StrategySpec {
  std::string name;
  StrategyKind kind = StrategyKind::tier;
  std::optional<Tier> tier;            // tier / budget / nominal_reach (absent: everyone)
  std::uint32_t k = 0;
  double budget = 0;
  double reach = 0;                    // nominal_reach: follower total to match
  std::vector<Tier> mix_tiers;         // mix
  std::vector<double> mix_shares;      // mix, summing to 1
  std::optional<std::uint32_t> sponsored_posts;  // overrides the campaign's
  double top_fraction = 1.0;   // random: draw from this share of people, highest strong degree first
  bool empty_ok = false;       // budget / mix: an empty tier or a budget that buys nobody gives no seeds
                               // (and a note()), not an error
};

struct SeedSet {
  std::vector<node_t> people;
  double cost = 0;
  std::uint64_t followers = 0;  // nominal reach: the sum of the seeds' followers
};

// A set of people in increasing order, addressed by position. Stored as its members or, when it holds
// most of the population (the ordinary tier, everyone), as the people it leaves out: a pool of 950
// million people then costs the size of its complement. pool[i] is the same person either way.
class NodePool {
 public:
  NodePool() = default;
  // `members` sorted and distinct.
  static NodePool of_members(std::vector<node_t> members);
  // Everyone in [0, people) but `excluded` (sorted, distinct, each below people).
  static NodePool all_but(node_t people, std::vector<node_t> excluded);
  // The members of tier t in g, held whichever way is smaller.
  static NodePool of_tier(const SocialGraph& g, Tier t);

  std::uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool complement() const { return complement_; }
  node_t operator[](std::uint64_t i) const;
  template <class F>
  void for_each(F&& f) const {
    if (!complement_) {
      for (node_t u : list_) f(u);
      return;
    }
    std::size_t k = 0;
    for (node_t u = 0; u < people_; ++u) {
      if (k < list_.size() && list_[k] == u) {
        ++k;
        continue;
      }
      f(u);
    }
  }

 private:
  bool complement_ = false;
  std::vector<node_t> list_;  // the members, or the people left out
  std::uint64_t size_ = 0;
  node_t people_ = 0;
};

// A strategy bound to a graph: pools, prices and, for fixed strategies, the seed set.
class Strategy {
 public:
  // Throws ConfigError (key strategy.<name>.<field>) when the strategy cannot be carried out on this
  // graph: an empty tier, k larger than the tier, a budget that buys nobody... With empty_ok, an
  // empty tier or an unaffordable budget of a budget or mix strategy is not an error: that part
  // buys nobody and note() says so.
  // `optimal` and `eigenvector` take their seed set from `computed` (from imm.hpp / analytics.hpp,
  // which sit beside seeding, not below it).
  Strategy(const StrategySpec& spec, const Exposure& ex, const CostModel& costs, std::uint64_t master_seed,
           std::optional<std::vector<node_t>> computed = std::nullopt);

  const StrategySpec& spec() const { return spec_; }
  bool fixed() const { return fixed_.has_value(); }
  std::uint32_t sponsored_posts() const;
  SeedSet draw(std::uint32_t run) const;
  double price(node_t u) const;
  // What the strategy does without on this graph (empty_ok): "" when nothing.
  const std::string& note() const { return note_; }

 private:
  SeedSet fixed_set(std::vector<node_t> people) const;
  SeedSet spend(const NodePool& pool, double cheapest, double budget, rng::Stream& rs) const;

  StrategySpec spec_;
  const Exposure& ex_;
  CostModel costs_;
  std::uint64_t key_;
  NodePool pool_;                               // tier / budget / nominal_reach / influentials
  double cheapest_ = 0;                         // budget: the pool's lowest price
  std::vector<NodePool> mix_pools_;             // mix: one pool per tier (tiers are disjoint)
  std::vector<double> mix_cheapest_;
  std::optional<SeedSet> fixed_;
  std::string note_;
};

// Uniform sampling without replacement from [0, m), one index at a time, exact: rejection while
// fewer than half are taken, then an explicit shuffle of the rest.
class SequentialSampler {
 public:
  SequentialSampler(std::uint64_t m, rng::Stream& rs) : m_(m), rs_(rs) {}
  std::optional<std::uint64_t> next();

 private:
  std::uint64_t m_;
  rng::Stream& rs_;
  std::unordered_set<std::uint64_t> taken_;
  std::vector<std::uint64_t> rest_;
  std::size_t rest_pos_ = 0;
  bool shuffled_ = false;
};

// People of a tier, in id order.
std::vector<node_t> tier_members(const SocialGraph& g, Tier t);

}  // namespace nanoreach
