// How much memory an explicit graph needs at the peak of its build: the estimate behind
// graph.storage = "auto" and the refusal of graphs that cannot fit. Measured with the defaults: 0.9 GB
// per million people, 8.7 GB at ten million. The model: 5 bytes per strong-tie entry (target and
// circle), 4 per follower edge, 24 per person (offsets, tier, engagement row, engine state), plus 10%
// for the build's scratch.
#include <cmath>

#include "nanoreach/graph/build.hpp"

namespace nanoreach {

namespace {

// Mean strong degree and mean audience of the Dunbar defaults family (an estimate, not a promise).
double mean_degree_estimate(const GraphSpec& g) {
  if (g.source == GraphSpec::Source::dunbar) return std::min<double>(g.dunbar.size_mean, g.dunbar.circles[3]) * 0.95;
  return g.mean_degree;
}
double mean_audience_estimate(const GraphSpec& g, double people) {
  const AudienceParams& a = g.audience;
  const double cap = a.max_fraction * people;
  switch (a.distribution) {
    case AudienceParams::Distribution::none: return 0;
    case AudienceParams::Distribution::lognormal: return std::min(cap, std::exp(a.mu + a.sigma * a.sigma / 2));
    case AudienceParams::Distribution::powerlaw: {
      // E[min(X, cap)] for a Pareto(min, exponent - 1) tail.
      const double k = a.exponent - 1, m = a.min;
      if (cap <= m) return cap;
      if (std::abs(k - 1) < 1e-9) return m * (1 + std::log(cap / m));
      return m * k / (k - 1) - m * std::pow(cap / m, 1 - k) / (k - 1);
    }
  }
  return 0;
}

}  // namespace

std::uint64_t explicit_graph_bytes(const GraphSpec& g) {
  const double n = double(g.dunbar.people);
  const double bytes = 1.1 * n * (24 + 5 * mean_degree_estimate(g) + 4 * mean_audience_estimate(g, n));
  return static_cast<std::uint64_t>(bytes);
}

}  // namespace nanoreach
