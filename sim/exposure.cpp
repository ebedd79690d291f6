// Per-edge probabilities (see the header for the model and its sources).
#include "nanoreach/sim/exposure.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace nanoreach {

namespace {
void probability(const char* key, double v) {
  if (!(v >= 0.0 && v <= 1.0)) throw ConfigError(key, "is a probability and must be in [0, 1], got " + number_text(v));
}
}  // namespace

double EngagementTable::at(std::uint64_t followers) const {
  std::size_t k = 0;
  while (k + 1 < min_followers.size() && double(followers) >= min_followers[k + 1]) ++k;
  return rate[k];
}

void EngagementTable::validate() const {
  if (min_followers.empty() || min_followers.size() != rate.size())
    throw ConfigError("campaign.engagement_followers",
                      "needs one row per engagement rate (" + std::to_string(min_followers.size()) +
                          " follower bounds for " + std::to_string(rate.size()) + " rates)");
  if (min_followers.size() > 255)
    throw ConfigError("campaign.engagement_followers", "allows at most 255 rows, got " + std::to_string(min_followers.size()));
  if (min_followers[0] != 0)
    throw ConfigError("campaign.engagement_followers", "must start at 0 followers, got " + number_text(min_followers[0]));
  for (std::size_t k = 1; k < min_followers.size(); ++k)
    if (!(min_followers[k] > min_followers[k - 1]))
      throw ConfigError("campaign.engagement_followers", "follower bounds must increase");
  for (double r : rate) probability("campaign.engagement_rate", r);
}

void Campaign::validate() const {
  probability("campaign.virality", virality);
  probability("campaign.trust_known", trust_known);
  probability("campaign.trust_audience", trust_audience);
  for (double w : circle_weight) probability("campaign.circle_weights", w);
  engagement.validate();
  if (!(fatigue >= 0.0 && fatigue <= 1.0))
    throw ConfigError("campaign.fatigue", "is a multiplier per sponsored post and must be in [0, 1], got " + number_text(fatigue));
  probability("campaign.affinity", affinity);
}

Exposure::Exposure(const SocialGraph& g, const Campaign& c) : g_(g), c_(c) {
  c_.validate();
  for (int k = 0; k < kCircles; ++k)
    strong_p_[k] = std::min(1.0, c_.virality * c_.trust_known * c_.circle_weight[k] * c_.affinity);
  audience_base_ = c_.virality * c_.trust_audience * c_.affinity;
  engagement_ = c_.engagement.rate;
  for (int k = 0; k < kCircles; ++k) strong_coins_.push_back(Coin::of(strong_p_[k]));
  for (double rate : engagement_) audience_coins_.push_back(Coin::of(audience_base_ * rate));
  // An implicit graph keeps no per-person arrays: rows and circles come with each rebuilt list.
  if (g.is_implicit()) return;
  const node_t n = g.people();
  eng_class_.resize(n);
#pragma omp parallel for schedule(static)
  for (node_t u = 0; u < n; ++u) eng_class_[u] = static_cast<std::uint8_t>(engagement_row(g.followers(u)));
  const auto& attr = g.strong.attr();
  if (attr.empty()) only_circle_ = 1;
  if (!attr.empty() && std::all_of(attr.begin(), attr.end(), [&](std::uint8_t a) { return a == attr[0]; }))
    only_circle_ = attr[0];
  if (!attr.empty() && only_circle_ == 0 && g.strong.max_degree() < 256) {
    packed_ = true;
    circle_packed_.resize(n);
#pragma omp parallel for schedule(static)
    for (node_t u = 0; u < n; ++u) {
      const auto at = g.strong.attrs(u);
      std::uint32_t packed = 0;
      for (int k = 0; k < kCircles; ++k) {
        const auto end = std::upper_bound(at.begin(), at.end(), static_cast<std::uint8_t>(k + 1)) - at.begin();
        packed |= static_cast<std::uint32_t>(end) << (8 * k);
      }
      circle_packed_[u] = packed;
    }
  }
}

int Exposure::engagement_row(std::uint64_t followers) const {
  const auto& lo = c_.engagement.min_followers;
  std::size_t k = 0;
  while (k + 1 < lo.size() && double(followers) >= lo[k + 1]) ++k;
  return static_cast<int>(k);
}

double Exposure::authenticity(std::uint32_t posts) const { return std::pow(c_.fatigue, double(posts)); }

std::array<offset_t, kCircles> Exposure::circle_ends_searched(node_t u) const {
  const offset_t b = g_.strong.begin(u);
  std::array<offset_t, kCircles> ends;
  const auto at = g_.strong.attrs(u);
  for (int k = 0; k < kCircles; ++k)
    ends[k] = at.empty() ? g_.strong.end(u)
                         : b + (std::upper_bound(at.begin(), at.end(), static_cast<std::uint8_t>(k + 1)) - at.begin());
  return ends;
}

}  // namespace nanoreach
