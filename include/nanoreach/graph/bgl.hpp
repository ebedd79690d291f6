// Boost.Graph adapter: nanoreach::Csr models IncidenceGraph, AdjacencyGraph and VertexListGraph, with
// an identity vertex_index map, so BGL algorithms run on a layer unchanged as reference
// implementations (connected components, breadth-first search, core numbers...).
//
// Invariants and choices:
//   * vertex = node_t, vertex_index is the identity; edge = {source, index into targets()}, so an edge
//     names one stored entry and two edges are equal exactly when they name the same entry;
//   * directed_category is directed_tag: a Csr is a list of stored arcs. An undirected layer (each tie
//     stored both ways) is therefore a symmetric directed graph to BGL, and num_edges() counts stored
//     entries (twice the ties). Algorithms that only follow out-edges and colour vertices give the
//     undirected answer on it: breadth_first_search, depth_first_search, core_numbers, and
//     connected_components(g, component_map). The named-parameter overload
//     connected_components(g, map, params) static-asserts undirected_tag and does not compile here;
//   * edge_parallel_category is disallow_parallel_edge_tag: a canonical layer names no target twice.
// No EdgeListGraph, BidirectionalGraph or mutation: a Csr is immutable and holds no in-edges
// (use transpose()). Follows the adapter pattern of boost/graph/vector_as_graph.hpp.
#pragma once

#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/iterator_facade.hpp>
#include <boost/property_map/property_map.hpp>

#include <cstddef>
#include <utility>

#include "nanoreach/graph/csr.hpp"

namespace nanoreach {

// One stored entry of a Csr: the arc source -> targets()[index].
struct CsrEdge {
  node_t source = kNoNode;
  offset_t index = 0;
  friend bool operator==(const CsrEdge&, const CsrEdge&) = default;
};

// Walks the entries [begin(u), end(u)) of one node; dereferencing yields a CsrEdge by value.
class CsrOutEdgeIterator
    : public boost::iterator_facade<CsrOutEdgeIterator, CsrEdge, boost::random_access_traversal_tag,
                                    CsrEdge, std::ptrdiff_t> {
 public:
  CsrOutEdgeIterator() = default;
  CsrOutEdgeIterator(node_t source, offset_t index) : edge_{source, index} {}

 private:
  friend class boost::iterator_core_access;
  CsrEdge dereference() const { return edge_; }
  bool equal(const CsrOutEdgeIterator& o) const { return edge_.index == o.edge_.index; }
  void increment() { ++edge_.index; }
  void decrement() { --edge_.index; }
  void advance(std::ptrdiff_t d) { edge_.index += d; }
  std::ptrdiff_t distance_to(const CsrOutEdgeIterator& o) const {
    return static_cast<std::ptrdiff_t>(o.edge_.index) - static_cast<std::ptrdiff_t>(edge_.index);
  }
  CsrEdge edge_;
};

struct CsrTraversalTag : boost::incidence_graph_tag,
                         boost::adjacency_graph_tag,
                         boost::vertex_list_graph_tag {};

// Free functions found by argument-dependent lookup from BGL's unqualified calls.
inline node_t source(const CsrEdge& e, const Csr&) { return e.source; }
inline node_t target(const CsrEdge& e, const Csr& g) { return g.targets()[e.index]; }
inline std::pair<CsrOutEdgeIterator, CsrOutEdgeIterator> out_edges(node_t u, const Csr& g) {
  return {CsrOutEdgeIterator(u, g.begin(u)), CsrOutEdgeIterator(u, g.end(u))};
}
inline std::uint32_t out_degree(node_t u, const Csr& g) { return g.degree(u); }
inline std::pair<const node_t*, const node_t*> adjacent_vertices(node_t u, const Csr& g) {
  const auto nb = g.neighbors(u);
  return {nb.data(), nb.data() + nb.size()};
}
inline std::pair<boost::counting_iterator<node_t>, boost::counting_iterator<node_t>> vertices(const Csr& g) {
  return {boost::counting_iterator<node_t>(0), boost::counting_iterator<node_t>(g.num_nodes())};
}
inline node_t num_vertices(const Csr& g) { return g.num_nodes(); }
inline offset_t num_edges(const Csr& g) { return g.num_edges(); }  // stored entries

inline boost::typed_identity_property_map<node_t> get(boost::vertex_index_t, const Csr&) { return {}; }
inline node_t get(boost::vertex_index_t, const Csr&, node_t u) { return u; }

}  // namespace nanoreach

namespace boost {

template <>
struct graph_traits<nanoreach::Csr> {
  using vertex_descriptor = nanoreach::node_t;
  using edge_descriptor = nanoreach::CsrEdge;
  using directed_category = directed_tag;
  using edge_parallel_category = disallow_parallel_edge_tag;
  using traversal_category = nanoreach::CsrTraversalTag;
  using out_edge_iterator = nanoreach::CsrOutEdgeIterator;
  using adjacency_iterator = const nanoreach::node_t*;
  using vertex_iterator = counting_iterator<nanoreach::node_t>;
  using in_edge_iterator = void;
  using edge_iterator = void;
  using degree_size_type = std::uint32_t;
  using vertices_size_type = nanoreach::node_t;
  using edges_size_type = nanoreach::offset_t;
  static vertex_descriptor null_vertex() { return nanoreach::kNoNode; }
};
// Algorithms taking `Graph&` deduce `const Csr` from a const layer (core_numbers does).
template <>
struct graph_traits<const nanoreach::Csr> : graph_traits<nanoreach::Csr> {};

template <>
struct property_map<nanoreach::Csr, vertex_index_t> {
  using type = typed_identity_property_map<nanoreach::node_t>;
  using const_type = type;
};
template <>
struct property_map<const nanoreach::Csr, vertex_index_t> : property_map<nanoreach::Csr, vertex_index_t> {};

}  // namespace boost
