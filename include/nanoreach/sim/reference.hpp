// Slow, obviously correct reference implementations of the three models (STYLE.md habit 10).
//
// They share with the engine only the model's coin-tossing primitives (sample_edges, the threshold
// draw, the SIR period and delay) and the streams they are addressed by, and nothing of its
// bookkeeping: plain queues and whole-population state arrays instead of epoch stamps and bucket
// queues, circles found by scanning tie attributes, threshold sums recomputed from scratch every step,
// SIR advanced step by step with explicit S/I/R states. Tests run both on the same inputs and require
// identical results. Never use these for real work: they are O(N) per step or worse.
#pragma once

#include <cstdint>
#include <vector>

#include "nanoreach/sim/engine.hpp"

namespace nanoreach {

// Who activated whom in one run: every active person once, in the order of activation (the seeds
// first, at step 0, activator kNoNode; then step by step), with their step and their activator (for
// sir: who infected them).
struct CascadeTrace {
  std::vector<node_t> people;
  std::vector<std::uint32_t> step;
  std::vector<node_t> activator;
};

// One run; with `trace`, also who activated whom (the engine keeps no such record, which is why
// nanoreach.cascade() runs here: the result is the engine's, toss for toss).
RunResult reference_simulate(const Exposure& ex, const Model& m, const CascadeInput& in,
                             CascadeTrace* trace = nullptr);

}  // namespace nanoreach
