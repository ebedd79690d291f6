// How much memory the machine has, the choice of graph.storage from it, and the refusals of work
// that cannot fit (graph.people, runs.count, a sweep's points) before anything is allocated.
//
// Available memory is /proc/meminfo's MemAvailable, or a cgroup v2 limit when that is lower (a Slurm
// job's allocation), or NANOREACH_MEMORY when that is lower still.
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "nanoreach/graph/implicit.hpp"
#include "nanoreach/sim/experiment.hpp"

namespace nanoreach {

std::uint64_t available_memory_bytes() {
  std::uint64_t avail = std::numeric_limits<std::uint64_t>::max(), cap = avail;
  // NANOREACH_MEMORY caps what the program may assume (a machine shared with others): bytes, or
  // with a suffix K, M, G or T (powers of 1024), e.g. NANOREACH_MEMORY=8G.
  if (const char* v = std::getenv("NANOREACH_MEMORY"); v && *v) {
    char* end = nullptr;
    const double x = std::strtod(v, &end);
    const std::string unit = end ? std::string(end) : std::string();
    const double scale = unit.empty() || unit == "B" ? 1
                         : unit == "K"                ? 1024.0
                         : unit == "M"                ? 1024.0 * 1024
                         : unit == "G"                ? 1024.0 * 1024 * 1024
                         : unit == "T"                ? 1024.0 * 1024 * 1024 * 1024
                                                      : -1;
    if (!(x > 0) || scale < 0)
      throw InputError("NANOREACH_MEMORY=" + printable(v) + ": expected an amount of memory such as 8G, 512M or "
                       "1073741824 (bytes)");
    cap = static_cast<std::uint64_t>(std::min(x * scale, 1.8e19));
  }
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
  return std::min(avail, cap);
}

std::string gib(double bytes) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(bytes < 10.0 * (1u << 30) ? 2 : 1);
  o << bytes / double(1u << 30) << " GiB";
  return o.str();
}

void require_memory(const std::string& key, std::uint64_t need, const std::string& what, long line,
                    const std::string& advice) {
  const std::uint64_t available = available_memory_bytes();
  if (need <= available) return;
  throw ConfigError(key,
                    "needs " + gib(double(need)) + " for " + what + ", this machine has " + gib(double(available)) +
                        " available" + (advice.empty() ? "" : "; " + advice),
                    line);
}

bool resolve_storage(const std::string& storage, const GraphSpec& g, std::uint64_t available) {
  const bool can_be_implicit = g.source == GraphSpec::Source::dunbar;
  const std::uint64_t need = explicit_graph_bytes(g);
  const bool implicit = storage == "implicit" || (storage == "auto" && can_be_implicit && need > available / 2);
  if (implicit && can_be_implicit) {
    // The implicit estimate covers the peak of a whole run (measured at a billion people).
    const std::uint64_t implicit_need = implicit_graph_bytes(g.dunbar.people);
    if (implicit_need > available)
      throw ConfigError("graph.people", "needs " + gib(double(implicit_need)) + " for the implicit graph of " +
                                            grouped_text(double(g.dunbar.people)) + " people, this machine has " +
                                            gib(double(available)) + " available");
  }
  if (storage == "implicit") return true;  // GraphSpec::validate names graph.storage for other sources
  if (implicit) return true;
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
