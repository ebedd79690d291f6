// Summary statistics (see the header). Histograms and counts are integer sums, so they do not depend
// on the order threads add them; the floating-point means are computed from those integers.
#include "nanoreach/graph/stats.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "nanoreach/graph/implicit.hpp"
#include "nanoreach/rng.hpp"

namespace nanoreach {

std::vector<node_t> component_labels(const Csr& g) {
  const node_t n = g.num_nodes();
  std::vector<node_t> parent(n);
#pragma omp parallel for schedule(static)
  for (node_t u = 0; u < n; ++u) parent[u] = u;
  auto find = [&](node_t x) {
    while (true) {
      node_t p = std::atomic_ref<node_t>(parent[x]).load(std::memory_order_relaxed);
      if (p == x) return x;
      const node_t gp = std::atomic_ref<node_t>(parent[p]).load(std::memory_order_relaxed);
      std::atomic_ref<node_t>(parent[x]).compare_exchange_weak(p, gp);  // path halving
      x = gp;
    }
  };
#pragma omp parallel for schedule(dynamic, 4096)
  for (node_t u = 0; u < n; ++u) {
    for (node_t v : g.neighbors(u)) {
      if (v < u) continue;  // each undirected tie once
      while (true) {
        node_t a = find(u), b = find(v);
        if (a == b) break;
        if (a < b) std::swap(a, b);  // hang the larger root under the smaller: roots are minima
        node_t expected = a;
        if (std::atomic_ref<node_t>(parent[a]).compare_exchange_strong(expected, b)) break;
      }
    }
  }
#pragma omp parallel for schedule(static)
  for (node_t u = 0; u < n; ++u) parent[u] = find(u);
  return parent;
}

double local_clustering(const Csr& g, node_t u, std::vector<std::uint8_t>& mark) {
  const auto nb = g.neighbors(u);
  if (nb.size() < 2) return 0.0;
  for (node_t v : nb) mark[v] = 1;
  std::uint64_t links = 0;  // each tie among u's ties is seen from both ends
  for (node_t v : nb)
    for (node_t w : g.neighbors(v)) links += mark[w];
  for (node_t v : nb) mark[v] = 0;
  const double k = static_cast<double>(nb.size());
  return static_cast<double>(links) / (k * (k - 1.0));
}

namespace {

// Follower histogram bins: 0, 1, 2-3, 4-7, ... up to the largest count.
void follower_bins(GraphStats& s, std::uint64_t max_f) {
  std::size_t bins = 1;
  while ((std::uint64_t(1) << (bins - 1)) <= max_f) ++bins;
  s.follower_bin_lo.resize(bins);
  s.follower_bin_lo[0] = 0;
  for (std::size_t k = 1; k < bins; ++k) s.follower_bin_lo[k] = std::uint64_t(1) << (k - 1);
  s.follower_hist.assign(bins, 0);
}
std::size_t follower_bin(std::uint64_t f) {
  std::size_t k = 0;
  while (f >= (std::uint64_t(1) << k)) ++k;
  return k;  // 0 for none, 1 for one, 2 for 2-3, ...
}

GraphStats explicit_stats(const SocialGraph& g, std::uint64_t seed, std::uint64_t clustering_sample,
                          const std::function<void(double)>& report);

// The implicit graph's statistics without storing it: one pass over people for followers and tiers
// (exact), the Dunbar layer's nominal degrees, and clustering over a sample whose lists are rebuilt.
GraphStats implicit_stats(const SocialGraph& g, std::uint64_t seed, std::uint64_t clustering_sample,
                          const std::function<void(double)>& report) {
  const ImplicitGraph& ig = *g.implicit;
  GraphStats s;
  const node_t n = g.people();
  s.people = n;
  s.storage = "implicit";
  s.degrees_nominal = true;
  s.components_known = false;
  s.graph_bytes = ig.memory_bytes() + g.tier.size();
  s.degree_hist = ig.strong().nominal_degree_hist();
  s.mean_circle = ig.strong().nominal_circle_mean();
  std::uint64_t ends = 0;
  for (std::size_t k = 0; k < s.degree_hist.size(); ++k) {
    ends += k * s.degree_hist[k];
    if (s.degree_hist[k]) s.max_degree = static_cast<std::uint32_t>(k);
  }
  s.strong_ties = ends / 2;
  s.mean_degree = double(ends) / n;
  s.isolated = s.degree_hist.empty() ? 0 : s.degree_hist[0];
  std::vector<std::uint64_t> fh(64, 0);
  std::uint64_t edges = 0, max_f = 0;
  constexpr node_t kChunk = 1u << 22;
  for (node_t first = 0; first < n; first = static_cast<node_t>(std::min<std::uint64_t>(n, std::uint64_t(first) + kChunk))) {
    const node_t last = static_cast<node_t>(std::min<std::uint64_t>(n, std::uint64_t(first) + kChunk));
#pragma omp parallel
    {
      std::vector<std::uint64_t> h(64, 0);
      std::array<std::uint64_t, kTierCount> tc = {};
#pragma omp for schedule(static) reduction(+ : edges) reduction(max : max_f)
      for (node_t u = first; u < last; ++u) {
        const std::uint64_t f = g.followers(u);
        edges += f;
        max_f = std::max(max_f, f);
        ++h[follower_bin(f)];
        ++tc[static_cast<int>(g.tier[u])];
      }
#pragma omp critical
      {
        for (std::size_t k = 0; k < h.size(); ++k) fh[k] += h[k];
        for (int t = 0; t < kTierCount; ++t) s.tier_counts[t] += tc[t];
      }
    }
    report(0.8 * double(last) / double(n));
  }
  s.audience_edges = edges;
  s.max_followers = max_f;
  s.mean_followers = double(edges) / n;
  follower_bins(s, max_f);
  for (std::size_t k = 0; k < s.follower_hist.size(); ++k) s.follower_hist[k] = fh[k];

  // Clustering on a uniform sample: each sampled person's ties and each tie's ties, rebuilt.
  const std::uint64_t m = std::min<std::uint64_t>(clustering_sample, n);
  s.clustering_sampled = true;
  rng::Stream rs(rng::derive(seed, rng::Purpose::sample));
  std::vector<node_t> who(m);
  for (auto& u : who) u = static_cast<node_t>(rs.below(n));
  std::vector<double> local(m, -1.0);
#pragma omp parallel
  {
    TieList a, b;
    std::vector<node_t> mine;
#pragma omp for schedule(dynamic, 16)
    for (std::size_t i = 0; i < m; ++i) {
      ig.strong().ties(who[i], a);
      if (a.size() < 2) continue;
      mine.assign(a.target.begin(), a.target.end());
      std::sort(mine.begin(), mine.end());
      std::uint64_t links = 0;
      for (node_t v : mine) {
        ig.strong().ties(v, b);
        for (node_t w : b.target) links += std::binary_search(mine.begin(), mine.end(), w);
      }
      const double k = double(mine.size());
      local[i] = double(links) / (k * (k - 1.0));
    }
  }
  double sum = 0, sum2 = 0;
  std::uint64_t cnt = 0;
  for (double c : local)
    if (c >= 0) {
      sum += c;
      sum2 += c * c;
      ++cnt;
    }
  s.clustering_people = cnt;
  s.clustering = cnt ? sum / cnt : 0.0;
  if (cnt > 1) s.clustering_se = std::sqrt(std::max(0.0, (sum2 - sum * sum / cnt) / (cnt - 1)) / cnt);
  return s;
}

}  // namespace

GraphStats compute_stats(const SocialGraph& g, std::uint64_t seed, std::uint64_t clustering_sample,
                         const std::function<void(double done)>& progress) {
  auto report = [&](double done) {
    if (progress) progress(done);
  };
  report(0);
  GraphStats s = g.is_implicit() ? implicit_stats(g, seed, std::min<std::uint64_t>(clustering_sample, 2000), report)
                                 : explicit_stats(g, seed, clustering_sample, report);
  s.theory_degree_hist = g.nominal_degree_hist.empty() ? s.degree_hist : g.nominal_degree_hist;
  s.theory_circle_mean = g.nominal_degree_hist.empty() ? s.mean_circle : g.nominal_circle_mean;
  report(1);
  return s;
}

namespace {

GraphStats explicit_stats(const SocialGraph& g, std::uint64_t seed, std::uint64_t clustering_sample,
                          const std::function<void(double)>& report) {
  GraphStats s;
  s.graph_bytes = g.strong.memory_bytes() + g.audience.memory_bytes() + g.tier.size();
  const node_t n = g.people();
  s.people = n;
  s.strong_ties = g.strong.num_edges() / 2;
  s.audience_edges = g.audience.num_edges();
  s.max_degree = g.strong.max_degree();
  s.mean_degree = n ? double(g.strong.num_edges()) / n : 0.0;

  s.degree_hist.assign(std::size_t(s.max_degree) + 1, 0);
  std::array<std::uint64_t, kCircles + 1> circle_count = {};
  std::uint64_t max_f = 0;
  for (node_t u = 0; u < n; ++u) max_f = std::max<std::uint64_t>(max_f, g.followers(u));
  s.max_followers = max_f;
  follower_bins(s, max_f);
  const std::size_t bins = s.follower_hist.size();
  std::uint64_t over = 0, isolated = 0;
#pragma omp parallel
  {
    std::vector<std::uint64_t> dh(s.degree_hist.size(), 0), fh(bins, 0);
    std::array<std::uint64_t, kCircles + 1> cc = {};
    std::array<std::uint64_t, kTierCount> tc = {};
#pragma omp for schedule(static) reduction(+ : over, isolated)
    for (node_t u = 0; u < n; ++u) {
      const std::uint32_t d = g.strong.degree(u);
      ++dh[d];
      over += d > kDunbarCap;
      isolated += d == 0;
      for (std::uint8_t c : g.strong.attrs(u)) ++cc[c];
      ++fh[follower_bin(g.followers(u))];
      ++tc[static_cast<int>(g.tier[u])];
    }
#pragma omp critical
    {
      for (std::size_t i = 0; i < dh.size(); ++i) s.degree_hist[i] += dh[i];
      for (std::size_t i = 0; i < bins; ++i) s.follower_hist[i] += fh[i];
      for (int c = 0; c <= kCircles; ++c) circle_count[c] += cc[c];
      for (int t = 0; t < kTierCount; ++t) s.tier_counts[t] += tc[t];
    }
  }
  s.over_cap = over;
  s.isolated = isolated;
  for (int c = 1; c <= kCircles; ++c) s.mean_circle[c - 1] = n ? double(circle_count[c]) / n : 0.0;
  s.mean_followers = n ? double(g.audience.num_edges()) / n : 0.0;
  report(1.0 / 3);

  // Clustering: all people, or a uniform sample drawn from a keyed stream.
  std::vector<node_t> who;
  if (n <= clustering_sample) {
    who.resize(n);
    for (node_t u = 0; u < n; ++u) who[u] = u;
  } else {
    s.clustering_sampled = true;
    rng::Stream rs(rng::derive(seed, rng::Purpose::sample));
    who.resize(clustering_sample);
    for (auto& u : who) u = static_cast<node_t>(rs.below(n));
  }
  std::vector<double> local(who.size(), -1.0);
#pragma omp parallel
  {
    std::vector<std::uint8_t> mark(n, 0);
#pragma omp for schedule(dynamic, 64)
    for (std::size_t i = 0; i < who.size(); ++i)
      if (g.strong.degree(who[i]) >= 2) local[i] = local_clustering(g.strong, who[i], mark);
  }
  double sum = 0, sum2 = 0;
  std::uint64_t m = 0;
  for (double c : local)
    if (c >= 0) {
      sum += c;
      sum2 += c * c;
      ++m;
    }
  s.clustering_people = m;
  s.clustering = m ? sum / m : 0.0;
  if (s.clustering_sampled && m > 1)
    s.clustering_se = std::sqrt(std::max(0.0, (sum2 - sum * sum / m) / (m - 1)) / m);
  report(2.0 / 3);

  const std::vector<node_t> label = component_labels(g.strong);
  std::vector<std::uint64_t> size(n, 0);
  for (node_t u = 0; u < n; ++u) ++size[label[u]];
  for (node_t u = 0; u < n; ++u)
    if (label[u] == u) {
      ++s.components;
      s.largest_component = std::max(s.largest_component, size[u]);
    }
  return s;
}

}  // namespace

}  // namespace nanoreach
