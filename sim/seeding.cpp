// Seeding strategies and prices (see the header).
#include "nanoreach/sim/seeding.hpp"

#include <boost/graph/core_numbers.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "nanoreach/graph/bgl.hpp"
#include "nanoreach/rng.hpp"

namespace nanoreach {

namespace {
constexpr const char* kTierKeys[4] = {"campaign.cost_nano", "campaign.cost_micro", "campaign.cost_macro",
                                      "campaign.cost_mega"};
}  // namespace

void CostModel::validate() const {
  for (int t = 0; t < 4; ++t)
    if (!(range[t][0] > 0 && range[t][1] >= range[t][0] && std::isfinite(range[t][1])))
      throw ConfigError(kTierKeys[t], "must be [low, high] with 0 < low <= high, got [" + number_text(range[t][0]) + ", " +
                                          number_text(range[t][1]) + "]");
  if (!(ordinary > 0 && std::isfinite(ordinary)))
    throw ConfigError("campaign.cost_ordinary", "must be positive, got " + number_text(ordinary));
  if (!(a >= 0 && std::isfinite(a))) throw ConfigError("campaign.cost_fixed", "must be non-negative, got " + number_text(a));
  if (!(b >= 0 && std::isfinite(b)))
    throw ConfigError("campaign.cost_per_follower", "must be non-negative, got " + number_text(b));
  if (kind == Kind::linear && a == 0 && b == 0)
    throw ConfigError("campaign.cost_per_follower", "a linear cost model with zero fixed cost and zero cost per "
                                                    "follower makes every seed free");
}

double CostModel::cost(Tier t, std::uint64_t followers, const TierThresholds& th) const {
  if (kind == Kind::linear) return a + b * double(followers);
  if (t == Tier::none) return ordinary;
  const int k = static_cast<int>(t) - 1;
  const double lo_f = double(th.min_followers[k]);
  const double hi_f = k < 3 ? double(th.min_followers[k + 1]) : 100.0 * lo_f;
  const double x = std::clamp(std::log(double(followers) / lo_f) / std::log(hi_f / lo_f), 0.0, 1.0);
  return range[k][0] * std::pow(range[k][1] / range[k][0], x);
}

const char* strategy_kind_name(StrategyKind k) {
  switch (k) {
    case StrategyKind::tier: return "tier";
    case StrategyKind::random: return "random";
    case StrategyKind::top_followers: return "top_followers";
    case StrategyKind::top_degree: return "top_degree";
    case StrategyKind::top_core: return "top_core";
    case StrategyKind::budget: return "budget";
    case StrategyKind::mix: return "mix";
    case StrategyKind::nominal_reach: return "nominal_reach";
    case StrategyKind::optimal: return "optimal";
    case StrategyKind::eigenvector: return "eigenvector";
  }
  return "?";
}

std::optional<StrategyKind> parse_strategy_kind(std::string_view s) {
  for (StrategyKind k : {StrategyKind::tier, StrategyKind::random, StrategyKind::top_followers, StrategyKind::top_degree,
                         StrategyKind::top_core, StrategyKind::budget, StrategyKind::mix, StrategyKind::nominal_reach,
                         StrategyKind::optimal, StrategyKind::eigenvector})
    if (s == strategy_kind_name(k)) return k;
  return std::nullopt;
}

std::vector<node_t> tier_members(const SocialGraph& g, Tier t) {
  std::vector<node_t> out;
  for (node_t u = 0; u < g.people(); ++u)
    if (g.tier[u] == t) out.push_back(u);
  return out;
}

NodePool NodePool::of_members(std::vector<node_t> members) {
  NodePool p;
  p.size_ = members.size();
  p.list_ = std::move(members);
  return p;
}

NodePool NodePool::all_but(node_t people, std::vector<node_t> excluded) {
  NodePool p;
  p.complement_ = true;
  p.people_ = people;
  p.size_ = std::uint64_t(people) - excluded.size();
  p.list_ = std::move(excluded);
  return p;
}

NodePool NodePool::of_tier(const SocialGraph& g, Tier t) {
  const node_t n = g.people();
  std::uint64_t in = 0;
  for (node_t u = 0; u < n; ++u) in += g.tier[u] == t;
  std::vector<node_t> list;
  const bool complement = 2 * in > n;
  list.reserve(complement ? n - in : in);
  for (node_t u = 0; u < n; ++u)
    if ((g.tier[u] == t) != complement) list.push_back(u);
  return complement ? all_but(n, std::move(list)) : of_members(std::move(list));
}

node_t NodePool::operator[](std::uint64_t i) const {
  if (!complement_) return list_[i];
  // The member at position i is i + j, where j people left out come before it: the first k with
  // list_[k] - k > i (list_[k] - k, the members below list_[k], never decreases).
  std::size_t lo = 0, hi = list_.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (std::uint64_t(list_[mid]) - mid <= i) lo = mid + 1;
    else hi = mid;
  }
  return static_cast<node_t>(i + lo);
}

