// The diffusion engine (see the header). One loop, three policies; the policies decide which
// contacts a newly active person reaches and when, the loop owns scheduling, attribution and curves.
#include "nanoreach/sim/engine.hpp"

#include <algorithm>

#include "nanoreach/graph/implicit.hpp"

namespace nanoreach {

namespace {
// A person's info word, valid when their stamp is the run's epoch.
constexpr std::uint32_t kTimeMask = 0xFFFFFF;
constexpr std::uint32_t kScheduled = 1u << 29;
constexpr std::uint32_t kWeighed = 1u << 30;  // threshold: acc/need initialised
// A bucket entry: the person and the attribution code of whoever scheduled them; sorting entries
// sorts by person.
constexpr std::uint64_t entry(node_t v, int origin) { return (std::uint64_t(v) << 8) | std::uint64_t(origin); }
constexpr std::uint32_t kMaxTime = 0xFFFFFF;
}  // namespace

// The sparse state: open addressing on person ids (linear probing), grown at half load; the slots a
// run used are listed so the next run clears only those.
struct Scratch::Touched {
  std::vector<node_t> key;
  std::vector<std::uint32_t> value;
  std::vector<std::uint32_t> used;
  std::size_t mask = 0;
  Touched() { reset(1024); }
  void reset(std::size_t cap) {
    key.assign(cap, kNoNode);
    value.assign(cap, 0);
    used.clear();
    mask = cap - 1;
  }
  std::size_t slot(node_t v) const {
    std::size_t h = static_cast<std::size_t>(rng::mix64(v)) & mask;
    while (key[h] != kNoNode && key[h] != v) h = (h + 1) & mask;
    return h;
  }
  bool contains(node_t v) const { return key[slot(v)] == v; }
  // v's value, inserting v with value 0 when absent (inserted says which).
  std::uint32_t& find_or_insert(node_t v, bool& inserted) {
    if (2 * (used.size() + 1) > key.size()) grow();
    const std::size_t h = slot(v);
    inserted = key[h] != v;
    if (inserted) {
      key[h] = v;
      value[h] = 0;
      used.push_back(static_cast<std::uint32_t>(h));
    }
    return value[h];
  }
  void grow() {
    std::vector<node_t> k = std::move(key);
    std::vector<std::uint32_t> val = std::move(value);
    const std::vector<std::uint32_t> u = std::move(used);
    reset(2 * k.size());
    for (std::uint32_t h : u) {
      const std::size_t g = slot(k[h]);
      key[g] = k[h];
      value[g] = val[h];
      used.push_back(static_cast<std::uint32_t>(g));
    }
  }
  void clear() {
    for (std::uint32_t h : used) key[h] = kNoNode;
    used.clear();
  }
};

struct Scratch::Lists {
  ImplicitGraph::Cursor cursor;
};

Scratch::Scratch(node_t people, StateMode mode)
    : sparse_(mode == StateMode::sparse || (mode == StateMode::automatic && people > kDenseStateMax)),
      lists_(std::make_unique<Lists>()) {
  if (sparse_) {
    touched_ = std::make_unique<Touched>();
  } else {
    stamp_.assign(people, 0);
    info_.assign(people, 0);
  }
}

Scratch::~Scratch() = default;

// The two representations of a run's per-person state, behind one interface for the engine.
struct DenseState {
  Scratch& s;
  void begin() {
    if (++s.epoch_ == 0) {  // after 2^32 runs on this scratch: clear once and start over
      std::fill(s.stamp_.begin(), s.stamp_.end(), 0);
      s.epoch_ = 1;
    }
  }
  bool touched(node_t v) const { return s.stamp_[v] == s.epoch_; }
  std::uint32_t& touch(node_t v) {
    s.stamp_[v] = s.epoch_;
    return s.info_[v] = 0;
  }
  std::uint32_t& info(node_t v) { return s.info_[v]; }
  // Touches v; false when it already was.
  bool claim(node_t v) {
    if (s.stamp_[v] == s.epoch_) return false;
    s.stamp_[v] = s.epoch_;
    return true;
  }
  void prefetch(node_t v) const { __builtin_prefetch(&s.stamp_[v]); }
  void prefetch_info(node_t v) const { __builtin_prefetch(&s.info_[v]); }
};

struct SparseState {
  Scratch& s;
  void begin() { s.touched_->clear(); }
  bool touched(node_t v) const { return s.touched_->contains(v); }
  std::uint32_t& touch(node_t v) {
    bool inserted;
    std::uint32_t& x = s.touched_->find_or_insert(v, inserted);
    return x = 0;
  }
  std::uint32_t& info(node_t v) {
    bool inserted;
    return s.touched_->find_or_insert(v, inserted);
  }
  bool claim(node_t v) {
    bool inserted;
    s.touched_->find_or_insert(v, inserted);
    return inserted;
  }
  void prefetch(node_t) const {}
  void prefetch_info(node_t) const {}
};

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

// Friend of Scratch: the loop and its policies, over either state.
template <class State>
class EngineAccess {
 public:
  EngineAccess(const Exposure& ex, const Model& m, const CascadeInput& in, Scratch& s, RunResult& out)
      : ex_(ex), g_(ex.graph()), m_(m), in_(in), s_(s), st_{s}, out_(out) {}

