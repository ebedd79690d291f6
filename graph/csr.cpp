// Compressed sparse rows: construction in stages and the canonical-order checks.
//
// build_csr counts degrees with atomic increments and fills lists through atomic cursors, so the fill
// order depends on thread timing; canonicalize() then sorts each list by (attribute, target) and
// drops repeats, which makes the arrays identical on any thread count (STYLE.md habit 3).
#include "nanoreach/graph/csr.hpp"

#include <algorithm>
#include <atomic>
#include <string>

namespace nanoreach {

Csr::Csr(std::vector<offset_t> offsets, std::vector<node_t> targets, std::vector<std::uint8_t> attr)
    : offsets_(std::move(offsets)), targets_(std::move(targets)), attr_(std::move(attr)) {
  if (offsets_.empty() || offsets_.front() != 0)
    throw Error("CSR: offsets must start with 0");
  if (offsets_.back() != targets_.size())
    throw Error("CSR: last offset " + std::to_string(offsets_.back()) + " differs from " +
                std::to_string(targets_.size()) + " targets");
  if (!attr_.empty() && attr_.size() != targets_.size())
    throw Error("CSR: " + std::to_string(attr_.size()) + " attributes for " +
                std::to_string(targets_.size()) + " edges");
  checked_node_count(offsets_.size() - 1, "CSR");
}

std::uint8_t Csr::edge_attr(node_t u, node_t v) const {
  const auto nb = neighbors(u);
  if (attr_.empty()) return std::binary_search(nb.begin(), nb.end(), v) ? 1 : 0;
  // Sorted by (attr, target): at most a few attribute groups, each sorted by target.
  const auto at = attrs(u);
  std::size_t i = 0;
  while (i < nb.size()) {
    std::size_t j = i;
    while (j < nb.size() && at[j] == at[i]) ++j;
    if (std::binary_search(nb.begin() + i, nb.begin() + j, v)) return at[i];
    i = j;
  }
  return 0;
}

std::uint32_t Csr::max_degree() const {
  std::uint32_t m = 0;
  const node_t n = num_nodes();
#pragma omp parallel for reduction(max : m) schedule(static)
  for (node_t u = 0; u < n; ++u) m = std::max(m, degree(u));
  return m;
}

std::size_t Csr::memory_bytes() const {
  return offsets_.size() * sizeof(offset_t) + targets_.size() * sizeof(node_t) + attr_.size();
}

void Csr::check_canonical() const {
  const node_t n = num_nodes();
  for (node_t u = 0; u < n; ++u)
    if (end(u) < begin(u) || end(u) > targets_.size())
      throw Error("CSR: offsets decrease or overrun at node " + std::to_string(u));
  for (node_t u = 0; u < n; ++u) {
    const auto nb = neighbors(u);
    const auto at = attrs(u);
    for (std::size_t i = 0; i < nb.size(); ++i) {
      if (nb[i] >= n)
        throw Error("CSR: node " + std::to_string(u) + " has neighbour " + std::to_string(nb[i]) +
                    " outside [0, " + std::to_string(n) + ")");
      if (i > 0) {
        const bool ordered = at.empty() ? nb[i - 1] < nb[i]
                                        : (at[i - 1] < at[i] || (at[i - 1] == at[i] && nb[i - 1] < nb[i]));
        if (!ordered)
          throw Error("CSR: neighbour list of node " + std::to_string(u) +
                      " is not sorted by (attribute, target) at position " + std::to_string(i));
      }
    }
    if (!at.empty()) {
      std::vector<node_t> sorted(nb.begin(), nb.end());
      std::sort(sorted.begin(), sorted.end());
      if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        throw Error("CSR: node " + std::to_string(u) + " names a neighbour twice");
    }
  }
}

bool Csr::is_symmetric() const {
  const node_t n = num_nodes();
  bool ok = true;
#pragma omp parallel for schedule(dynamic, 1024) reduction(&& : ok)
  for (node_t u = 0; u < n; ++u) {
    const auto nb = neighbors(u);
    const auto at = attrs(u);
    for (std::size_t i = 0; i < nb.size() && ok; ++i)
      if (edge_attr(nb[i], u) != (at.empty() ? 1 : at[i])) ok = false;
  }
  return ok;
}

std::vector<offset_t> prefix_offsets(const std::vector<offset_t>& counts) {
  std::vector<offset_t> offsets(counts.size() + 1);
  offsets[0] = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) offsets[i + 1] = offsets[i] + counts[i];
  return offsets;
}

