// One engine for the three diffusion models: simulate(graph, seeds, stream, model).
//
// A run is serial; Monte Carlo parallelism is over runs (montecarlo.hpp). The engine keeps a bucket
// queue of people by the step at which they were scheduled to activate; a model policy expands each
// newly active person, offering their contacts a step of activation:
//   ic:        the edges that fire (skip-sampled per run of equal probability), one step later;
//   threshold: every contact receives the edge's weight and is scheduled for the next step when its
//              accumulated weight reaches its threshold (frontiers are processed in id order);
//   sir:       an infectious period D ~ Geometric(gamma) and, per edge, the first step K <= D at which
//              transmission succeeds; the contact is scheduled at the earliest offered step.
// The earliest offer wins; among equal offers, the first. Randomness is one Philox stream per
// (cascade key, run, person), addressed rather than carried, so a run's outcome does not depend on
// which thread runs it or on what ran before. Per-person scratch is epoch-stamped: a run costs
// O(what it touches), never O(N). Where per-person arrays would not fit (an implicit graph of a
// billion people, one scratch per thread), the scratch is a hash table of the people a run touched
// instead: memory in proportion to the cascade, the same outcome (the state's representation never
// changes a coin toss). On an implicit graph each expanded person's lists are rebuilt
// (ImplicitGraph::expand) and the audience is skip-sampled by position, so a mega account's million
// followers cost only the ones whose coins come up.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "nanoreach/rng.hpp"
#include "nanoreach/sim/models.hpp"

namespace nanoreach {

// Attribution codes: who activated a person.
inline constexpr int kBySeed = kTierCount;         // a seed, directly
inline constexpr int kIsSeed = kTierCount + 1;     // the person is a seed
inline constexpr int kAttribution = kTierCount + 1;  // codes 0..4 (tier of an unpaid activator) and kBySeed

struct RunResult {
  std::uint64_t reach = 0;    // people active at the end, seeds included
  std::uint32_t seeds = 0;    // distinct seeds
  std::uint32_t steps = 0;    // last step at which someone activated
  std::array<std::uint64_t, kAttribution> activated_by = {};  // non-seed adopters by activator
  std::vector<std::uint32_t> curve;     // people ever active by the end of step t, t = 0..steps
  std::vector<std::uint32_t> infected;  // sir: people infectious at step t; empty otherwise
  std::uint64_t examined = 0;  // out-edges of activated people: the coins a plain cascade would toss
  bool truncated = false;      // offers beyond max_steps were dropped
};

struct CascadeInput {
  std::span<const node_t> seeds;
  double seed_authenticity = 1.0;  // multiplies the seeds' edge probabilities (sponsored-post fatigue)
  std::uint64_t key = 0;           // rng::derive(master seed, Purpose::cascade, model, label)
  std::uint32_t run = 0;
  std::uint32_t max_steps = 100000;
};

// Per-person state of a run: dense arrays (people x 8 bytes, cleared by epochs) or a hash table of the
// people the run touched. automatic: dense up to kDenseStateMax people.
enum class StateMode { automatic, dense, sparse };
inline constexpr node_t kDenseStateMax = node_t(1) << 25;

// Per-thread scratch, reused across runs.
class Scratch {
 public:
  explicit Scratch(node_t people, StateMode mode = StateMode::automatic);
  bool sparse() const { return sparse_; }
  ~Scratch();

 private:
  template <class>
  friend class EngineAccess;
  friend struct DenseState;
  friend struct SparseState;
  bool sparse_;
  std::vector<std::uint32_t> stamp_;   // the run (epoch) that last touched a person
  std::vector<std::uint32_t> info_;    // step:24 | scheduled | weighed, valid when stamped this run
  struct Touched;                      // the sparse table
  std::unique_ptr<Touched> touched_;
  struct Lists;                        // implicit graphs: the expanded person's lists
  std::unique_ptr<Lists> lists_;
  std::vector<double> acc_, need_;     // threshold: accumulated weight and the weight needed
  std::vector<std::vector<std::uint64_t>> buckets_;  // per step: (person << 8) | attribution code
  std::vector<std::uint32_t> activated_, recovered_;  // per step
  struct Fired {
    const node_t* at;    // the edge's target entry
    node_t person = 0;   // its value, once read
    std::uint8_t origin;
  };
  std::vector<Fired> fired_;  // ic: the edges a batch of people fired
  std::uint32_t epoch_ = 0;
};

void simulate(const Exposure& ex, const Model& m, const CascadeInput& in, Scratch& scratch, RunResult& out);

// The coin tosses of one run of equal-probability edges [b, e): calls fire(i) for each position whose
// Bernoulli(p) coin comes up, jumping over the others with geometric gaps drawn from rs (so the cost
// follows the edges that fire). Shared by the fast engine and the reference implementations, which is
// what lets them agree toss for toss.
template <class Fire>
inline void sample_edges(rng::Stream& rs, offset_t b, offset_t e, const Coin& coin, Fire&& fire) {
  if (b >= e || !(coin.p > 0.0)) return;
  if (coin.p >= 1.0) {
    for (offset_t i = b; i < e; ++i) fire(i);
    return;
  }
  offset_t i = b + rs.geometric_fast(coin.neg_inv_log1m, e - b);
  while (i < e) {
    fire(i);
    i += 1 + rs.geometric_fast(coin.neg_inv_log1m, e - i);
  }
}

// The coin of a strong tie in circle c / an audience edge of u, for a seed (authenticity factor) or
// anyone else (factor 1: precomputed).
inline Coin strong_coin(const Exposure& ex, int c, double factor) {
  return factor == 1.0 ? ex.strong_coin(c) : Coin::of(ex.strong_p(c) * factor);
}
inline Coin audience_coin(const Exposure& ex, node_t u, double factor) {
  return factor == 1.0 ? ex.audience_coin(u) : Coin::of(ex.audience_p(u) * factor);
}

// A person's threshold in run `run`: the weight of active contacts needed to adopt.
double threshold_needed(const Model& m, std::uint64_t key, std::uint32_t run, node_t v);

// sir: infectious period of a person infected in this run (steps during which they transmit).
std::uint32_t sir_period(rng::Stream& rs, double recovery, std::uint32_t cap);
// sir: the step (1..period) at which a transmission that happens within `period` steps happens,
// given per-step beta and T = 1 - (1 - beta)^period.
std::uint32_t sir_delay(rng::Stream& rs, double beta, double T, std::uint32_t period);

}  // namespace nanoreach
