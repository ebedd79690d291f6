// The diffusion engine (see the header). One loop, three policies; the policies decide which
// contacts a newly active person reaches and when, the loop owns scheduling, attribution and curves.
#include "nanoreach/sim/engine.hpp"

#include <algorithm>

namespace nanoreach {

namespace {
constexpr std::uint64_t kTimeMask = 0xFFFFFF;
constexpr int kOriginShift = 24;
constexpr std::uint64_t kActive = std::uint64_t(1) << 28;
constexpr std::uint64_t kScheduled = std::uint64_t(1) << 29;
constexpr std::uint64_t kTouched = std::uint64_t(1) << 30;  // threshold: acc/need initialised
constexpr std::uint32_t kMaxTime = 0xFFFFFF;
}  // namespace

Scratch::Scratch(node_t people) : state_(people, 0) {}

double threshold_needed(const Model& m, std::uint64_t key, std::uint32_t run, node_t v) {
  const ThresholdParams& p = m.threshold_params();
  double phi = p.phi;
  if (p.distribution != ThresholdParams::Distribution::fixed) {
    rng::Stream rs(key, v, run, 1);
    phi = p.distribution == ThresholdParams::Distribution::uniform ? p.phi + p.spread * (2.0 * rs.uniform() - 1.0)
                                                                   : p.phi + p.spread * rs.normal();
    phi = std::max(0.0, phi);
  }
  return p.absolute ? phi : phi * m.in_weight(v);
}

std::uint32_t sir_period(rng::Stream& rs, double recovery, std::uint32_t cap) {
  if (recovery >= 1.0) return 1;
  if (!(recovery > 0.0)) return cap;
  return static_cast<std::uint32_t>(1 + rs.geometric(std::log1p(-recovery), cap - 1));
}

std::uint32_t sir_delay(rng::Stream& rs, double beta, double T, std::uint32_t period) {
  if (beta >= 1.0) return 1;
  const double k = std::ceil(std::log1p(-rs.uniform_pos() * T) / std::log1p(-beta));
  return static_cast<std::uint32_t>(std::clamp(k, 1.0, double(period)));
}

// Friend of Scratch: the loop and its policies.
class EngineAccess {
 public:
  EngineAccess(const Exposure& ex, const Model& m, const CascadeInput& in, Scratch& s, RunResult& out)
      : ex_(ex), g_(ex.graph()), m_(m), in_(in), s_(s), out_(out), epoch_tag_(0) {}

  template <class Policy>
  void run(Policy& policy) {
    begin();
    for (node_t v : in_.seeds) {
      std::uint64_t& st = s_.state_[v];
      if (fresh(st) == false && (st & kActive)) continue;  // a seed named twice
      st = epoch_tag_ | kActive | (std::uint64_t(kIsSeed) << kOriginShift);
      bucket(0).push_back(v);
      ++out_.seeds;
    }
    s_.activated_.assign(1, out_.seeds);
    for (std::size_t t = 0; t < s_.buckets_.size(); ++t) {
      if (Policy::kSortedFrontier && t > 0) std::sort(s_.buckets_[t].begin(), s_.buckets_[t].end());
      for (std::size_t i = 0; i < s_.buckets_[t].size(); ++i) {
        const node_t v = s_.buckets_[t][i];
        std::uint64_t& st = s_.state_[v];
        if (t > 0) {
          if ((st & kActive) || (st & kTimeMask) != t) continue;  // already active, or a later offer lost
          st |= kActive;
          ++count(s_.activated_, t);
          ++out_.activated_by[(st >> kOriginShift) & 0xF];
        }
        policy.expand(*this, v, static_cast<std::uint32_t>(t));
      }
      s_.buckets_[t].clear();
    }
    finish();
  }

  // Offers v activation at step `time`, from u; the earliest offer wins, the first among equals.
  void offer(node_t v, std::uint32_t time, node_t u) {
    std::uint64_t& st = s_.state_[v];
    if (!fresh(st)) {
      if (st & kActive) return;
      if ((st & kScheduled) && (st & kTimeMask) <= time) return;
    } else {
      st = epoch_tag_;
    }
    if (time > in_.max_steps) {
      out_.truncated = true;
      return;
    }
    st = (st & ~(kTimeMask | (std::uint64_t(0xF) << kOriginShift))) | kScheduled | time |
         (std::uint64_t(origin_of(u)) << kOriginShift);
    bucket(time).push_back(v);
  }

