// How much memory the machine has, and the choice of graph.storage from it.
//
// Available memory is /proc/meminfo's MemAvailable, or a cgroup v2 limit when that is lower (a Slurm
// job's allocation).
#include <fstream>
#include <limits>
#include <sstream>

#include "nanoreach/graph/implicit.hpp"
#include "nanoreach/sim/experiment.hpp"

namespace nanoreach {

std::uint64_t available_memory_bytes() {
  std::uint64_t avail = std::numeric_limits<std::uint64_t>::max();
  std::ifstream mi("/proc/meminfo");
  std::string key;
  std::uint64_t kb;
  std::string unit;
  while (mi >> key >> kb) {
    std::getline(mi, unit);
    if (key == "MemAvailable:") avail = kb * 1024;
  }
  std::ifstream cg("/sys/fs/cgroup/memory.max");
  std::string lim;
  if (cg >> lim && lim != "max") {
    std::ifstream cur("/sys/fs/cgroup/memory.current");
    std::uint64_t used = 0;
    cur >> used;
    const std::uint64_t limit = std::stoull(lim);
    if (limit > used) avail = std::min(avail, limit - used);
  }
  return avail;
}

namespace {

std::string gib(double bytes) {
  std::ostringstream o;
  o.precision(bytes < 10.0 * (1u << 30) ? 2 : 3);
  o << bytes / double(1u << 30) << " GiB";
  return o.str();
}

}  // namespace

bool resolve_storage(const std::string& storage, const GraphSpec& g, std::uint64_t available) {
  const bool can_be_implicit = g.source == GraphSpec::Source::dunbar;
  const std::uint64_t need = explicit_graph_bytes(g);
  if (storage == "implicit") return true;  // GraphSpec::validate names graph.storage for other sources
  if (storage == "auto") return can_be_implicit && need > available / 2;
  if (g.source != GraphSpec::Source::saved && g.source != GraphSpec::Source::edgelist && need > available) {
    std::string msg = "needs " + gib(double(need)) + " for the explicit graph of " + grouped_text(double(g.dunbar.people)) +
                      " people, this machine has " + gib(double(available)) + " available";
    if (can_be_implicit)
      msg += "; graph.storage = \"implicit\" (or \"auto\") holds the same graph in " +
             gib(double(implicit_graph_bytes(g.dunbar.people)));
    throw ConfigError("graph.people", msg);
  }
  return false;
}

}  // namespace nanoreach
