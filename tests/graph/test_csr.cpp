// The CSR layer: build_csr on hand-drawn graphs (dedup keeps the smallest attribute, lists sorted by
// (attribute, target), self-loops dropped, symmetrize), transpose, the canonical-order checks, and the
// same arrays on 1 and 4 threads.
#include <catch2/catch.hpp>

#include <omp.h>

#include <cstdint>
#include <vector>

#include "nanoreach/graph/csr.hpp"
#include "nanoreach/rng.hpp"

using namespace nanoreach;

namespace {

// A random directed multigraph with attributes 1..4, self-loops and repeats included.
struct Edges {
  std::vector<node_t> src, dst;
  std::vector<std::uint8_t> attr;
};
Edges random_edges(node_t n, std::size_t m, std::uint64_t seed) {
  Edges e;
  const std::uint64_t key = rng::derive(seed, rng::Purpose::sample, 1);
  for (std::size_t i = 0; i < m; ++i) {
    const std::uint64_t h = rng::hash(key, i);
    e.src.push_back(rng::scale32(static_cast<std::uint32_t>(h), n));
    e.dst.push_back(rng::scale32(static_cast<std::uint32_t>(h >> 32), n));
    e.attr.push_back(static_cast<std::uint8_t>(1 + rng::hash(key ^ 1, i) % 4));
  }
  return e;
}

struct ThreadCount {
  int saved = omp_get_max_threads();
  explicit ThreadCount(int n) { omp_set_num_threads(n); }
  ~ThreadCount() { omp_set_num_threads(saved); }
};

}  // namespace

TEST_CASE("csr: build_csr on a hand-drawn directed graph", "[csr]") {
  // 0->2 (attr 3), 0->1 (4), 0->2 again (2), 0->0 (self-loop), 2->1 (1), 1->0 (2), 0->1 again (4)
  const std::vector<node_t> src{0, 0, 0, 0, 2, 1, 0};
  const std::vector<node_t> dst{2, 1, 2, 0, 1, 0, 1};
  const std::vector<std::uint8_t> at{3, 4, 2, 1, 1, 2, 4};
  const Csr g = build_csr(3, src, dst, at);
  g.check_canonical();
  REQUIRE(g.num_nodes() == 3);
  REQUIRE(g.num_edges() == 4);
  REQUIRE(g.offsets() == std::vector<offset_t>{0, 2, 3, 4});
  // Node 0: 0->2 keeps its smallest attribute 2, which sorts before 0->1 (attr 4).
  REQUIRE(g.targets() == std::vector<node_t>{2, 1, 0, 1});
  REQUIRE(g.attr() == std::vector<std::uint8_t>{2, 4, 2, 1});
  REQUIRE(g.edge_attr(0, 2) == 2);
  REQUIRE(g.edge_attr(0, 1) == 4);
  REQUIRE(g.edge_attr(0, 0) == 0);  // the self-loop was dropped
  REQUIRE(g.edge_attr(1, 2) == 0);
  REQUIRE(g.max_degree() == 2);
  REQUIRE_FALSE(g.is_symmetric());

  CsrBuildOptions keep_loops;
  keep_loops.drop_self_loops = false;
  const Csr with_loop = build_csr(3, src, dst, at, keep_loops);
  REQUIRE(with_loop.num_edges() == 5);
  REQUIRE(with_loop.edge_attr(0, 0) == 1);
  // Sorted by (attribute, target): 0 (1), 2 (2), 1 (4).
  REQUIRE(std::vector<node_t>(with_loop.neighbors(0).begin(), with_loop.neighbors(0).end()) ==
          std::vector<node_t>{0, 2, 1});
}

TEST_CASE("csr: build_csr without attributes sorts by target and de-duplicates", "[csr]") {
  const std::vector<node_t> src{3, 3, 3, 0, 3, 1};
  const std::vector<node_t> dst{2, 0, 2, 3, 3, 1};
  const Csr g = build_csr(4, src, dst);
  g.check_canonical();
  REQUIRE_FALSE(g.has_attr());
  REQUIRE(g.offsets() == std::vector<offset_t>{0, 1, 1, 1, 3});
  REQUIRE(g.targets() == std::vector<node_t>{3, 0, 2});
  REQUIRE(g.has_edge(3, 2));
  REQUIRE_FALSE(g.has_edge(2, 3));
}

