// Result files (see the header for the layout).
#include "nanoreach/sim/results.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>

#include "nanoreach/sim/analytics.hpp"

namespace nanoreach {

namespace h5 = io::h5;

namespace {
constexpr const char* kByNames[kAttribution] = {"by_ordinary", "by_nano", "by_micro", "by_macro", "by_mega", "by_seed"};

constexpr const char* kAudienceDirection =
    "account -> follower: row u of the audience layer lists the people who follow u (a message posted by u reaches them)";

// CSR offsets as signed 64-bit numbers in the file, so that numpy's np.diff and np.repeat need no
// cast. Offsets never reach 2^63, and the signed and unsigned forms of a type may alias each other,
// so the same memory is written without a copy. Readers accept both forms (old files hold uint64).
std::span<const std::int64_t> signed_offsets(const Csr& layer) {
  const auto& o = layer.offsets();
  return {reinterpret_cast<const std::int64_t*>(o.data()), o.size()};
}
}

io::h5::Table runs_rows(const std::string& strategy, ModelKind model, const std::vector<RunRecord>& runs,
                        std::int64_t point) {
  const std::size_t n = runs.size();
  std::vector<std::string> st(n, strategy), mo(n, model_name(model));
  std::vector<std::int64_t> run(n), seeds(n), nominal(n), reach(n), adopters(n), steps(n), peak(n), examined(n);
  std::vector<double> cost(n);
  std::vector<std::uint8_t> truncated(n);
  std::vector<std::vector<std::int64_t>> by(kAttribution, std::vector<std::int64_t>(n));
  std::vector<std::vector<std::int64_t>> made_of(kTierCount, std::vector<std::int64_t>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const RunRecord& r = runs[i];
    run[i] = r.run;
    seeds[i] = r.seeds;
    cost[i] = r.cost;
    nominal[i] = static_cast<std::int64_t>(r.nominal_reach);
    reach[i] = static_cast<std::int64_t>(r.result.reach);
    adopters[i] = static_cast<std::int64_t>(r.result.reach - r.result.seeds);
    steps[i] = r.result.steps;
    std::uint32_t pk = 0;
    for (std::uint32_t x : r.result.infected) pk = std::max(pk, x);
    peak[i] = pk;
    examined[i] = static_cast<std::int64_t>(r.result.examined);
    truncated[i] = r.result.truncated;
    for (int k = 0; k < kAttribution; ++k) by[k][i] = static_cast<std::int64_t>(r.result.activated_by[k]);
    for (int k = 0; k < kTierCount; ++k) made_of[k][i] = r.seeds_by_tier[k];
  }
  h5::Table t;
  if (point >= 0) t.add("point", std::vector<std::int64_t>(n, point));
  t.add("strategy", std::move(st)).add("model", std::move(mo)).add("run", std::move(run));
  t.add("seeds", std::move(seeds));
  for (int k = 0; k < kTierCount; ++k)
    t.add(std::string("seeds_") + tier_name(static_cast<Tier>(k)), std::move(made_of[k]));
  t.add("cost", std::move(cost)).add("nominal_reach", std::move(nominal));
  t.add("reach", std::move(reach)).add("adopters", std::move(adopters)).add("steps", std::move(steps));
  t.add(kByNames[kBySeed], std::move(by[kBySeed]));
  for (int k = 0; k < kTierCount; ++k) t.add(kByNames[k], std::move(by[k]));
  t.add("peak_infected", std::move(peak)).add("examined", std::move(examined)).add("truncated", std::move(truncated));
  return t;
}

double quantile_sorted(const std::vector<double>& v, double q) {
  if (v.empty()) return NAN;
  const double h = (double(v.size()) - 1.0) * q;
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - double(lo)) * (v[hi] - v[lo]);
}

Theory percolation_theory(std::span<const std::uint64_t> degree_hist, std::span<const double> circle_mean_ties,
                          const ExperimentSpec& spec, ModelKind model) {
  Theory t;
  if (model == ModelKind::threshold) return t;
  const Campaign& c = spec.campaign;
  double ties = 0, sum = 0;
  for (std::size_t k = 0; k < circle_mean_ties.size() && k < kCircles; ++k) {
    const double p = std::min(1.0, c.virality * c.trust_known * c.circle_weight[k] * c.affinity);
    const double T = model == ModelKind::ic ? p : sir_transmissibility(p, spec.sir.recovery);
    ties += circle_mean_ties[k];
    sum += circle_mean_ties[k] * T;
  }
  if (!(ties > 0)) return t;
  t.T = sum / ties;
  const Percolation pc = bond_percolation(degree_hist, t.T);
  t.outbreak_probability = pc.outbreak_probability;
  t.outbreak_size = pc.outbreak_size;
  return t;
}

