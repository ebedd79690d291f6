// Sweep plans: axes from [sweep], the configuration of each point, the work items (see sweep.hpp).
#include "nanoreach/sim/sweep.hpp"

#include <cmath>
#include <map>

#include "nanoreach/sim/experiment.hpp"

namespace nanoreach {

namespace {

const io::KeySpec* key_spec(const io::Config& cfg, const std::string& key) {
  if (const io::KeySpec* k = cfg.schema().find(key)) return k;
  if (key.rfind("strategy.", 0) == 0) {
    const auto dot = key.rfind('.');
    if (const io::TableArray* a = cfg.schema().find_array("strategy")) return a->keys.find(key.substr(dot + 1));
  }
  return nullptr;
}

// A sweep of `points` points, driven by the axis `key`: refused above limits.sweep_points, and when
// its plan cannot fit in memory, before a single point is made.
void check_points(const io::Config& cfg, const std::string& key, double points, long line) {
  const auto cap = std::uint64_t(cfg.get_int("limits.sweep_points"));
  if (points > double(cap))
    throw ConfigError(key,
                      "makes " + grouped_text(double(points)) + " sweep points, above limits.sweep_points = " +
                          grouped_text(double(cap)) + " (a cap against typos); set limits.sweep_points to run that many",
                      line);
  const double need = points * double(kBytesPerPoint);
  require_memory(key, static_cast<std::uint64_t>(std::min(need, 1.8e19)),
                 "the plan of " + grouped_text(double(points)) + " sweep points (about 16 KiB per point)", line);
}

std::vector<std::shared_ptr<const toml::node>> range_values(const io::Config& cfg, const io::RawEntry& e,
                                                             const toml::table& t) {
  const std::string where = "sweep." + e.key;
  for (auto&& [k, v] : t)
    if (k.str() != "from" && k.str() != "to" && k.str() != "points" && k.str() != "scale")
      throw ConfigError(where, "unknown range field '" + std::string(k.str()) +
                                   "'; a range is {from = a, to = b, points = n, scale = \"linear\" or \"log\"}",
                        e.line);
  const auto from = t["from"].value<double>(), to = t["to"].value<double>();
  const auto points = t["points"].value<std::int64_t>();
  const std::string scale = t["scale"].value_or(std::string("linear"));
  if (!from || !to || !points)
    throw ConfigError(where, "a range needs numbers from and to and an integer points", e.line);
  if (*points < 1) throw ConfigError(where, "points must be at least 1", e.line);
  check_points(cfg, where, double(*points), e.line);
  if (scale != "linear" && scale != "log")
    throw ConfigError(where, "scale must be \"linear\" or \"log\", got \"" + scale + "\"", e.line);
  if (scale == "log" && !(*from > 0 && *to > 0))
    throw ConfigError(where, "a log range needs positive from and to", e.line);
  const io::KeySpec* spec = key_spec(cfg, e.key);
  const bool integer = spec && spec->type == io::Type::integer;
  std::vector<std::shared_ptr<const toml::node>> out;
  for (std::int64_t i = 0; i < *points; ++i) {
    const double f = *points == 1 ? 0.0 : double(i) / double(*points - 1);
    const double x = scale == "log" ? std::exp(std::log(*from) + f * (std::log(*to) - std::log(*from)))
                                    : *from + f * (*to - *from);
    if (integer)
      out.push_back(std::make_shared<toml::value<std::int64_t>>(std::llround(x)));
    else
      out.push_back(std::make_shared<toml::value<double>>(x));
  }
  return out;
}

}  // namespace

std::vector<std::shared_ptr<const toml::node>> SweepPlan::values(std::size_t p) const {
  std::vector<std::shared_ptr<const toml::node>> out(axes.size());
  if (zip) {
    for (std::size_t a = 0; a < axes.size(); ++a) out[a] = axes[a].values[p];
    return out;
  }
  for (std::size_t a = axes.size(); a-- > 0;) {  // the last axis varies fastest
    out[a] = axes[a].values[p % axes[a].values.size()];
    p /= axes[a].values.size();
  }
  return out;
}

io::Config point_config(const io::Config& base, const SweepPlan& plan, std::size_t p) {
  io::Config cfg = base;
  const auto vals = plan.values(p);
  for (std::size_t a = 0; a < plan.axes.size(); ++a)
    cfg.assign(plan.axes[a].key, *vals[a], "[sweep] " + printable(plan.axes[a].key), plan.axes[a].line);
  return cfg;
}

SweepPlan plan_sweep(const io::Config& cfg) {
  SweepPlan plan;
  for (const io::RawEntry& e : cfg.raw("sweep")) {
    if (e.key == "mode") {
      const auto mode = e.value->value<std::string>();
      if (!mode || (*mode != "product" && *mode != "zip"))
        throw ConfigError("sweep.mode", "must be \"product\" or \"zip\"", e.line);
      plan.zip = *mode == "zip";
      continue;
    }
    SweepAxis axis;
    axis.key = e.key;
    axis.line = e.line;
    if (const toml::array* arr = e.value->as_array()) {
      for (const toml::node& v : *arr) {
        std::shared_ptr<toml::node> copy;
        v.visit([&](auto&& x) { copy = std::make_shared<std::decay_t<decltype(x)>>(x); });
        axis.values.push_back(std::move(copy));
      }
    } else if (const toml::table* t = e.value->as_table()) {
      axis.values = range_values(cfg, e, *t);
    } else {
      throw ConfigError("sweep." + e.key, "expected a list of values or {from = a, to = b, points = n}", e.line);
    }
    if (axis.values.empty()) throw ConfigError("sweep." + e.key, "has no values", e.line);
    plan.axes.push_back(std::move(axis));
  }
  plan.points = 1;
  if (plan.zip && !plan.axes.empty()) {
    plan.points = plan.axes[0].values.size();
    for (const SweepAxis& a : plan.axes)
      if (a.values.size() != plan.points)
        throw ConfigError("sweep." + a.key,
                          "has " + std::to_string(a.values.size()) + " values but mode = \"zip\" needs " +
                              std::to_string(plan.points) + " like sweep." + plan.axes[0].key,
                          a.line);
  } else {
    // The product, checked as it grows (so it cannot overflow), named after the axis that pushes
    // it over.
    for (const SweepAxis& a : plan.axes) {
      const double product = double(plan.points) * double(a.values.size());
      check_points(cfg, "sweep." + a.key, product, a.line);
      plan.points = static_cast<std::size_t>(product);
    }
  }
  if (plan.zip && !plan.axes.empty())
    check_points(cfg, "sweep." + plan.axes[0].key, double(plan.points), plan.axes[0].line);
  // Every point must be a valid experiment before anything runs; points with the same graph
  // parameters share one graph.
  std::map<std::string, std::size_t> graphs;
  for (std::size_t p = 0; p < plan.points; ++p) {
    const io::Config pc = point_config(cfg, plan, p);
    spec_from_config(pc);
    const auto [it, fresh] = graphs.emplace(graph_identity(pc), graphs.size());
    plan.graph_of_point.push_back(it->second);
  }
  plan.graphs = graphs.size();
  return plan;
}

std::vector<WorkItem> work_items(const io::Config& base, const SweepPlan& plan) {
  std::vector<WorkItem> items;
  for (std::size_t g = 0; g < plan.graphs; ++g)
    for (std::size_t p = 0; p < plan.points; ++p) {
      if (plan.graph_of_point[p] != g) continue;
      const ExperimentSpec spec = spec_from_config(point_config(base, plan, p));
      // Up to kChunks chunks of at least a batch each; adaptive runs stay whole. The cut depends on
      // the experiment alone, so a resumed sweep finds the same items whatever runs it.
      constexpr std::uint64_t kChunks = 8;
      std::uint32_t chunks = 1;
      if (spec.runs.target == 0) {
        const std::uint64_t batches = (spec.runs.runs + spec.runs.batch - 1) / spec.runs.batch;
        chunks = static_cast<std::uint32_t>(std::max<std::uint64_t>(1, std::min(kChunks, batches)));
      }
      for (std::uint32_t c = 0; c < chunks; ++c) {
        WorkItem w;
        w.point = p;
        w.chunk = c;
        w.chunks = chunks;
        w.first_run = static_cast<std::uint32_t>(std::uint64_t(spec.runs.runs) * c / chunks);
        w.last_run = static_cast<std::uint32_t>(std::uint64_t(spec.runs.runs) * (c + 1) / chunks);
        items.push_back(w);
      }
    }
  return items;
}

}  // namespace nanoreach
