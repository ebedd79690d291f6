// The Monte Carlo driver (see the header).
#include "nanoreach/sim/montecarlo.hpp"

#include <omp.h>

#include <cmath>
#include <string>

namespace nanoreach {

void McParams::validate() const {
  if (runs == 0) throw ConfigError("runs.count", "must be at least 1");
  if (!(target >= 0 && target < 1)) throw ConfigError("runs.target", "must be in [0, 1): 0 runs a fixed count");
  if (batch == 0) throw ConfigError("runs.batch", "must be at least 1");
  if (max_steps == 0 || max_steps > 0xFFFFFF) throw ConfigError("runs.max_steps", "must be in 1..16777215");
  if (first_run > runs || (first_run > 0 && target > 0))
    throw Error("Monte Carlo: a range of runs needs a fixed run count and first_run <= runs");
}

Scratch& ScratchPool::get(int thread, node_t people) {
  if (pool_.size() <= std::size_t(thread)) {
    pool_.resize(thread + 1);
    size_.resize(thread + 1, 0);
  }
  if (!pool_[thread] || size_[thread] != people) {
    pool_[thread] = std::make_unique<Scratch>(people);
    size_[thread] = people;
  }
  return *pool_[thread];
}

std::uint64_t cascade_key(std::uint64_t master_seed, ModelKind m) {
  return rng::derive(master_seed, rng::Purpose::cascade, static_cast<std::uint64_t>(m));
}

McOutcome run_monte_carlo(const Exposure& ex, const Model& m, const Strategy& s, const McParams& p,
                          std::uint64_t key, ScratchPool& scratch, const McControl& control) {
  p.validate();
  McOutcome out;
  out.planned = p.runs - p.first_run;
  const node_t n = ex.graph().people();
  const double auth = ex.authenticity(s.sponsored_posts());
  std::vector<RunRecord> slot;
  std::vector<char> done;
  const int threads = omp_get_max_threads();
  for (int t = 0; t < threads; ++t) scratch.get(t, n);  // allocate outside the parallel region
  std::atomic<std::uint64_t> finished{0};
  const std::uint32_t batch = p.batch;
  std::uint32_t start = p.first_run;
  double sum = 0, sum2 = 0;
  while (start < p.runs) {
    const std::uint32_t end = std::min<std::uint64_t>(p.runs, std::uint64_t(start) + batch);
    slot.resize(end);
    done.resize(end, 0);
#pragma omp parallel
    {
      Scratch& sc = scratch.get(omp_get_thread_num(), n);
#pragma omp for schedule(dynamic, 1)
      for (std::uint32_t r = start; r < end; ++r) {
        if (control.stop && control.stop->load(std::memory_order_relaxed)) continue;
        RunRecord& rec = slot[r];
        const SeedSet seeds = s.draw(r);
        rec.run = r;
        rec.seeds = static_cast<std::uint32_t>(seeds.people.size());
        rec.cost = seeds.cost;
        rec.nominal_reach = seeds.followers;
        rec.seeds_by_tier.fill(0);
        for (node_t u : seeds.people) ++rec.seeds_by_tier[static_cast<int>(ex.graph().tier[u])];
        CascadeInput in;
        in.seeds = seeds.people;
        in.seed_authenticity = auth;
        in.key = key;
        in.run = r;
        in.max_steps = p.max_steps;
        simulate(ex, m, in, sc, rec.result);
        done[r] = 1;
        const std::uint64_t f = finished.fetch_add(1) + 1;
        if (control.progress && omp_get_thread_num() == 0) control.progress(f);
      }
    }
    bool stopped = false;
    std::vector<RunRecord> finished_batch;
    for (std::uint32_t r = start; r < end; ++r) {
      if (!done[r]) {
        stopped = true;
        continue;
      }
      const double x = double(slot[r].result.reach);
      sum += x;
      sum2 += x * x;
      if (control.on_batch) finished_batch.push_back(slot[r]);
    }
    if (control.on_batch) control.on_batch(finished_batch);
    if (control.progress) control.progress(finished.load());
    if (stopped) {
      out.complete = false;
      break;
    }
    start = end;
    if (p.target > 0 && end >= p.min_runs) {  // first_run is 0 here
      const double k = end, mean = sum / k;
      const double var = k > 1 ? std::max(0.0, (sum2 - sum * sum / k) / (k - 1)) : 0.0;
      if (1.959963984540054 * std::sqrt(var / k) <= p.target * mean) {
        out.converged = true;
        break;
      }
    }
  }
  for (std::size_t r = 0; r < slot.size(); ++r)
    if (done[r]) out.runs.push_back(std::move(slot[r]));
  return out;
}

}  // namespace nanoreach
