// Spectral radius, eigenvector centrality and bond percolation (see the header for the methods,
// their convergence criteria and the papers).
#include "nanoreach/sim/analytics.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace nanoreach {

namespace {

constexpr double kSupportCut = 1e-12;  // S = {u : x_u >= kSupportCut * max x} for the lower bound

// Power iteration on A + sI. row(u, f) calls f(v, w) for every entry A[u][v] = w of row u, in a fixed
// order; each row is summed by one thread, so y does not depend on the thread count.
template <class Row>
Spectral power_iteration(node_t n, Row&& row, const PowerParams& params) {
  if (!(params.tolerance > 0.0)) throw ConfigError("analytics.tolerance", "must be positive, got " + number_text(params.tolerance));
  Spectral out;
  if (n == 0) {
    out.converged = true;
    return out;
  }
  const std::int64_t nn = n;
  Eigen::VectorXd x = Eigen::VectorXd::Constant(n, 1.0 / std::sqrt(double(n)));
  Eigen::VectorXd y(n), z(n);

  // Shift: half the mean row sum, so that the shift scales with the matrix.
  Eigen::VectorXd rowsum(n);
#pragma omp parallel for schedule(dynamic, 4096) if (nn >= 2048)
  for (std::int64_t u = 0; u < nn; ++u) {
    double s = 0;
    row(static_cast<node_t>(u), [&](node_t, double w) { s += w; });
    rowsum[u] = s;
  }
  const double mean_row = rowsum.sum() / double(n);
  const double shift = mean_row > 0 ? 0.5 * mean_row : 1.0;

  for (std::uint32_t it = 1; it <= params.max_iterations; ++it) {
    const double cut = kSupportCut * x.maxCoeff();
#pragma omp parallel for schedule(dynamic, 4096) if (nn >= 2048)
    for (std::int64_t u = 0; u < nn; ++u) {
      double all = 0, inside = 0;
      row(static_cast<node_t>(u), [&](node_t v, double w) {
        const double t = w * x[v];
        all += t;
        if (x[v] >= cut) inside += t;
      });
      y[u] = all;
      z[u] = inside;
    }
    double lower = HUGE_VAL, upper = 0;
    for (std::int64_t u = 0; u < nn; ++u) {
      upper = std::max(upper, y[u] / x[u]);
      if (x[u] >= cut) lower = std::min(lower, z[u] / x[u]);
    }
    lower = std::max(lower, 0.0);
    y += shift * x;
    x = y / y.norm();
    out.iterations = it;
    out.lower = lower;
    out.upper = upper;
    if (upper - lower <= params.tolerance * upper) {
      out.converged = true;
      break;
    }
  }
  out.lambda = 0.5 * (out.lower + out.upper);
  out.vector.assign(x.data(), x.data() + n);
  return out;
}

// Rows of a social graph's layers: strong ties (weight 1 or strong_p(circle)), then audience edges
// (weight 1 or audience_p(account)) when combined.
struct SocialRows {
  const SocialGraph& g;
  const Exposure* ex;  // null: unit weights
  bool combined;

  template <class F>
  void operator()(node_t u, F&& f) const {
    const auto nb = g.strong.neighbors(u);
    if (ex == nullptr) {
      for (node_t v : nb) f(v, 1.0);
    } else {
      const auto at = g.strong.attrs(u);
      for (std::size_t i = 0; i < nb.size(); ++i) f(nb[i], ex->strong_p(at.empty() ? 1 : at[i]));
    }
    if (!combined) return;
    const double w = ex == nullptr ? 1.0 : ex->audience_p(u);
    for (node_t v : g.audience.neighbors(u)) f(v, w);
  }
};

// Newman's generating functions of the degree distribution.
struct Degrees {
  std::vector<double> p;  // p[k] = P(degree k)
  double mean = 0, mean_sq = 0;

  explicit Degrees(std::span<const std::uint64_t> hist) {
    double total = 0;
    for (std::uint64_t h : hist) total += double(h);
    if (!(total > 0)) throw InputError("bond percolation: the degree histogram is empty");
    p.resize(hist.size());
    for (std::size_t k = 0; k < hist.size(); ++k) {
      p[k] = double(hist[k]) / total;
      mean += double(k) * p[k];
      mean_sq += double(k) * double(k) * p[k];
    }
  }
  double g0(double x) const {  // Horner, highest degree first
    double s = 0;
    for (std::size_t k = p.size(); k-- > 0;) s = s * x + p[k];
    return s;
  }
  double g1(double x) const {  // sum k p_k x^(k-1) / <k>
    double s = 0;
    for (std::size_t k = p.size(); k-- > 1;) s = s * x + double(k) * p[k];
    return s / mean;
  }
};

}  // namespace

Spectral spectral_radius(const Csr& layer, const PowerParams& params) {
  return power_iteration(
      layer.num_nodes(),
      [&](node_t u, auto&& f) {
        for (node_t v : layer.neighbors(u)) f(v, 1.0);
      },
      params);
}

