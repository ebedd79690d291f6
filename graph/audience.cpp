// The audience generator (see the header for the model and its sources).
//
// Each account is one work item with its own streams (a Philox stream for the walks, a keyed
// permutation for the uniform part), so accounts can be filled in any order on any thread, and an
// implicit graph can rebuild any one account's list alone.
#include "nanoreach/graph/audience.hpp"

#include <cmath>
#include <string>

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

void FollowerSet::reset(std::size_t expected) {
  std::size_t cap = 16;
  while (cap < 2 * expected) cap *= 2;
  if (cap > key_.size()) {
    key_.assign(cap, 0);
    stamp_.assign(cap, 0);
    epoch_ = 0;
  }
  mask_ = key_.size() - 1;
  if (++epoch_ == 0) {
    std::fill(stamp_.begin(), stamp_.end(), 0);
    epoch_ = 1;
  }
}

bool FollowerSet::insert(node_t v) {
  std::size_t h = static_cast<std::size_t>(rng::mix64(v)) & mask_;
  while (stamp_[h] == epoch_) {
    if (key_[h] == v) return false;
    h = (h + 1) & mask_;
  }
  stamp_[h] = epoch_;
  key_[h] = v;
  return true;
}

AudienceModel::AudienceModel(const AudienceParams& p, node_t n, std::uint64_t seed)
    : p_(p), n_(n), size_key_(rng::derive(seed, rng::Purpose::audience_size)),
      pick_key_(rng::derive(seed, rng::Purpose::audience_pick)),
      uniform_key_(rng::derive(seed, rng::Purpose::audience_pick, 1)), cap_(std::floor(p.max_fraction * double(n))),
      others_(n > 1 ? n - 1 : 1, 0) {
  p.validate();
}

std::uint32_t AudienceModel::drawn_from_coin(std::uint64_t coin) const {
  const double u = rng::to_unit_pos(coin << 11);  // the coin is the hash's top 53 bits
  const double a = p_.min * std::pow(u, -1.0 / (p_.exponent - 1.0));
  return static_cast<std::uint32_t>(std::min(std::floor(a), cap_));
}

AudienceModel::Ladder AudienceModel::ladder(const std::vector<std::uint64_t>& at_least, std::uint64_t guard) const {
  if (!has_ladder()) throw Error("audience: a ladder of follower counts needs the power law");
  Ladder l;
  l.guard = guard;
  constexpr std::int64_t kTop = (std::int64_t(1) << 53) - 1;
  for (std::uint64_t t : at_least) {
    std::int64_t last;
    if (drawn_from_coin(0) < t) {
      last = -1;
    } else if (drawn_from_coin(kTop) >= t) {
      last = kTop;
    } else {  // drawn(lo) >= t > drawn(hi)
      std::int64_t lo = 0, hi = kTop;
      while (hi - lo > 1) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        (drawn_from_coin(mid) >= t ? lo : hi) = mid;
      }
      last = lo;
    }
    l.last.push_back(last);
  }
  return l;
}

std::uint32_t AudienceModel::drawn(node_t i) const {
  if (p_.distribution == AudienceParams::Distribution::none) return 0;
  if (p_.distribution == AudienceParams::Distribution::powerlaw) return drawn_from_coin(size_coin(i));
  const double u = rng::to_unit_pos(rng::hash(size_key_, 2 * std::uint64_t(i)));
  const double v = rng::to_unit(rng::hash(size_key_, 2 * std::uint64_t(i) + 1));
  const double z = std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  const double a = std::exp(p_.mu + p_.sigma * z);
  return static_cast<std::uint32_t>(std::min(std::floor(a), cap_));
}

std::uint64_t AudienceModel::local_wanted(std::uint64_t size, std::uint32_t degree) const {
  if (degree == 0 || size == 0) return 0;
  return static_cast<std::uint64_t>(std::llround(double(size) * local_share(p_, double(size))));
}

std::vector<std::uint32_t> draw_audience_sizes(const AudienceParams& p, node_t n, std::uint64_t seed) {
  const AudienceModel m(p, n, seed);
  std::vector<std::uint32_t> size(n);
#pragma omp parallel for schedule(static)
  for (node_t i = 0; i < n; ++i) size[i] = m.drawn(i);
  return size;
}

namespace {

template <class Step>
Csr build_audience(const Csr& strong, const AudienceModel& m, Step step) {
  const node_t n = strong.num_nodes();
  std::vector<offset_t> counts(n);
#pragma omp parallel for schedule(static)
  for (node_t i = 0; i < n; ++i) counts[i] = m.size(i, strong.degree(i));
  std::vector<offset_t> offsets = prefix_offsets(counts);
  std::vector<offset_t>().swap(counts);
  std::vector<node_t> targets(offsets.back());
#pragma omp parallel
  {
    FollowerSet set;
    std::vector<node_t> local;
#pragma omp for schedule(dynamic, 256)
    for (node_t u = 0; u < n; ++u) {
      const std::uint64_t size = offsets[std::size_t(u) + 1] - offsets[u];
      if (size == 0) continue;
      m.local(u, strong.neighbors(u), size, step, set, local);
      node_t* out = targets.data() + offsets[u];
      std::copy(local.begin(), local.end(), out);
      for (std::uint64_t k = local.size(); k < size; ++k) out[k] = m.uniform(u, size - 1 - k);
    }
  }
  return Csr(std::move(offsets), std::move(targets));
}

}  // namespace

Csr generate_audience(const Csr& strong, const AudienceParams& p, std::uint64_t seed) {
  const AudienceModel m(p, strong.num_nodes(), seed);
  return build_audience(strong, m, [&](node_t f, auto& rs) {
    const auto nb = strong.neighbors(f);
    return nb[rs.below(nb.size())];
  });
}

Csr generate_audience(const Csr& strong, const DunbarLayer& layer, const AudienceParams& p, std::uint64_t seed) {
  const AudienceModel m(p, strong.num_nodes(), seed);
  return build_audience(strong, m, [&](node_t f, auto& rs) { return layer.ring_step(f, rs); });
}

}  // namespace nanoreach
