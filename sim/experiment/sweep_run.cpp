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

// Writes `fill` into a temporary file and renames it to `path`: readers see all or nothing.
template <class Fill>
void write_atomically(const fs::path& path, Fill&& fill) {
  const fs::path tmp = path.string() + ".tmp." + std::to_string(getpid());
  {
    h5::File f = h5::File::create(tmp, h5::IfExists::Truncate);
    fill(f);
  }
  fs::rename(tmp, path);
}

h5::Table slice(const h5::Table& t, std::size_t a, std::size_t b) {
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

class ShardSource : public PointSource {
 public:
  explicit ShardSource(const fs::path& path) : file_(h5::File::open(path)) {
    const h5::Table points = file_.read_table("/points");
    const auto& status = points.column<std::string>("status");
    for (std::size_t p = 0; p < status.size(); ++p)
      if (status[p] == "done") done_.insert(p);
    if (file_.exists("/runs")) runs_ = file_.read_table("/runs");
    if (runs_.num_columns()) {
      const auto& pt = runs_.column<std::int64_t>("point");
      const auto& st = runs_.column<std::string>("strategy");
      const auto& mo = runs_.column<std::string>("model");
      std::map<std::pair<std::string, std::string>, std::size_t> curve_row;
      for (std::size_t i = 0; i < pt.size(); ++i) {
        auto& r = rows_[{std::size_t(pt[i]), st[i], mo[i]}];
        const std::size_t c = curve_row[{st[i], mo[i]}]++;
        if (r.count == 0) {
          r.first = i;
          r.curve_first = c;
        }
        ++r.count;
      }
    }
    if (file_.exists("/graphs"))
      for (const std::string& g : file_.open_group("/graphs").children()) graphs_.insert(std::stoul(g));
  }
  bool has(std::size_t p) const override { return done_.count(p) > 0; }
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

 private:
  struct Rows {
    std::size_t first = 0, count = 0, curve_first = 0;
  };
  const h5::Matrix<std::uint32_t>& matrix(const std::string& path) {
    auto it = matrices_.find(path);
    if (it == matrices_.end()) it = matrices_.emplace(path, file_.read_matrix<std::uint32_t>(path)).first;
    return it->second;
  }
  h5::File file_;
  h5::Table runs_;
  std::set<std::size_t> done_, graphs_;
  std::map<std::tuple<std::size_t, std::string, std::string>, Rows> rows_;
  std::map<std::string, h5::Matrix<std::uint32_t>> matrices_;
};

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
    f.set_attribute("complete", rep.complete);
  }
  rep.written = partial;
  if (rep.complete) {
    fs::rename(partial, out);
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
  if (!fs::exists(dir / graph_file(g)))
    write_atomically(dir / graph_file(g), [&](h5::File& f) {
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

  // Rank 0 checks the file system; everyone learns the verdict.
  std::string problem;
  if (mpi.rank() == 0) {
    if (fs::exists(o.out) && !o.force)
      problem = o.out.string() + " already exists; pass --force to overwrite it";
    else if (fs::exists(dir) && o.resume && read_text(dir / "plan.toml") != plan_text)
      problem = dir.string() + " holds checkpoints of a different experiment (configuration or seed differ); "
                               "start over with --force";
    else if (fs::exists(dir) && !o.resume && !o.force)
      problem = dir.string() + " holds checkpoints of an unfinished sweep: continue with --resume, or start over with "
                               "--force";
    if (problem.empty()) {
      if (fs::exists(dir) && !o.resume) fs::remove_all(dir);
      fs::create_directories(dir);
      std::ofstream(dir / "plan.toml") << plan_text;
    }
  }
  if (!mpi.all(problem.empty())) throw InputError(problem.empty() ? "the sweep could not start (see rank 0)" : problem);

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
    if (fs::exists(dir / item_file(w))) {
      ++done;
      continue;  // resumed: already on disk
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
  if (fs::exists(out) && !force) throw InputError(out.string() + " already exists; pass --force to overwrite it");
  std::vector<std::unique_ptr<ShardSource>> sources;
  std::string config_text;
  for (const fs::path& s : shards) {
    auto src = std::make_unique<ShardSource>(s);
    const h5::File& f = src->file();
    if (!f.has_attribute("sweep_points"))
      throw InputError(s.string() + " is not a sweep file (no sweep_points attribute)");
    const std::string text = f.attribute<std::string>("config");
    if (config_text.empty())
      config_text = text;
    else if (text != config_text)
      throw InputError(s.string() + " comes from a different experiment than " + shards.front().string() +
                       " (configuration or seed differ); refusing to merge");
    sources.push_back(std::move(src));
  }
  const io::Config cfg = io::Config::parse(experiment_schema(), config_text, shards.front().string() + ":config");
  const SweepPlan plan = plan_sweep(cfg);
  Assembly a;
  a.cfg = &cfg;
  a.plan = &plan;
  a.wanted.assign(plan.points, 1);
  a.root.command_line = command_line;
  a.root.mpi_ranks = 1;
  a.start_time = utc_now();
  std::vector<PointSource*> ptrs;
  for (auto& s : sources) ptrs.push_back(s.get());
  return assemble(a, ptrs, out);
}

}  // namespace nanoreach
