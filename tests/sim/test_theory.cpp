// The engine against theory beyond closed forms: SIR outbreak sizes against bond percolation
// (Newman 2002) and the threshold model's cascade window on Erdos-Renyi graphs (Watts 2002).
#include <catch2/catch.hpp>

#include <cmath>

#include "fixtures.hpp"
#include "nanoreach/sim/analytics.hpp"
#include "nanoreach/sim/engine.hpp"

using namespace nanoreach;
using namespace nanoreach::test;

namespace {

// Reaches of `runs` cascades, each from one uniformly random seed.
std::vector<double> reaches(const Exposure& ex, const Model& m, int runs, std::uint64_t key) {
  Scratch s(ex.graph().people());
  std::vector<double> out;
  for (int r = 0; r < runs; ++r) {
    rng::Stream pick(key, r, 99);
    const std::vector<node_t> seed = {static_cast<node_t>(pick.below(ex.graph().people()))};
    CascadeInput in;
    in.seeds = seed;
    in.key = key;
    in.run = static_cast<std::uint32_t>(r);
    RunResult res;
    simulate(ex, m, in, s, res);
    out.push_back(double(res.reach));
  }
  return out;
}

}  // namespace

TEST_CASE("SIR: large outbreaks have the size bond percolation predicts with T = b / (b + g - bg)",
          "[theory][sir]") {
  const node_t n = 20000;
  const Csr strong = configuration_model(poisson_degrees(n, 4.0, 31), 31);
  const SocialGraph g = social_from_undirected(Csr(strong), 1, false);
  for (auto [beta, gamma] : {std::pair{0.25, 0.5}, std::pair{0.15, 0.2}}) {
    const double T = sir_transmissibility(beta, gamma);
    const Percolation theory = bond_percolation(degree_histogram(g.strong), T);
    REQUIRE(theory.outbreak_size > 0.1);  // clearly supercritical: large and small outbreaks separate
    const Exposure ex(g, uniform(beta));
    SirParams sp;
    sp.recovery = gamma;
    const auto sizes = reaches(ex, Model::sir(sp), 400, 777);
    // "Large" = above 2% of N: small outbreaks on this graph stay below a few dozen people, large ones
    // are near theory.outbreak_size * N (thousands), so the cut falls in the empty gap between them.
    double sum = 0, sum2 = 0, large = 0;
    for (double x : sizes)
      if (x > 0.02 * n) {
        sum += x / n;
        sum2 += (x / n) * (x / n);
        ++large;
      }
    REQUIRE(large >= 50);
    const double mean = sum / large, sd = std::sqrt(std::max(0.0, (sum2 - sum * sum / large) / (large - 1)));
    // Tolerance: 4 standard errors of the mean size, plus 0.01 for the finite graph (the generating
    // functions describe N -> infinity; at N = 20,000 the giant cluster differs by O(N^-1/3) at most).
    INFO("beta " << beta << " gamma " << gamma << " T " << T << ": simulated " << mean << " +/- " << sd / std::sqrt(large)
                 << ", theory " << theory.outbreak_size);
    REQUIRE(std::abs(mean - theory.outbreak_size) < 4 * sd / std::sqrt(large) + 0.01);
  }
}

TEST_CASE("threshold model (Watts 2002, phi = 0.18): global cascades from one seed at mean degree 3, never at 8",
          "[theory][threshold]") {
  const node_t n = 10000;
  ThresholdParams tp;
  tp.phi = 0.18;
  tp.audience_weight = 0;
  auto globals = [&](double z) {
    const SocialGraph g = social_from_undirected(erdos_renyi_mean_degree(n, z, 17), 1, false);
    const Exposure ex(g, uniform(1.0));  // unit contact weights
    int global = 0;
    for (double x : reaches(ex, Model::threshold(ex, tp), 200, 555)) global += x > 0.1 * n;
    return global;
  };
  // Inside the cascade window (Watts 2002, Fig. 1: frequency about 0.3-0.5 at z = 3), 200 seeds give
  // dozens of global cascades; asking for 10 leaves a margin no fluctuation crosses (P < 1e-10).
  const int at3 = globals(3.0);
  INFO("global cascades at z = 3: " << at3 << " of 200");
  REQUIRE(at3 >= 10);
  // Outside it (z = 8: the vulnerable people, degree <= 5, do not percolate: sum k(k-1)p_k / z = 0.34 < 1)
  // no seed tips more than its neighbourhood.
  REQUIRE(globals(8.0) == 0);
}
