// The audience generator (see the header for the model and its sources).
//
// Each account is one work item with its own Philox stream, so accounts can be filled in any order
// on any thread. Membership (self, strong ties, already chosen) is an epoch-stamped array per thread:
// stamping with the account's own number needs no clearing between accounts. Global followers are
// drawn by rejection while at most half of the eligible people are wanted, and by selection sampling
// over the whole population (Knuth's Algorithm S) beyond that, so mega accounts cost O(N), not worse.
#include "nanoreach/graph/audience.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "nanoreach/rng.hpp"

namespace nanoreach {


void AudienceParams::validate() const {
  if (distribution == Distribution::powerlaw) {
    if (!(exponent > 1.0 && std::isfinite(exponent)))
      throw ConfigError("audience.exponent", "must be greater than 1, got " + number_text(exponent));
    if (!(min >= 1.0 && std::isfinite(min)))
      throw ConfigError("audience.min", "must be at least 1, got " + number_text(min));
  }
  if (distribution == Distribution::lognormal) {
    if (!std::isfinite(mu)) throw ConfigError("audience.mu", "must be a finite number, got " + number_text(mu));
    if (!(sigma >= 0.0 && std::isfinite(sigma)))
      throw ConfigError("audience.sigma", "must be non-negative, got " + number_text(sigma));
  }
  if (!(max_fraction > 0.0 && max_fraction <= 1.0))
    throw ConfigError("audience.max_fraction", "must be in (0, 1], got " + number_text(max_fraction));
  if (!(local_half >= 0.0 && std::isfinite(local_half)))
    throw ConfigError("audience.local_half", "must be non-negative, got " + number_text(local_half));
}

double local_share(const AudienceParams& p, double a) {
  if (a <= 0) return 0.0;
  return p.local_half / (p.local_half + a);
}

std::vector<std::uint32_t> draw_audience_sizes(const AudienceParams& p, node_t n, std::uint64_t seed) {
  p.validate();
  std::vector<std::uint32_t> size(n, 0);
  if (p.distribution == AudienceParams::Distribution::none) return size;
  const std::uint64_t key = rng::derive(seed, rng::Purpose::audience_size);
  const double cap = std::floor(p.max_fraction * double(n));
#pragma omp parallel for schedule(static)
  for (node_t i = 0; i < n; ++i) {
    double a;
    const double u = rng::to_unit_pos(rng::hash(key, 2 * std::uint64_t(i)));
    if (p.distribution == AudienceParams::Distribution::powerlaw) {
      a = p.min * std::pow(u, -1.0 / (p.exponent - 1.0));
    } else {
      const double v = rng::to_unit(rng::hash(key, 2 * std::uint64_t(i) + 1));
      const double z = std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
      a = std::exp(p.mu + p.sigma * z);
    }
    size[i] = static_cast<std::uint32_t>(std::min(std::floor(a), cap));
  }
  return size;
}

Csr generate_audience(const Csr& strong, const AudienceParams& p, std::uint64_t seed) {
  const node_t n = strong.num_nodes();
  std::vector<std::uint32_t> size = draw_audience_sizes(p, n, seed);
  std::vector<offset_t> counts(n);
#pragma omp parallel for schedule(static)
  for (node_t i = 0; i < n; ++i)
    counts[i] = std::min<std::uint64_t>(size[i], std::uint64_t(n) - 1 - strong.degree(i));
  std::vector<std::uint32_t>().swap(size);
  std::vector<offset_t> offsets = prefix_offsets(counts);
  std::vector<node_t> targets(offsets.back());
  const std::uint64_t key = rng::derive(seed, rng::Purpose::audience_pick);

#pragma omp parallel
  {
    std::vector<node_t> stamp(n, 0);  // stamp[v] == i + 1: v is i, a strong tie of i, or chosen
    constexpr std::size_t kBatch = 32;
    node_t cand[kBatch];
    offset_t pos[kBatch];
#pragma omp for schedule(dynamic, 256)
    for (node_t i = 0; i < n; ++i) {
      const std::uint64_t want = counts[i];
      if (want == 0) continue;
      const node_t epoch = i + 1;
      rng::Stream rs(key, i);
      node_t* out = targets.data() + offsets[i];
      std::uint64_t got = 0;
      stamp[i] = epoch;
      const auto friends = strong.neighbors(i);
      for (node_t f : friends) stamp[f] = epoch;

      // Local: friends of friends, by two-step walks. Walks go in batches whose dependent reads are
      // requested ahead (friend's offsets, then the friend's friend, then its stamp), so the cache
      // misses of one batch overlap; the batch's order of acceptance is fixed, so the result is too.
      const std::uint64_t local =
          friends.empty() ? 0 : static_cast<std::uint64_t>(std::llround(double(want) * local_share(p, double(want))));
      std::uint64_t attempts = 8 * local + 64;
      while (got < local && attempts > 0) {
        const std::size_t batch = static_cast<std::size_t>(std::min<std::uint64_t>(kBatch, attempts));
        attempts -= batch;
        for (std::size_t k = 0; k < batch; ++k) {
          cand[k] = friends[rs.below(friends.size())];
          __builtin_prefetch(&strong.offsets()[cand[k]]);
        }
        for (std::size_t k = 0; k < batch; ++k) {
          const offset_t at = strong.begin(cand[k]) + rs.below(strong.degree(cand[k]));  // holds i: not empty
          __builtin_prefetch(&strong.targets()[at]);
          pos[k] = at;
        }
        for (std::size_t k = 0; k < batch; ++k) {
          cand[k] = strong.targets()[pos[k]];
          __builtin_prefetch(&stamp[cand[k]]);
        }
        for (std::size_t k = 0; k < batch && got < local; ++k) {
          if (stamp[cand[k]] == epoch) continue;
          stamp[cand[k]] = epoch;
          out[got++] = cand[k];
        }
      }

      // Global: everyone else, uniformly; candidates in prefetched batches as above.
      const std::uint64_t eligible = std::uint64_t(n) - 1 - friends.size() - got;
      std::uint64_t need = want - got;
      if (2 * need <= eligible) {
        while (need > 0) {
          for (std::size_t k = 0; k < kBatch; ++k) {
            cand[k] = static_cast<node_t>(rs.below(n));
            __builtin_prefetch(&stamp[cand[k]]);
          }
          for (std::size_t k = 0; k < kBatch && need > 0; ++k) {
            if (stamp[cand[k]] == epoch) continue;
            stamp[cand[k]] = epoch;
            out[got++] = cand[k];
            --need;
          }
        }
      } else {
        std::uint64_t left = eligible;
        for (node_t v = 0; v < n && need > 0; ++v) {
          if (stamp[v] == epoch) continue;
          if (rs.below(left) < need) {
            out[got++] = v;
            --need;
          }
          --left;
        }
      }
      std::sort(out, out + got);
    }
  }
  return Csr(std::move(offsets), std::move(targets));
}

}  // namespace nanoreach