  // Threshold: v receives weight w from u; scheduled for `time` once its threshold is reached.
  void offer_weight(node_t v, double w, std::uint32_t time, node_t u) {
    std::uint64_t& st = s_.state_[v];
    if (fresh(st)) st = epoch_tag_;
    if (st & (kActive | kScheduled)) return;
    if (!(st & kTouched)) {
      st |= kTouched;
      s_.acc_[v] = 0.0;
      s_.need_[v] = threshold_needed(m_, in_.key, in_.run, v);
    }
    s_.acc_[v] += w;
    if (s_.acc_[v] >= s_.need_[v]) offer(v, time, u);
  }

  void recovered_at(std::uint32_t time) {
    if (time <= in_.max_steps) ++count(s_.recovered_, time);  // a recovery past the horizon is not seen
  }

  bool is_seed(node_t u) const { return ((s_.state_[u] >> kOriginShift) & 0xF) == kIsSeed; }
  const Exposure& exposure() const { return ex_; }
  const SocialGraph& graph() const { return g_; }
  const Model& model() const { return m_; }
  const CascadeInput& input() const { return in_; }
  RunResult& result() { return out_; }

 private:
  bool fresh(std::uint64_t st) const { return (st & ~std::uint64_t(0xFFFFFFFF)) != epoch_tag_; }
  int origin_of(node_t u) const { return is_seed(u) ? kBySeed : static_cast<int>(g_.tier[u]); }
  std::vector<node_t>& bucket(std::size_t t) {
    if (t >= s_.buckets_.size()) s_.buckets_.resize(t + 1);
    return s_.buckets_[t];
  }
  static std::uint32_t& count(std::vector<std::uint32_t>& v, std::size_t t) {
    if (t >= v.size()) v.resize(t + 1, 0);
    return v[t];
  }

  void begin() {
    if (++s_.epoch_ == 0) {  // after 2^32 runs on this scratch: clear once and start over
      std::fill(s_.state_.begin(), s_.state_.end(), 0);
      s_.epoch_ = 1;
    }
    epoch_tag_ = std::uint64_t(s_.epoch_) << 32;
    if (m_.kind() == ModelKind::threshold && s_.acc_.size() != s_.state_.size()) {
      s_.acc_.assign(s_.state_.size(), 0.0);
      s_.need_.assign(s_.state_.size(), 0.0);
    }
    s_.activated_.clear();
    s_.recovered_.clear();
    out_.reach = 0;  // field by field, so the curves keep their capacity
    out_.seeds = 0;
    out_.steps = 0;
    out_.activated_by.fill(0);
    out_.curve.clear();
    out_.infected.clear();
    out_.examined = 0;
    out_.truncated = false;
  }

  void finish() {
    std::size_t last = 0;
    for (std::size_t t = 0; t < s_.activated_.size(); ++t)
      if (s_.activated_[t] > 0) last = t;
    out_.steps = static_cast<std::uint32_t>(last);
    out_.curve.resize(last + 1);
    std::uint64_t total = 0;
    for (std::size_t t = 0; t <= last; ++t) {
      total += s_.activated_[t];
      out_.curve[t] = static_cast<std::uint32_t>(total);
    }
    out_.reach = total;
    if (m_.kind() == ModelKind::sir) {
      const std::size_t horizon = std::max(last + 1, s_.recovered_.size());
      out_.infected.resize(horizon);
      std::uint64_t inf = 0, rec = 0;
      for (std::size_t t = 0; t < horizon; ++t) {
        inf += t < s_.activated_.size() ? s_.activated_[t] : 0;
        rec += t < s_.recovered_.size() ? s_.recovered_[t] : 0;
        out_.infected[t] = static_cast<std::uint32_t>(inf - rec);
      }
    }
  }

