// Experiment files and result files: validation before any work, the HDF5 round trip, thread-count
// independence and interruption.
#include <catch2/catch.hpp>

#include <omp.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "nanoreach/sim/runner.hpp"

using namespace nanoreach;
namespace fs = std::filesystem;
namespace h5 = nanoreach::io::h5;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("nanoreach_exp_" + std::to_string(getpid()) + "_" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int c = 0;
    return c;
  }
};

const char* kSmall = R"(seed = 11
[graph]
people = 20000
[campaign]
virality = 0.06
budget = 30000
[model]
kinds = ["ic", "sir"]
[runs]
count = 40
batch = 16
[[strategy]]
name = "nano"
kind = "budget"
tier = "nano"
[[strategy]]
name = "mega"
kind = "budget"
tier = "mega"
[[strategy]]
name = "hubs"
kind = "top_followers"
k = 3
)";

io::Config parse(const std::string& text, const std::vector<std::string>& sets = {}) {
  return io::Config::parse(experiment_schema(), text, "test.toml", sets);
}

RunReport run(const std::string& text, const fs::path& out, const std::vector<std::string>& sets = {},
              const std::atomic<bool>* stop = nullptr, std::function<void(std::uint64_t, std::uint64_t)> progress = {}) {
  RunOptions o;
  o.out = out;
  o.stop = stop;
  o.progress = std::move(progress);
  return run_experiment(parse(text, sets), o);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("print_defaults is a complete experiment file that parses back to the defaults", "[experiment]") {
  const std::string text = experiment_schema()->print_defaults("defaults");
  const io::Config back = io::Config::parse(experiment_schema(), text, "defaults.toml");
  REQUIRE(back == io::Config::defaults(experiment_schema()));
  // Every key appears in the printed file.
  for (const io::KeySpec& k : experiment_schema()->keys()) {
    const std::string leaf = k.name.substr(k.name.rfind('.') + 1);
    INFO(k.name);
    REQUIRE(text.find(leaf + " = ") != std::string::npos);
  }
}

TEST_CASE("the README's key table is the schema's", "[experiment][readme]") {
  std::ifstream in(std::string(NANOREACH_SOURCE_DIR) + "/README.md");
  REQUIRE(in);
  const std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string table = experiment_schema()->markdown_table();
  INFO("regenerate with: build/nanoreach run --keys-markdown");
  REQUIRE(readme.find(table) != std::string::npos);
}

TEST_CASE("the README shows the default experiment file as it is, and it parses", "[experiment][readme]") {
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const std::string readme = slurp(std::string(NANOREACH_SOURCE_DIR) + "/README.md");
  const std::string file = slurp(std::string(NANOREACH_SOURCE_DIR) + "/experiments/nano_vs_mega.toml");
  const std::string begin = "<!-- experiment:begin -->\n```toml\n", end = "```\n<!-- experiment:end -->";
  const auto a = readme.find(begin), b = readme.find(end);
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  INFO("regenerate with: scripts/readme_keys.sh");
  REQUIRE(readme.substr(a + begin.size(), b - a - begin.size()) == file);
  const ExperimentSpec spec = spec_from_config(io::Config::parse(experiment_schema(), file, "nano_vs_mega.toml"));
  REQUIRE(spec.strategies.size() >= 2);
}

TEST_CASE("bad values are errors naming the key and the line, before any output exists", "[experiment][errors]") {
  TempDir dir;
  const fs::path out = dir.path / "out.h5";
  struct Case {
    std::string text, expect;
  };
  const std::vector<Case> cases = {
      {"seed = 1\n[graph]\npeeple = 5\n", "graph.peeple (line 3): unknown key"},
      {"seed = 1\n[graph]\npeeple = 5\n", "did you mean graph.people?"},
      {"[graph]\npeople = -5\n", "graph.people (line 2)"},
      {"[graph]\ncircles = [5, 15, 50, 160]\n", "graph.circles (line 2)"},
      {"[graph]\ncircles = [5, 15, 50, 160]\n", "1..150"},
      {"[campaign]\nvirality = 1.5\n", "campaign.virality (line 2)"},
      {"[campaign]\nbudget = -10\n", "campaign.budget (line 2)"},
      {"[graph]\nrewire = \"lots\"\n", "expected float"},
      {"[graph]\npeople = 20000\n\n[[strategy]]\nname = \"n\"\nkind = \"tier\"\ntier = \"nano\"\nk = 9999999\n",
       "strategy.n.k (line 8)"},
      {"[graph]\npeople = 20000\n\n[[strategy]]\nname = \"n\"\nkind = \"tier\"\ntier = \"nano\"\nk = 9999999\n",
       "has only"},
      {"[graph]\npeople = 20000\n[tiers]\nmode = \"absolute\"\n[[strategy]]\nname = \"m\"\nkind = \"tier\"\ntier = "
       "\"mega\"\nk = 1\n",
       "mega tier is empty"},
      {"[graph]\npeople = 20000\n[[strategy]]\nname = \"m\"\nkind = \"budget\"\ntier = \"mega\"\nbudget = 5\n",
       "buys nobody"},
      {"[graph]\npeople = 20000\n[[strategy]]\nname = \"m\"\nkind = \"budget\"\ntier = \"mega\"\nbudget = 5\n",
       "strategy.m.budget (line 7)"},
      {"[model]\nkinds = [\"icc\"]\n[[strategy]]\nname = \"r\"\nkind = \"random\"\nk = 1\n", "model.kinds (line 2)"},
      {"[graph]\npeople = 20000\n", "has no [[strategy]]"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const std::string msg = error_of([&] { run(c.text, out); });
    INFO(msg);
    REQUIRE(msg.find(c.expect) != std::string::npos);
    REQUIRE_FALSE(fs::exists(out));
    REQUIRE_FALSE(fs::exists(partial_path(out)));
  }
  // --set errors name the override.
  const std::string msg = error_of([&] { run(kSmall, out, {"campaign.viralty=0.1"}); });
  REQUIRE(msg.find("did you mean campaign.virality") != std::string::npos);
  REQUIRE(msg.find("--set") != std::string::npos);
  // A strategy's budget that came from campaign.budget: the message says where that was given, not
  // the line of the strategy's block, and how to accept a strategy that buys nobody.
  const std::string mega = "[graph]\npeople = 20000\n[campaign]\nbudget = 4000\n[[strategy]]\nname = \"m\"\n"
                           "kind = \"budget\"\ntier = \"mega\"\n";
  struct Origin {
    std::vector<std::string> sets;
    std::string expect;
  };
  for (const Origin& o : std::vector<Origin>{
           {{}, "(the strategy's budget is campaign.budget = 4000, line 4 of "},
           {{"campaign.budget=5000"}, "(the strategy's budget is campaign.budget = 5000, from --set campaign.budget=5000)"},
           {{"strategy.m.budget=3000"}, "(from --set strategy.m.budget=3000)"}}) {
    const std::string m = error_of([&] { run(mega, out, o.sets); });
    INFO(m);
    REQUIRE(m.rfind("strategy.m.budget: $", 0) == 0);  // no line: none of the block's lines is to blame
    REQUIRE(m.find(o.expect) != std::string::npos);
    REQUIRE(m.find("set strategy.m.empty_ok = true") != std::string::npos);
    REQUIRE_FALSE(fs::exists(out));
  }
}

TEST_CASE("an existing result is never overwritten without force", "[experiment][errors]") {
  TempDir dir;
  const fs::path out = dir.path / "out.h5";
  { std::ofstream(out) << "precious"; }
  const std::string msg = error_of([&] { run(kSmall, out); });
  REQUIRE(msg.find("already exists") != std::string::npos);
  std::ifstream in(out);
  std::string content;
  in >> content;
  REQUIRE(content == "precious");
}

TEST_CASE("round trip: every documented dataset and attribute, summary recomputed from /runs", "[experiment][h5]") {
  TempDir dir;
  const fs::path out = dir.path / "small.h5";
  const RunReport rep = run(kSmall, out);
  REQUIRE(rep.complete);
  REQUIRE(rep.written == out);
  REQUIRE_FALSE(fs::exists(partial_path(out)));
  h5::File f = h5::File::open(out);
  for (const char* a : {"nanoreach_version", "git_revision", "config", "host", "start_time", "end_time", "command_line"})
    REQUIRE(f.has_attribute(a));
  REQUIRE(f.attribute<bool>("complete"));
  REQUIRE(f.attribute<std::uint64_t>("seed") == 11);
  REQUIRE(f.attribute<std::int64_t>("threads") >= 1);
  REQUIRE(f.attribute<std::int64_t>("mpi_ranks") == 1);
  // The stored configuration reproduces the run's.
  REQUIRE(io::Config::parse(experiment_schema(), f.attribute<std::string>("config"), "stored") == parse(kSmall));
  // /graph
  h5::Group g = f.open_group("/graph");
  REQUIRE(g.attribute<std::uint64_t>("people") == 20000);
  REQUIRE(g.attribute<std::uint64_t>("max_degree") <= 150);
  for (const char* d : {"degree_hist", "follower_hist", "follower_bin_lo", "tier_counts", "tier_names", "circle_mean_ties"})
    REQUIRE(g.exists(d));
  // /runs: 3 strategies x 2 models x 40 runs
  const h5::Table runs = f.read_table("/runs");
  REQUIRE(runs.rows() == 3 * 2 * 40);
  // /summary equals summarize(/runs).
  const h5::Table summary = f.read_table("/summary");
  const ExperimentSpec spec = spec_from_config(parse(kSmall));
  GraphStats stats;
  stats.people = 20000;
  stats.theory_degree_hist = g.read_array<std::uint64_t>("theory_degree_hist");
  const auto circles = g.read_array<double>("theory_circle_mean_ties");
  std::copy(circles.begin(), circles.end(), stats.theory_circle_mean.begin());
  REQUIRE(summary == summarize(runs, summary_context(spec, stats)));
  // Theory beside simulation: IC and SIR get a percolation prediction, in [0, 1].
  const auto& T = summary.column<double>("theory_T");
  const auto& size = summary.column<double>("theory_outbreak_size");
  for (std::size_t i = 0; i < summary.rows(); ++i) {
    REQUIRE(T[i] > 0);
    REQUIRE(T[i] < 1);
    REQUIRE(size[i] >= 0);
    REQUIRE(size[i] <= 1);
  }
  REQUIRE(summary.rows() == 6);
  // /curves: one row per run; cumulative sums end at each run's reach.
  for (const std::string s : {"nano", "mega", "hubs"})
    for (const std::string m : {"ic", "sir"}) {
      const auto curve = f.read_matrix<std::uint32_t>("/curves/" + s + "/" + m);
      REQUIRE(curve.rows == 40);
      std::size_t row = 0;
      for (std::size_t i = 0; i < runs.rows(); ++i) {
        if (runs.column<std::string>("strategy")[i] != s || runs.column<std::string>("model")[i] != m) continue;
        std::uint64_t total = 0;
        for (std::size_t t = 0; t < curve.cols; ++t) total += curve(row, t);
        REQUIRE(total == std::uint64_t(runs.column<std::int64_t>("reach")[i]));
        ++row;
      }
    }
  REQUIRE(f.exists("/curves/nano/sir_infected"));
}

TEST_CASE("same seed on 1 and 2 threads: identical /runs and /curves", "[experiment][threads]") {
  TempDir dir;
  std::vector<h5::Table> runs;
  std::vector<h5::Matrix<std::uint32_t>> curves;
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    const fs::path out = dir.path / ("t" + std::to_string(threads) + ".h5");
    run(kSmall, out);
    h5::File f = h5::File::open(out);
    runs.push_back(f.read_table("/runs"));
    curves.push_back(f.read_matrix<std::uint32_t>("/curves/nano/sir"));
  }
  omp_set_num_threads(2);
  REQUIRE(runs[0] == runs[1]);
  REQUIRE(curves[0] == curves[1]);
}

TEST_CASE("graph.storage: implicit and explicit give byte-identical /runs, /summary and /curves on 1 and 2 threads",
          "[experiment][implicit][threads]") {
  TempDir dir;
  std::vector<h5::File> files;
  std::vector<fs::path> paths;
  for (const char* storage : {"explicit", "implicit"})
    for (int threads : {1, 2}) {
      omp_set_num_threads(threads);
      paths.push_back(dir.path / (std::string(storage) + std::to_string(threads) + ".h5"));
      run(kSmall, paths.back(),
          {std::string("graph.storage=\"") + storage + "\"", "graph.people=10000", "runs.count=16", "runs.batch=6"});
    }
  omp_set_num_threads(2);
  const h5::File e = h5::File::open(paths[0]);
  REQUIRE(e.open_group("/graph").attribute<std::string>("storage") == "explicit");
  REQUIRE(h5::File::open(paths[2]).open_group("/graph").attribute<std::string>("storage") == "implicit");
  const h5::Table runs = e.read_table("/runs"), summary = e.read_table("/summary");
  for (std::size_t k = 1; k < paths.size(); ++k) {
    INFO(paths[k]);
    const h5::File f = h5::File::open(paths[k]);
    REQUIRE(f.read_table("/runs") == runs);
    REQUIRE(f.read_table("/summary") == summary);
    for (const char* strategy : {"nano", "mega", "hubs"})
      for (const char* model : {"ic", "sir", "sir_infected"}) {
        const std::string c = std::string("/curves/") + strategy + "/" + model;
        REQUIRE(f.read_matrix<std::uint32_t>(c) == e.read_matrix<std::uint32_t>(c));
      }
  }
  // auto keeps a graph this small explicit; a threshold model on an implicit graph is refused.
  run(kSmall, dir.path / "auto.h5", {"graph.storage=\"auto\""});
  REQUIRE(h5::File::open(dir.path / "auto.h5").open_group("/graph").attribute<std::string>("storage") == "explicit");
  REQUIRE_THAT(error_of([&] {
                 run(kSmall, dir.path / "thr.h5", {"graph.storage=\"implicit\"", "model.kinds=[\"threshold\"]"});
               }),
               Catch::Contains("graph.storage") && Catch::Contains("threshold"));
  REQUIRE_FALSE(fs::exists(dir.path / "thr.h5"));
}

TEST_CASE("a stop request keeps finished whole runs in OUT.partial with complete = false", "[experiment][interrupt]") {
  TempDir dir;
  const fs::path out = dir.path / "stopped.h5";
  std::atomic<bool> stop{false};
  const RunReport rep = run(kSmall, out, {"runs.count=400"}, &stop, [&](std::uint64_t done, std::uint64_t) {
    if (done >= 50) stop = true;
  });
  REQUIRE_FALSE(rep.complete);
  REQUIRE_FALSE(fs::exists(out));
  REQUIRE(rep.written == partial_path(out));
  h5::File f = h5::File::open(rep.written);
  REQUIRE_FALSE(f.attribute<bool>("complete"));
  const h5::Table runs = f.read_table("/runs");
  REQUIRE(runs.rows() >= 48);
  REQUIRE(runs.rows() < 400);
  // Each kept run is whole: identical to the same run of an uninterrupted experiment.
  const fs::path full = dir.path / "full.h5";
  run(kSmall, full, {"runs.count=400", "strategy=[{name = \"nano\", kind = \"budget\", tier = \"nano\"}]",
                     "model.kinds=[\"ic\"]"});
  const h5::Table all = h5::File::open(full).read_table("/runs");
  for (std::size_t i = 0; i < runs.rows(); ++i) {
    REQUIRE(runs.column<std::string>("strategy")[i] == "nano");
    const std::int64_t r = runs.column<std::int64_t>("run")[i];
    REQUIRE(runs.column<std::int64_t>("reach")[i] == all.column<std::int64_t>("reach")[r]);
  }
  REQUIRE(f.read_table("/summary").rows() >= 1);
}
