// Experiment files: the schema of every configuration key, and the typed experiment it describes.
//
// The schema is the single source of truth for keys: their types, defaults, ranges and meanings.
// `nanoreach run --print-defaults` prints it as an annotated TOML file and the README's key table is
// generated from it (a test keeps the two equal). spec_from_config() turns a validated Config into an
// ExperimentSpec, re-raising any out-of-range value as a ConfigError with the line it came from.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "nanoreach/graph/build.hpp"
#include "nanoreach/io/config.hpp"
#include "nanoreach/sim/imm.hpp"
#include "nanoreach/sim/models.hpp"
#include "nanoreach/sim/montecarlo.hpp"
#include "nanoreach/sim/seeding.hpp"

namespace nanoreach {

struct ExperimentSpec {
  std::uint64_t seed = 1;
  GraphSpec graph;
  Campaign campaign;
  double budget = 50000;          // campaign.budget: default budget of budget/mix/optimal strategies
  CostModel costs;
  std::vector<ModelKind> models = {ModelKind::ic};
  ThresholdParams threshold;
  SirParams sir;
  std::vector<StrategySpec> strategies;
  McParams runs;
  ImmParams imm;  // imm.epsilon, imm.ell; the guards at their defaults
  bool curves = true;
  bool save_graph = false;
};

std::shared_ptr<const io::Schema> experiment_schema();

// An experiment as the program and the Python bindings read it: a file (an empty path: every key at
// its default), TOML text or an already parsed TOML table (a Python dict), then `overrides`
// ("key=value", as --set) in order, then `seed` (as --seed). Throws ConfigError / InputError.
io::Config load_experiment(const std::filesystem::path& file, const std::vector<std::string>& overrides = {},
                           std::optional<std::uint64_t> seed = {});
io::Config load_experiment_text(std::string_view text, std::string_view source_name,
                                const std::vector<std::string>& overrides = {},
                                std::optional<std::uint64_t> seed = {});
// `origin` names the table in messages ("the experiment dict").
io::Config load_experiment_table(const toml::table& table, std::string_view origin,
                                 const std::vector<std::string>& overrides = {},
                                 std::optional<std::uint64_t> seed = {});

// Typed experiment from a validated Config. Throws ConfigError (with the file line where known).
// need_strategies = false: an experiment without [[strategy]] is fine (one cascade from Python).
ExperimentSpec spec_from_config(const io::Config& cfg, bool need_strategies = true);
// Only the graph part ([graph], [audience], [tiers], seed): for `nanoreach graph`.
GraphSpec graph_spec_from_config(const io::Config& cfg);

// A text that is equal for two configurations exactly when they build the same graph: the
// effective values of seed and every graph.*, audience.* and tiers.* key.
std::string graph_identity(const io::Config& cfg);

// The line `cfg` gives key (also strategy.<name>.<field>), 0 when unknown; and a ConfigError
// with that line filled in when it had none.
long config_line(const io::Config& cfg, const std::string& key);
ConfigError with_line(const io::Config& cfg, const ConfigError& e);

}  // namespace nanoreach

namespace nanoreach {

// Memory the machine can give this process now (MemAvailable, bounded by a cgroup limit), in bytes.
std::uint64_t available_memory_bytes();
// "3.73 GiB"
std::string gib(double bytes);
// ConfigError(key, "needs X GiB for <what>, this machine has Y GiB available; <advice>") when `need`
// exceeds available_memory_bytes().
void require_memory(const std::string& key, std::uint64_t need, const std::string& what, long line = 0,
                    const std::string& advice = "");
// Bytes a run keeps per run of one strategy under one model (its record, curve and /runs row read
// back for the summary): the estimate behind the runs.count and sweep checks.
inline constexpr std::uint64_t kBytesPerRun = 1024;
// Bytes a sweep keeps per point (its values, configuration, spec, work items and /points row).
inline constexpr std::uint64_t kBytesPerPoint = 16 * 1024;

// graph.storage: whether to hold the graph implicitly. "auto" chooses explicit when the explicit
// graph needs at most half of `available` (or the source cannot be implicit); "explicit" on a
// population that cannot fit is refused naming graph.people, with what implicit storage would need.
bool resolve_storage(const std::string& storage, const GraphSpec& g, std::uint64_t available);

}  // namespace nanoreach