SummaryContext summary_context(const ExperimentSpec& spec, const GraphStats& stats) {
  SummaryContext c;
  const std::uint64_t people = stats.people;
  c.people = [people](std::int64_t) { return people; };
  const auto facts = strategy_facts(spec);
  c.facts = [facts](std::int64_t, const std::string& name) {
    for (const auto& [n, f] : facts)
      if (n == name) return f;
    return StrategyFacts{};
  };
  const double target = spec.runs.target;
  c.target = [target](std::int64_t) { return target; };
  std::map<std::string, Theory> theory;
  for (ModelKind m : spec.models)
    theory[model_name(m)] = percolation_theory(stats.theory_degree_hist, stats.theory_circle_mean, spec, m);
  c.theory = [theory](std::int64_t, const std::string& model) {
    auto it = theory.find(model);
    return it == theory.end() ? Theory{} : it->second;
  };
  return c;
}

io::h5::Table summarize(const io::h5::Table& runs, const SummaryContext& ctx) {
  // An empty /runs (nothing finished) may have no columns at all: read it as empty columns.
  const h5::Table blank = runs_rows("", ModelKind::ic, {});
  const h5::Table& src = runs.num_columns() ? runs : blank;
  const bool with_point = src.contains("point");
  const std::size_t rows = src.rows();
  const auto& strategy = src.column<std::string>("strategy");
  const auto& model = src.column<std::string>("model");
  // Groups in order of first appearance.
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::tuple<std::int64_t, std::string, std::string>, std::size_t> index;
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int64_t pt = with_point ? src.column<std::int64_t>("point")[i] : -1;
    auto key = std::make_tuple(pt, strategy[i], model[i]);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, groups.size()).first;
      groups.emplace_back();
    }
    groups[it->second].push_back(i);
  }
  const std::size_t g = groups.size();
  std::vector<std::int64_t> point(g), count(g), population(g);
  std::vector<std::string> s_name(g), m_name(g), kind(g), tier(g);
  std::vector<double> budget(g), seeds_mean(g), cost_mean(g), nominal_mean(g), mean(g), sd(g), se(g), lo(g), hi(g),
      q05(g), q25(g), q50(g), q75(g), q95(g), maxv(g), adopters_mean(g), p1(g), p10(g), per1000(g),
      adopters_per1000(g), steps_mean(g), theory_T(g), theory_p(g), theory_size(g);
  std::vector<std::vector<double>> share(kAttribution, std::vector<double>(g));
  std::vector<std::vector<double>> made_of_mean(kTierCount, std::vector<double>(g));
  std::vector<const std::vector<std::int64_t>*> made_col(kTierCount);
  for (int b = 0; b < kTierCount; ++b)
    made_col[b] = &src.column<std::int64_t>(std::string("seeds_") + tier_name(static_cast<Tier>(b)));
  std::vector<std::uint8_t> converged(g);
  const auto& reach = src.column<std::int64_t>("reach");
  const auto& adopters = src.column<std::int64_t>("adopters");
  const auto& seeds = src.column<std::int64_t>("seeds");
  const auto& cost = src.column<double>("cost");
  const auto& nominal = src.column<std::int64_t>("nominal_reach");
  const auto& steps = src.column<std::int64_t>("steps");
  std::vector<const std::vector<std::int64_t>*> by_col(kAttribution);
  for (int b = 0; b < kAttribution; ++b) by_col[b] = &src.column<std::int64_t>(kByNames[b]);
  for (std::size_t k = 0; k < g; ++k) {
    const auto& rows_k = groups[k];
    const double n = double(rows_k.size());
    const std::size_t first = rows_k.front();
    point[k] = with_point ? src.column<std::int64_t>("point")[first] : 0;
    const std::int64_t pt = with_point ? point[k] : -1;
    s_name[k] = strategy[first];
    m_name[k] = model[first];
    const StrategyFacts f = ctx.facts(pt, s_name[k]);
    kind[k] = f.kind;
    tier[k] = f.tier;
    budget[k] = f.budget;
    const double people = double(ctx.people(pt));
    population[k] = static_cast<std::int64_t>(ctx.people(pt));
    const double target = ctx.target(pt);
    count[k] = static_cast<std::int64_t>(rows_k.size());
    std::vector<double> x;
    double sum = 0, sum_cost = 0, sum_seeds = 0, sum_nominal = 0, sum_adopters = 0, sum_steps = 0;
    double over1 = 0, over10 = 0;
    std::vector<double> by_sum(kAttribution, 0.0);
    for (std::size_t i : rows_k) {
      const double r = double(reach[i]);
      x.push_back(r);
      sum += r;
      sum_cost += cost[i];
      sum_seeds += double(seeds[i]);
      sum_nominal += double(nominal[i]);
      sum_adopters += double(adopters[i]);
      sum_steps += double(steps[i]);
      over1 += r >= 0.01 * people;
      over10 += r >= 0.10 * people;
      for (int b = 0; b < kAttribution; ++b) by_sum[b] += double((*by_col[b])[i]);
      for (int b = 0; b < kTierCount; ++b) made_of_mean[b][k] += double((*made_col[b])[i]) / n;
    }
    mean[k] = sum / n;
    double ss = 0;
    for (double r : x) ss += (r - mean[k]) * (r - mean[k]);
    sd[k] = n > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
    se[k] = sd[k] / std::sqrt(n);
    lo[k] = mean[k] - 1.959963984540054 * se[k];
    hi[k] = mean[k] + 1.959963984540054 * se[k];
    std::sort(x.begin(), x.end());
    q05[k] = quantile_sorted(x, 0.05);
    q25[k] = quantile_sorted(x, 0.25);
    q50[k] = quantile_sorted(x, 0.50);
    q75[k] = quantile_sorted(x, 0.75);
    q95[k] = quantile_sorted(x, 0.95);
    maxv[k] = x.back();
    seeds_mean[k] = sum_seeds / n;
    cost_mean[k] = sum_cost / n;
    nominal_mean[k] = sum_nominal / n;
    adopters_mean[k] = sum_adopters / n;
    steps_mean[k] = sum_steps / n;
    p1[k] = over1 / n;
    p10[k] = over10 / n;
    per1000[k] = sum_cost > 0 ? 1000.0 * sum / sum_cost : NAN;
    adopters_per1000[k] = sum_cost > 0 ? 1000.0 * sum_adopters / sum_cost : NAN;
    for (int b = 0; b < kAttribution; ++b) share[b][k] = sum_adopters > 0 ? by_sum[b] / sum_adopters : NAN;
    converged[k] = target > 0 && 1.959963984540054 * se[k] <= target * mean[k];
    const Theory th = ctx.theory ? ctx.theory(pt, m_name[k]) : Theory{};
    theory_T[k] = th.T;
    theory_p[k] = th.outbreak_probability;
    theory_size[k] = th.outbreak_size;
  }
  h5::Table t;
  if (with_point) t.add("point", std::move(point));
  t.add("strategy", std::move(s_name)).add("model", std::move(m_name)).add("kind", std::move(kind));
  t.add("tier", std::move(tier)).add("budget", std::move(budget)).add("people", std::move(population));
  t.add("runs", std::move(count));
  t.add("seeds_mean", std::move(seeds_mean));
  for (int b = 0; b < kTierCount; ++b)
    t.add(std::string("seeds_") + tier_name(static_cast<Tier>(b)) + "_mean", std::move(made_of_mean[b]));
  t.add("cost_mean", std::move(cost_mean));
  t.add("nominal_reach_mean", std::move(nominal_mean));
  t.add("reach_mean", std::move(mean)).add("reach_sd", std::move(sd)).add("reach_se", std::move(se));
  t.add("reach_ci95_low", std::move(lo)).add("reach_ci95_high", std::move(hi));
  t.add("reach_q05", std::move(q05)).add("reach_q25", std::move(q25)).add("reach_median", std::move(q50));
  t.add("reach_q75", std::move(q75)).add("reach_q95", std::move(q95)).add("reach_max", std::move(maxv));
  t.add("adopters_mean", std::move(adopters_mean));
  t.add("p_reach_1pct", std::move(p1)).add("p_reach_10pct", std::move(p10));
  t.add("reach_per_1000usd", std::move(per1000)).add("adopters_per_1000usd", std::move(adopters_per1000));
  t.add(std::string("share_") + kByNames[kBySeed], std::move(share[kBySeed]));
  for (int b = 0; b < kTierCount; ++b) t.add(std::string("share_") + kByNames[b], std::move(share[b]));
  t.add("steps_mean", std::move(steps_mean)).add("converged", std::move(converged));
  t.add("theory_T", std::move(theory_T)).add("theory_outbreak_probability", std::move(theory_p));
  t.add("theory_outbreak_size", std::move(theory_size));
  return t;
}