std::optional<std::uint64_t> SequentialSampler::next() {
  if (!shuffled_) {
    if (2 * (taken_.size() + 1) <= m_) {
      while (true) {
        const std::uint64_t x = rs_.below(m_);
        if (taken_.insert(x).second) return x;
      }
    }
    // More than half taken: list the rest and shuffle it (Fisher-Yates), then hand it out in order.
    shuffled_ = true;
    for (std::uint64_t x = 0; x < m_; ++x)
      if (!taken_.count(x)) rest_.push_back(x);
    for (std::size_t i = rest_.size(); i > 1; --i) std::swap(rest_[i - 1], rest_[rs_.below(i)]);
  }
  if (rest_pos_ >= rest_.size()) return std::nullopt;
  return rest_[rest_pos_++];
}

namespace {

std::string field(const StrategySpec& s, const char* f) { return "strategy." + s.name + "." + f; }

// The k largest by score, ties broken by smaller id.
template <class Score>
std::vector<node_t> top_k(node_t n, std::uint32_t k, Score score) {
  std::vector<node_t> ids(n);
  std::iota(ids.begin(), ids.end(), 0);
  const std::size_t kk = std::min<std::size_t>(k, n);
  std::partial_sort(ids.begin(), ids.begin() + kk, ids.end(), [&](node_t a, node_t b) {
    const auto sa = score(a), sb = score(b);
    return sa != sb ? sa > sb : a < b;
  });
  ids.resize(kk);
  return ids;
}

}  // namespace

