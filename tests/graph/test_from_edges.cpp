// Graphs from in-memory edges (from_edges.hpp) follow the edge-list source's rule: the SNAP file
// read directed by build_graph and handed over as arrays give the same graph; undirected edges
// give a symmetric strong layer with the circles given; bad ids and circles are refused by name.
#include <catch2/catch.hpp>

#include "nanoreach/graph/edge_list.hpp"
#include "nanoreach/graph/from_edges.hpp"

using namespace nanoreach;

namespace {
const std::string kFacebook = std::string(NANOREACH_TEST_DATA) + "/snap-ego-facebook.txt";

void arcs_of(const Csr& g, std::vector<node_t>& src, std::vector<node_t>& dst) {
  for (node_t u = 0; u < g.num_nodes(); ++u)
    for (node_t v : g.neighbors(u)) {
      src.push_back(u);
      dst.push_back(v);
    }
}
}  // namespace

TEST_CASE("from_edges: directed arcs give the edge-list source's graph", "[from_edges]") {
  GraphSpec spec;
  spec.source = GraphSpec::Source::edgelist;
  spec.path = kFacebook;
  spec.directed = true;
  spec.circle = 2;
  const SocialGraph file = build_graph(spec, 3);
  EdgeListOptions o;
  o.directed = true;
  const EdgeList el = read_edge_list(kFacebook, o);
  std::vector<node_t> src, dst;
  arcs_of(el.graph, src, dst);
  const SocialGraph mem = social_from_edges(el.graph.num_nodes(), src, dst, {}, true, spec, 3);
  REQUIRE(mem.strong == file.strong);
  REQUIRE(mem.audience == file.audience);
  REQUIRE(mem.tier == file.tier);
  REQUIRE(file.audience.num_edges() > 0);
}

TEST_CASE("from_edges: undirected ties keep their smallest circle, errors name the edge", "[from_edges]") {
  GraphSpec spec;
  spec.audience.distribution = AudienceParams::Distribution::none;
  const std::vector<node_t> src = {0, 1, 1, 2, 3};
  const std::vector<node_t> dst = {1, 0, 2, 2, 0};
  const std::vector<std::uint8_t> circle = {3, 2, 1, 4, 4};
  const SocialGraph g = social_from_edges(5, src, dst, circle, false, spec, 1);
  REQUIRE(g.strong.is_symmetric());
  REQUIRE(g.strong.num_edges() == 6);  // 0-1, 1-2, 0-3 both ways; the self-loop 2-2 dropped
  REQUIRE(g.strong.edge_attr(0, 1) == 2);
  REQUIRE(g.strong.edge_attr(3, 0) == 4);
  REQUIRE(g.audience.num_edges() == 0);
  REQUIRE(g.people() == 5);
  const std::vector<node_t> far = {7};
  const std::vector<node_t> zero = {0};
  REQUIRE_THROWS_WITH(social_from_edges(5, far, zero, {}, false, spec, 1), Catch::Contains("edge 0 (7, 0)"));
  const std::vector<std::uint8_t> five = {5};
  REQUIRE_THROWS_WITH(social_from_edges(5, zero, std::vector<node_t>{1}, five, false, spec, 1),
                      Catch::Contains("circle 5"));
  const std::vector<node_t> as = {4}, ad = {1};
  const SocialGraph layers = social_from_layers(5, src, dst, circle, as, ad, spec);
  REQUIRE(layers.strong == g.strong);
  REQUIRE(layers.audience.neighbors(4).size() == 1);
  REQUIRE(layers.followers(4) == 1);
}