CurveRows curve_rows(const std::vector<RunRecord>& runs) {
  CurveRows c;
  for (const RunRecord& r : runs) {
    c.adopted_width = std::max(c.adopted_width, r.result.curve.size());
    c.infected_width = std::max(c.infected_width, r.result.infected.size());
  }
  c.adopted.assign(runs.size() * c.adopted_width, 0);
  c.infected.assign(runs.size() * c.infected_width, 0);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& cv = runs[i].result.curve;
    for (std::size_t t = 0; t < cv.size(); ++t) c.adopted[i * c.adopted_width + t] = cv[t] - (t ? cv[t - 1] : 0);
    std::copy(runs[i].result.infected.begin(), runs[i].result.infected.end(),
              c.infected.begin() + i * c.infected_width);
  }
  return c;
}

void append_block(io::h5::File& f, const std::string& strategy, ModelKind model, const std::vector<RunRecord>& runs,
                  bool curves, std::int64_t point) {
  if (runs.empty()) return;
  f.append_table("/runs", runs_rows(strategy, model, runs, point));
  if (!curves) return;
  const CurveRows c = curve_rows(runs);
  f.append_rows("/curves/" + strategy + "/" + model_name(model), c.adopted, c.adopted_width);
  if (model == ModelKind::sir) f.append_rows("/curves/" + strategy + "/sir_infected", c.infected, c.infected_width);
}

