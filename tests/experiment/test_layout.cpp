// Result files any HDF5 tool reads (layout.hpp) and their CSV export (export.hpp): every dataset of
// a run's file has a description, tables and curves carry dimension scales of the right length, the
// documentation refuses datasets no writer makes, and the CSV files hold the tables row for row.
// Experiments given as a TOML table (a Python dict) load like the same text.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "nanoreach/sim/export.hpp"
#include "nanoreach/sim/layout.hpp"
#include "nanoreach/sim/runner.hpp"

using namespace nanoreach;
namespace fs = std::filesystem;
namespace h5 = nanoreach::io::h5;

namespace {

const char* kTiny = R"(seed = 5
[graph]
people = 3000
[model]
kinds = ["ic", "sir"]
[runs]
count = 6
[[strategy]]
name = "hubs"
kind = "top_followers"
k = 3
[[strategy]]
name = "some"
kind = "random"
k = 10
)";

struct Dir {
  fs::path path = fs::temp_directory_path() / ("nanoreach_layout_" + std::to_string(getpid()));
  Dir() { fs::create_directories(path); }
  ~Dir() { fs::remove_all(path); }
};

fs::path run_tiny(const fs::path& dir) {
  RunOptions o;
  o.out = dir / "tiny.h5";
  o.force = true;
  run_experiment(io::Config::parse(experiment_schema(), kTiny, "tiny.toml"), o);
  return o.out;
}

void all_datasets(const h5::Group& g, std::vector<std::string>& out) {
  for (const std::string& c : g.children()) {
    if (g.is_group(c)) all_datasets(g.open_group(c), out);
    else out.push_back(g.open_dataset(c).path());
  }
}

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("layout: descriptions on every dataset, scales on tables and curves", "[layout]") {
  Dir dir;
  const fs::path file = run_tiny(dir.path);
  const h5::File f = h5::File::open(file);
  std::vector<std::string> datasets;
  all_datasets(f, datasets);
  REQUIRE(datasets.size() > 50);
  for (const std::string& d : datasets) {
    INFO(d);
    REQUIRE(!f.open_dataset(d).attribute<std::string>("description").empty());
  }
  REQUIRE(f.open_dataset("/runs/reach").attribute<std::string>("units") == "people");
  REQUIRE(f.open_dataset("/runs/cost").attribute<std::string>("units") == "USD");
  REQUIRE(!f.open_dataset("/summary/share_by_nano").has_attribute("units"));
  const std::size_t rows = f.read_table("/runs").rows();
  REQUIRE(rows == 2 * 2 * 6);
  REQUIRE(f.open_dataset("/runs/row").is_scale());
  REQUIRE(f.read_array<std::int64_t>("/runs/row").size() == rows);
  REQUIRE(!f.read_table("/runs").contains("row"));  // a scale, not a column
  REQUIRE(f.open_dataset("/summary/row").shape().at(0) == 4);
  const auto shape = f.open_dataset("/curves/hubs/sir").shape();
  REQUIRE(f.read_array<std::int64_t>("/curves/hubs/sir_run") == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5});
  REQUIRE(f.read_array<std::int64_t>("/curves/hubs/sir_step").size() == shape[1]);
  REQUIRE(f.open_dataset("/curves/hubs/sir_step").is_scale());
  REQUIRE(!f.open_dataset("/curves/hubs/sir").is_scale());
  REQUIRE(f.open_group("/graph").attribute<std::string>("audience_direction").find("follower") != std::string::npos);
}

TEST_CASE("layout: finishing twice changes nothing, unknown datasets are refused", "[layout]") {
  Dir dir;
  const fs::path file = run_tiny(dir.path);
  {
    h5::File f = h5::File::open(file, h5::Mode::ReadWrite);
    finish_layout(f);
    REQUIRE(f.read_array<std::int64_t>("/runs/row").size() == f.read_table("/runs").rows());
  }
  REQUIRE(dataset_doc("/graphs/3/strong/offsets").description.find("int64") != std::string::npos);
  REQUIRE(dataset_doc("/points/campaign.virality").description.find("campaign.virality") != std::string::npos);
  REQUIRE(dataset_doc("/curves/any name/threshold_step").units == "steps");
  REQUIRE_THROWS_AS(dataset_doc("/runs/no_such_column"), std::logic_error);
  REQUIRE_THROWS_AS(dataset_doc("/elsewhere/x"), std::logic_error);
  REQUIRE_THROWS_AS(dataset_doc("/curves/nano/sideways"), std::logic_error);
}

TEST_CASE("export: CSV files hold the tables and curves row for row", "[export]") {
  Dir dir;
  const fs::path file = run_tiny(dir.path);
  const auto written = export_csv(file, dir.path / "csv", false);
  REQUIRE(written.size() == 2 + 2 * 3);  // runs, summary; per strategy ic, sir, sir_infected
  const h5::File f = h5::File::open(file);
  const h5::Table runs = f.read_table("/runs");
  const auto lines = lines_of(dir.path / "csv" / "runs.csv");
  REQUIRE(lines.size() == runs.rows() + 1);
  REQUIRE(lines[0].rfind("strategy,model,run,seeds,", 0) == 0);
  std::ostringstream first;
  first << "hubs,ic,0," << runs.column<std::int64_t>("seeds")[0] << ",";
  REQUIRE(lines[1].rfind(first.str(), 0) == 0);
  const auto curve = lines_of(dir.path / "csv" / "curves" / "some" / "ic.csv");
  const auto m = f.read_matrix<std::uint32_t>("/curves/some/ic");
  REQUIRE(curve.size() == m.rows + 1);
  REQUIRE(curve[0].rfind("run,step_0,step_1", 0) == 0);
  REQUIRE(curve[1].rfind("0," + std::to_string(m(0, 0)) + ",", 0) == 0);
  REQUIRE_THROWS_AS(export_csv(file, dir.path / "csv", false), InputError);  // files exist
  REQUIRE(export_csv(file, dir.path / "csv", true).size() == written.size());
}

TEST_CASE("experiments from a TOML table load like the same text", "[load]") {
  const io::Config text = load_experiment_text(kTiny, "tiny.toml");
  const toml::table table = toml::parse(kTiny);
  const io::Config from_table = load_experiment_table(table, "the experiment dict");
  REQUIRE(from_table.to_toml(true) == text.to_toml(true));
  REQUIRE(load_experiment_table(table, "d", {"graph.people=4000"}, 9).to_toml(true) ==
          load_experiment_text(kTiny, "t", {"graph.people=4000"}, 9).to_toml(true));
  toml::table bad = table;
  bad.insert_or_assign("grahp", toml::table{{"people", 5}});
  try {
    load_experiment_table(bad, "the experiment dict");
    FAIL("an unknown section is refused");
  } catch (const ConfigError& e) {
    REQUIRE(std::string(e.what()).find("the experiment dict") != std::string::npos);
  }
}
