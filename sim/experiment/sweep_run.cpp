// Running sweeps: work items on one process or many (MPI), checkpoints, assembly and merging
// (see sweep.hpp for the guarantees).
#include <omp.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "mpi.hpp"
#include "nanoreach/sim/durable.hpp"
#include "nanoreach/sim/layout.hpp"
#include "nanoreach/sim/runner.hpp"
#include "nanoreach/sim/sweep.hpp"

namespace nanoreach {

namespace fs = std::filesystem;
namespace h5 = io::h5;

namespace {

fs::path checkpoint_dir(const fs::path& out) { return out.string() + ".checkpoint"; }

std::string item_file(const WorkItem& w) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "point-%06zu-chunk-%02u-of-%02u.h5", w.point, w.chunk, w.chunks);
  return buf;
}
std::string graph_file(std::size_t g) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "graph-%04zu.h5", g);
  return buf;
}

// The points a shard (0-based) owns: a contiguous share, so each shard needs few graphs.
bool in_shard(std::size_t p, std::size_t points, int shard, int shards) {
  return p * std::size_t(shards) / points == std::size_t(shard);
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `fill` into a temporary file, seals it (durable.hpp: flushed, closed, complete = true,
// synced, re-opened) and only then renames it to `path`: readers see all or nothing, and a failed
// write (a full disk) leaves no temporary file behind.
template <class Fill>
void write_atomically(const fs::path& path, Fill&& fill) {
  const fs::path tmp = path.string() + ".tmp." + std::to_string(getpid());
  try {
    h5::File f = h5::File::create(tmp, h5::IfExists::Truncate);
    fill(f);
    seal_result(f, tmp, true);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  rename_durably(tmp, path);
}

// What a finished checkpoint of item w must hold: the /runs block of every strategy and model.
std::vector<std::string> item_contents(const ExperimentSpec& spec) {
  std::vector<std::string> out;
  for (const StrategySpec& s : spec.strategies)
    for (ModelKind m : spec.models) out.push_back("/runs/" + s.name + "/" + model_name(m));
  return out;
}

h5::Table slice(const h5::Table& t, std::size_t a, std::size_t b) {
  if (a > b || b > t.rows())
    throw Error("sweep: rows " + std::to_string(a) + ".." + std::to_string(b) + " of a table of " +
                std::to_string(t.rows()) + " rows");
  h5::Table out;
  for (const std::string& name : t.names())
    std::visit([&](const auto& v) {
      using V = std::decay_t<decltype(v)>;
      out.add(name, V(v.begin() + a, v.begin() + b));
    }, t[name]);
  return out;
}

template <class T>
h5::Matrix<T> slice_rows(const h5::Matrix<T>& m, std::size_t a, std::size_t b) {
  if (a > b || b > m.rows)
    throw Error("sweep: rows " + std::to_string(a) + ".." + std::to_string(b) + " of a matrix of " +
                std::to_string(m.rows) + " rows");
  h5::Matrix<T> out(b - a, m.cols);
  std::copy(m.values.begin() + a * m.cols, m.values.begin() + b * m.cols, out.values.begin());
  return out;
}

// One block of a work item: the rows of a strategy under a model.
void write_block(h5::File& f, const std::string& s, ModelKind m, const std::vector<RunRecord>& runs,
                 std::int64_t point, bool curves) {
  const std::string base = s + "/" + model_name(m);
  f.write_table("/runs/" + base, runs_rows(s, m, runs, point));
  if (!curves || runs.empty()) return;
  const CurveRows c = curve_rows(runs);
  f.write_matrix("/curves/" + base, c.adopted, c.adopted_width);
  if (m == ModelKind::sir) f.write_matrix("/curves/" + s + "/sir_infected", c.infected, c.infected_width);
}

// Where assembly finds a point's rows.
class PointSource {
 public:
  virtual ~PointSource() = default;
  virtual bool has(std::size_t p) const = 0;
  virtual void append(h5::File& out, std::size_t p, const std::string& s, const std::string& m, bool curves) = 0;
  virtual bool has_graph(std::size_t g) const = 0;
  virtual void copy_graph(h5::File& out, std::size_t g) = 0;
};

class CheckpointSource : public PointSource {
 public:
  CheckpointSource(fs::path dir, const std::vector<WorkItem>& items) : dir_(std::move(dir)) {
    for (const WorkItem& w : items) items_[w.point].push_back(w);
  }
  bool has(std::size_t p) const override {
    auto it = items_.find(p);
    if (it == items_.end()) return false;
    for (const WorkItem& w : it->second)
      if (!fs::exists(dir_ / item_file(w))) return false;
    return true;
  }
  void append(h5::File& out, std::size_t p, const std::string& s, const std::string& m, bool curves) override {
    for (const WorkItem& w : items_.at(p)) {
      h5::File f = h5::File::open(dir_ / item_file(w));
      const std::string base = s + "/" + m;
      out.append_table("/runs", f.read_table("/runs/" + base));
      if (!curves || !f.exists("/curves/" + base)) continue;
      out.append_rows("/curves/" + base, f.read_matrix<std::uint32_t>("/curves/" + base).values,
                      f.read_matrix<std::uint32_t>("/curves/" + base).cols);
      if (m == "sir") {
        const auto inf = f.read_matrix<std::uint32_t>("/curves/" + s + "/sir_infected");
        out.append_rows("/curves/" + s + "/sir_infected", inf.values, inf.cols);
      }
    }
  }
  bool has_graph(std::size_t g) const override { return fs::exists(dir_ / graph_file(g)); }
  void copy_graph(h5::File& out, std::size_t g) override {
    h5::File f = h5::File::open(dir_ / graph_file(g));
    out.copy_from(f, "/graph", "/graphs/" + std::to_string(g));
  }

 private:
  fs::path dir_;
  std::map<std::size_t, std::vector<WorkItem>> items_;
};

// A shard file of `nanoreach sweep --shard`, checked whole (verify) before merge writes anything:
// a shard that lacks a dataset, numbers a point outside the plan, holds other run counts than the
// plan, or fewer curve rows than runs is refused with the shard, the dataset and what was expected.
class ShardSource : public PointSource {
 public:
  explicit ShardSource(const fs::path& path) : path_(path), file_(h5::File::open(path)) {}

  void verify(const SweepPlan& plan, const std::vector<ExperimentSpec>& specs) {
    auto bad = [&](const std::string& where, const std::string& what) { fail(where, what); };
    if (!file_.is_group("/points")) bad("/points", "missing; expected the table of points every sweep file holds");
    const h5::Table points = file_.read_table("/points");
    const auto& point = column<std::int64_t>(points, "/points", "point", "integers");
    const auto& status = column<std::string>(points, "/points", "status", "strings");
    const auto& runs_of_point = column<std::int64_t>(points, "/points", "runs", "integers");
    if (points.rows() != plan.points)
      bad("/points", "has " + std::to_string(points.rows()) + " rows; expected " + std::to_string(plan.points) +
                         ", one per point of the sweep");
    for (std::size_t p = 0; p < plan.points; ++p) {
      if (point[p] != std::int64_t(p))
        bad("/points/point", "row " + std::to_string(p) + " holds " + std::to_string(point[p]) + "; expected " +
                                 std::to_string(p) + " (points are numbered from 0)");
      if (status[p] == "done")
        done_.insert(p);
      else if (status[p] != "missing" && status[p] != "other shard")
        bad("/points/status", "row " + std::to_string(p) + " is \"" + printable(status[p]) +
                                  "\"; expected done, missing or other shard");
    }
    if (!done_.empty() && !file_.is_group("/runs"))
      bad("/runs", "missing, but /points marks " + std::to_string(done_.size()) + " points done");
    if (file_.is_group("/runs")) runs_ = file_.read_table("/runs");
    std::map<std::pair<std::string, std::string>, std::size_t> curve_row;
    if (runs_.num_columns()) {
      const auto& pt = column<std::int64_t>(runs_, "/runs", "point", "integers");
      const auto& st = column<std::string>(runs_, "/runs", "strategy", "strings");
      const auto& mo = column<std::string>(runs_, "/runs", "model", "strings");
      const auto& run = column<std::int64_t>(runs_, "/runs", "run", "integers");
      for (std::size_t i = 0; i < pt.size(); ++i) {
        const std::string row = "row " + std::to_string(i);
        if (pt[i] < 0 || pt[i] >= std::int64_t(plan.points))
          bad("/runs/point", row + " holds point " + std::to_string(pt[i]) + "; expected 0.." +
                                 std::to_string(plan.points - 1));
        const std::size_t p = std::size_t(pt[i]);
        if (!done_.count(p))
          bad("/runs/point", row + " is of point " + std::to_string(p) + ", which /points does not mark done");
        const ExperimentSpec& spec = specs[p];
        const bool known_strategy = std::any_of(spec.strategies.begin(), spec.strategies.end(),
                                                [&](const StrategySpec& s) { return s.name == st[i]; });
        const auto m = parse_model(mo[i]);
        if (!known_strategy || !m || std::find(spec.models.begin(), spec.models.end(), *m) == spec.models.end())
          bad("/runs", row + " is of strategy \"" + printable(st[i]) + "\" under model \"" + printable(mo[i]) +
                           "\", which point " + std::to_string(p) + " does not run");
        Rows& r = rows_[{p, st[i], mo[i]}];
        const std::size_t c = curve_row[{st[i], mo[i]}]++;
        if (r.count == 0) {
          r.first = i;
          r.curve_first = c;
        } else if (r.first + r.count != i) {
          bad("/runs", row + ": the rows of point " + std::to_string(p) + ", strategy " + st[i] + ", model " +
                           mo[i] + " are not together; expected them in one block");
        }
        if (spec.runs.target == 0 && run[i] != std::int64_t(r.count))
          bad("/runs/run", row + " holds run " + std::to_string(run[i]) + "; expected " + std::to_string(r.count) +
                               " (each strategy and model's runs in order from 0)");
        ++r.count;
      }
    }
    bool any_curves = false;
    for (std::size_t p : done_) {
      const ExperimentSpec& spec = specs[p];
      any_curves |= spec.curves;
      std::size_t total = 0;
      for (const StrategySpec& s : spec.strategies)
        for (ModelKind m : spec.models) {
          const auto it = rows_.find({p, s.name, model_name(m)});
          const std::size_t n = it == rows_.end() ? 0 : it->second.count;
          const bool fits = spec.runs.target == 0 ? n == spec.runs.runs : n >= 1 && n <= spec.runs.runs;
          if (!fits)
            bad("/runs", "point " + std::to_string(p) + " has " + std::to_string(n) + " runs of strategy " + s.name +
                             " under model " + model_name(m) + "; expected " +
                             (spec.runs.target == 0 ? std::to_string(spec.runs.runs) + " (runs.count)"
                                                    : "1 to " + std::to_string(spec.runs.runs) + " (runs.count)"));
          total += n;
        }
      if (runs_of_point[p] != std::int64_t(total))
        bad("/points/runs", "row " + std::to_string(p) + " says " + std::to_string(runs_of_point[p]) +
                                " runs; /runs holds " + std::to_string(total));
      const std::string g = "/graphs/" + std::to_string(plan.graph_of_point[p]);
      for (const char* d : {"degree_hist", "circle_mean_ties"})
        if (!file_.is_group(g) || !file_.is_dataset(g + "/" + d))
          bad(g + "/" + d, "missing; point " + std::to_string(p) + " ran on graph " + g);
      if (!file_.open_group(g).has_attribute("people")) bad(g, "has no attribute people");
      graphs_.insert(plan.graph_of_point[p]);
    }
    if (!any_curves) return;
    for (const auto& [key, n] : curve_row) {
      const auto& [s, m] = key;
      std::vector<std::string> names{m};
      if (m == "sir") names.push_back("sir_infected");
      for (const std::string& name : names) {
        const std::string path = "/curves/" + s + "/" + name;
        if (!file_.is_dataset(path))
          bad(path, "missing; expected " + std::to_string(n) + " rows, one per row of /runs of strategy " + s +
                        ", model " + m);
        const auto shape = file_.open_dataset(path).shape();
        if (shape.size() != 2 || shape[0] != n)
          bad(path, "has " + (shape.empty() ? std::string("no") : std::to_string(shape[0])) + " rows" +
                        (shape.size() == 2 ? "" : " (not a matrix)") + "; expected " + std::to_string(n) +
                        ", one per row of /runs of strategy " + s + ", model " + m);
      }
    }
  }

  bool has(std::size_t p) const override { return done_.count(p) > 0; }
  const std::set<std::size_t>& done() const { return done_; }
  // Reads every curve matrix as append() will (probe_file runs this in a child first).
  void read_curves() {
    if (!file_.is_group("/curves")) return;
    for (const std::string& s : file_.open_group("/curves").children())
      for (const std::string& m : file_.open_group("/curves/" + s).children())
        if (file_.open_dataset("/curves/" + s + "/" + m).shape().size() == 2) matrix("/curves/" + s + "/" + m);
  }
  void append(h5::File& out, std::size_t p, const std::string& s, const std::string& m, bool curves) override {
    auto it = rows_.find({p, s, m});
    if (it == rows_.end()) return;
    const Rows& r = it->second;
    out.append_table("/runs", slice(runs_, r.first, r.first + r.count));
    if (!curves) return;
    const std::string base = "/curves/" + s + "/" + m;
    if (!file_.exists(base)) return;
    const auto& c = matrix(base);
    const auto part = slice_rows(c, r.curve_first, r.curve_first + r.count);
    out.append_rows(base, part.values, part.cols);
    if (m == "sir") {
      const auto& inf = matrix("/curves/" + s + "/sir_infected");
      const auto ip = slice_rows(inf, r.curve_first, r.curve_first + r.count);
      out.append_rows("/curves/" + s + "/sir_infected", ip.values, ip.cols);
    }
  }
  bool has_graph(std::size_t g) const override { return graphs_.count(g) > 0; }
  void copy_graph(h5::File& out, std::size_t g) override {
    out.copy_from(file_, "/graphs/" + std::to_string(g), "/graphs/" + std::to_string(g));
  }
  const h5::File& file() const { return file_; }
  const fs::path& path() const { return path_; }

 private:
  struct Rows {
    std::size_t first = 0, count = 0, curve_first = 0;
  };
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw InputError("merge: shard " + printable(path_.string()) + ": " + where + ": " + what);
  }
  // Column `name` of `table` (its HDF5 path), of type T ("integers" or "strings" in messages).
  template <class T>
  const std::vector<T>& column(const h5::Table& t, const std::string& table, const std::string& name,
                               const char* type) const {
    if (!t.contains(name)) fail(table + "/" + name, std::string("missing; expected a column of ") + type);
    if (!std::holds_alternative<std::vector<T>>(t[name])) fail(table + "/" + name, std::string("expected ") + type);
    return std::get<std::vector<T>>(t[name]);
  }
  const h5::Matrix<std::uint32_t>& matrix(const std::string& path) {
    auto it = matrices_.find(path);
    if (it == matrices_.end()) it = matrices_.emplace(path, file_.read_matrix<std::uint32_t>(path)).first;
    return it->second;
  }
  fs::path path_;
  h5::File file_;
  h5::Table runs_;
  std::set<std::size_t> done_, graphs_;
  std::map<std::tuple<std::size_t, std::string, std::string>, Rows> rows_;
  std::map<std::string, h5::Matrix<std::uint32_t>> matrices_;
};

// "5-9, 12": point numbers as ranges.
std::string point_ranges(const std::vector<std::size_t>& points) {
  std::string out;
  for (std::size_t i = 0; i < points.size();) {
    std::size_t j = i;
    while (j + 1 < points.size() && points[j + 1] == points[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(points[i]) + (j > i ? "-" + std::to_string(points[j]) : "");
    i = j + 1;
  }
  return out;
}

// Which points an incomplete merge lacks, grouped by the shard that should hold them: a shard
// given but unfinished (resume it), or a shard not given at all.
template <class Sources>
std::string missing_points(const SweepPlan& plan, const std::vector<const ShardSource*>& owner, const Sources& sources,
                           const std::vector<std::string>& labels) {
  int shards = 0;
  for (const std::string& l : labels) {
    int i = 0, n = 0;
    if (std::sscanf(l.c_str(), "%d/%d", &i, &n) == 2 && n > 0) shards = shards == 0 || shards == n ? n : -1;
  }
  std::map<int, std::vector<std::size_t>> by_shard;  // -1: no shard can be named
  std::size_t count = 0;
  for (std::size_t p = 0; p < plan.points; ++p)
    if (!owner[p]) {
      ++count;
      by_shard[shards > 0 ? int(p * std::size_t(shards) / plan.points) : -1].push_back(p);
    }
  std::string msg = std::to_string(count) + " of " + std::to_string(plan.points) + " points missing";
  for (const auto& [shard, points] : by_shard) {
    const std::string what = (points.size() == 1 ? "point " : "points ") + point_ranges(points);
    if (shard < 0) {
      msg += "; " + what + (points.size() == 1 ? " is" : " are") + " in none of the files given";
      continue;
    }
    const std::string label = std::to_string(shard + 1) + "/" + std::to_string(shards);
    std::string file;
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == label) file = printable(sources[i]->path().string());
    msg += "; " + what + (points.size() == 1 ? " belongs" : " belong") + " to shard " + label +
           (file.empty() ? ", which is not among the files given"
                         : ", unfinished in " + file + " (continue it with sweep --shard " + label + " --resume)");
  }
  return msg;
}

// A column of /points for one axis, typed by its values.
h5::Column axis_column(const SweepPlan& plan, std::size_t a) {
  const auto& vals = plan.axes[a];
  bool all_int = true, all_num = true, all_bool = true, all_str = true;
  for (const auto& v : vals.values) {
    all_int &= v->is_integer();
    all_num &= v->is_number();
    all_bool &= v->is_boolean();
    all_str &= v->is_string();
  }
  std::vector<std::int64_t> ints;
  std::vector<double> nums;
  std::vector<std::uint8_t> bools;
  std::vector<std::string> strs;
  for (std::size_t p = 0; p < plan.points; ++p) {
    const auto& v = *plan.values(p)[a];
    if (all_int) ints.push_back(*v.value<std::int64_t>());
    else if (all_num) nums.push_back(*v.value<double>());
    else if (all_bool) bools.push_back(*v.value<bool>() ? 1 : 0);
    else if (all_str) strs.push_back(*v.value<std::string>());
    else strs.push_back(io::format_node(v));
  }
  if (all_int) return ints;
  if (all_num) return nums;
  if (all_bool) return bools;
  return strs;
}

struct Assembly {
  const io::Config* cfg;
  const SweepPlan* plan;
  std::vector<char> wanted;  // points this file should hold
  std::string shard;         // "I/N" or ""
  RunOptions root;           // command line, ranks
  std::string start_time;
};

// Writes OUT.partial from the sources and returns whether every wanted point is in it.
SweepReport assemble(const Assembly& a, std::vector<PointSource*> sources, const fs::path& out) {
  const SweepPlan& plan = *a.plan;
  std::vector<ExperimentSpec> specs;
  for (std::size_t p = 0; p < plan.points; ++p) specs.push_back(spec_from_config(point_config(*a.cfg, plan, p)));
  SweepReport rep;
  rep.points = std::count(a.wanted.begin(), a.wanted.end(), 1);
  const fs::path partial = partial_path(out);
  std::vector<std::uint64_t> people(plan.graphs, 0);
  {
    h5::File f = h5::File::create(partial, h5::IfExists::Truncate);
    write_root_attributes(f, *a.cfg, specs.front(), a.root, a.start_time);
    std::vector<std::string> axes;
    for (const SweepAxis& x : plan.axes) axes.push_back(x.key);
    f.set_attribute("sweep_axes", std::span<const std::string>(axes));
    f.set_attribute("sweep_mode", plan.zip ? "zip" : "product");
    f.set_attribute("sweep_points", static_cast<unsigned long long>(plan.points));
    f.set_attribute("shard", a.shard);

    std::vector<PointSource*> owner(plan.points, nullptr);
    for (std::size_t p = 0; p < plan.points; ++p)
      for (PointSource* s : sources)
        if (a.wanted[p] && !owner[p] && s->has(p)) owner[p] = s;
    std::vector<char> graph_written(plan.graphs, 0);
    for (std::size_t g = 0; g < plan.graphs; ++g)
      for (PointSource* s : sources)
        if (!graph_written[g] && s->has_graph(g)) {
          s->copy_graph(f, g);
          people[g] = f.open_group("/graphs/" + std::to_string(g)).attribute<std::uint64_t>("people");
          graph_written[g] = 1;
        }

    std::vector<std::int64_t> point_col, graph_col, runs_col;
    std::vector<std::string> status;
    std::size_t rows_before = 0;
    for (std::size_t p = 0; p < plan.points; ++p) {
      point_col.push_back(static_cast<std::int64_t>(p));
      graph_col.push_back(static_cast<std::int64_t>(plan.graph_of_point[p]));
      if (!a.wanted[p]) {
        status.push_back("other shard");
        runs_col.push_back(0);
        continue;
      }
      if (!owner[p]) {
        status.push_back("missing");
        runs_col.push_back(0);
        continue;
      }
      for (const StrategySpec& s : specs[p].strategies)
        for (ModelKind m : specs[p].models) owner[p]->append(f, p, s.name, model_name(m), specs[p].curves);
      const std::size_t rows = f.exists("/runs") ? f.open_dataset("/runs/run").shape()[0] : 0;
      runs_col.push_back(static_cast<std::int64_t>(rows - rows_before));
      rows_before = rows;
      status.push_back("done");
      ++rep.points_done;
      f.flush();
    }
    h5::Table points;
    points.add("point", point_col);
    for (std::size_t x = 0; x < plan.axes.size(); ++x) points.add(plan.axes[x].key, axis_column(plan, x));
    points.add("graph", graph_col).add("status", status).add("runs", runs_col);
    f.write_table("/points", points);

    const h5::Table runs = f.exists("/runs") ? f.read_table("/runs") : h5::Table();
    SummaryContext ctx;
    ctx.people = [&](std::int64_t p) { return people[plan.graph_of_point[std::size_t(p)]]; };
    ctx.facts = [&](std::int64_t p, const std::string& name) {
      for (const auto& [n, fct] : strategy_facts(specs[std::size_t(p)]))
        if (n == name) return fct;
      return StrategyFacts{};
    };
    ctx.target = [&](std::int64_t p) { return specs[std::size_t(p)].runs.target; };
    std::vector<std::vector<std::uint64_t>> hist(plan.graphs);
    std::vector<std::vector<double>> circles(plan.graphs);
    for (std::size_t g = 0; g < plan.graphs; ++g)
      if (graph_written[g]) {
        h5::Group gr = f.open_group("/graphs/" + std::to_string(g));
        const bool theory = gr.exists("theory_degree_hist");
        hist[g] = gr.read_array<std::uint64_t>(theory ? "theory_degree_hist" : "degree_hist");
        circles[g] = gr.read_array<double>(theory ? "theory_circle_mean_ties" : "circle_mean_ties");
      }
    ctx.theory = [&](std::int64_t p, const std::string& model) {
      const std::size_t g = plan.graph_of_point[std::size_t(p)];
      const auto m = parse_model(model);
      if (!m || hist[g].empty()) return Theory{};
      return percolation_theory(hist[g], circles[g], specs[std::size_t(p)], *m);
    };
    rep.summary = summarize(runs, ctx);
    f.write_table("/summary", rep.summary);
    finish_layout(f);
    rep.complete = rep.points_done == rep.points;
    f.set_attribute("end_time", utc_now());
    seal_result(f, partial, rep.complete);
  }
  rep.written = partial;
  if (rep.complete) {
    rename_durably(partial, out);
    rep.written = out;
  }
  return rep;
}

// One work item: its point's graph (cached across items), campaign and runs, written atomically.
struct GraphCache {
  std::size_t index = SIZE_MAX;
  std::unique_ptr<BuiltGraph> built;
};

bool run_item(const io::Config& base, const SweepPlan& plan, const WorkItem& w, const fs::path& dir, GraphCache& cache,
              ScratchPool& scratch, const SweepOptions& o) {
  const io::Config cfg = point_config(base, plan, w.point);
  const ExperimentSpec spec = spec_from_config(cfg);
  const std::size_t g = plan.graph_of_point[w.point];
  if (cache.index != g) {
    cache.built.reset();
    cache.built = build_experiment_graph(spec.graph, spec.seed, o.graph_progress);
    cache.index = g;
  }
  const fs::path graph_path = dir / graph_file(g);
  if (fs::exists(graph_path)) {
    const std::string why = checkpoint_problem(graph_path, {"/graph"});
    if (!why.empty()) {
      if (o.note) o.note("checkpoint " + graph_path.string() + " cannot be read (" + why + "); writing it again");
      fs::remove(graph_path);
    }
  }
  if (!fs::exists(graph_path))
    write_atomically(graph_path, [&](h5::File& f) {
      write_graph_group(f, cache.built->graph, cache.built->stats, spec.graph, spec.seed, cache.built->seconds,
                        spec.save_graph);
    });
  const auto bound = bind_campaign(cache.built->graph, spec, cfg);
  if (o.note && w.chunk == 0)
    for (const std::string& n : bound->notes) o.note("point " + std::to_string(w.point) + ": " + n);
  std::vector<std::tuple<std::string, ModelKind, McOutcome>> blocks;
  for (const auto& st : bound->strategies)
    for (const Model& m : bound->models) {
      McParams p = spec.runs;
      if (p.target == 0) {
        p.first_run = w.first_run;
        p.runs = w.last_run;
      }
      McControl control;
      control.stop = o.stop;
      McOutcome out = run_monte_carlo(*bound->exposure, m, *st, p, cascade_key(spec.seed, m.kind()), scratch, control);
      if (!out.complete) return false;  // stopped: the item is in flight and is not kept
      blocks.emplace_back(st->spec().name, m.kind(), std::move(out));
    }
  write_atomically(dir / item_file(w), [&](h5::File& f) {
    for (const auto& [s, m, out] : blocks) write_block(f, s, m, out.runs, static_cast<std::int64_t>(w.point), spec.curves);
  });
  return true;
}

}  // namespace

SweepReport run_sweep(const io::Config& cfg, const SweepOptions& o) {
  Mpi& mpi = Mpi::world();
  auto stage = [&](const std::string& s) {
    if (o.stage) o.stage(mpi.size() > 1 ? "[rank " + std::to_string(mpi.rank()) + "] " + s : s);
  };
  const std::string start_time = utc_now();
  const SweepPlan plan = plan_sweep(cfg);
  const fs::path dir = checkpoint_dir(o.out);
  const std::string plan_text = cfg.to_toml(true);

  // Rank 0 locks the output and checks the file system; everyone learns the verdict (an error on
  // rank 0 alone must not leave the other ranks waiting).
  std::string problem;
  OutputLock lock;
  bool finished = false;
  if (mpi.rank() == 0) {
    try {
      lock = OutputLock(o.out);
      const fs::path plan_file = dir / "plan.toml";
      if (fs::exists(o.out) && o.resume && !o.force && !fs::exists(dir)) {
        // --resume after the sweep finished: nothing to do, if it is this sweep and it is whole.
        const std::string why = checkpoint_problem(o.out, {"/points", "/summary"});
        if (!why.empty())
          problem = o.out.string() + " exists but cannot be resumed (" + why + "); start over with --force";
        else if (h5::File::open(o.out).attribute<std::string>("config") != plan_text)
          problem = o.out.string() + " holds a different experiment (configuration or seed differ); "
                                     "choose another --out, or start over with --force";
        else
          finished = true;
      } else if (fs::exists(o.out) && !o.force) {
        problem = o.out.string() + " already exists; pass --force to overwrite it";
      } else if (fs::exists(plan_file) && o.resume && read_text(plan_file) != plan_text) {
        problem = dir.string() + " holds checkpoints of a different experiment (configuration or seed differ); "
                                 "start over with --force";
      } else if (fs::exists(dir) && !o.resume && !o.force) {
        problem = dir.string() + " holds checkpoints of an unfinished sweep: continue with --resume, or start over "
                                 "with --force";
      }
      if (problem.empty() && !finished) {
        if (fs::exists(dir) && !o.resume) fs::remove_all(dir);
        fs::create_directories(dir);
        // Temporary files of items in flight when an earlier run was killed.
        for (const auto& e : fs::directory_iterator(dir))
          if (e.path().filename().string().find(".tmp.") != std::string::npos) fs::remove(e.path());
        if (!fs::exists(plan_file)) write_text_durably(plan_file, plan_text);
      }
    } catch (const std::exception& e) {
      if (mpi.size() == 1) throw;
      problem = e.what();
    }
  }
  if (!mpi.all(problem.empty())) throw InputError(problem.empty() ? "the sweep could not start (see rank 0)" : problem);
  if (!mpi.all(!finished)) {
    SweepReport rep;
    rep.already_complete = rep.complete = true;
    rep.points = rep.points_done = plan.points;
    if (mpi.rank() == 0) {
      rep.written = o.out;
      rep.summary = h5::File::open(o.out).read_table("/summary");
    }
    return rep;
  }

  const std::vector<WorkItem> all = work_items(cfg, plan);
  std::vector<WorkItem> mine;
  for (const WorkItem& w : all)
    if (in_shard(w.point, plan.points, o.shard, o.shards)) mine.push_back(w);

  mpi.reset_counter();
  GraphCache cache;
  ScratchPool scratch;
  bool stopped = false;
  std::uint64_t done = 0;
  for (std::uint64_t k = mpi.next(); k < mine.size(); k = mpi.next()) {
    const WorkItem& w = mine[k];
    if (const fs::path cp = dir / item_file(w); fs::exists(cp)) {
      const std::string why = checkpoint_problem(cp, item_contents(spec_from_config(point_config(cfg, plan, w.point))));
      if (why.empty()) {
        ++done;
        continue;  // resumed: already on disk
      }
      // A checkpoint damaged after it was written (a disk error, a hand edit): done again.
      if (o.note) o.note("checkpoint " + cp.string() + " cannot be read (" + why + "); running it again");
      fs::remove(cp);
    }
    if (o.stop && o.stop->load()) {
      stopped = true;
      break;
    }
    // Points are numbered from 0 here as in /points, /runs, the summary table and --point; a point's
    // chunks are counted ("chunk 1 of 2") like the work items on the progress line.
    stage("point " + std::to_string(w.point) + " of 0.." + std::to_string(plan.points - 1) +
          (w.chunks > 1 ? ", chunk " + std::to_string(w.chunk + 1) + " of " + std::to_string(w.chunks) : ""));
    try {
      if (!run_item(cfg, plan, w, dir, cache, scratch, o)) {
        stopped = true;
        break;
      }
    } catch (const std::exception& e) {
      // A point the graph cannot carry (a strategy it cannot pay for...) is an input error: if this
      // run made the checkpoint directory and nothing was finished, leave no trace of it.
      if (!o.resume && mpi.size() == 1 && done == 0 && dynamic_cast<const ConfigError*>(&e)) fs::remove_all(dir);
      if (mpi.size() > 1) {
        std::fprintf(stderr, "nanoreach: rank %d: error: %s\n", mpi.rank(), e.what());
        mpi.abort(1);
      }
      throw;
    }
    ++done;
    if (o.progress) o.progress(k + 1, mine.size());
  }
  cache.built.reset();
  const bool anyone_stopped = !mpi.all(!stopped);

  SweepReport rep;
  if (mpi.rank() == 0) {
    stage("assembling " + o.out.string());
    Assembly a;
    a.cfg = &cfg;
    a.plan = &plan;
    a.wanted.resize(plan.points);
    for (std::size_t p = 0; p < plan.points; ++p) a.wanted[p] = in_shard(p, plan.points, o.shard, o.shards);
    a.shard = o.shards > 1 ? std::to_string(o.shard + 1) + "/" + std::to_string(o.shards) : "";
    a.root.command_line = o.command_line;
    a.root.mpi_ranks = mpi.size();
    a.start_time = start_time;
    CheckpointSource source(dir, mine);
    rep = assemble(a, {&source}, o.out);
    if (rep.complete) fs::remove_all(dir);
  }
  mpi.barrier();
  if (anyone_stopped) rep.complete = false;
  return rep;
}

SweepReport merge_shards(const std::vector<fs::path>& shards, const fs::path& out, bool force,
                         const std::string& command_line) {
  if (shards.empty()) throw InputError("merge: no shard files given");
  const OutputLock lock(out);
  if (fs::exists(out) && !force) throw InputError(out.string() + " already exists; pass --force to overwrite it");
  std::vector<std::unique_ptr<ShardSource>> sources;
  std::string config_text, version;
  std::vector<std::string> labels;  // each shard's "I/N" ("" for a whole sweep)
  for (const fs::path& s : shards) {
    const std::string name = printable(s.string());
    // First in a child process, the way merge will read it: a damaged file can crash libhdf5.
    const std::string crash = probe_file(s, [&] {
      ShardSource src(s);
      try {
        src.file().read_everything();
      } catch (const Error&) {
        // what merge meets next is read below all the same
      }
      const io::Config c = io::Config::parse(experiment_schema(), src.file().attribute<std::string>("config"), name);
      const SweepPlan plan = plan_sweep(c);
      std::vector<ExperimentSpec> specs;
      for (std::size_t p = 0; p < plan.points; ++p) specs.push_back(spec_from_config(point_config(c, plan, p)));
      src.verify(plan, specs);
      src.read_curves();
    });
    if (!crash.empty()) throw InputError("merge: shard " + name + ": " + crash + "; run its shard again");
    try {
      auto src = std::make_unique<ShardSource>(s);
      const h5::File& f = src->file();
      for (const char* a : {"sweep_points", "config", "nanoreach_version", "git_revision", "shard"})
        if (!f.has_attribute(a))
          throw InputError("merge: shard " + name + ": attribute " + a +
                           " is missing; expected a file written by nanoreach sweep");
      const std::string text = f.attribute<std::string>("config");
      const std::string v = f.attribute<std::string>("nanoreach_version") + " (git " +
                            f.attribute<std::string>("git_revision") + ")";
      if (config_text.empty()) {
        config_text = text;
        version = v;
      } else if (text != config_text) {
        throw InputError("merge: shard " + name + " comes from a different experiment than " +
                         printable(shards.front().string()) + " (configuration or seed differ); refusing to merge");
      } else if (v != version) {
        throw InputError("merge: shard " + name + " was written by nanoreach " + v + ", " +
                         printable(shards.front().string()) + " by " + version +
                         "; shards of one sweep must come from the same program");
      }
      labels.push_back(f.attribute<std::string>("shard"));
      sources.push_back(std::move(src));
    } catch (const InputError&) {
      throw;
    } catch (const Error& e) {
      throw InputError("merge: shard " + name + ": " + e.what());
    }
  }
  const io::Config cfg = io::Config::parse(experiment_schema(), config_text, shards.front().string() + ":config");
  const SweepPlan plan = plan_sweep(cfg);
  std::vector<ExperimentSpec> specs;
  for (std::size_t p = 0; p < plan.points; ++p) specs.push_back(spec_from_config(point_config(cfg, plan, p)));
  // Every shard whole, and every point from exactly one of them.
  std::vector<const ShardSource*> owner(plan.points, nullptr);
  for (auto& src : sources) {
    try {
      if (src->file().attribute<std::uint64_t>("sweep_points") != plan.points)
        throw InputError("merge: shard " + printable(src->path().string()) + ": attribute sweep_points is " +
                         std::to_string(src->file().attribute<std::uint64_t>("sweep_points")) + "; its [sweep] has " +
                         std::to_string(plan.points) + " points");
      src->verify(plan, specs);
    } catch (const InputError&) {
      throw;
    } catch (const Error& e) {
      throw InputError("merge: shard " + printable(src->path().string()) + ": " + e.what());
    }
    for (std::size_t p : src->done()) {
      if (owner[p])
        throw InputError("merge: point " + std::to_string(p) + " is done in both " +
                         printable(owner[p]->path().string()) + " and " + printable(src->path().string()) +
                         "; each point must come from exactly one shard (is a shard given twice?)");
      owner[p] = src.get();
    }
  }
  Assembly a;
  a.cfg = &cfg;
  a.plan = &plan;
  a.wanted.assign(plan.points, 1);
  a.root.command_line = command_line;
  a.root.mpi_ranks = 1;
  a.start_time = utc_now();
  std::vector<PointSource*> ptrs;
  for (auto& s : sources) ptrs.push_back(s.get());
  SweepReport rep = assemble(a, ptrs, out);
  if (!rep.complete) rep.missing = missing_points(plan, owner, sources, labels);
  return rep;
}

}  // namespace nanoreach
