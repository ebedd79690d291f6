// The Boost.Graph adapter: Csr models the traversal concepts, and BGL's connected components,
// breadth-first search and core numbers on a Csr agree with hand counts and with a plain BFS written
// here (the serial reference).
#include <catch2/catch.hpp>

#include <boost/concept/assert.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/core_numbers.hpp>
#include <boost/graph/graph_concepts.hpp>
#include <boost/property_map/property_map.hpp>

#include <cstdint>
#include <queue>
#include <vector>

#include "nanoreach/graph/bgl.hpp"
#include "nanoreach/graph/csr.hpp"
#include "nanoreach/rng.hpp"

using namespace nanoreach;

BOOST_CONCEPT_ASSERT((boost::GraphConcept<Csr>));
BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<Csr>));
BOOST_CONCEPT_ASSERT((boost::AdjacencyGraphConcept<Csr>));
BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<Csr>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyGraphConcept<Csr, node_t, boost::vertex_index_t>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyMapConcept<
                      boost::property_map<Csr, boost::vertex_index_t>::const_type, node_t>));

namespace {

Csr undirected(node_t n, const std::vector<std::pair<node_t, node_t>>& edges) {
  std::vector<node_t> src, dst;
  for (auto [u, v] : edges) {
    src.push_back(u);
    dst.push_back(v);
  }
  return build_csr(n, src, dst, {}, {.symmetrize = true});
}

// Hop distances from s by a plain queue; kNoNode where unreachable.
std::vector<node_t> reference_bfs(const Csr& g, node_t s) {
  std::vector<node_t> dist(g.num_nodes(), kNoNode);
  std::queue<node_t> q;
  dist[s] = 0;
  q.push(s);
  while (!q.empty()) {
    const node_t u = q.front();
    q.pop();
    for (node_t v : g.neighbors(u))
      if (dist[v] == kNoNode) {
        dist[v] = dist[u] + 1;
        q.push(v);
      }
  }
  return dist;
}

// A sparse random undirected graph (mean degree ~1.6, so several components).
Csr sparse_random(node_t n, std::uint64_t seed) {
  std::vector<node_t> src, dst;
  const std::uint64_t key = rng::derive(seed, rng::Purpose::sample, 99);
  for (std::uint64_t i = 0; i < std::uint64_t(n) * 4 / 5; ++i) {
    src.push_back(rng::scale32(static_cast<std::uint32_t>(rng::hash(key, 2 * i)), n));
    dst.push_back(rng::scale32(static_cast<std::uint32_t>(rng::hash(key, 2 * i + 1)), n));
  }
  return build_csr(n, src, dst, {}, {.symmetrize = true});
}

}  // namespace

TEST_CASE("bgl: traversal functions mirror the CSR arrays", "[bgl]") {
  const Csr g = undirected(4, {{0, 1}, {0, 2}, {2, 3}});
  REQUIRE(num_vertices(g) == 4);
  REQUIRE(num_edges(g) == 6);  // stored entries: each tie twice
  REQUIRE(out_degree(0, g) == 2);
  std::vector<node_t> targets;
  for (auto [it, end] = out_edges(0, g); it != end; ++it) {
    REQUIRE(source(*it, g) == 0);
    targets.push_back(target(*it, g));
  }
  REQUIRE(targets == std::vector<node_t>{1, 2});
  auto [a, b] = adjacent_vertices(2, g);
  REQUIRE(std::vector<node_t>(a, b) == std::vector<node_t>{0, 3});
  auto [vb, ve] = vertices(g);
  REQUIRE(std::vector<node_t>(vb, ve) == std::vector<node_t>{0, 1, 2, 3});
  REQUIRE(get(boost::vertex_index, g, node_t(3)) == 3);
  REQUIRE(get(get(boost::vertex_index, g), node_t(2)) == 2);
  REQUIRE(boost::graph_traits<Csr>::null_vertex() == kNoNode);
}

TEST_CASE("bgl: connected_components matches a hand count", "[bgl]") {
  // {0,1,2} a triangle, {3,4} a pair, {5} alone, {6,7,8,9} a path.
  const Csr g = undirected(10, {{0, 1}, {1, 2}, {2, 0}, {3, 4}, {6, 7}, {7, 8}, {8, 9}});
  std::vector<int> comp(g.num_nodes());
  const int count = boost::connected_components(g, comp.data());
  REQUIRE(count == 4);
  REQUIRE(comp[0] == comp[1]);
  REQUIRE(comp[1] == comp[2]);
  REQUIRE(comp[3] == comp[4]);
  REQUIRE(comp[6] == comp[9]);
  REQUIRE(comp[0] != comp[3]);
  REQUIRE(comp[0] != comp[5]);
  REQUIRE(comp[3] != comp[6]);
  REQUIRE(comp[5] != comp[6]);
}

TEST_CASE("bgl: connected_components agrees with repeated plain BFS on a random graph", "[bgl]") {
  const Csr g = sparse_random(3000, 7);
  std::vector<int> comp(g.num_nodes());
  const int count = boost::connected_components(g, comp.data());
  std::vector<int> ref(g.num_nodes(), -1);
  int ref_count = 0;
  for (node_t s = 0; s < g.num_nodes(); ++s) {
    if (ref[s] >= 0) continue;
    const auto dist = reference_bfs(g, s);
    for (node_t v = 0; v < g.num_nodes(); ++v)
      if (dist[v] != kNoNode) ref[v] = ref_count;
    ++ref_count;
  }
  REQUIRE(count == ref_count);
  REQUIRE(count > 1);
  // Same partition: component labels correspond one to one.
  std::vector<int> map(count, -1);
  for (node_t v = 0; v < g.num_nodes(); ++v) {
    if (map[comp[v]] < 0) map[comp[v]] = ref[v];
    REQUIRE(map[comp[v]] == ref[v]);
  }
}

TEST_CASE("bgl: breadth_first_search distances match a plain BFS", "[bgl]") {
  const Csr g = sparse_random(3000, 11);
  for (node_t s : {node_t(0), node_t(17), node_t(2999)}) {
    std::vector<node_t> dist(g.num_nodes(), kNoNode);
    dist[s] = 0;
    boost::breadth_first_search(
        g, s,
        boost::visitor(boost::make_bfs_visitor(boost::record_distances(dist.data(), boost::on_tree_edge()))));
    REQUIRE(dist == reference_bfs(g, s));
  }
  // A path 0-1-2-3-4 by hand.
  const Csr path = undirected(5, {{0, 1}, {1, 2}, {2, 3}, {3, 4}});
  std::vector<node_t> dist(5, kNoNode);
  dist[2] = 0;
  boost::breadth_first_search(
      path, node_t(2),
      boost::visitor(boost::make_bfs_visitor(boost::record_distances(dist.data(), boost::on_tree_edge()))));
  REQUIRE(dist == std::vector<node_t>{2, 1, 0, 1, 2});
}

TEST_CASE("bgl: core_numbers on a clique with a tail", "[bgl]") {
  // K4 on {0,1,2,3}, a tail 3-4-5, and node 6 alone.
  const Csr g = undirected(7, {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}, {3, 4}, {4, 5}});
  std::vector<std::uint32_t> core(g.num_nodes());
  boost::core_numbers(g, boost::make_iterator_property_map(core.begin(), get(boost::vertex_index, g)));
  REQUIRE(core == std::vector<std::uint32_t>{3, 3, 3, 3, 1, 1, 0});
}
