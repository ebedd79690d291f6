// nanoreach._core: the Python bindings (pybind11), beside the program and calling the experiment
// layer exactly as the program does (load_experiment, build_experiment_graph, run_experiment,
// trace_cascade, export_csv), so that a result written from Python is the program's file.
//
// Invariants and approach
// - The GIL is released while C++ works (graph builds, runs, cascades); OpenMP uses its own threads
//   as in the program. `threads` sets omp_set_num_threads for one call and restores it after.
// - Ctrl-C: the run's progress and stage callbacks take the GIL for a moment and ask Python for
//   pending signals; a KeyboardInterrupt stops the run at the next run boundary (finished runs are
//   kept in OUT.partial, as the program keeps them) and is raised again once the GIL is back.
// - Graph arrays (degrees, follower counts, tiers, CSR layers) are numpy views of memory the Graph
//   owns, read-only, kept alive by the Graph: nothing is copied when they are read.
// - nanoreach::ConfigError / InputError / Error become nanoreach.ConfigError / InputError / Error
//   (python/nanoreach/errors.py) with the program's message; ConfigError also carries .key and
//   .line. Interrupted becomes KeyboardInterrupt.
// - An experiment is None (every default), a dict (converted to a TOML table: bool, int, float,
//   str, lists and dicts; numpy values through .tolist()), a str of TOML text, or an os.PathLike
//   naming a file; the Python layer turns a str naming an existing file into a path.
#include <omp.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <toml++/toml.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nanoreach/graph/from_edges.hpp"
#include "nanoreach/graph/implicit.hpp"
#include "nanoreach/sim/experiment.hpp"
#include "nanoreach/sim/export.hpp"
#include "nanoreach/sim/runner.hpp"

namespace py = pybind11;

namespace nanoreach {
namespace {

// ---------------------------------------------------------------------------------------------
// Experiments from Python values

void to_node(py::handle v, const std::string& where, const std::function<void(toml::node&&)>& put);

toml::table to_table(py::handle d, const std::string& where) {
  toml::table t;
  for (auto item : py::reinterpret_borrow<py::dict>(d)) {
    if (!py::isinstance<py::str>(item.first))
      throw ConfigError(where, "dict keys must be strings, got " + std::string(py::str(item.first)));
    const std::string key = item.first.cast<std::string>();
    const std::string path = where.empty() ? key : where + "." + key;
    to_node(item.second, path, [&](toml::node&& n) { n.visit([&](auto&& x) { t.insert_or_assign(key, std::move(x)); }); });
  }
  return t;
}

void to_node(py::handle v, const std::string& where, const std::function<void(toml::node&&)>& put) {
  if (py::isinstance<py::bool_>(v) || py::isinstance(v, py::module_::import("numpy").attr("bool_"))) {
    put(toml::value<bool>(v.cast<bool>()));
  } else if (py::isinstance<py::dict>(v)) {
    put(to_table(v, where));
  } else if (py::isinstance<py::str>(v)) {
    put(toml::value<std::string>(v.cast<std::string>()));
  } else if (py::isinstance<py::int_>(v)) {
    put(toml::value<std::int64_t>(v.cast<std::int64_t>()));
  } else if (py::isinstance<py::float_>(v)) {
    put(toml::value<double>(v.cast<double>()));
  } else if (py::hasattr(v, "tolist") && !py::isinstance<py::list>(v)) {
    to_node(v.attr("tolist")(), where, put);
  } else if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    toml::array a;
    std::size_t i = 0;
    for (py::handle x : v) {
      to_node(x, where + "[" + std::to_string(i++) + "]",
              [&](toml::node&& n) { n.visit([&](auto&& y) { a.push_back(std::move(y)); }); });
    }
    put(std::move(a));
  } else {
    throw ConfigError(where, "cannot be given as a Python " +
                                 std::string(py::str(v.get_type().attr("__name__"))) +
                                 " (use bool, int, float, str, a list or a dict)");
  }
}

io::Config load_config(py::object experiment, std::optional<std::uint64_t> seed) {
  if (experiment.is_none()) return load_experiment({}, {}, seed);
  if (py::isinstance<py::dict>(experiment))
    return load_experiment_table(to_table(experiment, ""), "the experiment dict", {}, seed);
  if (py::hasattr(experiment, "__fspath__"))
    return load_experiment(py::str(experiment.attr("__fspath__")()).cast<std::string>(), {}, seed);
  if (py::isinstance<py::str>(experiment))
    return load_experiment_text(experiment.cast<std::string>(), "the experiment text", {}, seed);
  throw InputError("an experiment is a dict, TOML text or a path to a TOML file, not a " +
                   std::string(py::str(experiment.get_type().attr("__name__"))));
}

// ---------------------------------------------------------------------------------------------
// Graphs

struct PyGraph {
  std::shared_ptr<BuiltGraph> built;
  // Per-person degree and follower arrays, filled on first use: on the implicit graph each degree
  // means rebuilding that person's ties (about 4 µs), which a billion-person graph should not pay
  // unless asked.
  mutable std::vector<std::uint32_t> degree, followers;
  mutable bool filled = false;

