// libFuzzer target: the experiment parser, as `run` and `sweep` use it. The input is an experiment
// file, optionally followed by a NUL byte and --set assignments, one per line. Everything is
// parsed, validated into an ExperimentSpec and, when there is a [sweep], planned. A bad input must
// end in nanoreach::Error (ConfigError, InputError) with a message; anything else (a crash, a
// sanitizer report, another exception, a message with raw control bytes) is a bug.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "nanoreach/sim/experiment.hpp"
#include "nanoreach/sim/sweep.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("NANOREACH_MEMORY", "256M", 1);  // the memory checks decide quickly, whatever the machine
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto nul = input.find('\0');
  const std::string text = input.substr(0, nul);
  std::vector<std::string> sets;
  if (nul != std::string::npos) {
    std::size_t i = nul + 1;
    while (i <= input.size() && sets.size() < 8) {
      const auto end = std::min(input.find('\n', i), input.size());
      if (end > i) sets.push_back(input.substr(i, end - i));
      i = end + 1;
    }
  }
  try {
    const nanoreach::io::Config cfg = nanoreach::io::Config::parse(nanoreach::experiment_schema(), text, "fuzz.toml",
                                                                   sets);
    nanoreach::spec_from_config(cfg, false);
    if (!cfg.raw("sweep").empty()) {
      const nanoreach::SweepPlan plan = nanoreach::plan_sweep(cfg);
      nanoreach::work_items(cfg, plan);
    }
    cfg.to_toml(true);
  } catch (const nanoreach::Error& e) {
    const std::string what = e.what();
    for (const char c : what)
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
        std::fprintf(stderr, "unescaped control byte in the message: %s\n", what.c_str());
        std::abort();
      }
  }
  return 0;
}
