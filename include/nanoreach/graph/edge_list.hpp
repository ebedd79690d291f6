// Import of real networks from edge-list text (SNAP, KONECT and most other collections).
//
// Format: one edge per line, "u v", fields separated by spaces or tabs; columns after the second (a
// weight, a timestamp) are ignored. Lines that are blank or whose first non-blank character is '#'
// or '%' are comments. Lines end with LF, CRLF (Windows) or a lone CR (classic Mac OS); a UTF-8
// byte-order mark is accepted. Node ids are decimal integers in [0, 2^64 - 1]. Quoted lines in
// messages are escaped (printable() in error.hpp), so binary junk never reaches the terminal raw.
//
// Invariants of the result:
//   * nodes are renumbered in SORTED ORDER OF THEIR EXTERNAL IDS: node i is the i-th smallest id in
//     the file, external_ids[i] is that id (strictly increasing), so a file whose ids are exactly
//     0..N-1 keeps them. Every id in the file is a node, even one seen only in a self-loop;
//   * undirected (default): each tie stored both ways, "u v" and "v u" are the same tie; directed:
//     u -> v only;
//   * self-loops and repeated edges are dropped and counted; the graph is canonical (csr.hpp).
// A malformed line throws InputError naming the file, the line number, the line and what was
// expected, e.g.  data.txt line 17: "3 -4": node id "-4" is not a non-negative integer.
// The file is read whole and parsed with std::from_chars (ids renumbered through a direct table when
// they are dense, by sort and binary search otherwise).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nanoreach/graph/csr.hpp"

namespace nanoreach {

struct EdgeListOptions {
  bool directed = false;
};

struct EdgeList {
  Csr graph;
  std::vector<std::uint64_t> external_ids;  // external_ids[node] = its id in the file
  std::uint64_t lines = 0;       // lines in the text (a last line without a newline counts)
  std::uint64_t edge_lines = 0;  // lines holding an edge (neither blank nor comment)
  std::uint64_t self_loops = 0;  // edge lines "u u", dropped
  std::uint64_t duplicates = 0;  // edge lines repeating an earlier edge, dropped

  // The node whose external id is `id`, or kNoNode when the file does not name it.
  node_t node_of(std::uint64_t id) const;
};

// Reads and parses the file at `path`. InputError naming it for a path that is not a regular file
// (a FIFO or device would block), a file that cannot be read, and a file with no edges or only
// self-loops (a graph of nobody is a mistake, not a network).
EdgeList read_edge_list(const std::string& path, EdgeListOptions options = {});

// Parses edge-list text; `source_name` names it in error messages (usually the file's path).
EdgeList parse_edge_list(std::string_view text, std::string_view source_name, EdgeListOptions options = {});

}  // namespace nanoreach