Strategy::Strategy(const StrategySpec& spec, const Exposure& ex, const CostModel& costs, std::uint64_t master_seed,
                   std::optional<std::vector<node_t>> computed)
    : spec_(spec), ex_(ex), costs_(costs),
      key_(rng::derive(master_seed, rng::Purpose::seeding, rng::name_label(spec.name.data(), spec.name.size()))) {
  costs_.validate();
  const SocialGraph& g = ex.graph();
  const node_t n = g.people();
  auto need_k = [&](std::uint64_t available, const std::string& what) {
    if (spec_.k == 0) throw ConfigError(field(spec_, "k"), "must be at least 1");
    if (spec_.k > available)
      throw ConfigError(field(spec_, "k"), "is " + std::to_string(spec_.k) + " but " + what + " has only " +
                                               std::to_string(available) + " people");
  };
  // "the mega tier is empty in this graph (1,000,000 people, automatic thresholds: nano >= 100, ...)"
  auto empty_tier = [&](Tier t) {
    std::string th;
    for (int k = 0; k < 4; ++k)
      th += std::string(k ? ", " : "") + tier_name(static_cast<Tier>(k + 1)) + " >= " +
            grouped_text(double(g.thresholds.min_followers[k]));
    return std::string("the ") + tier_name(t) + " tier is empty in this graph (" + grouped_text(double(n)) +
           " people; " + g.thresholds.rule + " thresholds, in followers: " + th + ")";
  };
  const bool may_be_empty =
      spec_.empty_ok && (spec_.kind == StrategyKind::budget || spec_.kind == StrategyKind::mix);
  auto tier_pool = [&]() {
    if (!spec_.tier) return NodePool::all_but(n, {});
    NodePool pool = NodePool::of_tier(g, *spec_.tier);
    if (pool.empty() && !may_be_empty)
      throw ConfigError(field(spec_, "tier"),
                        empty_tier(*spec_.tier) +
                            (spec_.kind == StrategyKind::budget || spec_.kind == StrategyKind::mix
                                 ? "; set " + field(spec_, "empty_ok") + " = true to let this strategy seed nobody"
                                 : std::string()));
    return pool;
  };
  auto cheapest = [&](const NodePool& pool) {
    double c = INFINITY;
    pool.for_each([&](node_t u) { c = std::min(c, price(u)); });
    return c;
  };
  switch (spec_.kind) {
    case StrategyKind::tier:
      if (!spec_.tier) throw ConfigError(field(spec_, "tier"), "is required for kind = \"tier\"");
      pool_ = tier_pool();
      need_k(pool_.size(), std::string("the ") + tier_name(*spec_.tier) + " tier");
      break;
    case StrategyKind::random:
      if (!(spec_.top_fraction > 0 && spec_.top_fraction <= 1))
        throw ConfigError(field(spec_, "top_fraction"), "must be in (0, 1], got " + number_text(spec_.top_fraction));
      if (spec_.top_fraction < 1) {
        g.require_explicit(field(spec_, "top_fraction") + " below 1 (a ranking of everyone by strong degree)");
        const auto m = static_cast<std::uint32_t>(std::max(1.0, std::floor(spec_.top_fraction * n)));
        std::vector<node_t> top = top_k(n, m, [&](node_t u) { return g.strong.degree(u); });
        std::sort(top.begin(), top.end());
        pool_ = NodePool::of_members(std::move(top));
        need_k(pool_.size(), "the top " + number_text(100 * spec_.top_fraction) + "% by strong degree");
      } else {
        need_k(n, "the population");
      }
      break;
    case StrategyKind::top_followers: {
      need_k(n, "the population");
      // The k most followed sit in the top tiers: rank only the tiers from the top down that hold
      // at least k people together (everyone when the influencer tiers hold fewer).
      std::vector<node_t> candidates;
      for (int t = kTierCount - 1; t >= 1 && candidates.size() < spec_.k; --t) {
        const auto m = tier_members(g, static_cast<Tier>(t));
        candidates.insert(candidates.end(), m.begin(), m.end());
      }
      if (candidates.size() < spec_.k) {
        fixed_ = fixed_set(top_k(n, spec_.k, [&](node_t u) { return g.followers(u); }));
        break;
      }
      std::sort(candidates.begin(), candidates.end());
      const std::size_t kk = spec_.k;
      std::partial_sort(candidates.begin(), candidates.begin() + kk, candidates.end(), [&](node_t a, node_t b) {
        const auto fa = g.followers(a), fb = g.followers(b);
        return fa != fb ? fa > fb : a < b;
      });
      candidates.resize(kk);
      fixed_ = fixed_set(std::move(candidates));
      break;
    }
    case StrategyKind::top_degree:
      g.require_explicit(field(spec_, "kind") + " = \"top_degree\" (a ranking of everyone by strong degree)");
      need_k(n, "the population");
      fixed_ = fixed_set(top_k(n, spec_.k, [&](node_t u) { return g.strong.degree(u); }));
      break;
    case StrategyKind::top_core: {
      g.require_explicit(field(spec_, "kind") + " = \"top_core\" (the k-core decomposition)");
      need_k(n, "the population");
      std::vector<std::uint32_t> core(n);
      boost::core_numbers(g.strong, boost::make_iterator_property_map(core.begin(), get(boost::vertex_index, g.strong)));
      fixed_ = fixed_set(top_k(n, spec_.k, [&](node_t u) {
        return (std::uint64_t(core[u]) << 32) | g.strong.degree(u);
      }));
      break;
    }
    case StrategyKind::budget: {
      pool_ = tier_pool();
      if (!(spec_.budget > 0)) throw ConfigError(field(spec_, "budget"), "must be positive, got " + number_text(spec_.budget));
      const double c = cheapest_ = cheapest(pool_);
      const std::string who = spec_.tier ? std::string(tier_name(*spec_.tier)) + " account" : "person";
      if (pool_.empty()) {
        note_ = empty_tier(*spec_.tier) + ": it seeds nobody";
      } else if (c > spec_.budget) {
        const std::string what = "$" + grouped_text(spec_.budget) + " buys nobody: the cheapest " + who + " costs $" +
                                 grouped_text(c);
        if (!spec_.empty_ok)
          throw ConfigError(field(spec_, "budget"),
                            what + "; raise the budget, or set " + field(spec_, "empty_ok") +
                                " = true to let this strategy seed nobody");
        note_ = what + ": it seeds nobody";
      }
      break;
    }
    case StrategyKind::mix: {
      if (spec_.mix_tiers.empty() || spec_.mix_tiers.size() != spec_.mix_shares.size())
        throw ConfigError(field(spec_, "shares"), "needs one share per tier in strategy." + spec_.name + ".tiers");
      double total = 0;
      for (double s : spec_.mix_shares) {
        if (!(s >= 0)) throw ConfigError(field(spec_, "shares"), "shares must be non-negative");
        total += s;
      }
      if (std::abs(total - 1.0) > 1e-9)
        throw ConfigError(field(spec_, "shares"), "must add up to 1, got " + number_text(total));
      if (!(spec_.budget > 0)) throw ConfigError(field(spec_, "budget"), "must be positive, got " + number_text(spec_.budget));
      for (std::size_t i = 0; i < spec_.mix_tiers.size(); ++i) {
        const Tier t = spec_.mix_tiers[i];
        NodePool pool = NodePool::of_tier(g, t);
        std::string problem;
        if (pool.empty()) problem = empty_tier(t);
        else if (cheapest(pool) > spec_.budget * spec_.mix_shares[i] && spec_.mix_shares[i] > 0)
          problem = "its " + std::string(tier_name(t)) + " share ($" + grouped_text(spec_.budget * spec_.mix_shares[i]) +
                    ") buys nobody: the cheapest costs $" + grouped_text(cheapest(pool));
        if (pool.empty() && !spec_.empty_ok)
          throw ConfigError(field(spec_, "tiers"),
                            problem + "; set " + field(spec_, "empty_ok") + " = true to let that share seed nobody");
        if (!problem.empty()) note_ += (note_.empty() ? "" : "; ") + problem + ": that share seeds nobody";
        mix_cheapest_.push_back(pool.empty() ? INFINITY : cheapest(pool));
        mix_pools_.push_back(std::move(pool));
      }
      break;
    }
    case StrategyKind::nominal_reach: {
      pool_ = tier_pool();
      if (!(spec_.reach > 0)) throw ConfigError(field(spec_, "reach"), "must be positive, got " + number_text(spec_.reach));
      std::uint64_t total = 0;
      pool_.for_each([&](node_t u) { total += g.followers(u); });
      if (double(total) < spec_.reach)
        throw ConfigError(field(spec_, "reach"), "asks for " + number_text(spec_.reach) + " followers but the whole pool has " +
                                                     std::to_string(total));
      break;
    }
    case StrategyKind::optimal:
    case StrategyKind::eigenvector:
      if (!computed) throw Error("strategy " + spec_.name + ": no computed seed set was supplied");
      fixed_ = fixed_set(std::move(*computed));
      break;
  }
}

