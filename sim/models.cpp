// Model names, parameter checks and the threshold model's preparation.
#include "nanoreach/sim/models.hpp"

#include <cmath>
#include <string>

namespace nanoreach {


const char* model_name(ModelKind m) {
  switch (m) {
    case ModelKind::ic: return "ic";
    case ModelKind::threshold: return "threshold";
    case ModelKind::sir: return "sir";
  }
  return "?";
}

std::optional<ModelKind> parse_model(std::string_view name) {
  for (ModelKind m : {ModelKind::ic, ModelKind::threshold, ModelKind::sir})
    if (name == model_name(m)) return m;
  return std::nullopt;
}

void ThresholdParams::validate() const {
  if (!(phi >= 0.0 && std::isfinite(phi)) || (!absolute && phi > 1.0))
    throw ConfigError("model.threshold.phi", absolute ? "must be a non-negative weight, got " + number_text(phi)
                                                : "is a share of contacts and must be in [0, 1], got " + number_text(phi));
  if (!(spread >= 0.0 && std::isfinite(spread)))
    throw ConfigError("model.threshold.spread", "must be non-negative, got " + number_text(spread));
  if (!(audience_weight >= 0.0 && std::isfinite(audience_weight)))
    throw ConfigError("model.threshold.audience_weight", "must be non-negative, got " + number_text(audience_weight));
}

void SirParams::validate() const {
  if (!(recovery >= 0.0 && recovery <= 1.0))
    throw ConfigError("model.sir.recovery", "is a probability per step and must be in [0, 1], got " + number_text(recovery));
}

std::vector<double> threshold_in_weights(const Exposure& ex, double audience_weight) {
  const SocialGraph& g = ex.graph();
  const node_t n = g.people();
  const auto& w = ex.campaign().circle_weight;
  std::vector<double> in(n, 0.0);
  // Strong ties are symmetric: v's incoming weight from strong ties is the weight of v's own ties.
#pragma omp parallel for schedule(static)
  for (node_t v = 0; v < n; ++v) {
    const auto at = g.strong.attrs(v);
    double s = 0;
    for (std::size_t i = 0; i < at.size(); ++i) s += w[at[i] - 1];
    in[v] = s;
  }
  // Followers receive audience_weight from each account they follow: count in-edges exactly as
  // integers, then scale, so the sums do not depend on thread order.
  if (audience_weight > 0 && g.audience.num_edges() > 0) {
    std::vector<std::uint32_t> follows(n, 0);
    for (node_t u = 0; u < n; ++u)
      for (node_t v : g.audience.neighbors(u)) ++follows[v];
    for (node_t v = 0; v < n; ++v) in[v] += audience_weight * follows[v];
  }
  return in;
}

Model Model::ic() { return Model(); }

Model Model::threshold(const Exposure& ex, const ThresholdParams& p) {
  ex.graph().require_explicit("the threshold model (each person's incoming contact weight, which counts the "
                              "accounts they follow)");
  p.validate();
  Model m;
  m.kind_ = ModelKind::threshold;
  m.threshold_ = p;
  m.in_weight_ = threshold_in_weights(ex, p.audience_weight);
  return m;
}

Model Model::sir(const SirParams& p) {
  p.validate();
  Model m;
  m.kind_ = ModelKind::sir;
  m.sir_ = p;
  return m;
}

}  // namespace nanoreach
