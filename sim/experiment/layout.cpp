// Descriptions, units and dimension scales of result files (see layout.hpp). The texts follow the
// README's layout table; a column's meaning is looked up by its table and name, so sweeps (with a
// point column), single runs and merged files share one list.
#include "nanoreach/sim/layout.hpp"

#include <map>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "nanoreach/graph/social.hpp"

namespace nanoreach {

namespace h5 = io::h5;

namespace {

const std::string kPeople = "people";

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "nano" for "by_nano", "seeds_nano", "share_by_nano", "seeds_nano_mean"; "" when `name` names no tier.
std::string tier_in(const std::string& name, const std::string& prefix, const std::string& suffix = "") {
  if (!starts_with(name, prefix) || !ends_with(name, suffix)) return "";
  const std::string t = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  for (Tier x : kAllTiers)
    if (t == tier_name(x)) return t;
  return "";
}

const std::map<std::string, DatasetDoc>& runs_docs() {
  static const std::map<std::string, DatasetDoc> d = {
      {"point", {"sweep point of the run (a row of /points)", ""}},
      {"strategy", {"seeding strategy: the name of its [[strategy]]", ""}},
      {"model", {"diffusion model: ic, threshold or sir", ""}},
      {"run", {"run number within its strategy and model; run i of every strategy sees the same random world", ""}},
      {"seeds", {"distinct people seeded in the run", kPeople}},
      {"cost", {"price paid for the seeds' posts", "USD"}},
      {"nominal_reach", {"followers of the seeds, added up", kPeople}},
      {"reach", {"people active at the end, seeds included", kPeople}},
      {"adopters", {"people active at the end who were not seeds (reach - seeds)", kPeople}},
      {"steps", {"last step at which someone adopted (0: only the seeds)", "steps"}},
      {"by_seed", {"adopters activated directly by a paid seed", kPeople}},
      {"peak_infected", {"SIR: the most people infectious at one step (0 for the other models)", kPeople}},
      {"examined", {"out-edges of the people who adopted: the coins a plain cascade would toss", "edges"}},
      {"truncated", {"1 when the cascade was cut at runs.max_steps, else 0", ""}},
  };
  return d;
}

const std::map<std::string, DatasetDoc>& summary_docs() {
  static const std::map<std::string, DatasetDoc> d = {
      {"point", {"sweep point (a row of /points)", ""}},
      {"strategy", {"seeding strategy: the name of its [[strategy]]", ""}},
      {"model", {"diffusion model: ic, threshold or sir", ""}},
      {"kind", {"the strategy's kind (tier, random, budget, ...)", ""}},
      {"tier", {"the strategy's tier; empty when it has none", ""}},
      {"budget", {"the strategy's budget (0 for strategies that do not spend one)", "USD"}},
      {"people", {"population of the graph", kPeople}},
      {"runs", {"runs behind this row", "runs"}},
      {"seeds_mean", {"mean distinct seeds per run", kPeople}},
      {"cost_mean", {"mean price paid per run", "USD"}},
      {"nominal_reach_mean", {"mean of the seeds' followers added up", kPeople}},
      {"reach_mean", {"mean reach (people active at the end, seeds included)", kPeople}},
      {"reach_sd", {"standard deviation of reach over runs (n - 1 in the denominator)", kPeople}},
      {"reach_se", {"standard error of reach_mean (reach_sd / sqrt(runs))", kPeople}},
      {"reach_ci95_low", {"lower end of the 95% confidence interval of reach_mean (mean - 1.96 SE)", kPeople}},
      {"reach_ci95_high", {"upper end of the 95% confidence interval of reach_mean (mean + 1.96 SE)", kPeople}},
      {"reach_q05", {"5% quantile of reach (linear interpolation, numpy's default)", kPeople}},
      {"reach_q25", {"25% quantile of reach", kPeople}},
      {"reach_median", {"median reach", kPeople}},
      {"reach_q75", {"75% quantile of reach", kPeople}},
      {"reach_q95", {"95% quantile of reach", kPeople}},
      {"reach_max", {"largest reach of any run", kPeople}},
      {"adopters_mean", {"mean adopters (reach - seeds)", kPeople}},
      {"p_reach_1pct", {"share of runs reaching at least 1% of the population", ""}},
      {"p_reach_10pct", {"share of runs reaching at least 10% of the population", ""}},
      {"reach_per_1000usd", {"1000 x total reach / total cost over the runs (NaN when nothing was spent)", "people per 1000 USD"}},
      {"adopters_per_1000usd", {"1000 x total adopters / total cost over the runs", "people per 1000 USD"}},
      {"share_by_seed", {"share of adoptions triggered directly by a paid seed", ""}},
      {"steps_mean", {"mean of the last step at which someone adopted", "steps"}},
      {"converged", {"1 when runs.target was met (the 95% CI half-width below that share of the mean)", ""}},
      {"theory_T", {"mean per-tie transmissibility of the campaign on the strong layer (NaN for threshold)", ""}},
      {"theory_outbreak_probability", {"bond percolation (Newman 2002): chance that one random seed starts a large outbreak", ""}},
      {"theory_outbreak_size", {"bond percolation (Newman 2002): size of a large outbreak as a share of the population", ""}},
  };
  return d;
}

const std::map<std::string, DatasetDoc>& points_docs() {
  static const std::map<std::string, DatasetDoc> d = {
      {"point", {"sweep point number", ""}},
      {"graph", {"the graph this point ran on: /graphs/<graph>", ""}},
      {"status", {"done, missing (not finished) or other shard (run by another shard)", ""}},
      {"runs", {"rows of /runs that belong to this point", "runs"}},
  };
  return d;
}

// Paths below /graph or /graphs/<g>.
const std::map<std::string, DatasetDoc>& graph_docs() {
  static const std::map<std::string, DatasetDoc> d = {
      {"degree_hist", {"people with k strong ties, k = the index", kPeople}},
      {"follower_bin_lo", {"fewest followers of each power-of-two bin of follower_hist", "followers"}},
      {"follower_hist", {"people whose follower count falls in each bin (bins start at follower_bin_lo)", kPeople}},
      {"tier_names", {"tier names; the index is the tier code (0 = ordinary ... 4 = mega)", ""}},
      {"tier_counts", {"people in each tier, in the order of tier_names", kPeople}},
      {"circle_mean_ties", {"mean strong ties per person in circles 1..4 (support clique ... 150 layer)", "ties"}},
      {"theory_degree_hist",
       {"the degree distribution the percolation theory uses: for the Dunbar generator each person's degree before "
        "rewired ties that would repeat a tie or close a self-loop are dropped (the same under both storages), else "
        "degree_hist",
        kPeople}},
      {"theory_circle_mean_ties", {"mean ties per circle behind theory_degree_hist", "ties"}},
      {"strong/offsets", {"CSR row offsets (int64) of the strong layer: person u's ties are targets[offsets[u]:offsets[u+1]]", ""}},
      {"strong/targets", {"CSR: the other end of each strong tie; every tie is stored both ways (u -> v and v -> u)", ""}},
      {"strong/circle", {"circle 1..4 of each strong tie, aligned with strong/targets", ""}},
      {"audience/offsets", {"CSR row offsets (int64) of the audience layer: account u's followers are targets[offsets[u]:offsets[u+1]]", ""}},
      {"audience/targets", {"CSR: the followers of each account; edges point from the account to its follower", ""}},
      {"tier", {"tier code of each person (an index into tier_names)", ""}},
      {"external_ids", {"each person's id in the imported edge list (person i = the i-th smallest id)", ""}},
  };
  return d;
}

DatasetDoc table_doc(const std::string& table, const std::string& column, const std::string& path) {
  if (column == "row") return {"row number of the table: the dimension scale of every column", ""};
  const auto& docs = table == "runs" ? runs_docs() : table == "summary" ? summary_docs() : points_docs();
  if (auto it = docs.find(column); it != docs.end()) return it->second;
  if (table == "runs") {
    if (auto t = tier_in(column, "seeds_"); !t.empty()) return {"seeds of tier " + t + " in the run", kPeople};
    if (auto t = tier_in(column, "by_"); !t.empty())
      return {"adopters activated by an unpaid person of tier " + t, kPeople};
  }
  if (table == "summary") {
    if (auto t = tier_in(column, "seeds_", "_mean"); !t.empty()) return {"mean seeds of tier " + t + " per run", kPeople};
    if (auto t = tier_in(column, "share_by_"); !t.empty())
      return {"share of adoptions triggered by an unpaid person of tier " + t, ""};
  }
  if (table == "points") return {"sweep axis: the value of the key " + column + " at this point", ""};
  throw std::logic_error("layout: no description for dataset " + path);
}

DatasetDoc curve_doc(const std::string& name, const std::string& path) {
  auto model_of = [](const std::string& m) {
    return m == "ic" || m == "threshold" || m == "sir" || m == "sir_infected";
  };
  if (name == "sir_infected")
    return {"SIR: people infectious at each step; rows as in the sir matrix, columns are steps", kPeople};
  if (model_of(name))
    return {"people who adopted at each step (column 0: the seeds; zero after the run's end); row i is the i-th run "
            "of this strategy under model " + name + " in /runs; the cumulative sum along a row is the adoption curve",
            kPeople};
  if (ends_with(name, "_run") && model_of(name.substr(0, name.size() - 4)))
    return {"run number of each row of " + name.substr(0, name.size() - 4) + " (the run column of /runs)", ""};
  if (ends_with(name, "_step") && model_of(name.substr(0, name.size() - 5)))
    return {"step of each column of " + name.substr(0, name.size() - 5) + " (0: the seeds)", "steps"};
  throw std::logic_error("layout: no description for dataset " + path);
}

// The `row` scale of a table, attached to every column.
void label_rows(h5::Group g) {
  const auto columns = g.attribute<std::vector<std::string>>("columns");
  if (columns.empty()) return;
  const std::size_t rows = g.open_dataset(columns.front()).shape().at(0);
  if (!g.exists("row")) {
    std::vector<std::int64_t> index(rows);
    std::iota(index.begin(), index.end(), std::int64_t{0});
    g.write_array("row", std::span<const std::int64_t>(index));
  }
  h5::Dataset row = g.open_dataset("row");
  if (row.shape().at(0) != rows)
    throw Error("layout: " + g.path() + "/row has " + std::to_string(row.shape().at(0)) + " entries, the table " +
                std::to_string(rows) + " rows");
  row.make_scale("row");
  for (const std::string& c : columns) g.open_dataset(c).attach_scale(row, 0);
}

// One scale dataset `name` holding `values`, created unless present, labelling dimension `dim` of m.
void label_axis(h5::Group& g, h5::Dataset& m, const std::string& name, const std::vector<std::int64_t>& values,
                unsigned dim) {
  if (!g.exists(name)) g.write_array(name, std::span<const std::int64_t>(values));
  h5::Dataset s = g.open_dataset(name);
  if (s.shape().at(0) != values.size())
    throw Error("layout: " + s.path() + " has " + std::to_string(s.shape().at(0)) + " entries, " + m.path() +
                " " + std::to_string(values.size()));
  s.make_scale(name);
  m.attach_scale(s, dim);
}

// `<m>_run` and `<m>_step` beside every curve matrix.
void label_curves(h5::File& f) {
  if (!f.is_group("/curves")) return;
  std::map<std::pair<std::string, std::string>, std::vector<std::int64_t>> runs_of;
  if (f.is_group("/runs")) {
    const h5::Table runs = f.read_table("/runs");
    if (runs.num_columns()) {
      const auto& st = runs.column<std::string>("strategy");
      const auto& mo = runs.column<std::string>("model");
      const auto& run = runs.column<std::int64_t>("run");
      for (std::size_t i = 0; i < st.size(); ++i) runs_of[{st[i], mo[i]}].push_back(run[i]);
    }
  }
  h5::Group curves = f.open_group("/curves");
  for (const std::string& s : curves.children()) {
    h5::Group g = curves.open_group(s);
    for (const std::string& m : g.children()) {
      if (!g.is_dataset(m)) continue;
      h5::Dataset d = g.open_dataset(m);
      if (d.shape().size() != 2 || d.is_scale()) continue;
      const auto shape = d.shape();
      const std::string runs_model = m == "sir_infected" ? "sir" : m;
      const std::vector<std::int64_t>& run = runs_of[{s, runs_model}];
      if (run.size() != shape[0])
        throw Error("layout: " + d.path() + " has " + std::to_string(shape[0]) + " rows but /runs has " +
                    std::to_string(run.size()) + " runs of strategy " + s + ", model " + runs_model);
      std::vector<std::int64_t> step(shape[1]);
      std::iota(step.begin(), step.end(), std::int64_t{0});
      label_axis(g, d, m + "_run", run, 0);
      label_axis(g, d, m + "_step", step, 1);
    }
  }
}

void describe_all(h5::Group g) {
  for (const std::string& name : g.children()) {
    if (g.is_group(name)) {
      describe_all(g.open_group(name));
    } else if (g.is_dataset(name)) {
      h5::Dataset d = g.open_dataset(name);
      const DatasetDoc doc = dataset_doc(d.path());
      d.set_attribute("description", doc.description);
      if (!doc.units.empty()) d.set_attribute("units", doc.units);
    }
  }
}

}  // namespace

DatasetDoc dataset_doc(const std::string& path) {
  const std::vector<std::string> p = split_path(path);
  if (p.size() == 2 && (p[0] == "runs" || p[0] == "summary" || p[0] == "points")) return table_doc(p[0], p[1], path);
  if (p.size() == 3 && p[0] == "curves") return curve_doc(p[2], path);
  std::size_t first = p.size();
  if (!p.empty() && p[0] == "graph") first = 1;
  if (p.size() > 1 && p[0] == "graphs") first = 2;
  if (first < p.size()) {
    std::string rest = p[first];
    for (std::size_t i = first + 1; i < p.size(); ++i) rest += "/" + p[i];
    if (auto it = graph_docs().find(rest); it != graph_docs().end()) return it->second;
  }
  throw std::logic_error("layout: no description for dataset " + path);
}

void finish_layout(h5::File& f) {
  for (const char* t : {"/runs", "/summary", "/points"})
    if (f.is_group(t)) label_rows(f.open_group(t));
  label_curves(f);
  describe_all(f.open_group("/"));
}

}  // namespace nanoreach
