// trace_cascade (see runner.hpp): the experiment's exposure and model on a graph, one run of the
// reference implementation with its trace. The key and run number are those of run_monte_carlo, so
// the reach and curve equal what `nanoreach run` records for the same seeds in that run.
#include <cmath>

#include "nanoreach/sim/runner.hpp"

namespace nanoreach {

TracedCascade trace_cascade(const SocialGraph& g, const ExperimentSpec& spec, ModelKind model,
                            std::span<const node_t> seeds, std::optional<double> p, std::uint32_t run) {
  g.require_explicit("a traced cascade (the serial reference implementation)");
  Campaign c = spec.campaign;
  if (p) {
    if (!(*p >= 0 && *p <= 1)) throw ConfigError("p", "is an edge probability and must be in [0, 1], got " + number_text(*p));
    c.virality = *p;
    c.trust_known = c.trust_audience = c.affinity = 1;
    c.circle_weight.fill(1);
    c.engagement.rate.assign(c.engagement.rate.size(), 1.0);
  }
  for (node_t s : seeds)
    if (s >= g.people())
      throw InputError("seed " + std::to_string(s) + " is not a person of this graph (ids 0.." +
                       std::to_string(g.people() - 1) + ")");
  const Exposure ex(g, c);
  const Model m = model == ModelKind::ic          ? Model::ic()
                  : model == ModelKind::threshold ? Model::threshold(ex, spec.threshold)
                                                  : Model::sir(spec.sir);
  CascadeInput in;
  in.seeds = seeds;
  in.seed_authenticity = ex.authenticity(c.sponsored_posts);
  in.key = cascade_key(spec.seed, model);
  in.run = run;
  in.max_steps = spec.runs.max_steps;
  TracedCascade out;
  out.result = reference_simulate(ex, m, in, &out.trace);
  return out;
}

}  // namespace nanoreach
