// The three diffusion models (MODEL.md section 4) as small policy descriptions run by one engine.
//
//   ic:        independent cascade (Kempe, Kleinberg & Tardos 2003): each newly active person gets one
//              chance to convince each strong tie and follower, with the edge's exposure probability.
//   threshold: Watts 2002 / Watts & Dodds 2007: a person adopts once the weighted share of their
//              contacts who are active reaches their threshold phi (or, with `absolute`, once the
//              weighted count does). Contacts are strong ties (weight = circle weight) and the accounts
//              a person follows (weight audience_weight). Thresholds are fixed or drawn per person and
//              run (uniform on phi +/- spread, or normal with sd spread, clamped at 0).
//   sir:       discrete-time SIR: each step every infectious person transmits over each edge with the
//              edge's exposure probability (per step), then recovers with probability `recovery`.
//              Transmissibility of an edge with per-step beta: T = beta / (beta + gamma - beta gamma).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "nanoreach/sim/exposure.hpp"

namespace nanoreach {

enum class ModelKind : std::uint8_t { ic = 0, threshold = 1, sir = 2 };
const char* model_name(ModelKind m);
std::optional<ModelKind> parse_model(std::string_view name);

struct ThresholdParams {
  enum class Distribution { fixed, uniform, normal };
  Distribution distribution = Distribution::fixed;
  double phi = 0.18;             // Watts 2002's cascade-window example
  double spread = 0.05;          // half-width (uniform) or standard deviation (normal)
  bool absolute = false;         // phi counts weighted active contacts instead of a share
  double audience_weight = 0.1;  // weight of a followed account, as the outermost circle
  void validate() const;
};

struct SirParams {
  double recovery = 0.5;  // gamma: mean infectious period 2 steps
  void validate() const;
};

// A model prepared for one graph and campaign (the threshold model needs each person's total
// incoming contact weight).
class Model {
 public:
  static Model ic();
  static Model threshold(const Exposure& ex, const ThresholdParams& p);
  static Model sir(const SirParams& p);

  ModelKind kind() const { return kind_; }
  const ThresholdParams& threshold_params() const { return threshold_; }
  const SirParams& sir_params() const { return sir_; }
  double in_weight(node_t v) const { return in_weight_[v]; }

 private:
  ModelKind kind_ = ModelKind::ic;
  ThresholdParams threshold_;
  SirParams sir_;
  std::vector<double> in_weight_;
};

// Total incoming contact weight of every person under the threshold model.
std::vector<double> threshold_in_weights(const Exposure& ex, double audience_weight);

}  // namespace nanoreach
