// Edge-list import (format and invariants in edge_list.hpp).
//
// Stages: read the file whole; one serial pass over the text with memchr and std::from_chars collects
// the external id pairs and stops at the first malformed line (so the error names the earliest bad
// line); ids are renumbered in sorted order; build_csr drops self-loops and repeats and sorts each
// list, so the arrays do not depend on the thread count. The serial pass runs at a few hundred MB/s,
// well below the cost of building the layer, so it is not split.
#include "nanoreach/graph/edge_list.hpp"

#include "nanoreach/files.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>

#include <sys/stat.h>

namespace nanoreach {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

// The line as it appears in messages: without its line end, long lines shortened.
std::string shown(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.size() > 120) return printable(line.substr(0, 117)) + "...";
  return printable(line);
}

[[noreturn]] void bad_line(std::string_view name, std::uint64_t line_no, std::string_view line,
                           const std::string& what) {
  throw InputError(std::string(name) + " line " + std::to_string(line_no) + ": \"" + shown(line) + "\": " + what);
}

// Parses one node id token or throws naming it.
std::uint64_t parse_id(std::string_view token, std::string_view name, std::uint64_t line_no, std::string_view line) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec == std::errc::result_out_of_range)
    bad_line(name, line_no, line,
             "node id \"" + shown(token) + "\" is larger than 18446744073709551615 (2^64 - 1)");
  if (ec != std::errc() || end != token.data() + token.size())
    bad_line(name, line_no, line, "node id \"" + shown(token) + "\" is not a non-negative integer");
  return value;
}

// Renumbers ids in sorted order; fills ids (sorted, distinct) and the node of each endpoint.
void renumber(const std::vector<std::uint64_t>& ext, std::vector<std::uint64_t>& ids, std::vector<node_t>& node,
              std::string_view name) {
  node.resize(ext.size());
  if (ext.empty()) return;
  std::uint64_t max_id = 0;
#pragma omp parallel for reduction(max : max_id) schedule(static)
  for (std::size_t i = 0; i < ext.size(); ++i) max_id = std::max(max_id, ext[i]);
  if (max_id < (std::uint64_t(1) << 31) && max_id <= 4 * ext.size() + 1024) {
    // Dense ids (the usual case: 0- or 1-based files): a direct table, O(max_id + edges).
    std::vector<node_t> table(max_id + 1, 0);
    for (std::uint64_t x : ext) table[x] = 1;
    std::uint64_t count = 0;
    for (std::uint64_t x = 0; x <= max_id; ++x)
      if (table[x]) {
        table[x] = static_cast<node_t>(count++);
        ids.push_back(x);
      }
    checked_node_count(count, std::string(name).c_str());
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < ext.size(); ++i) node[i] = table[ext[i]];
    return;
  }
  ids = ext;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  checked_node_count(ids.size(), std::string(name).c_str());
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < ext.size(); ++i)
    node[i] = static_cast<node_t>(std::lower_bound(ids.begin(), ids.end(), ext[i]) - ids.begin());
}

}  // namespace

node_t EdgeList::node_of(std::uint64_t id) const {
  const auto it = std::lower_bound(external_ids.begin(), external_ids.end(), id);
  return it != external_ids.end() && *it == id ? static_cast<node_t>(it - external_ids.begin()) : kNoNode;
}

EdgeList parse_edge_list(std::string_view text, std::string_view name, EdgeListOptions options) {
  EdgeList out;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  // Endpoints interleaved: ext[2e] -> ext[2e + 1].
  std::vector<std::uint64_t> ext;
  ext.reserve(text.size() / 6);
  const char* p = text.data();
  const char* const stop = p + text.size();
  std::uint64_t line_no = 0;
  while (p < stop) {
    // A line ends at LF, CRLF or a lone CR (old Mac files), so no line end swallows the file.
    const char* eol = p;
    while (eol < stop && *eol != '\n' && *eol != '\r') ++eol;
    ++line_no;
    const std::string_view line(p, eol - p);
    p = eol < stop && *eol == '\r' && eol + 1 < stop && eol[1] == '\n' ? eol + 2 : eol + 1;
    const char* c = line.data();
    const char* const e = c + line.size();
    while (c < e && is_blank(*c)) ++c;
    if (c == e || *c == '#' || *c == '%') continue;
    const char* t0 = c;
    while (c < e && !is_blank(*c)) ++c;
    const std::string_view first(t0, c - t0);
    while (c < e && is_blank(*c)) ++c;
    if (c == e) bad_line(name, line_no, line, "expected two node ids \"u v\", found one");
    const char* t1 = c;
    while (c < e && !is_blank(*c)) ++c;
    const std::string_view second(t1, c - t1);
    const std::uint64_t u = parse_id(first, name, line_no, line);
    const std::uint64_t v = parse_id(second, name, line_no, line);
    ext.push_back(u);
    ext.push_back(v);
    out.self_loops += u == v;
  }
  out.lines = line_no;
  out.edge_lines = ext.size() / 2;

  std::vector<node_t> node;
  renumber(ext, out.external_ids, node, name);
  ext = {};
  const std::size_t m = node.size() / 2;
  std::vector<node_t> src(m), dst(m);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < m; ++i) {
    src[i] = node[2 * i];
    dst[i] = node[2 * i + 1];
  }
  node = {};
  const node_t n = static_cast<node_t>(out.external_ids.size());
  out.graph = build_csr(n, src, dst, {}, {.symmetrize = !options.directed});
  const std::uint64_t kept = options.directed ? out.graph.num_edges() : out.graph.num_edges() / 2;
  out.duplicates = out.edge_lines - out.self_loops - kept;
  return out;
}

EdgeList read_edge_list(const std::string& path, EdgeListOptions options) {
  require_regular_file(path, "edge list");
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f)
    throw InputError("edge list \"" + printable(path) + "\": cannot open (" + std::strerror(errno) + ")");
  struct stat st {};
  std::string text;
  if (::fstat(::fileno(f.get()), &st) == 0 && st.st_size > 0) {
    text.resize(static_cast<std::size_t>(st.st_size));
    text.resize(std::fread(text.data(), 1, text.size(), f.get()));
  }
  // Whatever a size could not tell (a file still growing).
  char buf[1 << 16];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, got);
  if (std::ferror(f.get()))
    throw InputError("edge list \"" + printable(path) + "\": read error (" + std::strerror(errno) + ")");
  EdgeList el = parse_edge_list(text, path, options);
  // A graph needs people and ties: an empty file (or one of comments) is a mistake, not a network.
  if (el.edge_lines == 0)
    throw InputError("edge list \"" + printable(path) + "\": holds no edges (" + std::to_string(el.lines) +
                     " lines, all blank or comments); expected one edge \"u v\" per line");
  if (el.edge_lines == el.self_loops)
    throw InputError("edge list \"" + printable(path) + "\": holds no tie between two different people (" +
                     std::to_string(el.self_loops) + " self-loops, dropped); expected edges \"u v\" with u != v");
  return el;
}

}  // namespace nanoreach