std::uint32_t Strategy::sponsored_posts() const {
  return spec_.sponsored_posts ? *spec_.sponsored_posts : ex_.campaign().sponsored_posts;
}

double Strategy::price(node_t u) const {
  const SocialGraph& g = ex_.graph();
  return costs_.cost(g.tier[u], g.followers(u), g.thresholds);
}

SeedSet Strategy::fixed_set(std::vector<node_t> people) const {
  SeedSet s;
  s.people = std::move(people);
  for (node_t u : s.people) {
    s.cost += price(u);
    s.followers += ex_.graph().followers(u);
  }
  return s;
}

SeedSet Strategy::spend(const NodePool& pool, double cheapest, double budget, rng::Stream& rs) const {
  SeedSet s;
  SequentialSampler sampler(pool.size(), rs);
  double left = budget;
  while (left >= cheapest) {
    const auto i = sampler.next();
    if (!i) break;
    const node_t u = pool[*i];
    const double c = price(u);
    if (c > left) continue;
    left -= c;
    s.people.push_back(u);
    s.cost += c;
    s.followers += ex_.graph().followers(u);
  }
  return s;
}

SeedSet Strategy::draw(std::uint32_t run) const {
  if (fixed_) return *fixed_;
  rng::Stream rs(key_, run);
  const SocialGraph& g = ex_.graph();
  SeedSet s;
  switch (spec_.kind) {
    case StrategyKind::tier:
    case StrategyKind::random: {
      const bool pooled = !pool_.empty();
      const std::uint64_t m = pooled ? pool_.size() : g.people();
      SequentialSampler sampler(m, rs);
      for (std::uint32_t i = 0; i < spec_.k; ++i) {
        const std::uint64_t x = *sampler.next();
        s.people.push_back(pooled ? pool_[x] : static_cast<node_t>(x));
      }
      for (node_t u : s.people) {
        s.cost += price(u);
        s.followers += g.followers(u);
      }
      return s;
    }
    case StrategyKind::budget:
      return spend(pool_, cheapest_, spec_.budget, rs);
    case StrategyKind::mix: {
      for (std::size_t i = 0; i < mix_pools_.size(); ++i) {
        SeedSet part = spend(mix_pools_[i], mix_cheapest_[i], spec_.budget * spec_.mix_shares[i], rs);
        s.people.insert(s.people.end(), part.people.begin(), part.people.end());
        s.cost += part.cost;
        s.followers += part.followers;
      }
      return s;
    }
    case StrategyKind::nominal_reach: {
      SequentialSampler sampler(pool_.size(), rs);
      while (double(s.followers) < spec_.reach) {
        const node_t u = pool_[*sampler.next()];
        s.people.push_back(u);
        s.cost += price(u);
        s.followers += g.followers(u);
      }
      return s;
    }
    default:
      break;
  }
  return s;
}

}  // namespace nanoreach