  const Exposure& ex_;
  const SocialGraph& g_;
  const Model& m_;
  const CascadeInput& in_;
  Scratch& s_;
  RunResult& out_;
  std::uint64_t epoch_tag_;
};

namespace {

struct IcPolicy {
  static constexpr bool kSortedFrontier = false;
  void expand(EngineAccess& e, node_t u, std::uint32_t t) {
    const SocialGraph& g = e.graph();
    const Exposure& ex = e.exposure();
    const double factor = e.is_seed(u) ? e.input().seed_authenticity : 1.0;
    rng::Stream rs(e.input().key, u, e.input().run);
    const node_t* strong = g.strong.targets().data();
    const node_t* audience = g.audience.targets().data();
    const auto ends = ex.circle_ends(u);
    offset_t b = g.strong.begin(u);
    for (int c = 1; c <= kCircles; ++c) {
      sample_edges(rs, b, ends[c - 1], ex.strong_p(c) * factor, [&](offset_t i) { e.offer(strong[i], t + 1, u); });
      b = ends[c - 1];
    }
    sample_edges(rs, g.audience.begin(u), g.audience.end(u), ex.audience_p(u) * factor,
                 [&](offset_t i) { e.offer(audience[i], t + 1, u); });
    e.result().examined += g.strong.degree(u) + g.audience.degree(u);
  }
};

struct ThresholdPolicy {
  static constexpr bool kSortedFrontier = true;
  void expand(EngineAccess& e, node_t u, std::uint32_t t) {
    const SocialGraph& g = e.graph();
    const auto& w = e.exposure().campaign().circle_weight;
    const auto nb = g.strong.neighbors(u);
    const auto at = g.strong.attrs(u);
    for (std::size_t i = 0; i < nb.size(); ++i) e.offer_weight(nb[i], w[at[i] - 1], t + 1, u);
    const double aw = e.model().threshold_params().audience_weight;
    if (aw > 0)
      for (node_t v : g.audience.neighbors(u)) e.offer_weight(v, aw, t + 1, u);
    e.result().examined += nb.size() + g.audience.degree(u);
  }
};

struct SirPolicy {
  static constexpr bool kSortedFrontier = false;
  void expand(EngineAccess& e, node_t u, std::uint32_t t) {
    const SocialGraph& g = e.graph();
    const Exposure& ex = e.exposure();
    const double factor = e.is_seed(u) ? e.input().seed_authenticity : 1.0;
    rng::Stream rs(e.input().key, u, e.input().run);
    const std::uint32_t cap = std::max<std::uint32_t>(1, e.input().max_steps);
    const std::uint32_t period = sir_period(rs, e.model().sir_params().recovery, cap);
    e.recovered_at(t + period);
    const node_t* strong = g.strong.targets().data();
    const node_t* audience = g.audience.targets().data();
    auto segment = [&](offset_t b, offset_t end, double beta, const node_t* tg) {
      if (!(beta > 0.0)) return;
      const double T = beta >= 1.0 ? 1.0 : -std::expm1(double(period) * std::log1p(-beta));
      sample_edges(rs, b, end, T, [&](offset_t i) { e.offer(tg[i], t + sir_delay(rs, beta, T, period), u); });
    };
    const auto ends = ex.circle_ends(u);
    offset_t b = g.strong.begin(u);
    for (int c = 1; c <= kCircles; ++c) {
      segment(b, ends[c - 1], ex.strong_p(c) * factor, strong);
      b = ends[c - 1];
    }
    segment(g.audience.begin(u), g.audience.end(u), ex.audience_p(u) * factor, audience);
    e.result().examined += g.strong.degree(u) + g.audience.degree(u);
  }
};

}  // namespace

void simulate(const Exposure& ex, const Model& m, const CascadeInput& in, Scratch& scratch, RunResult& out) {
  EngineAccess engine(ex, m, in, scratch, out);
  switch (m.kind()) {
    case ModelKind::ic: {
      IcPolicy p;
      engine.run(p);
      break;
    }
    case ModelKind::threshold: {
      ThresholdPolicy p;
      engine.run(p);
      break;
    }
    case ModelKind::sir: {
      SirPolicy p;
      engine.run(p);
      break;
    }
  }
}

}  // namespace nanoreach