void write_graph_group(io::h5::Group& root, const SocialGraph& g, const GraphStats& s, const GraphSpec& spec,
                       std::uint64_t seed, double build_seconds, bool save_graph, std::string_view source) {
  h5::Group gr = root.require_group("graph");
  gr.set_attribute("source", source.empty() ? std::string_view(source_name(spec.source)) : source);
  gr.set_attribute("seed", static_cast<unsigned long long>(seed));
  gr.set_attribute("people", static_cast<unsigned long long>(s.people));
  gr.set_attribute("strong_ties", static_cast<unsigned long long>(s.strong_ties));
  gr.set_attribute("audience_edges", static_cast<unsigned long long>(s.audience_edges));
  gr.set_attribute("max_degree", static_cast<unsigned long long>(s.max_degree));
  gr.set_attribute("mean_degree", s.mean_degree);
  gr.set_attribute("over_cap", static_cast<unsigned long long>(s.over_cap));
  gr.set_attribute("dunbar_capped", g.dunbar_capped);
  gr.set_attribute("max_followers", static_cast<unsigned long long>(s.max_followers));
  gr.set_attribute("mean_followers", s.mean_followers);
  gr.set_attribute("clustering", s.clustering);
  gr.set_attribute("clustering_se", s.clustering_se);
  gr.set_attribute("clustering_sampled", s.clustering_sampled);
  gr.set_attribute("clustering_people", static_cast<unsigned long long>(s.clustering_people));
  gr.set_attribute("components", static_cast<unsigned long long>(s.components));
  gr.set_attribute("largest_component", static_cast<unsigned long long>(s.largest_component));
  gr.set_attribute("isolated", static_cast<unsigned long long>(s.isolated));
  gr.set_attribute("build_seconds", build_seconds);
  gr.set_attribute("tiers_rule", g.thresholds.rule);
  std::vector<std::int64_t> th(g.thresholds.min_followers.begin(), g.thresholds.min_followers.end());
  gr.set_attribute("tier_thresholds", std::span<const std::int64_t>(th));
  // Generator parameters.
  gr.set_attribute("people_param", static_cast<unsigned long long>(spec.dunbar.people));
  std::vector<std::int64_t> circles(spec.dunbar.circles.begin(), spec.dunbar.circles.end());
  gr.set_attribute("circles_param", std::span<const std::int64_t>(circles));
  gr.set_attribute("size_mean", spec.dunbar.size_mean);
  gr.set_attribute("size_sd", spec.dunbar.size_sd);
  gr.set_attribute("size_min", static_cast<unsigned long long>(spec.dunbar.size_min));
  gr.set_attribute("rewire", spec.dunbar.rewire);
  gr.set_attribute("audience_exponent", spec.audience.exponent);
  gr.set_attribute("audience_min", spec.audience.min);
  gr.set_attribute("audience_local_half", spec.audience.local_half);
  if (!spec.path.empty()) gr.set_attribute("path", spec.path);
  if (g.import.edge_lines > 0) {
    gr.set_attribute("edge_list_lines", static_cast<unsigned long long>(g.import.lines));
    gr.set_attribute("edge_list_edges", static_cast<unsigned long long>(g.import.edge_lines));
    gr.set_attribute("edge_list_self_loops", static_cast<unsigned long long>(g.import.self_loops));
    gr.set_attribute("edge_list_duplicates", static_cast<unsigned long long>(g.import.duplicates));
  }

  gr.write_array("degree_hist", std::span<const std::uint64_t>(s.degree_hist));
  gr.write_array("follower_bin_lo", std::span<const std::uint64_t>(s.follower_bin_lo));
  gr.write_array("follower_hist", std::span<const std::uint64_t>(s.follower_hist));
  std::vector<std::string> tier_names;
  for (Tier t : kAllTiers) tier_names.push_back(tier_name(t));
  gr.write_array("tier_names", std::span<const std::string>(tier_names));
  gr.write_array("tier_counts", std::span<const std::uint64_t>(s.tier_counts.data(), s.tier_counts.size()));
  gr.write_array("circle_mean_ties", std::span<const double>(s.mean_circle.data(), s.mean_circle.size()));
  gr.write_array("theory_degree_hist", std::span<const std::uint64_t>(s.theory_degree_hist));
  gr.write_array("theory_circle_mean_ties",
                 std::span<const double>(s.theory_circle_mean.data(), s.theory_circle_mean.size()));
  gr.set_attribute("storage", s.storage);
  gr.set_attribute("degrees_nominal", s.degrees_nominal);
  gr.set_attribute("components_known", s.components_known);
  gr.set_attribute("memory_bytes", static_cast<unsigned long long>(s.graph_bytes));

  gr.set_attribute("audience_direction", kAudienceDirection);
  if (save_graph) {
    g.require_explicit("--save-graph");
    h5::ArrayOptions packed;
    packed.gzip = 1;
    gr.write_array("strong/offsets", signed_offsets(g.strong), packed);
    gr.write_array("strong/targets", std::span<const std::uint32_t>(g.strong.targets()));
    gr.write_array("strong/circle", std::span<const std::uint8_t>(g.strong.attr()), packed);
    gr.write_array("audience/offsets", signed_offsets(g.audience), packed);
    gr.write_array("audience/targets", std::span<const std::uint32_t>(g.audience.targets()));
    gr.open_group("strong").set_attribute("direction", "undirected: each tie is stored both ways, u -> v and v -> u");
    gr.open_group("audience").set_attribute("direction", kAudienceDirection);
    std::vector<std::uint8_t> tier(g.tier.size());
    for (std::size_t i = 0; i < tier.size(); ++i) tier[i] = static_cast<std::uint8_t>(g.tier[i]);
    gr.write_array("tier", std::span<const std::uint8_t>(tier), packed);
    if (!g.external_ids.empty()) gr.write_array("external_ids", std::span<const std::uint64_t>(g.external_ids));
  }
}

