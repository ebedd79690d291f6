// Classic random-graph models (see classic.hpp for the papers and the exact models).
//
// Parallel generators split their work into items whose boundaries depend on the arguments only
// (row blocks for G(n, p), nodes otherwise), give each item its own stream, write item i's ties to
// slot i, and hand the concatenation to build_csr, which sorts every list: the arrays never depend on
// the thread count or on scheduling.
#include "nanoreach/graph/classic.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "nanoreach/rng.hpp"

namespace nanoreach {

namespace {

// The first label of each generator's key. Part of the reproducibility contract: never renumber.
enum class ClassicId : std::uint64_t {
  erdos_renyi = 1,
  chung_lu = 2,
  configuration = 3,
  power_law_degrees = 4,
  poisson_degrees = 5,
  barabasi_albert = 6,
  watts_strogatz = 7,
};

std::uint64_t key_of(std::uint64_t seed, ClassicId id) {
  return rng::derive(seed, rng::Purpose::classic, static_cast<std::uint64_t>(id));
}

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

// Rows per block of G(n, p): a constant, so block boundaries depend on n alone.
constexpr std::uint64_t kRowsPerBlock = 1024;

struct Ties {
  std::vector<node_t> src, dst;
  void add(node_t u, node_t v) {
    src.push_back(u);
    dst.push_back(v);
  }
};

// Concatenates the work items' ties in item order and builds the undirected layer.
Csr undirected_from(node_t n, std::vector<Ties>& items) {
  std::vector<offset_t> counts(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) counts[i] = items[i].src.size();
  const std::vector<offset_t> start = prefix_offsets(counts);
  std::vector<node_t> src(start.back()), dst(start.back());
#pragma omp parallel for schedule(dynamic, 16)
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::copy(items[i].src.begin(), items[i].src.end(), src.begin() + start[i]);
    std::copy(items[i].dst.begin(), items[i].dst.end(), dst.begin() + start[i]);
    items[i] = Ties{};
  }
  return build_csr(n, src, dst, {}, {.symmetrize = true});
}

// Inverse transform on a cumulative table: the index i with cdf[i-1] <= u < cdf[i].
std::uint32_t draw_from(const std::vector<double>& cdf, double u) {
  return static_cast<std::uint32_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
}

// Turns weights into a cumulative distribution whose last entry is exactly 1.
void normalise_cumulative(std::vector<double>& w) {
  double total = 0;
  for (double& x : w) {
    total += x;
    x = total;
  }
  for (double& x : w) x /= total;
  w.back() = 1.0;
}

std::vector<std::uint32_t> draw_degrees(node_t n, const std::vector<double>& cdf, std::uint32_t first,
                                        std::uint64_t key) {
  std::vector<std::uint32_t> degrees(n);
#pragma omp parallel for schedule(static)
  for (node_t u = 0; u < n; ++u) {
    rng::Stream s(key, u);
    degrees[u] = first + std::min<std::uint32_t>(draw_from(cdf, s.uniform()),
                                                 static_cast<std::uint32_t>(cdf.size() - 1));
  }
  return degrees;
}

}  // namespace

