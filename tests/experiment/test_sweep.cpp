// Sweeps: plans, and identical datasets however the work is run (one process, shards merged,
// interrupted and resumed).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "nanoreach/sim/experiment.hpp"
#include "nanoreach/sim/sweep.hpp"

using namespace nanoreach;
namespace fs = std::filesystem;
namespace h5 = nanoreach::io::h5;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() / ("nanoreach_sweep_" + std::to_string(getpid()) + "_" + std::to_string(n++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

const char* kSweep = R"(seed = 5
[graph]
people = 5000
[campaign]
budget = 20000
[model]
kinds = ["ic", "sir"]
[runs]
count = 30
batch = 10
[[strategy]]
name = "nano"
kind = "budget"
tier = "nano"
[[strategy]]
name = "hubs"
kind = "top_followers"
k = 2
[sweep]
campaign.virality = [0.02, 0.08]
graph.people = [5000, 6000]
)";

io::Config parse(const std::string& text) { return io::Config::parse(experiment_schema(), text, "sweep.toml"); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// Every dataset a notebook reads, for comparison across ways of running.
struct Datasets {
  h5::Table points, runs, summary;
  std::map<std::string, h5::Matrix<std::uint32_t>> curves;
  std::vector<std::string> graphs;
  bool operator==(const Datasets&) const = default;
};

Datasets read(const fs::path& p) {
  h5::File f = h5::File::open(p);
  Datasets d;
  d.points = f.read_table("/points");
  d.runs = f.read_table("/runs");
  d.summary = f.read_table("/summary");
  for (const std::string& s : f.open_group("/curves").children())
    for (const std::string& m : f.open_group("/curves/" + s).children())
      if (!f.open_dataset("/curves/" + s + "/" + m).is_scale())  // the <m>_run / <m>_step axis labels
        d.curves["/curves/" + s + "/" + m] = f.read_matrix<std::uint32_t>("/curves/" + s + "/" + m);
  d.graphs = f.open_group("/graphs").children();
  return d;
}

SweepReport sweep(const io::Config& cfg, const fs::path& out, int shard = 0, int shards = 1, bool resume = false,
                  const std::atomic<bool>* stop = nullptr, std::function<void(std::uint64_t, std::uint64_t)> progress = {}) {
  SweepOptions o;
  o.out = out;
  o.shard = shard;
  o.shards = shards;
  o.resume = resume;
  o.stop = stop;
  o.progress = std::move(progress);
  return run_sweep(cfg, o);
}

}  // namespace

TEST_CASE("sweep plans: product order, zip, ranges, shared graphs", "[sweep]") {
  const SweepPlan plan = plan_sweep(parse(kSweep));
  REQUIRE(plan.points == 4);
  REQUIRE(plan.graphs == 2);  // two populations; virality does not change the graph
  // The first axis varies slowest.
  REQUIRE(*plan.values(0)[0]->value<double>() == 0.02);
  REQUIRE(*plan.values(1)[1]->value<std::int64_t>() == 6000);
  REQUIRE(*plan.values(2)[0]->value<double>() == 0.08);
  REQUIRE(plan.graph_of_point == std::vector<std::size_t>{0, 1, 0, 1});
  REQUIRE(point_config(parse(kSweep), plan, 3).get_int("graph.people") == 6000);

  const SweepPlan z = plan_sweep(parse(std::string(kSweep) + "mode = \"zip\"\n"));
  REQUIRE(z.points == 2);

  const SweepPlan r = plan_sweep(parse(
      "[[strategy]]\nname = \"r\"\nkind = \"random\"\nk = 1\n[sweep]\ncampaign.virality = {from = 0.01, to = 0.1, "
      "points = 3, scale = \"log\"}\nruns.count = {from = 10, to = 20, points = 4}\n"));
  REQUIRE(r.points == 12);
  REQUIRE(*r.axes[0].values[1]->value<double>() == Approx(std::sqrt(0.01 * 0.1)));
  REQUIRE(*r.axes[1].values[1]->value<std::int64_t>() == 13);  // 13.33 rounded for an integer key
}

TEST_CASE("sweep errors name the [sweep] line", "[sweep][errors]") {
  const std::string base = "[[strategy]]\nname = \"r\"\nkind = \"random\"\nk = 1\n[sweep]\n";
  REQUIRE_THAT(error_of([&] { plan_sweep(parse(base + "campaign.viralty = [0.1]\n")); }),
               Catch::Contains("did you mean campaign.virality"));
  REQUIRE_THAT(error_of([&] { plan_sweep(parse(base + "campaign.virality = [0.1, 2.0]\n")); }),
               Catch::Contains("campaign.virality (line 6)") && Catch::Contains("[0, 1]"));
  REQUIRE_THAT(error_of([&] { plan_sweep(parse(base + "campaign.virality = {from = 0.1, too = 1, points = 2}\n")); }),
               Catch::Contains("unknown range field 'too'"));
  REQUIRE_THAT(error_of([&] {
                 plan_sweep(parse(base + "mode = \"zip\"\ncampaign.virality = [0.1, 0.2]\ncampaign.budget = [1.0]\n"));
               }),
               Catch::Contains("sweep.campaign.budget (line 8)") && Catch::Contains("zip"));
  REQUIRE_THAT(error_of([&] { plan_sweep(parse(base + "campaign.virality = 0.1\n")); }),
               Catch::Contains("expected a list of values"));
  // A control byte in a sweep key is escaped everywhere the message quotes it (found by fuzz_config).
  const std::string msg =
      error_of([&] { plan_sweep(parse(base + "\"campaign.v\\u0018irality\" = [0.1, 0.2]\n")); });
  REQUIRE_THAT(msg, Catch::Contains("campaign.v\\x18irality"));
  REQUIRE(std::none_of(msg.begin(), msg.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }));
}