Spectral spectral_radius(const SocialGraph& g, Layers layers, const PowerParams& params) {
  return power_iteration(g.people(), SocialRows{g, nullptr, layers == Layers::combined}, params);
}

Spectral spectral_radius(const Exposure& ex, Layers layers, Weights weights, const PowerParams& params) {
  return power_iteration(ex.graph().people(),
                         SocialRows{ex.graph(), weights == Weights::probability ? &ex : nullptr,
                                    layers == Layers::combined},
                         params);
}

double critical_probability(double lambda_1) { return lambda_1 > 0 ? 1.0 / lambda_1 : HUGE_VAL; }

Spectral eigenvector_centrality(const Csr& strong, const PowerParams& params) {
  return spectral_radius(strong, params);
}

std::vector<node_t> top_scores(const std::vector<double>& score, std::uint32_t k) {
  std::vector<node_t> order(score.size());
  std::iota(order.begin(), order.end(), node_t(0));
  const std::size_t m = std::min<std::size_t>(k, order.size());
  std::partial_sort(order.begin(), order.begin() + m, order.end(), [&](node_t a, node_t b) {
    return score[a] > score[b] || (score[a] == score[b] && a < b);
  });
  order.resize(m);
  return order;
}

Eigen::SparseMatrix<double, Eigen::RowMajor, std::int64_t> adjacency_matrix(const Exposure& ex, Layers layers,
                                                                            Weights weights) {
  const SocialGraph& g = ex.graph();
  const node_t n = g.people();
  const SocialRows rows{g, weights == Weights::probability ? &ex : nullptr, layers == Layers::combined};
  std::vector<Eigen::Triplet<double, std::int64_t>> t;
  t.reserve(g.strong.num_edges() + (layers == Layers::combined ? g.audience.num_edges() : 0));
  for (node_t u = 0; u < n; ++u) rows(u, [&](node_t v, double w) { t.emplace_back(u, v, w); });
  Eigen::SparseMatrix<double, Eigen::RowMajor, std::int64_t> a(n, n);
  a.setFromTriplets(t.begin(), t.end());
  return a;
}

std::vector<std::uint64_t> degree_histogram(const Csr& layer) {
  std::vector<std::uint64_t> hist(std::size_t(layer.max_degree()) + 1, 0);
  for (node_t u = 0; u < layer.num_nodes(); ++u) ++hist[layer.degree(u)];
  return hist;
}

double critical_transmissibility(std::span<const std::uint64_t> degree_hist) {
  const Degrees d(degree_hist);
  const double excess = d.mean_sq - d.mean;
  return excess > 0 ? d.mean / excess : HUGE_VAL;
}

Percolation bond_percolation(std::span<const std::uint64_t> degree_hist, double T) {
  if (!(T >= 0.0 && T <= 1.0))
    throw InputError("bond percolation: transmissibility must be in [0, 1], got " + number_text(T));
  const Degrees d(degree_hist);
  Percolation out;
  out.mean_degree = d.mean;
  out.mean_sq_degree = d.mean_sq;
  const double excess = d.mean_sq - d.mean;
  out.critical_T = excess > 0 ? d.mean / excess : HUGE_VAL;
  // At or below the threshold (T G1'(1) <= 1) the only root in [0, 1] is u = 1: no giant cluster.
  if (!(d.mean > 0) || !(T * excess > d.mean)) return out;
  auto f = [&](double u) { return d.g1(1.0 - T + T * u) - u; };
  // f < 0 just below 1 because f'(1) > 0; find such a point, then bisect [0, b].
  double h = 0.5;
  while (h > 0x1.0p-52 && !(f(1.0 - h) < 0.0)) h *= 0.5;
  if (!(f(1.0 - h) < 0.0)) return out;  // at the threshold to double precision: S = 0
  double lo = 0.0, hi = 1.0 - h;
  if (f(lo) <= 0.0) {
    hi = lo;  // f(0) = 0: u = 0 (T = 1 and nobody of degree 1)
  } else {
    while (hi - lo > 1e-14) {
      const double mid = 0.5 * (lo + hi);
      (f(mid) > 0.0 ? lo : hi) = mid;
    }
  }
  out.u = 0.5 * (lo + hi);
  out.outbreak_size = std::max(0.0, 1.0 - d.g0(1.0 - T + T * out.u));
  out.outbreak_probability = out.outbreak_size;
  return out;
}

double sir_transmissibility(double beta, double gamma) {
  if (!(beta >= 0.0 && beta <= 1.0 && gamma >= 0.0 && gamma <= 1.0))
    throw InputError("SIR transmissibility: beta and gamma are probabilities in [0, 1], got " + number_text(beta) + " and " +
                     number_text(gamma));
  const double d = beta + gamma - beta * gamma;
  return d > 0 ? beta / d : 0.0;  // beta = gamma = 0: nobody ever transmits
}

}  // namespace nanoreach