Csr erdos_renyi(node_t n, double p, std::uint64_t seed) {
  if (!(p >= 0.0 && p <= 1.0)) throw InputError("erdos_renyi: p = " + num(p) + " is outside [0, 1]");
  if (n < 2 || p == 0.0) return Csr::empty(n);
  const std::uint64_t key = key_of(seed, ClassicId::erdos_renyi);
  const double log1m = std::log1p(-p);  // -inf when p = 1: every skip is then 0
  const std::uint64_t blocks = (std::uint64_t(n) + kRowsPerBlock - 1) / kRowsPerBlock;
  std::vector<Ties> items(blocks);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::uint64_t b = 0; b < blocks; ++b) {
    // Block b owns the pairs (v, w), w < v, of rows v in [v0, v1), in row-major order. Row v holds v
    // pairs, so the block holds T(v1) - T(v0) with T(v) = v(v-1)/2. The gap before the next tie is
    // geometric; memorylessness makes restarting it at the block boundary exact.
    const std::uint64_t v0 = b * kRowsPerBlock;
    const std::uint64_t v1 = std::min<std::uint64_t>(n, v0 + kRowsPerBlock);
    const std::uint64_t pairs = v1 * (v1 - 1) / 2 - (v0 == 0 ? 0 : v0 * (v0 - 1) / 2);
    rng::Stream s(key, static_cast<std::uint32_t>(b));
    Ties& out = items[b];
    std::uint64_t v = v0, w = 0, t = 0;  // (v, w) is pair number t of the block
    while (true) {
      const std::uint64_t skip = s.geometric(log1m, pairs - t);
      t += skip;
      if (t >= pairs) break;
      w += skip;
      while (w >= v) {
        w -= v;
        ++v;
      }
      out.add(static_cast<node_t>(v), static_cast<node_t>(w));
      ++t;
      ++w;
    }
  }
  return undirected_from(n, items);
}

Csr erdos_renyi_mean_degree(node_t n, double mean_degree, std::uint64_t seed) {
  if (n < 2) {
    if (mean_degree != 0.0)
      throw InputError("erdos_renyi_mean_degree: mean degree " + num(mean_degree) + " with " +
                       std::to_string(n) + " nodes (must be 0)");
    return Csr::empty(n);
  }
  if (!(mean_degree >= 0.0 && mean_degree <= double(n - 1)))
    throw InputError("erdos_renyi_mean_degree: mean degree " + num(mean_degree) + " is outside [0, " +
                     std::to_string(n - 1) + "] for " + std::to_string(n) + " nodes");
  return erdos_renyi(n, std::min(1.0, mean_degree / double(n - 1)), seed);
}

Csr chung_lu(std::span<const double> expected_degrees, std::uint64_t seed) {
  const node_t n = checked_node_count(expected_degrees.size(), "chung_lu");
  for (node_t u = 0; u < n; ++u)
    if (!(expected_degrees[u] >= 0.0 && std::isfinite(expected_degrees[u])))
      throw InputError("chung_lu: expected degree of node " + std::to_string(u) + " is " +
                       num(expected_degrees[u]) + " (must be finite and >= 0)");
  // Decreasing weight, ties by node id: a total order, so the same input gives the same order.
  std::vector<node_t> order(n);
  for (node_t u = 0; u < n; ++u) order[u] = u;
  std::sort(order.begin(), order.end(), [&](node_t a, node_t b) {
    return expected_degrees[a] != expected_degrees[b] ? expected_degrees[a] > expected_degrees[b] : a < b;
  });
  std::vector<double> w(n);
  double total = 0;
  for (node_t i = 0; i < n; ++i) {
    w[i] = expected_degrees[order[i]];
    total += w[i];
  }
  if (n < 2 || total <= 0) return Csr::empty(n);
  const std::uint64_t key = key_of(seed, ClassicId::chung_lu);
  constexpr node_t kRows = 256;
  const node_t blocks = (n + kRows - 1) / kRows;
  std::vector<Ties> items(blocks);
#pragma omp parallel for schedule(dynamic, 1)
  for (node_t b = 0; b < blocks; ++b) {
    const node_t i1 = std::min<node_t>(n, (b + 1) * kRows);
    for (node_t i = b * kRows; i < i1; ++i) {
      if (w[i] == 0.0) break;  // so are all later weights
      // Miller & Hagberg: skip with the previous candidate's probability p, which bounds every later
      // one (weights decrease), then accept the landing candidate with probability q / p.
      rng::Stream s(key, order[i]);
      std::uint64_t j = i + 1;
      if (j >= n) break;
      double p = std::min(w[i] * w[j] / total, 1.0);
      while (j < n && p > 0.0) {
        if (p < 1.0) j += s.geometric(std::log1p(-p), n - j);
        if (j >= n) break;
        const double q = std::min(w[i] * w[j] / total, 1.0);
        if (s.uniform() < q / p) items[b].add(order[i], order[j]);
        p = q;
        ++j;
      }
    }
  }
  return undirected_from(n, items);
}

