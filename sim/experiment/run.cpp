// The experiment runner (see runner.hpp).
#include <omp.h>
#include <unistd.h>

#include <chrono>
#include <system_error>

#include "nanoreach/sim/analytics.hpp"
#include "nanoreach/sim/durable.hpp"
#include "nanoreach/sim/imm.hpp"
#include "nanoreach/sim/layout.hpp"
#include "nanoreach/sim/runner.hpp"

namespace nanoreach {

namespace h5 = io::h5;

std::filesystem::path partial_path(const std::filesystem::path& out) { return out.string() + ".partial"; }

std::unique_ptr<BuiltGraph> build_experiment_graph(const GraphSpec& spec, std::uint64_t seed,
                                                   const BuildProgress& progress) {
  auto report = [&](std::string_view stage, double done) {
    if (progress) progress(stage, done);
  };
  auto b = std::make_unique<BuiltGraph>();
  const auto t0 = std::chrono::steady_clock::now();
  if (spec.source == GraphSpec::Source::saved) {
    report("reading the saved graph", 0);
    b->graph = read_saved_graph(spec.path, spec.tiers);
    report("reading the saved graph", 1);
  } else {
    b->graph = build_graph(spec, seed, progress);
  }
  b->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  b->stats = compute_stats(b->graph, seed, 20000, [&](double done) { report("statistics", done); });
  b->spec = spec;
  b->seed = seed;
  b->source = source_name(spec.source);
  return b;
}

std::string edge_list_note(const SocialGraph& g, const std::string& path) {
  const auto& i = g.import;
  return "edge list " + printable(path) + ": " + grouped_text(double(i.edge_lines)) + " edge lines of " +
         grouped_text(double(i.lines)) + "; dropped " + grouped_text(double(i.self_loops)) + " self-loops and " +
         grouped_text(double(i.duplicates)) + " duplicate ties (kept in /graph as edge_list_self_loops, "
         "edge_list_duplicates)";
}

namespace {

// Seed sets that come from centrality or IMM rather than from the strategy itself (nullopt for the rest).
std::optional<std::vector<node_t>> computed_seeds(const StrategySpec& s, const Exposure& ex, const ExperimentSpec& spec) {
  const SocialGraph& g = ex.graph();
  if (s.kind == StrategyKind::eigenvector) {
    g.require_explicit("the eigenvector strategy (a power iteration over every tie)");
    if (s.k > g.people())
      throw ConfigError("strategy." + s.name + ".k",
                        "is " + std::to_string(s.k) + " but the population has only " + std::to_string(g.people()) +
                            " people");
    return top_scores(eigenvector_centrality(g.strong).vector, s.k);
  }
  if (s.kind != StrategyKind::optimal) return std::nullopt;
  const ImmParams& p = spec.imm;
  const std::uint64_t seed = rng::derive(spec.seed, rng::Purpose::imm, rng::name_label(s.name.data(), s.name.size()));
  if (s.k > 0 && !(s.budget > 0)) return imm_topk(ex, s.k, p, seed).seeds;
  // A random strategy of the same name prices people; it is never drawn from.
  StrategySpec pricing = s;
  pricing.kind = StrategyKind::random;
  pricing.k = 1;
  const Strategy prices(pricing, ex, spec.costs, spec.seed);
  std::vector<double> cost(g.people());
  for (node_t u = 0; u < g.people(); ++u) cost[u] = prices.price(u);
  std::vector<node_t> seeds = imm_budget(ex, cost, s.budget, p, seed).seeds;
  if (seeds.empty()) throw ConfigError("strategy." + s.name + ".budget", "buys nobody on this graph");
  return seeds;
}

}  // namespace

std::unique_ptr<BoundCampaign> bind_campaign(const SocialGraph& g, const ExperimentSpec& spec, const io::Config& cfg) {
  auto b = std::make_unique<BoundCampaign>();
  b->exposure = std::make_unique<Exposure>(g, spec.campaign);
  for (ModelKind m : spec.models)
    b->models.push_back(m == ModelKind::ic          ? Model::ic()
                        : m == ModelKind::threshold ? Model::threshold(*b->exposure, spec.threshold)
                                                    : Model::sir(spec.sir));
  try {
    for (const StrategySpec& s : spec.strategies) {
      b->strategies.push_back(std::make_unique<Strategy>(s, *b->exposure, spec.costs, spec.seed,
                                                         computed_seeds(s, *b->exposure, spec)));
      if (!b->strategies.back()->note().empty()) b->notes.push_back("strategy " + s.name + ": " + b->strategies.back()->note());
    }
  } catch (const ConfigError& e) {
    throw with_line(cfg, e);
  }
  return b;
}

void write_root_attributes(h5::File& f, const io::Config& cfg, const ExperimentSpec& spec, const RunOptions& o,
                           const std::string& start_time) {
  f.set_attribute("nanoreach_version", nanoreach_version());
  f.set_attribute("git_revision", git_revision());
  f.set_attribute("config", cfg.to_toml(true));
  f.set_attribute("seed", static_cast<unsigned long long>(spec.seed));
  f.set_attribute("threads", omp_get_max_threads());
  f.set_attribute("mpi_ranks", o.mpi_ranks);
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  f.set_attribute("host", host);
  f.set_attribute("start_time", start_time);
  f.set_attribute("end_time", "");
  f.set_attribute("command_line", o.command_line);
  f.set_attribute("complete", false);
}

RunReport run_experiment(const io::Config& cfg, const RunOptions& o) {
  auto stage = [&](const std::string& s) {
    if (o.stage) o.stage(s);
  };
  const std::string start_time = utc_now();
  const ExperimentSpec spec = spec_from_config(cfg);
  const OutputLock lock(o.out);  // before looking: a second writer is refused, not raced
  if (std::filesystem::exists(o.out) && !o.force)
    throw InputError(o.out.string() + " already exists; pass --force to overwrite it");

  std::unique_ptr<BuiltGraph> own;
  if (!o.graph) own = build_experiment_graph(spec.graph, spec.seed, o.graph_progress);
  const BuiltGraph* built = o.graph ? o.graph : own.get();
  if (o.note && built->graph.import.edge_lines > 0) o.note(edge_list_note(built->graph, built->spec.path));
  stage("preparing " + std::to_string(spec.strategies.size()) + " strategies");
  const auto bound = bind_campaign(built->graph, spec, cfg);
  if (o.note)
    for (const std::string& n : bound->notes) o.note(n);

  const std::filesystem::path partial = partial_path(o.out);
  RunReport report;
  report.people = built->graph.people();
  {
    h5::File f = h5::File::create(partial, h5::IfExists::Truncate);
    write_root_attributes(f, cfg, spec, o, start_time);
    write_graph_group(f, built->graph, built->stats, built->spec, built->seed, built->seconds, spec.save_graph,
                      built->source);
    f.flush();

    ScratchPool scratch;
    bool stopped = false;
    for (std::size_t si = 0; si < bound->strategies.size() && !stopped; ++si) {
      const Strategy& st = *bound->strategies[si];
      for (const Model& m : bound->models) {
        if (o.stop && o.stop->load()) {
          stopped = true;
          break;
        }
        stage("strategy " + st.spec().name + ", model " + model_name(m.kind()));
        McControl control;
        control.stop = o.stop;
        if (o.progress) control.progress = [&](std::uint64_t done) { o.progress(done, spec.runs.runs); };
        control.on_batch = [&](const std::vector<RunRecord>& batch) {
          append_block(f, st.spec().name, m.kind(), batch, spec.curves);
          f.flush();
        };
        const McOutcome out = run_monte_carlo(*bound->exposure, m, st, spec.runs,
                                              cascade_key(spec.seed, m.kind()), scratch, control);
        if (!out.complete) stopped = true;
      }
    }
    const h5::Table runs = f.exists("/runs") ? f.read_table("/runs") : h5::Table();
    report.summary = summarize(runs, summary_context(spec, built->stats));
    f.write_table("/summary", report.summary);
    finish_layout(f);
    f.set_attribute("end_time", utc_now());
    report.complete = !stopped;
    seal_result(f, partial, report.complete);
  }
  if (!report.complete) {
    report.written = partial;
    return report;
  }
  rename_durably(partial, o.out);
  report.written = o.out;
  return report;
}

}  // namespace nanoreach