  template <class Policy>
  void run(Policy& policy) {
    begin();
    // Seeds are scheduled at step 0 and nobody else ever is (offers are for later steps), so
    // "is a seed" is "activated at step 0".
    for (node_t v : in_.seeds) {
      if (touched(v)) continue;  // a seed named twice
      touch(v) = kScheduled;
      bucket(0).push_back(entry(v, kIsSeed));
      ++out_.seeds;
    }
    s_.activated_.assign(1, out_.seeds);
    for (std::size_t t = 0; t < s_.buckets_.size(); ++t) {
      if (Policy::kSortedFrontier && t > 0) std::sort(s_.buckets_[t].begin(), s_.buckets_[t].end());
      if constexpr (Policy::kBatched) {
        // Batches of people: their coin tosses first (pure arithmetic that overlaps across people),
        // then the targets they reach, then the offers, in the same order as one by one. Batched
        // policies offer only the next step, so making that bucket first keeps `bk` valid.
        if (!s_.buckets_[t].empty()) bucket(t + 1);
        auto& bk = s_.buckets_[t];
        for (std::size_t i = 0; i < bk.size(); i += kBatch) {
          const std::size_t j = std::min(bk.size(), i + kBatch);
          for (std::size_t k = i; k < j && t > 0; ++k) {
            ++count(s_.activated_, t);
            ++out_.activated_by[bk[k] & 0xF];
          }
          if constexpr (Policy::kPrefetch) {
            if (i == 0)
              for (std::size_t k = 0; k < j; ++k) prefetch_person(static_cast<node_t>(bk[k] >> 8));
            for (std::size_t k = j; k < std::min(bk.size(), j + kBatch); ++k)
              prefetch_person(static_cast<node_t>(bk[k] >> 8));
          }
          policy.expand_batch(*this, std::span<const std::uint64_t>(bk.data() + i, j - i), static_cast<std::uint32_t>(t));
        }
      } else {
        for (std::size_t i = 0; i < s_.buckets_[t].size(); ++i) {
          if constexpr (Policy::kPrefetch) prefetch_ahead(s_.buckets_[t], i);
          const std::uint64_t x = s_.buckets_[t][i];
          const node_t v = static_cast<node_t>(x >> 8);
          if (t > 0) {
            // Where a person may be offered several steps (sir), only the entry of the step they
            // are scheduled for counts; each (person, step) is pushed at most once.
            if (!Policy::kOncePerPerson && (st_.info(v) & kTimeMask) != t) continue;
            ++count(s_.activated_, t);
            ++out_.activated_by[x & 0xF];
          }
          policy.expand(*this, v, static_cast<std::uint32_t>(t));
        }
      }
      s_.buckets_[t].clear();
    }
    finish();
  }

  // Offers v activation at step `time`, from a person whose attribution code is `origin`
  // (origin_of(u), computed once per expanded person); the earliest offer wins, the first among equals.
  void offer(node_t v, std::uint32_t time, int origin) {
    if (touched(v)) {
      // Scheduled no later (which includes already active, at an earlier step): nothing to do.
      const std::uint32_t st = st_.info(v);
      if ((st & kScheduled) && (st & kTimeMask) <= time) return;
    } else {
      touch(v);
    }
    schedule(v, time, origin);
  }

  // The independent cascade's offer: every offer of a run is for the step after the current one, so
  // anyone already touched is active or already scheduled no later; only the 4-byte stamp is read.
  void offer_once(node_t v, std::uint32_t time, int origin) {
    if (!st_.claim(v)) return;
    if (time > in_.max_steps) {
      out_.truncated = true;
      return;
    }
    bucket(time).push_back(entry(v, origin));
  }