Csr configuration_model(std::span<const std::uint32_t> degrees, std::uint64_t seed, ConfigurationLoss* loss) {
  const node_t n = checked_node_count(degrees.size(), "configuration_model");
  std::vector<offset_t> counts(degrees.begin(), degrees.end());
  const std::vector<offset_t> first = prefix_offsets(counts);
  ConfigurationLoss lost;
  std::uint64_t stubs = first.back();
  if (stubs % 2 == 1) {
    lost.odd_stub = 1;
    --stubs;  // the last stub belongs to the highest-numbered node with a positive degree
  }
  // Stub i's sort key is hash(key, i): a bijection of i, so keys never tie and the order is unique.
  struct Stub {
    std::uint64_t key;
    node_t node;
  };
  std::vector<Stub> order(stubs);
  const std::uint64_t key = key_of(seed, ClassicId::configuration);
#pragma omp parallel for schedule(dynamic, 1024)
  for (node_t u = 0; u < n; ++u)
    for (offset_t i = first[u]; i < std::min<offset_t>(first[u + 1], stubs); ++i) order[i] = {rng::hash(key, i), u};
  std::sort(order.begin(), order.end(), [](const Stub& a, const Stub& b) { return a.key < b.key; });
  const std::uint64_t pairs = stubs / 2;
  std::vector<node_t> src(pairs), dst(pairs);
  std::uint64_t loops = 0;
#pragma omp parallel for schedule(static) reduction(+ : loops)
  for (std::uint64_t i = 0; i < pairs; ++i) {
    src[i] = order[2 * i].node;
    dst[i] = order[2 * i + 1].node;
    loops += src[i] == dst[i];
  }
  order = {};
  Csr g = build_csr(n, src, dst, {}, {.symmetrize = true});
  lost.self_loops = loops;
  lost.multi_edges = pairs - loops - g.num_edges() / 2;
  if (loss) *loss = lost;
  return g;
}

std::vector<std::uint32_t> power_law_degrees(node_t n, double exponent, std::uint32_t k_min,
                                             std::uint32_t k_max, std::uint64_t seed) {
  if (!std::isfinite(exponent))
    throw InputError("power_law_degrees: exponent " + num(exponent) + " is not a finite number");
  if (k_min < 1 || k_min > k_max)
    throw InputError("power_law_degrees: need 1 <= k_min <= k_max, got k_min = " + std::to_string(k_min) +
                     ", k_max = " + std::to_string(k_max));
  if (k_max - k_min >= (1u << 24))
    throw InputError("power_law_degrees: range [" + std::to_string(k_min) + ", " + std::to_string(k_max) +
                     "] is wider than 2^24 degrees");
  std::vector<double> cdf(std::size_t(k_max - k_min) + 1);
  for (std::size_t i = 0; i < cdf.size(); ++i) cdf[i] = std::pow(double(k_min + i), -exponent);
  normalise_cumulative(cdf);
  return draw_degrees(n, cdf, k_min, key_of(seed, ClassicId::power_law_degrees));
}

std::vector<std::uint32_t> poisson_degrees(node_t n, double mean, std::uint64_t seed) {
  if (!(mean >= 0.0 && mean <= 1e7))
    throw InputError("poisson_degrees: mean " + num(mean) + " is outside [0, 1e7]");
  if (mean == 0.0) return std::vector<std::uint32_t>(n, 0);
  const std::size_t top = static_cast<std::size_t>(std::ceil(mean + 20.0 * std::sqrt(mean) + 20.0));
  std::vector<double> cdf(top + 1);
  const double log_mean = std::log(mean);
  for (std::size_t k = 0; k <= top; ++k)
    cdf[k] = std::exp(double(k) * log_mean - mean - std::lgamma(double(k) + 1.0));
  normalise_cumulative(cdf);
  return draw_degrees(n, cdf, 0, key_of(seed, ClassicId::poisson_degrees));
}

