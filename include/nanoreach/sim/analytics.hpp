// Closed-form and spectral predictions to set beside the simulations: where the epidemic threshold
// lies, who is central, and how large an outbreak a transmissibility gives.
//
// Spectral radius (largest eigenvalue lambda_1, the Perron root of a non-negative matrix) by power
// iteration on A + sI directly on the CSR layers. A[u][v] is the weight of u's edge to v: 1, or the
// exposure probability p(u -> v) of engine.hpp's IC. The iteration pulls over out-edges,
// y_u = sum_v A[u][v] x_v, i.e. it iterates A itself (lambda_1(A) = lambda_1(A^T)); for the symmetric
// strong layer the two are the same. The shift s = half the mean row sum (1 for a zero matrix)
// removes periodicity (a bipartite or cyclic layer has eigenvalues -lambda_1 or lambda_1 e^{i phi}
// that plain power iteration cannot separate) without moving the Perron vector.
// Convergence is certified by Collatz-Wielandt bounds: for x > 0, min_u (Ax)_u / x_u <= lambda_1 <=
// max_u (Ax)_u / x_u. The lower bound is taken over the support S = {u : x_u >= 1e-12 max x} with A
// restricted to S (still a valid bound: A x_S >= c x_S implies lambda_1 >= c), so it also closes on
// reducible matrices (isolated people, people who follow nobody). Iteration stops when
// upper - lower <= tolerance * upper; lambda_1 is reported as the midpoint with both bounds.
// Determinism: each y_u is summed by one thread in list order; norms and extrema are serial Eigen
// reductions, so the result is the same bits on any number of threads. The start vector is uniform.
//
// Epidemic thresholds (what this file implements):
//   * uniform probability p on every edge: the cascade is supercritical roughly when p lambda_1(A) > 1,
//     p_c ~ 1 / lambda_1(A) (Wang, Chakrabarti, Wang & Faloutsos, SRDS 2003, for SIS; Chakrabarti,
//     Wang, Wang, Leskovec & Faloutsos, ACM TISSEC 10(4), 2008, for a family of models including SIR);
//   * heterogeneous probabilities: lambda_1(P) > 1 for the probability-weighted matrix
//     P[u][v] = p(u -> v) (the same mean-field linearisation: the expected number of activations t
//     steps out grows like lambda_1(P)^t). Both ignore that an activation cannot travel back to the
//     person it came from and the clustering of the Dunbar layer, so they place the threshold early
//     (lower p) on clustered graphs; treat them as estimates, not bounds.
//
// Eigenvector centrality: the unit-norm, non-negative Perron vector of the strong layer (unit
// weights). On a disconnected layer the Perron vector is not unique; the iteration from the uniform
// vector returns the limit of that start (mass on the components of largest lambda_1).
//
// Bond percolation on the configuration model (Newman, "Spread of epidemic disease on networks",
// Phys. Rev. E 66, 016128, 2002) from a degree histogram: G0(x) = sum p_k x^k, G1(x) = G0'(x)/G0'(1).
// With transmissibility T, u = G1(1 - T + T u) (the smallest root in [0, 1]) and
// S = 1 - G0(1 - T + T u) is, on an undirected network, both the probability that one random seed
// starts a large outbreak and the large outbreak's expected size as a fraction of N. Critical
// T_c = <k> / (<k^2> - <k>). Below or at T_c, S = 0. The root is bracketed and bisected to an
// interval of width 1e-14 (f(u) = G1(1 - T + T u) - u is convex with f(0) >= 0, f(1) = 0 and, above
// T_c, f'(1) > 0, so it has exactly one root in [0, 1)).
// IC with edge probability p is bond percolation with T = p for the outbreak from one seed (each tie
// is tried once, in the direction the cascade first crosses it).
#pragma once

#include <Eigen/SparseCore>

#include <cstdint>
#include <span>
#include <vector>

#include "nanoreach/sim/exposure.hpp"

namespace nanoreach {

struct PowerParams {
  double tolerance = 1e-9;             // relative width of the Collatz-Wielandt bracket
  std::uint32_t max_iterations = 10000;
};

struct Spectral {
  double lambda = 0;   // (lower + upper) / 2
  double lower = 0;    // Collatz-Wielandt bounds on lambda_1
  double upper = 0;
  std::uint32_t iterations = 0;
  bool converged = false;
  std::vector<double> vector;  // the last iterate: non-negative, unit 2-norm (the Perron vector)
};

enum class Layers { strong, combined };    // strong ties only, or strong ties plus audience edges
enum class Weights { unit, probability };  // 1 per edge, or the edge's exposure probability

// lambda_1 of one layer's stored entries, each weight 1.
Spectral spectral_radius(const Csr& layer, const PowerParams& params = {});
// lambda_1 of a social graph's layers with unit weights.
Spectral spectral_radius(const SocialGraph& g, Layers layers, const PowerParams& params = {});
// lambda_1 with unit or probability weights (strong_p(circle), audience_p(account)); unpaid people.
Spectral spectral_radius(const Exposure& ex, Layers layers, Weights weights, const PowerParams& params = {});

// The uniform edge probability at the mean-field epidemic threshold, 1 / lambda_1 (infinity at 0).
double critical_probability(double lambda_1);

// Eigenvector centrality of a (symmetric) layer: Spectral::vector, unit 2-norm, non-negative.
Spectral eigenvector_centrality(const Csr& strong, const PowerParams& params = {});
// The k people of largest score, largest first, ties by smaller id.
std::vector<node_t> top_scores(const std::vector<double>& score, std::uint32_t k);

// The weighted adjacency as an Eigen sparse matrix, row u = u's out-edges (for small graphs and
// checks; a 1M-person graph needs about 16 bytes per stored edge).
Eigen::SparseMatrix<double, Eigen::RowMajor, std::int64_t> adjacency_matrix(const Exposure& ex, Layers layers,
                                                                            Weights weights);

// [k] = number of people with k entries in the layer (for a symmetric layer: k ties).
std::vector<std::uint64_t> degree_histogram(const Csr& layer);

struct Percolation {
  double outbreak_probability = 0;  // P(one uniformly random seed starts a large outbreak)
  double outbreak_size = 0;         // expected size of a large outbreak / N (equal on undirected networks)
  double u = 1;                     // P(an edge end does not lead into the giant cluster)
  double critical_T = 0;            // <k> / (<k^2> - <k>); infinity when <k^2> = <k>
  double mean_degree = 0;           // <k>
  double mean_sq_degree = 0;        // <k^2>
};

// Newman 2002 from degree_hist ([k] = people of degree k) and transmissibility T in [0, 1].
Percolation bond_percolation(std::span<const std::uint64_t> degree_hist, double T);
double critical_transmissibility(std::span<const std::uint64_t> degree_hist);

// Discrete-time SIR: transmit with beta per step while infectious, recover with gamma after each
// step; the probability that one infected person ever transmits over one edge (models.hpp).
double sir_transmissibility(double beta, double gamma);

}  // namespace nanoreach