  // Threshold: v receives weight w; scheduled for `time` once its threshold is reached.
  void offer_weight(node_t v, double w, std::uint32_t time, int origin) {
    std::uint32_t& st = touched(v) ? st_.info(v) : touch(v);
    if (st & kScheduled) return;  // scheduled or already active
    if (!(st & kWeighed)) {
      st |= kWeighed;
      s_.acc_[v] = 0.0;
      s_.need_[v] = threshold_needed(m_, in_.key, in_.run, v);
    }
    s_.acc_[v] += w;
    if (s_.acc_[v] >= s_.need_[v]) offer(v, time, origin);
  }

  void recovered_at(std::uint32_t time) {
    if (time <= in_.max_steps) ++count(s_.recovered_, time);  // a recovery past the horizon is not seen
  }

  // The cache lines expanding a person starts with: their list offsets and engagement row.
  void prefetch_person(node_t w) const {
    __builtin_prefetch(&g_.strong.offsets()[w]);
    __builtin_prefetch(&g_.audience.offsets()[w]);
    ex_.prefetch(w);
  }

  static constexpr std::size_t kBatch = 64;
  std::vector<Scratch::Fired>& fired() { return s_.fired_; }
  void prefetch_state(node_t v) const { st_.prefetch(v); }
  ImplicitGraph::Cursor& cursor() { return s_.lists_->cursor; }

  // The attribution code a person passes on when expanded at step t.
  int origin_of(node_t u, std::uint32_t t) const { return t == 0 ? kBySeed : static_cast<int>(g_.tier[u]); }
  const Exposure& exposure() const { return ex_; }
  const SocialGraph& graph() const { return g_; }
  const Model& model() const { return m_; }
  const CascadeInput& input() const { return in_; }
  RunResult& result() { return out_; }

 private:
  // Expanding a person costs a few cache misses whose addresses are known well ahead: their list
  // offsets, then the start of their lists. Asking for them a few people early lets the misses of
  // consecutive people overlap instead of queueing behind each person's random numbers.
  void prefetch_ahead(const std::vector<std::uint64_t>& b, std::size_t i) const {
    constexpr std::size_t kFar = 16, kNear = 8;
    if (i + kFar < b.size()) {
      const node_t w = static_cast<node_t>(b[i + kFar] >> 8);
      __builtin_prefetch(&g_.strong.offsets()[w]);
      __builtin_prefetch(&g_.audience.offsets()[w]);
      st_.prefetch_info(w);
    }
    if (i + kNear < b.size()) {
      const node_t w = static_cast<node_t>(b[i + kNear] >> 8);
      __builtin_prefetch(g_.strong.targets().data() + g_.strong.begin(w));
      __builtin_prefetch(g_.audience.targets().data() + g_.audience.begin(w));
    }
  }

  bool touched(node_t v) const { return st_.touched(v); }
  std::uint32_t& touch(node_t v) { return st_.touch(v); }
  void schedule(node_t v, std::uint32_t time, int origin) {
    if (time > in_.max_steps) {
      out_.truncated = true;
      return;
    }
    std::uint32_t& st = st_.info(v);
    st = (st & ~kTimeMask) | kScheduled | time;
    bucket(time).push_back(entry(v, origin));
  }
  std::vector<std::uint64_t>& bucket(std::size_t t) {
    if (t >= s_.buckets_.size()) s_.buckets_.resize(t + 1);
    return s_.buckets_[t];
  }
  static std::uint32_t& count(std::vector<std::uint32_t>& v, std::size_t t) {
    if (t >= v.size()) v.resize(t + 1, 0);
    return v[t];
  }