  explicit PyGraph(std::unique_ptr<BuiltGraph> b) : built(std::move(b)) {}
  const SocialGraph& graph() const { return built->graph; }
  void fill() const {
    if (filled) return;
    const SocialGraph& g = built->graph;
    const node_t n = g.people();
    degree.resize(n);
    followers.resize(n);
    if (g.is_implicit()) {
      py::gil_scoped_release release;
#pragma omp parallel
      {
        TieList t;
#pragma omp for schedule(static, 4096)
        for (std::int64_t u = 0; u < std::int64_t(n); ++u) {
          g.implicit->strong().ties(static_cast<node_t>(u), t);
          degree[u] = static_cast<std::uint32_t>(t.size());
          followers[u] = g.followers(static_cast<node_t>(u));
        }
      }
    } else {
      for (node_t u = 0; u < n; ++u) {
        degree[u] = g.strong.degree(u);
        followers[u] = g.audience.degree(u);
      }
    }
    filled = true;
  }
  // The stored lists, which the implicit graph does not have.
  const SocialGraph& stored(const char* what) const {
    built->graph.require_explicit(what);
    return built->graph;
  }
};

template <class T>
py::array view(const T* data, std::size_t n, py::handle owner) {
  py::array a(py::dtype::of<T>(), {static_cast<py::ssize_t>(n)}, {static_cast<py::ssize_t>(sizeof(T))}, data, owner);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

py::array offsets_view(const Csr& layer, py::handle owner) {
  // int64 like the saved file: offsets never reach 2^63 and the two forms may alias.
  return view(reinterpret_cast<const std::int64_t*>(layer.offsets().data()), layer.offsets().size(), owner);
}

std::unique_ptr<BuiltGraph> finished(SocialGraph g, const GraphSpec& spec, std::uint64_t seed, std::string source,
                                     std::chrono::steady_clock::time_point t0) {
  auto b = std::make_unique<BuiltGraph>();
  b->graph = std::move(g);
  b->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  b->stats = compute_stats(b->graph, seed);
  b->spec = spec;
  b->seed = seed;
  b->source = std::move(source);
  return b;
}

template <class T>
std::span<const T> span_of(const py::array_t<T, py::array::c_style | py::array::forcecast>& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

using NodeArray = py::array_t<node_t, py::array::c_style | py::array::forcecast>;
using CircleArray = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

PyGraph graph_from_config(py::object experiment, std::optional<std::uint64_t> seed) {
  const io::Config cfg = load_config(experiment, seed);
  const GraphSpec spec = graph_spec_from_config(cfg);
  const auto s = static_cast<std::uint64_t>(cfg.get_int("seed"));
  py::gil_scoped_release release;
  return PyGraph(build_experiment_graph(spec, s));
}

PyGraph graph_from_edges(node_t people, const NodeArray& src, const NodeArray& dst, std::optional<CircleArray> circle,
                         bool directed, py::object experiment, std::optional<std::uint64_t> seed, std::string source) {
  const io::Config cfg = load_config(experiment, seed);
  GraphSpec spec = graph_spec_from_config(cfg);
  spec.directed = directed;
  const auto s = static_cast<std::uint64_t>(cfg.get_int("seed"));
  const auto c = circle ? span_of(*circle) : std::span<const std::uint8_t>();
  py::gil_scoped_release release;
  const auto t0 = std::chrono::steady_clock::now();
  SocialGraph g = social_from_edges(people, span_of(src), span_of(dst), c, directed, spec, s);
  return PyGraph(finished(std::move(g), spec, s, source, t0));
}

PyGraph graph_from_layers(node_t people, const NodeArray& ssrc, const NodeArray& sdst, std::optional<CircleArray> circle,
                          const NodeArray& asrc, const NodeArray& adst, py::object experiment,
                          std::optional<std::uint64_t> seed, std::string source) {
  const io::Config cfg = load_config(experiment, seed);
  GraphSpec spec = graph_spec_from_config(cfg);
  spec.directed = true;
  const auto s = static_cast<std::uint64_t>(cfg.get_int("seed"));
  const auto c = circle ? span_of(*circle) : std::span<const std::uint8_t>();
  py::gil_scoped_release release;
  const auto t0 = std::chrono::steady_clock::now();
  SocialGraph g = social_from_layers(people, span_of(ssrc), span_of(sdst), c, span_of(asrc), span_of(adst), spec);
  return PyGraph(finished(std::move(g), spec, s, source, t0));
}

PyGraph graph_load(const std::string& path, py::object experiment, std::optional<std::uint64_t> seed) {
  const io::Config cfg = load_config(experiment, seed);
  GraphSpec spec = graph_spec_from_config(cfg);
  spec.source = GraphSpec::Source::saved;
  spec.path = path;
  const auto s = static_cast<std::uint64_t>(cfg.get_int("seed"));
  py::gil_scoped_release release;
  return PyGraph(build_experiment_graph(spec, s));
}

py::dict graph_stats(const PyGraph& pg) {
  const GraphStats& s = pg.built->stats;
  py::dict d;
  d["source"] = pg.built->source;
  d["people"] = s.people;
  d["strong_ties"] = s.strong_ties;
  d["audience_edges"] = s.audience_edges;
  d["max_degree"] = s.max_degree;
  d["mean_degree"] = s.mean_degree;
  d["over_cap"] = s.over_cap;
  d["dunbar_capped"] = pg.graph().dunbar_capped;
  d["circle_mean_ties"] = std::vector<double>(s.mean_circle.begin(), s.mean_circle.end());
  d["tier_counts"] = std::vector<std::uint64_t>(s.tier_counts.begin(), s.tier_counts.end());
  d["tier_thresholds"] = std::vector<std::uint64_t>(pg.graph().thresholds.min_followers.begin(),
                                                    pg.graph().thresholds.min_followers.end());
  d["tiers_rule"] = pg.graph().thresholds.rule;
  d["max_followers"] = s.max_followers;
  d["mean_followers"] = s.mean_followers;
  d["clustering"] = s.clustering;
  d["clustering_se"] = s.clustering_se;
  d["clustering_sampled"] = s.clustering_sampled;
  d["components"] = s.components;
  d["largest_component"] = s.largest_component;
  d["isolated"] = s.isolated;
  d["build_seconds"] = pg.built->seconds;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Runs and cascades

// Sets the OpenMP thread count for one call (0 or none: leave it) and restores it after.
class Threads {
 public:
  explicit Threads(std::optional<int> n) : before_(omp_get_max_threads()) {
    if (n && *n < 0) throw InputError("threads must be positive, got " + std::to_string(*n));
    if (n && *n > 0) omp_set_num_threads(*n);
  }
  ~Threads() { omp_set_num_threads(before_); }
  Threads(const Threads&) = delete;
  Threads& operator=(const Threads&) = delete;

 private:
  int before_;
};

py::dict run(py::object experiment, const PyGraph* graph, std::optional<int> threads, std::optional<std::uint64_t> seed,
             const std::string& out, bool force, const std::string& command_line) {
  const io::Config cfg = load_config(experiment, seed);
  const Threads scope(threads);
  std::atomic<bool> stop{false};
  bool interrupted = false;
  auto check_signals = [&] {
    py::gil_scoped_acquire acquire;
    if (PyErr_CheckSignals() != 0) {
      PyErr_Clear();
      interrupted = true;
      stop.store(true);
    }
  };
  RunOptions o;
  o.out = out;
  o.force = force;
  o.command_line = command_line;
  o.graph = graph ? graph->built.get() : nullptr;
  o.stop = &stop;
  o.stage = [&](const std::string&) { check_signals(); };
  o.progress = [&](std::uint64_t, std::uint64_t) { check_signals(); };
  RunReport report;
  {
    py::gil_scoped_release release;
    report = run_experiment(cfg, o);
  }
  if (interrupted) {
    PyErr_SetString(PyExc_KeyboardInterrupt,
                    ("interrupted: finished runs are in " + report.written.string() + " (complete = false)").c_str());
    throw py::error_already_set();
  }
  py::dict d;
  d["complete"] = report.complete;
  d["written"] = report.written.string();
  d["people"] = report.people;
  return d;
}

template <class T>
py::array copy_array(const std::vector<T>& v) {
  return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

py::dict cascade(const PyGraph& graph, const NodeArray& seeds, const std::string& model, std::optional<double> p,
                 py::object experiment, std::optional<std::uint64_t> seed, std::uint32_t run_index) {
  const io::Config cfg = load_config(experiment, seed);
  const ExperimentSpec spec = spec_from_config(cfg, false);
  const auto kind = parse_model(model);
  if (!kind) throw ConfigError("model", "must be one of \"ic\", \"threshold\", \"sir\", got \"" + model + "\"");
  TracedCascade t;
  {
    py::gil_scoped_release release;
    t = trace_cascade(graph.graph(), spec, *kind, span_of(seeds), p, run_index);
  }
  std::vector<std::int64_t> activator(t.trace.activator.size());
  for (std::size_t i = 0; i < activator.size(); ++i)
    activator[i] = t.trace.activator[i] == kNoNode ? -1 : static_cast<std::int64_t>(t.trace.activator[i]);
  py::dict d;
  d["people"] = copy_array(t.trace.people);
  d["step"] = copy_array(t.trace.step);
  d["activator"] = copy_array(activator);
  d["reach"] = t.result.reach;
  d["seeds"] = t.result.seeds;
  d["steps"] = t.result.steps;
  d["curve"] = copy_array(t.result.curve);
  d["infected"] = copy_array(t.result.infected);
  d["truncated"] = t.result.truncated;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Errors

void translate(std::exception_ptr p) {
  auto raise = [](const char* cls, py::object instance) {
    py::object type = py::module_::import("nanoreach.errors").attr(cls);
    PyErr_SetObject(type.ptr(), instance.ptr());
  };
  auto errors = [] { return py::module_::import("nanoreach.errors"); };
  try {
    if (p) std::rethrow_exception(p);
  } catch (const Interrupted& e) {
    PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
  } catch (const ConfigError& e) {
    raise("ConfigError", errors().attr("ConfigError")(e.what(), e.key(), e.line()));
  } catch (const InputError& e) {
    raise("InputError", errors().attr("InputError")(e.what()));
  } catch (const Error& e) {
    raise("Error", errors().attr("Error")(e.what()));
  }
}

}  // namespace
}  // namespace nanoreach

PYBIND11_MODULE(_core, m) {
  using namespace nanoreach;
  m.doc() = "nanoreach's C++ core (the Python package nanoreach wraps it; see help(nanoreach))";
  m.attr("version") = nanoreach_version();
  m.attr("git_revision") = git_revision();
  py::register_exception_translator(&translate);

  py::class_<PyGraph>(m, "Graph")
      .def_static("from_config", &graph_from_config, py::arg("experiment"), py::arg("seed") = py::none())
      .def_static("from_edges", &graph_from_edges, py::arg("people"), py::arg("src"), py::arg("dst"),
                  py::arg("circle"), py::arg("directed"), py::arg("experiment"), py::arg("seed"), py::arg("source"))
      .def_static("from_layers", &graph_from_layers, py::arg("people"), py::arg("strong_src"), py::arg("strong_dst"),
                  py::arg("strong_circle"), py::arg("audience_src"), py::arg("audience_dst"), py::arg("experiment"),
                  py::arg("seed"), py::arg("source"))
      .def_static("load", &graph_load, py::arg("path"), py::arg("experiment"), py::arg("seed") = py::none())
      .def_property_readonly("people", [](const PyGraph& g) { return g.graph().people(); })
      .def_property_readonly("stats", &graph_stats)
      .def_property_readonly("degree", [](py::object self) {
        const auto& g = self.cast<const PyGraph&>();
        g.fill();
        return view(g.degree.data(), g.degree.size(), self);
      })
      .def_property_readonly("followers", [](py::object self) {
        const auto& g = self.cast<const PyGraph&>();
        g.fill();
        return view(g.followers.data(), g.followers.size(), self);
      })
      .def_property_readonly("tier", [](py::object self) {
        const auto& g = self.cast<const PyGraph&>().graph();
        return view(reinterpret_cast<const std::uint8_t*>(g.tier.data()), g.tier.size(), self);
      })
      .def_property_readonly("strong_offsets", [](py::object self) {
        return offsets_view(self.cast<const PyGraph&>().stored("reading the strong layer's arrays").strong, self);
      })
      .def_property_readonly("strong_targets", [](py::object self) {
        const auto& t = self.cast<const PyGraph&>().stored("reading the strong layer's arrays").strong.targets();
        return view(t.data(), t.size(), self);
      })
      .def_property_readonly("strong_circle", [](py::object self) {
        const auto& a = self.cast<const PyGraph&>().stored("reading the strong layer's arrays").strong.attr();
        return view(a.data(), a.size(), self);
      })
      .def_property_readonly("audience_offsets", [](py::object self) {
        return offsets_view(self.cast<const PyGraph&>().stored("reading the audience layer's arrays").audience, self);
      })
      .def_property_readonly("audience_targets", [](py::object self) {
        const auto& t = self.cast<const PyGraph&>().stored("reading the audience layer's arrays").audience.targets();
        return view(t.data(), t.size(), self);
      })
      .def_property_readonly("external_ids", [](py::object self) {
        const auto& e = self.cast<const PyGraph&>().graph().external_ids;
        return view(e.data(), e.size(), self);
      });

  m.def("run", &run, py::arg("experiment"), py::arg("graph"), py::arg("threads"), py::arg("seed"), py::arg("out"),
        py::arg("force"), py::arg("command_line"));
  m.def("cascade", &cascade, py::arg("graph"), py::arg("seeds"), py::arg("model"), py::arg("p"), py::arg("experiment"),
        py::arg("seed"), py::arg("run"));
  m.def(
      "export_csv",
      [](const std::string& result, const std::string& dir, bool force) {
        std::vector<std::string> out;
        for (const auto& p : export_csv(result, dir, force)) out.push_back(p.string());
        return out;
      },
      py::arg("result"), py::arg("dir"), py::arg("force"));
  m.def("experiment_toml", [](py::object experiment, std::optional<std::uint64_t> seed) {
    return load_config(experiment, seed).to_toml(true);
  }, py::arg("experiment"), py::arg("seed") = py::none());
  m.def("print_defaults", [] {
    return experiment_schema()->print_defaults("nanoreach experiment file: every key with its default");
  });
}