SocialGraph read_saved_graph(const std::string& path, const TierRule& rule) {
  h5::File f = h5::File::open(path);
  if (!f.exists("/graph/strong/offsets"))
    throw InputError(path + ": holds no saved graph (/graph/strong); write one with nanoreach graph --save-graph");
  SocialGraph g;
  g.strong = Csr(f.read_array<std::uint64_t>("/graph/strong/offsets"), f.read_array<std::uint32_t>("/graph/strong/targets"),
                 f.read_array<std::uint8_t>("/graph/strong/circle"));
  g.audience = Csr(f.read_array<std::uint64_t>("/graph/audience/offsets"),
                   f.read_array<std::uint32_t>("/graph/audience/targets"));
  if (f.exists("/graph/external_ids")) g.external_ids = f.read_array<std::uint64_t>("/graph/external_ids");
  g.dunbar_capped = f.open_group("/graph").attribute<bool>("dunbar_capped");
  g.assign_tiers(rule);
  g.check();
  return g;
}

std::vector<std::pair<std::string, StrategyFacts>> strategy_facts(const ExperimentSpec& spec) {
  std::vector<std::pair<std::string, StrategyFacts>> out;
  for (const StrategySpec& s : spec.strategies) {
    StrategyFacts f;
    f.kind = strategy_kind_name(s.kind);
    f.tier = s.tier ? tier_name(*s.tier) : "";
    const bool spends = s.kind == StrategyKind::budget || s.kind == StrategyKind::mix ||
                        (s.kind == StrategyKind::optimal && s.k == 0);
    f.budget = spends ? s.budget : 0.0;
    out.emplace_back(s.name, f);
  }
  return out;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace nanoreach
