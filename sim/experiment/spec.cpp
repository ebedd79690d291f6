// Config -> ExperimentSpec. The schema has already checked types and plain ranges; the typed
// parameters' own validate() checks the rest, and every error leaves here with its file line.
#include <cmath>
#include <sstream>

#include "nanoreach/sim/experiment.hpp"

namespace nanoreach {

long config_line(const io::Config& cfg, const std::string& key) {
  if (key.rfind("strategy.", 0) == 0) {
    const std::string rest = key.substr(9);
    const auto dot = rest.rfind('.');
    const std::string name = dot == std::string::npos ? rest : rest.substr(0, dot);
    const std::string field = dot == std::string::npos ? "" : rest.substr(dot + 1);
    for (const io::Element& e : cfg.elements("strategy"))
      if (e.name() == name) {
        if (!field.empty() && e.keys().find(field) && e.line(field) > 0) return e.line(field);
        return e.header_line();
      }
    return 0;
  }
  if (cfg.schema().find(key) && cfg.line(key) > 0) return cfg.line(key);
  return 0;
}

namespace {

// For strategy.<name>.budget when the strategy does not set one: where its value, campaign.budget,
// came from ("" otherwise). A line of the strategy's own block would point at the wrong place.
std::string inherited_budget(const io::Config& cfg, const std::string& key) {
  const std::string suffix = ".budget";
  if (key.rfind("strategy.", 0) != 0 || key.size() <= suffix.size() ||
      key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
    return "";
  const std::string name = key.substr(9, key.size() - 9 - suffix.size());
  for (const io::Element& e : cfg.elements("strategy"))
    if (e.name() == name && e.is_set("budget")) return "";
  const std::string value = "campaign.budget = " + number_text(cfg.get_double("campaign.budget"));
  if (!cfg.is_set("campaign.budget")) return "the strategy's budget is " + value + ", the default";
  if (cfg.line("campaign.budget") > 0)
    return "the strategy's budget is " + value + ", line " + std::to_string(cfg.line("campaign.budget")) + " of " +
           cfg.origin("campaign.budget");
  return "the strategy's budget is " + value + ", from " + cfg.origin("campaign.budget");
}

// The --set that gave key its value, when one did ("" when the value is from a file or a default).
std::string override_of(const io::Config& cfg, const std::string& key) {
  if (key.rfind("strategy.", 0) == 0) {
    const std::string rest = key.substr(9);
    const auto dot = rest.rfind('.');
    if (dot == std::string::npos) return "";
    for (const io::Element& e : cfg.elements("strategy"))
      if (e.name() == rest.substr(0, dot)) {
        const std::string field = rest.substr(dot + 1);
        if (e.keys().find(field) && e.is_set(field) && e.line(field) == 0) return e.origin(field);
      }
    return "";
  }
  if (cfg.schema().find(key) && cfg.is_set(key) && cfg.line(key) == 0) return cfg.origin(key);
  return "";
}

}  // namespace

ConfigError with_line(const io::Config& cfg, const ConfigError& e) {
  if (e.line() > 0 || e.key().empty()) return e;
  std::string msg = e.what();
  const std::string prefix = e.key() + ": ";
  if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
  if (const std::string from = inherited_budget(cfg, e.key()); !from.empty())
    return ConfigError(e.key(), msg + " (" + from + ")");
  if (const std::string from = override_of(cfg, e.key()); !from.empty())
    return ConfigError(e.key(), msg + " (from " + from + ")");
  const long line = config_line(cfg, e.key());
  if (line == 0) return e;
  // Rebuild the message with the line: "key (line N): message".
  return ConfigError(e.key(), msg + " (in " + cfg.source_name() + ")", line);
}

namespace {

std::array<double, 2> pair_of(const io::Config& cfg, const char* key) {
  const auto& v = cfg.get_doubles(key);
  if (v.size() != 2) throw ConfigError(key, "must be [low, high], got " + std::to_string(v.size()) + " numbers");
  return {v[0], v[1]};
}

std::optional<Tier> tier_of_name(const std::string& name, const std::string& key) {
  if (name.empty()) return std::nullopt;
  if (auto t = parse_tier(name)) return t;
  throw ConfigError(key, "unknown tier \"" + name + "\"; expected ordinary, nano, micro, macro or mega");
}

GraphSpec graph_part(const io::Config& cfg) {
  GraphSpec g;
  const std::string src = cfg.get_string("graph.source");
  using S = GraphSpec::Source;
  for (S s : {S::dunbar, S::erdos_renyi, S::chung_lu, S::configuration, S::barabasi_albert, S::watts_strogatz,
              S::edgelist, S::saved})
    if (src == source_name(s)) g.source = s;
  g.dunbar.people = static_cast<std::uint64_t>(cfg.get_int("graph.people"));
  const auto& circles = cfg.get_ints("graph.circles");
  if (circles.size() != 4)
    throw ConfigError("graph.circles", "needs four cumulative sizes, got " + std::to_string(circles.size()));
  for (int c = 0; c < 4; ++c) {
    if (circles[c] < 1 || circles[c] > kDunbarCap)
      throw ConfigError("graph.circles", "circle sizes must be in 1..150, got " + std::to_string(circles[c]));
    g.dunbar.circles[c] = static_cast<std::uint32_t>(circles[c]);
  }
  g.dunbar.size_mean = cfg.get_double("graph.size_mean");
  g.dunbar.size_sd = cfg.get_double("graph.size_sd");
  g.dunbar.size_min = static_cast<std::uint32_t>(cfg.get_int("graph.size_min"));
  g.dunbar.rewire = cfg.get_double("graph.rewire");
  g.mean_degree = cfg.get_double("graph.mean_degree");
  g.degree_exponent = cfg.get_double("graph.degree_exponent");
  g.min_degree = static_cast<std::uint32_t>(cfg.get_int("graph.min_degree"));
  g.max_degree = static_cast<std::uint32_t>(std::min<std::int64_t>(cfg.get_int("graph.max_degree"), 0xFFFFFFFF));
  g.attach = static_cast<std::uint32_t>(std::min<std::int64_t>(cfg.get_int("graph.attach"), 0xFFFFFFFF));
  g.neighbours = static_cast<std::uint32_t>(std::min<std::int64_t>(cfg.get_int("graph.neighbours"), 0xFFFFFFFF));
  g.beta = cfg.get_double("graph.beta");
  g.path = cfg.get_string("graph.path");
  g.directed = cfg.get_bool("graph.directed");
  g.circle = static_cast<std::uint8_t>(cfg.get_int("graph.circle"));

  const std::string dist = cfg.get_string("audience.distribution");
  g.audience.distribution = dist == "powerlaw"    ? AudienceParams::Distribution::powerlaw
                            : dist == "lognormal" ? AudienceParams::Distribution::lognormal
                                                  : AudienceParams::Distribution::none;
  g.audience.exponent = cfg.get_double("audience.exponent");
  g.audience.min = cfg.get_double("audience.min");
  g.audience.mu = cfg.get_double("audience.mu");
  g.audience.sigma = cfg.get_double("audience.sigma");
  g.audience.max_fraction = cfg.get_double("audience.max_fraction");
  g.audience.local_half = cfg.get_double("audience.local_half");

  const std::string mode = cfg.get_string("tiers.mode");
  g.tiers.mode = mode == "absolute"   ? TierRule::Mode::absolute
                 : mode == "fraction" ? TierRule::Mode::fraction
                                      : TierRule::Mode::automatic;
  const char* names[4] = {"nano", "micro", "macro", "mega"};
  for (int k = 0; k < 4; ++k) {
    g.tiers.absolute[k] = cfg.get_double(std::string("tiers.") + names[k]);
    g.tiers.fraction[k] = cfg.get_double(std::string("tiers.") + names[k] + "_fraction");
  }
  for (int k = 1; k < 4; ++k) {
    if (!(g.tiers.absolute[k] > g.tiers.absolute[k - 1]))
      throw ConfigError(std::string("tiers.") + names[k],
                        std::string("must be above tiers.") + names[k - 1] + " (thresholds increase)");
    if (!(g.tiers.fraction[k] > g.tiers.fraction[k - 1]))
      throw ConfigError(std::string("tiers.") + names[k] + "_fraction",
                        std::string("must be above tiers.") + names[k - 1] + "_fraction (thresholds increase)");
  }
  g.validate();
  g.implicit = resolve_storage(cfg.get_string("graph.storage"), g, available_memory_bytes());
  g.validate();
  return g;
}

ExperimentSpec whole(const io::Config& cfg, bool need_strategies) {
  ExperimentSpec e;
  e.seed = static_cast<std::uint64_t>(cfg.get_int("seed"));
  e.graph = graph_part(cfg);

  Campaign& c = e.campaign;
  c.virality = cfg.get_double("campaign.virality");
  c.trust_known = cfg.get_double("campaign.trust_known");
  c.trust_audience = cfg.get_double("campaign.trust_audience");
  const auto& w = cfg.get_doubles("campaign.circle_weights");
  if (w.size() != 4)
    throw ConfigError("campaign.circle_weights", "needs four weights, got " + std::to_string(w.size()));
  for (int k = 0; k < 4; ++k) c.circle_weight[k] = w[k];
  c.engagement.min_followers = cfg.get_doubles("campaign.engagement_followers");
  c.engagement.rate = cfg.get_doubles("campaign.engagement_rate");
  c.fatigue = cfg.get_double("campaign.fatigue");
  c.sponsored_posts = static_cast<std::uint32_t>(std::min<std::int64_t>(cfg.get_int("campaign.sponsored_posts"), 1000000));
  c.affinity = cfg.get_double("campaign.affinity");
  c.validate();
  e.budget = cfg.get_double("campaign.budget");

  CostModel& k = e.costs;
  k.kind = cfg.get_string("campaign.cost_model") == "linear" ? CostModel::Kind::linear : CostModel::Kind::tier;
  k.ordinary = cfg.get_double("campaign.cost_ordinary");
  k.range[0] = pair_of(cfg, "campaign.cost_nano");
  k.range[1] = pair_of(cfg, "campaign.cost_micro");
  k.range[2] = pair_of(cfg, "campaign.cost_macro");
  k.range[3] = pair_of(cfg, "campaign.cost_mega");
  k.a = cfg.get_double("campaign.cost_fixed");
  k.b = cfg.get_double("campaign.cost_per_follower");
  k.validate();

  e.models.clear();
  for (const std::string& m : cfg.get_strings("model.kinds")) {
    const auto kind = parse_model(m);
    if (!kind) throw ConfigError("model.kinds", "unknown model \"" + m + "\"; expected ic, threshold or sir");
    if (std::find(e.models.begin(), e.models.end(), *kind) != e.models.end())
      throw ConfigError("model.kinds", "names " + m + " twice");
    e.models.push_back(*kind);
  }
  if (e.models.empty()) throw ConfigError("model.kinds", "names no model; expected some of ic, threshold, sir");
  ThresholdParams& t = e.threshold;
  t.phi = cfg.get_double("model.threshold.phi");
  const std::string td = cfg.get_string("model.threshold.distribution");
  t.distribution = td == "uniform"  ? ThresholdParams::Distribution::uniform
                   : td == "normal" ? ThresholdParams::Distribution::normal
                                    : ThresholdParams::Distribution::fixed;
  t.spread = cfg.get_double("model.threshold.spread");
  t.absolute = cfg.get_bool("model.threshold.absolute");
  t.audience_weight = cfg.get_double("model.threshold.audience_weight");
  t.validate();
  e.sir.recovery = cfg.get_double("model.sir.recovery");
  e.sir.validate();

  McParams& r = e.runs;
  r.runs = static_cast<std::uint32_t>(std::min<std::int64_t>(cfg.get_int("runs.count"), 0xFFFFFFFF));
  r.target = cfg.get_double("runs.target");
  r.min_runs = static_cast<std::uint32_t>(std::min<std::int64_t>(cfg.get_int("runs.min"), 0xFFFFFFFF));
  r.batch = static_cast<std::uint32_t>(std::min<std::int64_t>(cfg.get_int("runs.batch"), 0xFFFFFFFF));
  r.max_steps = static_cast<std::uint32_t>(cfg.get_int("runs.max_steps"));
  r.validate();
  if (cfg.get_int("runs.count") > cfg.get_int("limits.runs"))
    throw ConfigError("runs.count",
                      "is " + std::to_string(cfg.get_int("runs.count")) + ", above limits.runs = " +
                          std::to_string(cfg.get_int("limits.runs")) +
                          " (a cap against typos); set limits.runs to run that many");

  e.imm.epsilon = cfg.get_double("imm.epsilon");
  e.imm.ell = cfg.get_double("imm.ell");
  e.curves = cfg.get_bool("output.curves");
  e.save_graph = cfg.get_bool("output.save_graph");

  for (const io::Element& el : cfg.elements("strategy")) {
    StrategySpec s;
    s.name = el.name();
    const std::string key = "strategy." + s.name;
    s.kind = *parse_strategy_kind(el.get_string("kind"));
    s.tier = tier_of_name(el.get_string("tier"), key + ".tier");
    s.k = static_cast<std::uint32_t>(std::min<std::int64_t>(el.get_int("k"), 0xFFFFFFFF));
    const double budget = el.get_double("budget");
    s.budget = budget < 0 ? e.budget : budget;
    s.reach = el.get_double("reach");
    for (const std::string& tn : el.get_strings("tiers")) {
      const auto tt = tier_of_name(tn, key + ".tiers");
      if (!tt) throw ConfigError(key + ".tiers", "names an empty tier");
      s.mix_tiers.push_back(*tt);
    }
    s.mix_shares = el.get_doubles("shares");
    s.top_fraction = el.get_double("top_fraction");
    s.empty_ok = el.get_bool("empty_ok");
    const std::int64_t posts = el.get_int("sponsored_posts");
    if (posts >= 0) s.sponsored_posts = static_cast<std::uint32_t>(std::min<std::int64_t>(posts, 1000000));
    if (s.name.find('.') != std::string::npos || s.name.find('/') != std::string::npos || s.name.empty())
      throw ConfigError(key + ".name", "must be non-empty, without '.' or '/' (it names an HDF5 group)");
    if ((s.kind == StrategyKind::tier || s.kind == StrategyKind::random || s.kind == StrategyKind::top_followers ||
         s.kind == StrategyKind::top_degree || s.kind == StrategyKind::top_core ||
         s.kind == StrategyKind::eigenvector) &&
        s.k == 0)
      throw ConfigError(key + ".k", std::string("is required (at least 1) for kind = \"") +
                                        strategy_kind_name(s.kind) + "\"");
    if (s.kind == StrategyKind::optimal && s.k == 0 && !(s.budget > 0))
      throw ConfigError(key + ".k", "optimal needs k seeds or a positive budget");
    if (s.kind == StrategyKind::nominal_reach && !(s.reach > 0))
      throw ConfigError(key + ".reach", "is required (positive) for kind = \"nominal_reach\"");
    e.strategies.push_back(std::move(s));
  }
  if (e.strategies.empty() && need_strategies)
    throw ConfigError("strategy", "the experiment has no [[strategy]]; add at least one (see --print-defaults)");
  // Every run's record and curve stays in memory until its summary is written.
  const std::uint64_t blocks = std::max<std::size_t>(1, e.strategies.size()) * e.models.size();
  require_memory("runs.count", std::uint64_t(e.runs.runs) * blocks * kBytesPerRun,
                 grouped_text(double(e.runs.runs)) + " runs of " + std::to_string(blocks) +
                     " strategy-model pairs (about 1 KiB per run)");
  return e;
}

}  // namespace

ExperimentSpec spec_from_config(const io::Config& cfg, bool need_strategies) {
  try {
    return whole(cfg, need_strategies);
  } catch (const ConfigError& e) {
    throw with_line(cfg, e);
  }
}

GraphSpec graph_spec_from_config(const io::Config& cfg) {
  try {
    return graph_part(cfg);
  } catch (const ConfigError& e) {
    throw with_line(cfg, e);
  }
}

std::string graph_identity(const io::Config& cfg) {
  std::ostringstream out;
  out << "seed=" << cfg.get_int("seed") << '\n';
  for (const io::KeySpec& k : cfg.schema().keys())
    if (k.name.rfind("graph.", 0) == 0 || k.name.rfind("audience.", 0) == 0 || k.name.rfind("tiers.", 0) == 0)
      out << k.name << '=' << io::format_value(cfg.value(k.name)) << '\n';
  return out.str();
}

}  // namespace nanoreach