void canonicalize(std::vector<offset_t>& offsets, std::vector<node_t>& targets,
                  std::vector<std::uint8_t>& attr) {
  const std::size_t n = offsets.size() - 1;
  const bool with_attr = !attr.empty();
  std::vector<offset_t> kept(n);
#pragma omp parallel
  {
    std::vector<std::uint64_t> keys;
#pragma omp for schedule(dynamic, 256)
    for (std::size_t u = 0; u < n; ++u) {
      const offset_t b = offsets[u], e = offsets[u + 1];
      if (!with_attr) {
        std::sort(targets.begin() + b, targets.begin() + e);
        kept[u] = std::unique(targets.begin() + b, targets.begin() + e) - (targets.begin() + b);
        continue;
      }
      // (target, attr) order puts a repeated target's smallest attribute first; keep that one.
      keys.clear();
      for (offset_t i = b; i < e; ++i) keys.push_back((std::uint64_t(targets[i]) << 8) | attr[i]);
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end(),
                             [](std::uint64_t x, std::uint64_t y) { return (x >> 8) == (y >> 8); }),
                 keys.end());
      for (auto& k : keys) k = ((k & 0xFF) << 32) | (k >> 8);  // now (attr, target)
      std::sort(keys.begin(), keys.end());
      for (std::size_t i = 0; i < keys.size(); ++i) {
        targets[b + i] = static_cast<node_t>(keys[i]);
        attr[b + i] = static_cast<std::uint8_t>(keys[i] >> 32);
      }
      kept[u] = keys.size();
    }
  }
  std::vector<offset_t> compact = prefix_offsets(kept);
  if (compact.back() == offsets.back()) return;
  std::vector<node_t> t2(compact.back());
  std::vector<std::uint8_t> a2(with_attr ? compact.back() : 0);
#pragma omp parallel for schedule(static)
  for (std::size_t u = 0; u < n; ++u) {
    std::copy_n(targets.begin() + offsets[u], kept[u], t2.begin() + compact[u]);
    if (with_attr) std::copy_n(attr.begin() + offsets[u], kept[u], a2.begin() + compact[u]);
  }
  offsets = std::move(compact);
  targets = std::move(t2);
  attr = std::move(a2);
}

Csr build_csr(node_t n, std::span<const node_t> src, std::span<const node_t> dst,
              std::span<const std::uint8_t> attr, CsrBuildOptions options) {
  if (src.size() != dst.size()) throw Error("build_csr: source and target arrays differ in length");
  const bool with_attr = !attr.empty();
  if (with_attr && attr.size() != src.size()) throw Error("build_csr: attribute array length differs");
  const std::size_t m = src.size();
  std::vector<offset_t> counts(n, 0);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < m; ++i) {
    if (src[i] >= n || dst[i] >= n)
      continue;  // reported below, outside the parallel region
    if (options.drop_self_loops && src[i] == dst[i]) continue;
    std::atomic_ref<offset_t>(counts[src[i]]).fetch_add(1, std::memory_order_relaxed);
    if (options.symmetrize) std::atomic_ref<offset_t>(counts[dst[i]]).fetch_add(1, std::memory_order_relaxed);
  }
  for (std::size_t i = 0; i < m; ++i)
    if (src[i] >= n || dst[i] >= n)
      throw Error("build_csr: edge " + std::to_string(i) + " (" + std::to_string(src[i]) + ", " +
                  std::to_string(dst[i]) + ") names a node outside [0, " + std::to_string(n) + ")");
  std::vector<offset_t> offsets = prefix_offsets(counts);
  std::vector<offset_t> cursor(offsets.begin(), offsets.end() - 1);
  std::vector<node_t> targets(offsets.back());
  std::vector<std::uint8_t> at(with_attr ? offsets.back() : 0);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < m; ++i) {
    if (options.drop_self_loops && src[i] == dst[i]) continue;
    offset_t p = std::atomic_ref<offset_t>(cursor[src[i]]).fetch_add(1, std::memory_order_relaxed);
    targets[p] = dst[i];
    if (with_attr) at[p] = attr[i];
    if (options.symmetrize) {
      p = std::atomic_ref<offset_t>(cursor[dst[i]]).fetch_add(1, std::memory_order_relaxed);
      targets[p] = src[i];
      if (with_attr) at[p] = attr[i];
    }
  }
  canonicalize(offsets, targets, at);
  return Csr(std::move(offsets), std::move(targets), std::move(at));
}

Csr transpose(const Csr& g) {
  const node_t n = g.num_nodes();
  std::vector<node_t> src(g.num_edges());
#pragma omp parallel for schedule(dynamic, 1024)
  for (node_t u = 0; u < n; ++u)
    std::fill(src.begin() + g.begin(u), src.begin() + g.end(u), u);
  CsrBuildOptions options;
  options.drop_self_loops = false;
  return build_csr(n, g.targets(), src, g.attr(), options);
}

}  // namespace nanoreach
