// Classic random-graph models, as undirected canonical layers (each tie stored both ways, no
// attribute, no self-loops, no repeated ties): baselines to run cascades on beside the social graph.
//
// Reproducibility: every random number comes from nanoreach/rng.hpp, keyed by
// rng::derive(seed, Purpose::classic, <generator id>) with the work item (row block or node) in the
// stream counter, so the arrays are the same bytes on 1, 2 or 8 threads for the same seed.
//
// Papers followed:
//   * erdos_renyi: G(n, p) by geometric skipping over the pairs (Batagelj & Brandes, "Efficient
//     generation of large random networks", Phys. Rev. E 71, 036113, 2005), one stream per block of
//     1,024 rows; O(n + m).
//   * chung_lu: expected degrees w, tie {u, v} (u != v) with probability min(w_u w_v / sum w, 1),
//     skipping over the pairs of each node in order of decreasing weight (Miller & Hagberg,
//     "Efficient generation of networks with given expected degrees", WAW 2011); one stream per node.
//     The expected degree of u is sum_{v != u} min(w_u w_v / S, 1): slightly below w_u when w_u^2 / S
//     is not negligible or when products are clipped at 1.
//   * configuration_model: stub matching in a keyed pseudo-random order of the stubs (stubs sorted by
//     rng::hash of their index, a bijection, so the order has no ties). Self-loops and repeated ties
//     are DROPPED (the "erased" configuration model), so nodes may end with fewer ties than asked;
//     the loss is reported. An odd degree sum drops the last stub (of the highest-numbered node with a
//     positive degree).
//   * barabasi_albert: a clique on nodes 0..m, then each new node v ties to m distinct earlier nodes
//     chosen with probability proportional to degree, drawn from the list of tie endpoints
//     ("repeated nodes", Batagelj & Brandes 2005); a target already chosen for v is drawn again.
//     Exactly m(m+1)/2 + (n-m-1)m ties, every degree >= m. Serial, from one stream: deterministic;
//     the graph on the first n' nodes does not depend on n.
//   * watts_strogatz: ring lattice, u tied to u+1..u+k/2 (mod n) (Watts & Strogatz, Nature 393, 1998);
//     each lattice tie (u, u+j) is rewired with probability beta to (u, w), w uniform among nodes
//     outside u's lattice neighbourhood and not already chosen by u, from node u's own stream. Two
//     nodes that rewire to each other give one tie twice; canonicalisation keeps one (expected
//     number about (beta k / 2)^2 / 2 over the whole graph).
// Arguments out of range throw InputError naming the generator and the value.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "nanoreach/graph/csr.hpp"

namespace nanoreach {

// G(n, p): each of the n(n-1)/2 pairs is a tie independently with probability p in [0, 1].
Csr erdos_renyi(node_t n, double p, std::uint64_t seed);
// G(n, p) with p = mean_degree / (n - 1); mean_degree in [0, n - 1].
Csr erdos_renyi_mean_degree(node_t n, double mean_degree, std::uint64_t seed);

// Chung-Lu with the given expected degrees (finite, >= 0); node u is expected_degrees[u]'s index.
Csr chung_lu(std::span<const double> expected_degrees, std::uint64_t seed);

// What the erased configuration model dropped: stubs, not ties (a repeated tie drops two stubs).
struct ConfigurationLoss {
  std::uint64_t odd_stub = 0;     // 1 when the degree sum was odd
  std::uint64_t self_loops = 0;   // matched stub pairs (u, u)
  std::uint64_t multi_edges = 0;  // matched stub pairs repeating a tie already made
};
// Degree sum (minus odd_stub) = 2 * (ties kept + self_loops + multi_edges).
Csr configuration_model(std::span<const std::uint32_t> degrees, std::uint64_t seed,
                        ConfigurationLoss* loss = nullptr);

// n degrees drawn independently with P(k) proportional to k^-exponent on [k_min, k_max], 1 <= k_min
// <= k_max, k_max - k_min < 2^24 (inverse transform on a table). The sum may be odd.
std::vector<std::uint32_t> power_law_degrees(node_t n, double exponent, std::uint32_t k_min,
                                             std::uint32_t k_max, std::uint64_t seed);
// n degrees drawn independently from Poisson(mean), 0 <= mean <= 1e7 (tail beyond mean + 20 sd
// + 20 is cut, probability below 1e-50). The sum may be odd.
std::vector<std::uint32_t> poisson_degrees(node_t n, double mean, std::uint64_t seed);

// Preferential attachment: n >= m + 1 nodes, m >= 1 ties per new node.
Csr barabasi_albert(node_t n, std::uint32_t m, std::uint64_t seed);

// Small world: k even, k < n, beta in [0, 1]. beta = 0 is exactly the ring lattice.
Csr watts_strogatz(node_t n, std::uint32_t k, double beta, std::uint64_t seed);

}  // namespace nanoreach