TEST_CASE("csr: symmetrize stores each tie both ways with the smallest attribute", "[csr]") {
  // A triangle 0-1-2 given partly both ways with different attributes, plus a pendant 2-3.
  const std::vector<node_t> src{0, 1, 1, 2, 3, 2};
  const std::vector<node_t> dst{1, 0, 2, 0, 2, 2};
  const std::vector<std::uint8_t> at{3, 1, 2, 4, 1, 1};
  const Csr g = build_csr(4, src, dst, at, {.symmetrize = true});
  g.check_canonical();
  REQUIRE(g.is_symmetric());
  REQUIRE(g.num_edges() == 8);
  REQUIRE(g.edge_attr(0, 1) == 1);
  REQUIRE(g.edge_attr(1, 0) == 1);
  REQUIRE(g.edge_attr(1, 2) == 2);
  REQUIRE(g.edge_attr(2, 0) == 4);
  REQUIRE(g.edge_attr(0, 2) == 4);
  REQUIRE(g.edge_attr(3, 2) == 1);
  REQUIRE(g.edge_attr(2, 2) == 0);
  REQUIRE(g.degree(2) == 3);
  // Node 2: 3 (attr 1), 1 (attr 2), 0 (attr 4).
  REQUIRE(std::vector<node_t>(g.neighbors(2).begin(), g.neighbors(2).end()) == std::vector<node_t>{3, 1, 0});
}

TEST_CASE("csr: build_csr rejects an edge naming a node outside 0 .. n - 1", "[csr]") {
  const std::vector<node_t> src{0, 1};
  const std::vector<node_t> dst{1, 5};
  REQUIRE_THROWS_AS(build_csr(3, src, dst), Error);
  REQUIRE_THROWS_WITH(build_csr(3, src, dst), Catch::Contains("outside [0, 3)"));
}

TEST_CASE("csr: transpose reverses edges and twice is the identity", "[csr]") {
  const Edges e = random_edges(200, 3000, 5);
  CsrBuildOptions keep_loops;
  keep_loops.drop_self_loops = false;
  const Csr g = build_csr(200, e.src, e.dst, e.attr, keep_loops);
  const Csr t = transpose(g);
  t.check_canonical();
  REQUIRE(t.num_edges() == g.num_edges());
  for (node_t u = 0; u < g.num_nodes(); ++u) {
    const auto nb = g.neighbors(u);
    const auto at = g.attrs(u);
    for (std::size_t i = 0; i < nb.size(); ++i) REQUIRE(t.edge_attr(nb[i], u) == at[i]);
  }
  REQUIRE(transpose(t) == g);

  const Csr s = build_csr(200, e.src, e.dst, e.attr, {.symmetrize = true});
  REQUIRE(s.is_symmetric());
  REQUIRE(transpose(s) == s);
}

TEST_CASE("csr: check_canonical names the broken invariant", "[csr]") {
  SECTION("a list out of order") {
    const Csr g({0, 2, 2, 2}, {2, 1});
    REQUIRE_THROWS_WITH(g.check_canonical(), Catch::Contains("not sorted"));
  }
  SECTION("a repeated target") {
    const Csr g({0, 2, 2, 2}, {1, 1});
    REQUIRE_THROWS_WITH(g.check_canonical(), Catch::Contains("node 0"));
  }
  SECTION("a repeated target in two attribute groups") {
    const Csr g({0, 2, 2}, {1, 1}, {1, 2});
    REQUIRE_THROWS_WITH(g.check_canonical(), Catch::Contains("twice"));
  }
  SECTION("attributes out of order") {
    const Csr g({0, 2, 2, 2}, {1, 2}, {3, 1});
    REQUIRE_THROWS_WITH(g.check_canonical(), Catch::Contains("not sorted by (attribute, target)"));
  }
  SECTION("a target outside the node range") {
    const Csr g({0, 1, 1}, {7});
    REQUIRE_THROWS_WITH(g.check_canonical(), Catch::Contains("outside [0, 2)"));
  }
  SECTION("offsets that decrease") {
    const Csr g({0, 2, 1, 2}, {1, 2});
    REQUIRE_THROWS_WITH(g.check_canonical(), Catch::Contains("decrease"));
  }
  SECTION("shapes the constructor refuses") {
    REQUIRE_THROWS_AS(Csr({1, 1}, {0}), Error);
    REQUIRE_THROWS_AS(Csr({0, 2}, {0}), Error);
    REQUIRE_THROWS_AS(Csr({0, 1, 1}, {1}, {1, 2}), Error);
  }
  SECTION("a canonical layer passes") {
    const Csr g({0, 2, 3, 3}, {1, 2, 0});
    REQUIRE_NOTHROW(g.check_canonical());
  }
}

TEST_CASE("csr: 1 and 4 threads build identical arrays", "[csr][threads]") {
  const Edges e = random_edges(5000, 60000, 9);
  Csr one, four, one_sym, four_sym;
  {
    ThreadCount t(1);
    one = build_csr(5000, e.src, e.dst, e.attr);
    one_sym = build_csr(5000, e.src, e.dst, {}, {.symmetrize = true});
  }
  {
    ThreadCount t(4);
    four = build_csr(5000, e.src, e.dst, e.attr);
    four_sym = build_csr(5000, e.src, e.dst, {}, {.symmetrize = true});
  }
  one.check_canonical();
  one_sym.check_canonical();
  REQUIRE(one == four);
  REQUIRE(one_sym == four_sym);
  REQUIRE(one_sym.is_symmetric());
}