  void begin() {
    st_.begin();
    if (m_.kind() == ModelKind::threshold && s_.acc_.size() != s_.stamp_.size()) {
      s_.acc_.assign(s_.stamp_.size(), 0.0);
      s_.need_.assign(s_.stamp_.size(), 0.0);
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
  State st_;
  RunResult& out_;
};

namespace {

struct IcPolicy {
  static constexpr bool kSortedFrontier = false;
  static constexpr bool kOncePerPerson = true;
  static constexpr bool kBatched = true;
  static constexpr bool kPrefetch = true;
  template <class E>
  void expand_batch(E& e, std::span<const std::uint64_t> people, std::uint32_t t) {
    const SocialGraph& g = e.graph();
    const Exposure& ex = e.exposure();
    const node_t* strong = g.strong.targets().data();
    const node_t* audience = g.audience.targets().data();
    auto& fired = e.fired();
    fired.clear();
    // Everyone's stream starts with a Philox block; the batch's blocks are computed together.
    const CascadeInput& in = e.input();
    node_t who[E::kBatch];
    std::uint32_t first[E::kBatch][4];
    for (std::size_t k = 0; k < people.size(); ++k) who[k] = static_cast<node_t>(people[k] >> 8);
    rng::first_blocks(in.key, who, in.run, 0, people.size(), first);
    for (std::size_t k = 0; k < people.size(); ++k) {
      const node_t u = who[k];
      const int origin = e.origin_of(u, t);
      const double factor = origin == kBySeed ? in.seed_authenticity : 1.0;
      rng::Stream rs(in.key, u, in.run, 0, first[k]);
      const auto ends = ex.circle_ends(u);
      auto keep = [&](const node_t* at) {
        __builtin_prefetch(at);
        fired.push_back({at, 0, static_cast<std::uint8_t>(origin)});
      };
      offset_t b = g.strong.begin(u);
      for (int c = 1; c <= kCircles; ++c) {
        sample_edges(rs, b, ends[c - 1], strong_coin(ex, c, factor), [&](offset_t i) { keep(strong + i); });
        b = ends[c - 1];
      }
      sample_edges(rs, g.audience.begin(u), g.audience.end(u), audience_coin(ex, u, factor),
                   [&](offset_t i) { keep(audience + i); });
      e.result().examined += g.strong.degree(u) + g.audience.degree(u);
    }
    for (auto& f : fired) {
      f.person = *f.at;
      e.prefetch_state(f.person);
    }
    for (const auto& f : fired) e.offer_once(f.person, t + 1, f.origin);
  }
};

struct ThresholdPolicy {
  static constexpr bool kBatched = false;
  static constexpr bool kSortedFrontier = true;
  static constexpr bool kOncePerPerson = true;
  static constexpr bool kPrefetch = true;
  template <class E>
  void expand(E& e, node_t u, std::uint32_t t) {
    const SocialGraph& g = e.graph();
    const auto& w = e.exposure().campaign().circle_weight;
    const int origin = e.origin_of(u, t);
    const auto nb = g.strong.neighbors(u);
    const auto at = g.strong.attrs(u);
    for (std::size_t i = 0; i < nb.size(); ++i) e.offer_weight(nb[i], w[at[i] - 1], t + 1, origin);
    const double aw = e.model().threshold_params().audience_weight;
    if (aw > 0)
      for (node_t v : g.audience.neighbors(u)) e.offer_weight(v, aw, t + 1, origin);
    e.result().examined += nb.size() + g.audience.degree(u);
  }
};

struct SirPolicy {
  static constexpr bool kBatched = false;
  static constexpr bool kSortedFrontier = false;
  static constexpr bool kOncePerPerson = false;
  static constexpr bool kPrefetch = true;
  template <class E>
  void expand(E& e, node_t u, std::uint32_t t) {
    const SocialGraph& g = e.graph();
    const Exposure& ex = e.exposure();
    const int origin = e.origin_of(u, t);
    const double factor = origin == kBySeed ? e.input().seed_authenticity : 1.0;
    rng::Stream rs(e.input().key, u, e.input().run);
    const std::uint32_t cap = std::max<std::uint32_t>(1, e.input().max_steps);
    const std::uint32_t period = sir_period(rs, e.model().sir_params().recovery, cap);
    e.recovered_at(t + period);
    const node_t* strong = g.strong.targets().data();
    const node_t* audience = g.audience.targets().data();
    auto segment = [&](offset_t b, offset_t end, double beta, const node_t* tg) {
      if (!(beta > 0.0)) return;
      const double T = beta >= 1.0 ? 1.0 : -std::expm1(double(period) * std::log1p(-beta));
      sample_edges(rs, b, end, Coin::of(T),
                   [&](offset_t i) { e.offer(tg[i], t + sir_delay(rs, beta, T, period), origin); });
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

// The same two models on an implicit graph: the person's lists are rebuilt, the coins tossed over
// the same positions in the same order as on the stored lists, so every offer is the same.
struct IcImplicitPolicy {
  static constexpr bool kSortedFrontier = false;
  static constexpr bool kOncePerPerson = true;
  static constexpr bool kBatched = false;
  static constexpr bool kPrefetch = false;
  template <class E>
  void expand(E& e, node_t u, std::uint32_t t) {
    const ImplicitGraph& g = *e.graph().implicit;
    const Exposure& ex = e.exposure();
    const CascadeInput& in = e.input();
    ImplicitGraph::Cursor& c = e.cursor();
    g.expand(u, c);
    const int origin = e.origin_of(u, t);
    const double factor = origin == kBySeed ? in.seed_authenticity : 1.0;
    rng::Stream rs(in.key, u, in.run, 0);
    const node_t* strong = c.ties.target.data();
    std::uint32_t b = 0;
    for (int k = 1; k <= kCircles; ++k) {
      sample_edges(rs, b, c.ties.end[k - 1], strong_coin(ex, k, factor),
                   [&](offset_t i) { e.offer_once(strong[i], t + 1, origin); });
      b = c.ties.end[k - 1];
    }
    const int row = ex.engagement_row(c.audience);
    const Coin coin = factor == 1.0 ? ex.audience_coin_of_row(row) : Coin::of(ex.audience_p_of_row(row) * factor);
    sample_edges(rs, 0, c.audience, coin, [&](offset_t k) { e.offer_once(g.follower(c, k), t + 1, origin); });
    e.result().examined += c.ties.size() + c.audience;
  }
};

struct SirImplicitPolicy {
  static constexpr bool kBatched = false;
  static constexpr bool kSortedFrontier = false;
  static constexpr bool kOncePerPerson = false;
  static constexpr bool kPrefetch = false;
  template <class E>
  void expand(E& e, node_t u, std::uint32_t t) {
    const ImplicitGraph& g = *e.graph().implicit;
    const Exposure& ex = e.exposure();
    ImplicitGraph::Cursor& c = e.cursor();
    g.expand(u, c);
    const int origin = e.origin_of(u, t);
    const double factor = origin == kBySeed ? e.input().seed_authenticity : 1.0;
    rng::Stream rs(e.input().key, u, e.input().run);
    const std::uint32_t cap = std::max<std::uint32_t>(1, e.input().max_steps);
    const std::uint32_t period = sir_period(rs, e.model().sir_params().recovery, cap);
    e.recovered_at(t + period);
    auto segment = [&](offset_t b, offset_t end, double beta, auto&& target) {
      if (!(beta > 0.0)) return;
      const double T = beta >= 1.0 ? 1.0 : -std::expm1(double(period) * std::log1p(-beta));
      sample_edges(rs, b, end, Coin::of(T),
                   [&](offset_t i) { e.offer(target(i), t + sir_delay(rs, beta, T, period), origin); });
    };
    std::uint32_t b = 0;
    for (int k = 1; k <= kCircles; ++k) {
      segment(b, c.ties.end[k - 1], ex.strong_p(k) * factor, [&](offset_t i) { return c.ties.target[i]; });
      b = c.ties.end[k - 1];
    }
    segment(0, c.audience, ex.audience_p_of_row(ex.engagement_row(c.audience)) * factor,
            [&](offset_t k) { return g.follower(c, k); });
    e.result().examined += c.ties.size() + c.audience;
  }
};

template <class State>
void run_model(const Exposure& ex, const Model& m, const CascadeInput& in, Scratch& scratch, RunResult& out) {
  EngineAccess<State> engine(ex, m, in, scratch, out);
  const bool implicit = ex.graph().is_implicit();
  switch (m.kind()) {
    case ModelKind::ic: {
      if (implicit) {
        IcImplicitPolicy p;
        engine.run(p);
      } else {
        IcPolicy p;
        engine.run(p);
      }
      break;
    }
    case ModelKind::threshold: {
      if (implicit || scratch.sparse())
        throw Error("the threshold model needs the explicit graph and per-person state");
      ThresholdPolicy p;
      engine.run(p);
      break;
    }
    case ModelKind::sir: {
      if (implicit) {
        SirImplicitPolicy p;
        engine.run(p);
      } else {
        SirPolicy p;
        engine.run(p);
      }
      break;
    }
  }
}

}  // namespace

void simulate(const Exposure& ex, const Model& m, const CascadeInput& in, Scratch& scratch, RunResult& out) {
  if (scratch.sparse())
    run_model<SparseState>(ex, m, in, scratch, out);
  else
    run_model<DenseState>(ex, m, in, scratch, out);
}

}  // namespace nanoreach