Csr barabasi_albert(node_t n, std::uint32_t m, std::uint64_t seed) {
  if (m < 1) throw InputError("barabasi_albert: m = 0 (each new node needs at least one tie)");
  if (std::uint64_t(n) < std::uint64_t(m) + 1)
    throw InputError("barabasi_albert: n = " + std::to_string(n) + " is below m + 1 = " +
                     std::to_string(std::uint64_t(m) + 1));
  const std::uint64_t ties = std::uint64_t(m) * (m + 1) / 2 + (std::uint64_t(n) - m - 1) * m;
  // ends[2t], ends[2t+1] are tie t's endpoints: node u appears degree(u) times, so a uniform entry
  // of the prefix written so far is a node drawn proportionally to its current degree.
  std::vector<node_t> ends(2 * ties);
  std::uint64_t t = 0;
  for (node_t u = 0; u <= m; ++u)
    for (node_t v = u + 1; v <= m; ++v) {
      ends[2 * t] = v;
      ends[2 * t + 1] = u;
      ++t;
    }
  rng::Stream s(key_of(seed, ClassicId::barabasi_albert));
  std::vector<node_t> chosen(m);
  for (std::uint64_t v = std::uint64_t(m) + 1; v < n; ++v) {
    const std::uint64_t pool = 2 * t;
    for (std::uint32_t i = 0; i < m; ++i) {
      node_t target;
      do target = ends[s.below(pool)];
      while (std::find(chosen.begin(), chosen.begin() + i, target) != chosen.begin() + i);
      chosen[i] = target;
    }
    for (std::uint32_t i = 0; i < m; ++i, ++t) {
      ends[2 * t] = static_cast<node_t>(v);
      ends[2 * t + 1] = chosen[i];
    }
  }
  std::vector<node_t> src(ties), dst(ties);
#pragma omp parallel for schedule(static)
  for (std::uint64_t i = 0; i < ties; ++i) {
    src[i] = ends[2 * i];
    dst[i] = ends[2 * i + 1];
  }
  ends = {};
  return build_csr(n, src, dst, {}, {.symmetrize = true});
}

Csr watts_strogatz(node_t n, std::uint32_t k, double beta, std::uint64_t seed) {
  if (k % 2 != 0) throw InputError("watts_strogatz: k = " + std::to_string(k) + " must be even");
  if (k > 0 && k >= n)
    throw InputError("watts_strogatz: k = " + std::to_string(k) + " must be below n = " + std::to_string(n));
  if (!(beta >= 0.0 && beta <= 1.0)) throw InputError("watts_strogatz: beta = " + num(beta) + " is outside [0, 1]");
  const std::uint32_t half = k / 2;
  const std::uint64_t m = std::uint64_t(n) * half;
  std::vector<node_t> src(m), dst(m);
  const std::uint64_t key = key_of(seed, ClassicId::watts_strogatz);
  // Nodes outside u's closed lattice neighbourhood: the targets a rewired tie may take.
  const std::uint64_t outside = std::uint64_t(n) - 1 - k;
#pragma omp parallel
  {
    std::vector<node_t> chosen;
#pragma omp for schedule(static)
    for (node_t u = 0; u < n; ++u) {
      rng::Stream s(key, u);
      chosen.clear();
      for (std::uint32_t j = 1; j <= half; ++j) {
        node_t target = static_cast<node_t>((std::uint64_t(u) + j) % n);
        if (s.uniform() < beta && chosen.size() < outside) {
          node_t w;
          while (true) {
            w = static_cast<node_t>(s.below(n));
            const std::uint64_t d = (std::uint64_t(w) + n - u) % n;
            if (std::min<std::uint64_t>(d, n - d) <= half) continue;  // u itself or a lattice neighbour
            if (std::find(chosen.begin(), chosen.end(), w) != chosen.end()) continue;
            break;
          }
          chosen.push_back(w);
          target = w;
        }
        src[std::uint64_t(u) * half + j - 1] = u;
        dst[std::uint64_t(u) * half + j - 1] = target;
      }
    }
  }
  return build_csr(n, src, dst, {}, {.symmetrize = true});
}

}  // namespace nanoreach