TEST_CASE("one process, two shards merged, and an interrupted-then-resumed sweep write identical datasets",
          "[sweep][slow]") {
  TempDir dir;
  const io::Config cfg = parse(kSweep);
  const fs::path whole = dir.path / "whole.h5";
  const SweepReport w = sweep(cfg, whole);
  REQUIRE(w.complete);
  REQUIRE(w.points_done == 4);
  REQUIRE_FALSE(fs::exists(whole.string() + ".checkpoint"));
  const Datasets expect = read(whole);
  REQUIRE(expect.runs.rows() == 4 * 2 * 2 * 30);
  REQUIRE(expect.graphs.size() == 2);
  REQUIRE(h5::File::open(whole).attribute<bool>("complete"));

  // Shards 1/2 and 2/2, merged.
  const fs::path s1 = dir.path / "s1.h5", s2 = dir.path / "s2.h5", merged = dir.path / "merged.h5";
  REQUIRE(sweep(cfg, s1, 0, 2).complete);
  REQUIRE(sweep(cfg, s2, 1, 2).complete);
  REQUIRE(read(s1).runs.rows() == expect.runs.rows() / 2);
  REQUIRE(merge_shards({s1, s2}, merged, false, "test").complete);
  REQUIRE(read(merged) == expect);
  // Shards of another experiment are refused.
  const fs::path other = dir.path / "other.h5";
  io::Config cfg2 = cfg;
  cfg2.apply_override("seed=6");
  sweep(cfg2, other, 1, 2);
  REQUIRE_THAT(error_of([&] { merge_shards({s1, other}, dir.path / "bad.h5", false, "test"); }),
               Catch::Contains("different experiment"));

  // Interrupted after a few items, then resumed.
  const fs::path resumed = dir.path / "resumed.h5";
  std::atomic<bool> stop{false};
  const SweepReport part = sweep(cfg, resumed, 0, 1, false, &stop, [&](std::uint64_t done, std::uint64_t) {
    if (done >= 5) stop = true;
  });
  REQUIRE_FALSE(part.complete);
  REQUIRE(fs::exists(resumed.string() + ".checkpoint"));
  REQUIRE_FALSE(fs::exists(resumed));
  REQUIRE_FALSE(h5::File::open(part.written).attribute<bool>("complete"));
  // Without --resume the checkpoints are not silently thrown away.
  REQUIRE_THAT(error_of([&] { sweep(cfg, resumed); }), Catch::Contains("--resume"));
  const SweepReport rest = sweep(cfg, resumed, 0, 1, true);
  REQUIRE(rest.complete);
  REQUIRE(read(resumed) == expect);
}
