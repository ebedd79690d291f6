// The audience generator: weak, one-way followers on top of a strong-tie layer (MODEL.md section 2).
//
// Follower counts are heavy-tailed: a (floored) Pareto with the given exponent and minimum (Kwak, Lee,
// Park & Moon 2010 measured a tail exponent of 2.276 on Twitter, below 10^5 followers), or a log-normal
// for those who prefer a body that is not a clean power law. An audience never exceeds the people
// who are not already the account's strong ties.
//
// Who follows: small accounts' audiences are mostly people they already know or have interacted with
// (the article). A share local_half / (local_half + A) of an audience of size A is drawn from the
// account's 2-hop neighbourhood (friends of friends who are not friends) by random two-step walks,
// which favours people who share many friends with the account; the rest is drawn uniformly from the
// whole population. With local_half = 1,000: 91% local at 100 followers, 25% at 3,000, 1% at 100,000.
// Every account's followers come from its own stream, so the layer is identical on any thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "nanoreach/graph/csr.hpp"

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

// Each person's audience size (before the cap against strong ties).
std::vector<std::uint32_t> draw_audience_sizes(const AudienceParams& params, node_t people,
                                               std::uint64_t seed);

// The share of an audience of size a drawn from the 2-hop neighbourhood.
double local_share(const AudienceParams& params, double a);

// The audience layer: account -> followers, sorted by follower, never the account itself nor one of
// its strong ties. Sizes are exactly min(draw, cap) where cap = min(N - 1 - strong degree,
// max_fraction * N).
Csr generate_audience(const Csr& strong, const AudienceParams& params, std::uint64_t seed);

}  // namespace nanoreach
