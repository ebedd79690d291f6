// Monte Carlo over runs (STYLE.md habit 6): OpenMP over runs, each run serial, run i written to slot i.
//
// A run's seeds come from the strategy's stream (strategy name, run) and its cascade from the cascade
// stream (model, run), both addressed rather than carried, so a run's result is the same whichever
// thread runs it, in whatever order: the same seed gives identical records on 1 or N threads.
// Strategies share the cascade stream run by run (common random numbers), so two strategies are
// compared on the same random "world" in run i, which sharpens their difference without biasing
// either mean.
// Runs go in batches of fixed size (for checkpoints and for adaptive stopping). Adaptive stopping:
// after each batch, if at least min_runs are done
// and the 95% confidence half-width of the mean reach is at most `target` times the mean, stop. The
// decision depends only on the finished runs, never on the thread count.
// A stop request (SIGINT/SIGTERM in the program) is honoured at run boundaries: runs in flight finish,
// no new run starts, and the outcome says it is incomplete.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "nanoreach/sim/engine.hpp"
#include "nanoreach/sim/seeding.hpp"

namespace nanoreach {

struct McParams {
  std::uint32_t runs = 1000;     // the number of runs, or the most under adaptive stopping
  std::uint32_t first_run = 0;   // run only [first_run, runs) (sweeps split a point's runs); fixed runs only
  double target = 0;             // adaptive: relative 95% CI half-width to reach; 0 = fixed runs
  std::uint32_t min_runs = 100;
  std::uint32_t batch = 100;
  std::uint32_t max_steps = 100000;
  void validate() const;         // ConfigError on runs.* keys
};

struct RunRecord {
  std::uint32_t run = 0;
  std::uint32_t seeds = 0;
  double cost = 0;
  std::uint64_t nominal_reach = 0;  // the seeds' followers
  std::array<std::uint32_t, kTierCount> seeds_by_tier = {};  // what the seed set is made of
  RunResult result;
};

struct McOutcome {
  std::vector<RunRecord> runs;  // finished runs in run order
  std::uint32_t planned = 0;
  bool complete = true;         // false when stopped before the plan was done
  bool converged = false;       // adaptive target met
};

// Per-thread scratch kept across Monte Carlo calls on graphs of the same size.
class ScratchPool {
 public:
  Scratch& get(int thread, node_t people);

 private:
  std::vector<std::unique_ptr<Scratch>> pool_;
  std::vector<node_t> size_;
};

struct McControl {
  const std::atomic<bool>* stop = nullptr;
  std::function<void(std::uint64_t done)> progress;  // called from one thread as runs finish
  // Called on the calling thread after every batch with that batch's finished runs, in run order
  // (for checkpointing).
  std::function<void(const std::vector<RunRecord>& batch)> on_batch;
};

McOutcome run_monte_carlo(const Exposure& ex, const Model& m, const Strategy& s, const McParams& p,
                          std::uint64_t cascade_key, ScratchPool& scratch, const McControl& control = {});

// The key of the cascade stream for a model (shared by all strategies: common random numbers).
std::uint64_t cascade_key(std::uint64_t master_seed, ModelKind m);

}  // namespace nanoreach
