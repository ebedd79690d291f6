// libFuzzer target: the edge-list reader. The first byte picks directed or undirected; the rest is
// the file's text. A malformed line must end in InputError naming it (with no raw control bytes in
// the message); a parsed graph must be canonical (sorted, no duplicates, ids in range), symmetric
// when undirected, and account for every edge line (kept, self-loop or duplicate).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "nanoreach/graph/edge_list.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool directed = data[0] & 1;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const nanoreach::EdgeList e = nanoreach::parse_edge_list(text, "fuzz.txt", {.directed = directed});
    e.graph.check_canonical();
    if (!directed && !e.graph.is_symmetric()) std::abort();
    const std::uint64_t kept = directed ? e.graph.num_edges() : e.graph.num_edges() / 2;
    if (kept + e.self_loops + e.duplicates != e.edge_lines) std::abort();
    if (e.external_ids.size() != e.graph.num_nodes()) std::abort();
  } catch (const nanoreach::InputError& e) {
    for (const char c : std::string(e.what()))
      if (static_cast<unsigned char>(c) < 0x20) std::abort();
  }
  return 0;
}
