// Loading an experiment (see experiment.hpp): one place for what `nanoreach run/graph/sweep/bench`
// and the Python bindings do before anything runs, so that a file, a text and a dict with the same
// keys give the same Config, and the same messages when a key is wrong.
#include "nanoreach/sim/experiment.hpp"

namespace nanoreach {

namespace {

std::vector<std::string> with_seed(std::vector<std::string> overrides, std::optional<std::uint64_t> seed) {
  if (seed) overrides.push_back("seed=" + std::to_string(*seed));
  return overrides;
}

}  // namespace

io::Config load_experiment(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                           std::optional<std::uint64_t> seed) {
  const std::vector<std::string> sets = with_seed(overrides, seed);
  if (!file.empty()) return io::Config::parse_file(experiment_schema(), file, sets);
  io::Config cfg = io::Config::defaults(experiment_schema());
  for (const std::string& s : sets) cfg.apply_override(s);
  return cfg;
}

io::Config load_experiment_text(std::string_view text, std::string_view source_name,
                                const std::vector<std::string>& overrides, std::optional<std::uint64_t> seed) {
  return io::Config::parse(experiment_schema(), text, source_name, with_seed(overrides, seed));
}

io::Config load_experiment_table(const toml::table& table, std::string_view origin,
                                 const std::vector<std::string>& overrides, std::optional<std::uint64_t> seed) {
  io::Config cfg = io::Config::defaults(experiment_schema());
  // Root keys first, then sections, as a TOML file orders them: `assign` checks each the same way.
  for (bool tables : {false, true})
    for (const auto& [key, node] : table)
      if (node.is_table() == tables) cfg.assign(key.str(), node, origin);
  for (const std::string& s : with_seed(overrides, seed)) cfg.apply_override(s);
  cfg.check_required();
  return cfg;
}

}  // namespace nanoreach
