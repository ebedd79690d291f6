// libFuzzer target: the HDF5 readers behind `nanoreach info` and `nanoreach merge`, on damaged
// files. Structure-aware: at start a small sweep is run in two shards; each input is a list of
// edits (remove an object, drop rows of a column or curve matrix, overwrite a point id, a run
// number or an attribute, give one shard twice) applied to a copy of shard 1 with the program's own
// HDF5 layer, and then `info` reads the damaged shard and `merge` combines it with shard 2. Every
// damage must end in nanoreach::Error, or in a merge whose output reads back whole (one /runs row
// per planned run, one curve row per run). libhdf5's own parsing of corrupt bytes is not the
// target (the fault suite flips bits in shards for that).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../../sim/cli/commands.hpp"
#include "nanoreach/sim/runner.hpp"
#include "nanoreach/sim/sweep.hpp"

namespace fs = std::filesystem;
namespace h5 = nanoreach::io::h5;

namespace {

fs::path g_dir;
std::vector<std::string> g_paths;  // every object of shard 1
std::uint64_t g_rows = 0;          // /runs rows of the whole sweep

const char* kExperiment = R"(seed = 4
[graph]
people = 400
[runs]
count = 6
batch = 3
[model]
kinds = ["ic", "sir"]
[[strategy]]
name = "a"
kind = "random"
k = 2
[[strategy]]
name = "b"
kind = "random"
k = 5
[sweep]
campaign.virality = [0.05, 0.1, 0.2]
)";

void collect(const h5::Group& g, const std::string& prefix) {
  for (const std::string& c : g.children()) {
    const std::string p = prefix + "/" + c;
    g_paths.push_back(p);
    if (g.is_group(c)) collect(g.open_group(c), p);
  }
}

struct Bytes {
  const std::uint8_t* p;
  std::size_t n;
  bool empty() const { return n == 0; }
  std::uint8_t byte() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  std::uint64_t num() {
    std::uint64_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | byte();
    return v;
  }
  std::string str() {
    const std::size_t len = std::min<std::size_t>(byte() % 48, n);
    std::string s(reinterpret_cast<const char*>(p), len);
    p += len;
    n -= len;
    return s;
  }
};

// Drops the last k rows of the dataset at path, whatever it holds.
void shrink(h5::File& f, const std::string& path, std::size_t k) {
  if (!f.is_dataset(path)) return;
  const auto shape = f.open_dataset(path).shape();
  if (shape.size() == 2) {
    auto m = f.read_matrix<std::uint32_t>(path);
    const std::size_t rows = m.rows > k ? m.rows - k : 0;
    m.values.resize(rows * m.cols);
    f.remove(path);
    if (rows > 0) f.write_matrix(path, m.values, m.cols);
    return;
  }
  auto cut = [&](auto v) {
    v.resize(v.size() > k ? v.size() - k : 0);
    f.remove(path);
    using T = typename decltype(v)::value_type;
    f.write_array(path, std::span<const T>(v));
  };
  try {
    cut(f.read_array<std::int64_t>(path));
  } catch (const nanoreach::Error&) {
    try {
      cut(f.read_array<double>(path));
    } catch (const nanoreach::Error&) {
      cut(f.read_array<std::string>(path));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_dir = fs::temp_directory_path() / ("nanoreach-fuzz-h5-" + std::to_string(getpid()));
  fs::create_directories(g_dir);
  std::ofstream(g_dir / "s.toml") << kExperiment;
  const nanoreach::io::Config cfg = nanoreach::io::Config::parse_file(nanoreach::experiment_schema(), g_dir / "s.toml");
  for (int i = 0; i < 2; ++i) {
    nanoreach::SweepOptions o;
    o.out = g_dir / ("shard" + std::to_string(i + 1) + ".h5");
    o.shard = i;
    o.shards = 2;
    o.force = true;
    nanoreach::run_sweep(cfg, o);
  }
  collect(h5::File::open(g_dir / "shard1.h5"), "");
  g_rows = 3 * 2 * 2 * 6;  // points x strategies x models x runs
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(g_dir, ec);
  });
  std::freopen("/dev/null", "w", stdout);  // info prints; the fuzzer's own output goes to stderr
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path shard = g_dir / "damaged.h5", other = g_dir / "shard2.h5", out = g_dir / "merged.h5";
  fs::copy_file(g_dir / "shard1.h5", shard, fs::copy_options::overwrite_existing);
  Bytes in{data, size};
  bool twice = false;
  try {
    h5::File f = h5::File::open(shard, h5::Mode::ReadWrite);
    for (int edits = 0; edits < 6 && !in.empty(); ++edits) {
      const std::string path = g_paths[in.num() % g_paths.size()];
      switch (in.byte() % 7) {
        case 0:
          if (f.exists(path)) f.remove(path);
          break;
        case 1:
          shrink(f, path, 1 + in.byte() % 8);
          break;
        case 2:
          if (f.is_dataset(path) && f.open_dataset(path).shape().size() == 1) {
            auto v = f.read_array<std::int64_t>(path);
            if (!v.empty()) v[in.num() % v.size()] = std::int64_t(in.num()) - (1 << 30);
            f.remove(path);
            f.write_array(path, std::span<const std::int64_t>(v));
          }
          break;
        case 3: {
          static const char* names[] = {"config", "git_revision", "shard", "nanoreach_version"};
          f.set_attribute(names[in.byte() % 4], in.str());
          break;
        }
        case 4:
          f.set_attribute("sweep_points", static_cast<unsigned long long>(in.byte() % 6));
          break;
        case 5:
          f.set_attribute("complete", bool(in.byte() & 1));
          break;
        case 6:
          twice = true;
          break;
      }
    }
    f.close();
  } catch (const nanoreach::Error&) {
    return 0;  // an edit the layer refused (a string with a NUL...): not an input for the readers
  }
  try {
    nanoreach::cli::cmd_info(shard.string(), false);
  } catch (const nanoreach::Error&) {
  }
  try {
    std::vector<fs::path> shards{shard, other};
    if (twice) shards.push_back(shard);
    const nanoreach::SweepReport r = nanoreach::merge_shards(shards, out, true, "fuzz");
    if (r.complete) {
      const h5::File m = h5::File::open(out);
      if (m.read_table("/runs").rows() != g_rows) std::abort();  // complete but not whole
      for (const char* c : {"/curves/a/ic", "/curves/b/sir", "/curves/b/sir_infected"})
        if (m.read_matrix<std::uint32_t>(c).rows != g_rows / 4) std::abort();
    }
  } catch (const nanoreach::Error&) {
  }
  std::error_code ec;
  fs::remove(out, ec);
  fs::remove(fs::path(out.string() + ".partial"), ec);
  return 0;
}
