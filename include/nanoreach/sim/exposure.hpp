// What one exposure does (MODEL.md section 3): the probability that a message crossing one edge
// convinces the person at its end.
//
//   strong tie u -> v in circle c:  p = virality x trust_known    x circle_weight[c]       x auth(u) x affinity
//   audience edge u -> follower:    p = virality x trust_audience x engagement(followers(u)) x auth(u) x affinity
//
// trust: Nielsen 2015 (30,000 people, 60 countries): 83% trust recommendations from people they know,
//   70% branded content. A strong tie is someone you know; an account you follow speaks as a brand.
// engagement: Markerly 2016 (2M Instagram accounts, like rate by follower count): 8% under 1K,
//   4% for 1K-10K, 2.4% for 10K-100K, 1.7% for 1M-10M. Markerly's 100K-1M row is not in MODEL.md; the
//   default table applies 1.7% from 100K on. Any table of (minimum followers, rate) rows may be given.
// circle weights: contact frequency, inner weekly ... 150-layer yearly: 1.0 / 0.5 / 0.25 / 0.1.
// auth(u): authenticity. A seed who relayed s other sponsored posts in the recent window persuades
//   fatigue^s as well as a fresh one; people who pass the message on unpaid are not discounted.
// affinity: brand affinity, scaling every adoption (a brand without fans gets less from everyone).
// Every probability is clamped to [0, 1]. Nothing here prints or touches a file.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "nanoreach/graph/social.hpp"

namespace nanoreach {

// A Bernoulli coin with its logarithm precomputed for skip-sampling.
struct Coin {
  double p = 0;
  double neg_inv_log1m = 0;  // -1 / log(1 - p), when 0 < p < 1
  static Coin of(double p) { return {p, p > 0.0 && p < 1.0 ? -1.0 / std::log1p(-p) : 0.0}; }
};


struct EngagementTable {
  std::vector<double> min_followers = {0, 1000, 10000, 100000};
  std::vector<double> rate = {0.08, 0.04, 0.024, 0.017};
  double at(std::uint64_t followers) const;
  void validate() const;  // ConfigError on campaign.engagement_* keys
};

struct Campaign {
  double virality = 0.03;
  double trust_known = 0.83;
  double trust_audience = 0.70;
  std::array<double, kCircles> circle_weight = {1.0, 0.5, 0.25, 0.1};
  EngagementTable engagement;
  double fatigue = 0.9;
  std::uint32_t sponsored_posts = 0;
  double affinity = 1.0;
  void validate() const;  // ConfigError naming the campaign.* key
};

// The campaign applied to one graph: per-circle probabilities and each account's audience
// probability, plus where each person's circles start and end in the strong layer.
class Exposure {
 public:
  Exposure(const SocialGraph& g, const Campaign& c);

  // Probability over a strong tie of circle c (1..4) from an unpaid person.
  double strong_p(int circle) const { return strong_p_[circle - 1]; }
  // Probability over an audience edge of account u, unpaid.
  double audience_p(node_t u) const { return audience_base_ * engagement_of(u); }
  double engagement_of(node_t u) const { return engagement_[eng_class_[u]]; }
  // The same as coins with their logarithms precomputed (engine.hpp), for unpaid people.
  const Coin& strong_coin(int circle) const { return strong_coins_[circle - 1]; }
  const Coin& audience_coin(node_t u) const { return audience_coins_[eng_class_[u]]; }
  void prefetch(node_t u) const {
    __builtin_prefetch(&eng_class_[u]);
    if (packed_) __builtin_prefetch(&circle_packed_[u]);
  }

  // The same by engagement-table row (implicit graphs compute the row from the follower count).
  int engagement_row(std::uint64_t followers) const;
  const Coin& audience_coin_of_row(int row) const { return audience_coins_[row]; }
  double audience_p_of_row(int row) const { return audience_base_ * engagement_[row]; }

  // Multiplier on a seed's edges after `posts` other sponsored posts.
  double authenticity(std::uint32_t posts) const;

  // Strong-layer positions [begin, ends[0]), [ends[0], ends[1]), ... of u's circles 1..4.
  std::array<offset_t, kCircles> circle_ends(node_t u) const {
    const offset_t b = g_.strong.begin(u);
    std::array<offset_t, kCircles> ends;
    if (packed_) {
      const std::uint32_t p = circle_packed_[u];
      for (int k = 0; k < kCircles; ++k) ends[k] = b + ((p >> (8 * k)) & 0xFF);
      return ends;
    }
    if (only_circle_) {
      const offset_t e = g_.strong.end(u);
      for (int k = 0; k < kCircles; ++k) ends[k] = k + 1 >= only_circle_ ? e : b;
      return ends;
    }
    return circle_ends_searched(u);
  }

  const SocialGraph& graph() const { return g_; }
  const Campaign& campaign() const { return c_; }

 private:
  std::array<offset_t, kCircles> circle_ends_searched(node_t u) const;

  const SocialGraph& g_;
  Campaign c_;
  std::array<double, kCircles> strong_p_;
  double audience_base_;
  std::vector<double> engagement_;
  std::vector<Coin> strong_coins_, audience_coins_;  // per circle; per engagement row
  std::vector<std::uint8_t> eng_class_;       // row of the engagement table per person (explicit graphs)
  std::vector<std::uint32_t> circle_packed_;  // per person: circle ends as 4 x 8-bit counts, when degree < 256
  bool packed_ = false;
  int only_circle_ = 0;                       // every tie in this circle (classic and imported graphs), or 0
};

}  // namespace nanoreach
