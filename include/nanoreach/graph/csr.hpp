// An immutable graph layer in compressed sparse rows (STYLE.md habit 3).
//
// Invariants, checked by check_canonical() and kept by every builder:
//   * offsets has N+1 entries, starts at 0, never decreases, ends at the number of stored entries;
//   * every target is a node id in [0, N);
//   * each neighbour list is sorted by (attribute, target) and names no target twice, so its order
//     never depends on which thread filled it;
//   * the optional one-byte attribute (a strong tie's circle) is either absent or has one entry per
//     stored edge.
// An undirected layer stores each tie twice (u->v and v->u). Node ids are 32-bit, offsets 64-bit.
// The layer models Boost.Graph's IncidenceGraph, AdjacencyGraph and VertexListGraph concepts through
// nanoreach/graph/bgl.hpp, so BGL algorithms run on it as reference implementations.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "nanoreach/types.hpp"

namespace nanoreach {

class Csr {
 public:
  Csr() : offsets_(1, 0) {}
  // Adopts finished arrays and checks their shape (not their order; see check_canonical()).
  Csr(std::vector<offset_t> offsets, std::vector<node_t> targets, std::vector<std::uint8_t> attr = {});
  // N nodes and no edges.
  static Csr empty(node_t n) { return Csr(std::vector<offset_t>(std::size_t(n) + 1, 0), {}); }

  node_t num_nodes() const { return static_cast<node_t>(offsets_.size() - 1); }
  offset_t num_edges() const { return offsets_.back(); }  // stored entries
  bool has_attr() const { return !attr_.empty(); }

  offset_t begin(node_t u) const { return offsets_[u]; }
  offset_t end(node_t u) const { return offsets_[std::size_t(u) + 1]; }
  std::uint32_t degree(node_t u) const { return static_cast<std::uint32_t>(end(u) - begin(u)); }
  std::span<const node_t> neighbors(node_t u) const {
    return {targets_.data() + begin(u), targets_.data() + end(u)};
  }
  // Attributes of u's edges, aligned with neighbors(u); empty when the layer has none.
  std::span<const std::uint8_t> attrs(node_t u) const {
    if (attr_.empty()) return {};
    return {attr_.data() + begin(u), attr_.data() + end(u)};
  }

  const std::vector<offset_t>& offsets() const { return offsets_; }
  const std::vector<node_t>& targets() const { return targets_; }
  const std::vector<std::uint8_t>& attr() const { return attr_; }

  // The attribute of edge u->v (1 when the layer has no attributes), or 0 when there is no such edge.
  std::uint8_t edge_attr(node_t u, node_t v) const;
  bool has_edge(node_t u, node_t v) const { return edge_attr(u, v) != 0; }
  std::uint32_t max_degree() const;
  std::size_t memory_bytes() const;

  // Throws Error naming the first broken invariant (order, duplicates, range).
  void check_canonical() const;
  // True when v->u is stored for every u->v with the same attribute.
  bool is_symmetric() const;

  bool operator==(const Csr&) const = default;

  // This layer's arrays with every edge given attribute a (moves the arrays out).
  Csr with_uniform_attr(std::uint8_t a) && {
    std::vector<std::uint8_t> at(targets_.size(), a);
    return Csr(std::move(offsets_), std::move(targets_), std::move(at));
  }

 private:
  std::vector<offset_t> offsets_;
  std::vector<node_t> targets_;
  std::vector<std::uint8_t> attr_;
};

struct CsrBuildOptions {
  bool symmetrize = false;       // store v->u for every u->v (an undirected layer)
  bool drop_self_loops = true;
};

// Builds a canonical layer from edge pairs in stages: count degrees, prefix-sum, fill, then sort and
// de-duplicate each list (a repeated target keeps its smallest attribute). Parallel and deterministic:
// the result does not depend on the thread count. attr is empty or aligned with src/dst.
Csr build_csr(node_t n, std::span<const node_t> src, std::span<const node_t> dst,
              std::span<const std::uint8_t> attr = {}, CsrBuildOptions options = {});

// Sorts each list of (offsets, targets, attr) by (attr, target), drops repeated targets (keeping the
// smallest attribute) and compacts the arrays. For builders whose fill order depends on threads.
void canonicalize(std::vector<offset_t>& offsets, std::vector<node_t>& targets,
                  std::vector<std::uint8_t>& attr);

// The reversed layer: v->u for every u->v, attributes carried.
Csr transpose(const Csr& g);

// Exclusive prefix sum of counts into offsets (size counts.size()+1).
std::vector<offset_t> prefix_offsets(const std::vector<offset_t>& counts);

}  // namespace nanoreach
