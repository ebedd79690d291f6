// IMM: reverse-reachable sets, greedy coverage and the sampling bounds (see the header for the
// algorithm, the papers and the two deviations from the published pseudocode).
#include "nanoreach/sim/imm.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <numeric>
#include <string>

#include "nanoreach/rng.hpp"
#include "nanoreach/sim/engine.hpp"

namespace nanoreach {

namespace {

// Below this many work items a loop runs on one thread: a parallel region costs more than it saves
// (and much more when the machine is oversubscribed). Results do not depend on it.
constexpr std::int64_t kParallelMin = 4096;

// Owner-computes scatter: this many threads each own a range of people and read all of the input,
// writing only their own range, so no write is shared and nothing depends on timing. Beyond 8 the
// repeated reads cost more than the writes they spread.
int owner_parts(std::uint64_t work) {
  return work >= std::uint64_t(kParallelMin) ? std::clamp(omp_get_max_threads(), 1, 8) : 1;
}

// One thread's reverse BFS, a batch of RR sets at a time.
//
// In-edges are tossed by cumulative hazard rather than one Bernoulli coin each: with E ~ Exp(1), the
// in-edges are walked in order, each consuming h = -ln(1 - p) of E; the edge at which E runs out
// fires and a fresh E is drawn. Since P(E >= h_1 + ... + h_j) = (1 - p_1)...(1 - p_j) and E is
// memoryless, every edge fires independently with its own p: the engine's distribution, though not
// its tosses. A run of equal p is crossed with one division (the engine's geometric skipping, with
// what is left of E carried from run to run).
// A person with no live in-edge (E >= their total hazard, the common case below the epidemic
// threshold) costs one draw and one record.
//
// Below the threshold a set holds a few people, and its cost is a chain of cache misses: a
// person's record, their segments, the in-edges that fired, the records of the people at their
// ends. The walker keeps kLanes sets in flight and takes turns among them, one link of each set's
// chain per turn with a prefetch for the next, so the misses of different sets overlap instead of
// queueing (a software pipeline across sets); a lane whose set is complete takes the next set at
// once. Each set still consumes its own stream in the order of a plain BFS, so the sets depend on
// neither the lanes, the turns nor the thread. A set that grows past kScan people leaves the turns
// and is finished at once with epoch-stamped marks; a short set is kept free of repeats by
// scanning it, so it touches no mark.
class Walker {
 public:
  static constexpr int kLanes = 32;

  explicit Walker(const ImmGraph& g)
      : g_(g),
        strong_(g.exposure().graph().strong.targets().data()),
        followed_(g.followed_targets().data()),
        segments_(g.segments().data()),
        hazard_(g.class_hazard().data()),
        mark_(g.people(), 0) {}

  // Draws sets j = 0..m-1, set j from stream(j), appending each to out as it completes: set j at
  // out[where[j]..] with length[j] entries, its root first. done(j) is called as set j completes
  // (in no fixed order); when it returns false the walk stops.
  template <class MakeStream, class Done>
  void walk(std::int64_t m, MakeStream&& stream, std::vector<node_t>& out, std::uint64_t* where,
            std::uint32_t* length, Done&& done) {
    const node_t n = g_.people();
    std::int64_t next_set = 0;
    auto start = [&](Lane& l) {
      if (next_set == m) return false;
      l.j = next_set++;
      l.rs = stream(l.j);
      l.set.clear();
      l.shift = 64;
      l.set.push_back(static_cast<node_t>(l.rs.below(n)));
      __builtin_prefetch(&g_.person(l.set[0]));
      l.next = 0;
      l.stage = Stage::draw;
      return true;
    };
    int active[kLanes];
    int na = 0;
    for (int a = 0; a < kLanes && start(lane_[a]); ++a) active[na++] = a;
    while (na > 0) {
      int kept = 0;
      for (int a = 0; a < na; ++a) {
        Lane& l = lane_[active[a]];
        const Turn t = step(l);
        if (t == Turn::more) {
          active[kept++] = active[a];
          continue;
        }
        const std::size_t begin = out.size();
        where[l.j] = begin;
        out.insert(out.end(), l.set.begin(), l.set.end());
        if (t == Turn::alone) finish(l.rs, out, begin, begin + l.next);
        length[l.j] = static_cast<std::uint32_t>(out.size() - begin);
        if (!done(l.j)) return;
        if (start(l)) active[kept++] = active[a];
      }
      na = kept;
    }
  }

 private:
  static constexpr std::size_t kScan = 16;
  static constexpr std::size_t kAlone = 1024;
  enum class Stage : std::uint8_t { draw, expand, visit };
  enum class Turn : std::uint8_t { more, complete, alone };
  struct Lane {
    rng::Stream rs{0};
    std::int64_t j = 0;                // which set
    std::vector<node_t> set;           // the set so far, in BFS order
    std::vector<const node_t*> fired;  // live in-edges of set[next], once expanded
    std::size_t next = 0;              // the person whose in-edges are being tossed
    double e = 0;                      // their first E, when live
    Stage stage = Stage::draw;
    // Membership once the set has more than kScan people: open addressing, at most half full.
    std::vector<node_t> table;
    int shift = 64;  // 64 - log2(table size); 64 while the set is scanned
    bool insert(node_t w) {  // false when w is in the set already
      if (shift == 64) {
        if (std::find(set.begin(), set.end(), w) != set.end()) return false;
        set.push_back(w);
        if (set.size() > kScan) rehash(64);
        return true;
      }
      if (!place(w)) return false;
      set.push_back(w);
      if (2 * set.size() > table.size()) rehash(2 * table.size());
      return true;
    }
    void rehash(std::size_t size) {
      table.assign(size, kNoNode);
      shift = 64 - std::countr_zero(size);
      for (node_t v : set) place(v);
    }
    bool place(node_t w) {
      std::size_t i = (std::uint64_t(w) * 0x9E3779B97F4A7C15ull) >> shift;
      for (;; i = (i + 1) & (table.size() - 1)) {
        if (table[i] == w) return false;
        if (table[i] == kNoNode) {
          table[i] = w;
          return true;
        }
      }
    }
  };

  // One turn of a set: more turns to come, complete, or grown past kScan (finish() completes it).
  Turn step(Lane& l) {
    switch (l.stage) {
      case Stage::draw:  // draw E for the next people (records prefetched) until one has a live in-edge
        for (; l.next < l.set.size(); ++l.next) {
          const ImmGraph::Person& rec = g_.person(l.set[l.next]);
          l.e = l.rs.exponential_fast();
          if (l.e < rec.hazard) {
            __builtin_prefetch(&segments_[rec.segment_begin]);
            l.stage = Stage::expand;
            return Turn::more;
          }
        }
        return Turn::complete;
      case Stage::expand:
        l.fired.clear();
        expand(l.rs, l.set[l.next], l.e, [&](const node_t* t) {
          __builtin_prefetch(t);
          l.fired.push_back(t);
        });
        l.stage = Stage::visit;
        return Turn::more;
      case Stage::visit:
        for (const node_t* t : l.fired) {
          const node_t w = *t;
          if (l.insert(w)) __builtin_prefetch(&g_.person(w));  // its record is needed when the BFS reaches it
        }
        ++l.next;
        l.stage = Stage::draw;
        return l.set.size() > kAlone ? Turn::alone : Turn::more;
    }
    return Turn::complete;
  }

  // Completes the set at out[start..) alone, from the person at out[from], with marks.
  void finish(rng::Stream& rs, std::vector<node_t>& out, std::size_t start, std::size_t from) {
    if (++epoch_ == 0) {
      std::fill(mark_.begin(), mark_.end(), 0);
      epoch_ = 1;
    }
    for (std::size_t i = start; i < out.size(); ++i) mark_[out[i]] = epoch_;
    for (std::size_t i = from; i < out.size(); ++i) {
      const node_t v = out[i];
      const double e = rs.exponential_fast();
      if (e >= g_.person(v).hazard) continue;
      expand(rs, v, e, [&](const node_t* t) {
        const node_t w = *t;
        if (mark_[w] == epoch_) return;
        mark_[w] = epoch_;
        out.push_back(w);
        __builtin_prefetch(&g_.person(w));
      });
    }
  }

  // v's live in-edges, given E = e < v's hazard: calls fire(&target) for each, in order, drawing a
  // fresh E from rs after each.
  template <class Fire>
  void expand(rng::Stream& rs, node_t v, double e, Fire&& fire) {
    const ImmGraph::Person& rec = g_.person(v);
    offset_t pos[2] = {rec.strong_begin, rec.followed_begin};
    const node_t* targets[2] = {strong_, followed_};
    const std::uint64_t s_end = g_.person(v + 1).segment_begin;
    for (std::uint64_t s = rec.segment_begin; s < s_end; ++s) {
      const ImmGraph::Segment seg = segments_[s];
      const node_t* tg = targets[seg.followed] + pos[seg.followed];
      pos[seg.followed] += seg.length;
      const double h = hazard_[seg.cls];
      if (h == 0.0) continue;  // p = 0
      if (h == HUGE_VAL) {     // p = 1
        for (std::uint32_t j = 0; j < seg.length; ++j) fire(tg + j);
        continue;
      }
      std::uint32_t j = 0;
      for (;;) {
        const double skip = std::floor(e / h);  // whole edges E survives
        if (skip >= double(seg.length - j)) {
          e = std::max(0.0, e - double(seg.length - j) * h);  // no rounding below zero
          break;
        }
        j += static_cast<std::uint32_t>(skip);
        fire(tg + j);
        ++j;
        e = rs.exponential_fast();
      }
    }
  }

  const ImmGraph& g_;
  const node_t* strong_;
  const node_t* followed_;
  const ImmGraph::Segment* segments_;
  const double* hazard_;
  std::vector<std::uint32_t> mark_;
  std::uint32_t epoch_ = 0;
  Lane lane_[kLanes];
};

// Greedy state over a collection of RR sets: the person -> sets index, each person's number of
// uncovered sets (their marginal gain) and which sets are covered.
class Coverage {
 public:
  // Two passes over the sets, each thread counting or filling the people of its own range of ids,
  // so no write is shared (each thread reads every set). A person's list holds their sets in
  // ascending order.
  Coverage(const RrSets& r, node_t n) : r_(r), gain_(n, 0), covered_(r.size(), 0) {
    const std::uint64_t sets = r.size();
    const int parts = owner_parts(r.nodes.size());
    auto range = [&](int t) { return std::pair<node_t, node_t>(node_t(std::uint64_t(n) * t / parts), node_t(std::uint64_t(n) * (t + 1) / parts)); };
#pragma omp parallel for schedule(static, 1) num_threads(parts) if (parts > 1)
    for (int t = 0; t < parts; ++t) {
      const auto [lo, hi] = range(t);
      for (node_t v : r.nodes)
        if (v >= lo && v < hi) ++gain_[v];
    }
    offsets_.resize(std::size_t(n) + 1);
    offsets_[0] = 0;
    for (node_t v = 0; v < n; ++v) offsets_[v + 1] = offsets_[v] + gain_[v];
    index_.resize(r.nodes.size());
#pragma omp parallel for schedule(static, 1) num_threads(parts) if (parts > 1)
    for (int t = 0; t < parts; ++t) {
      const auto [lo, hi] = range(t);
      std::vector<offset_t> cursor(offsets_.begin() + lo, offsets_.begin() + hi);
      for (std::uint64_t i = 0; i < sets; ++i)
        for (node_t v : r.set(i))
          if (v >= lo && v < hi) index_[cursor[v - lo]++] = static_cast<std::uint32_t>(i);
    }
  }

  std::uint32_t gain(node_t v) const { return gain_[v]; }
  std::uint64_t covered() const { return covered_count_; }

  void take(node_t v) {
    for (offset_t p = offsets_[v]; p < offsets_[std::size_t(v) + 1]; ++p) {
      const std::uint32_t s = index_[p];
      if (covered_[s]) continue;
      covered_[s] = 1;
      ++covered_count_;
      for (node_t w : r_.set(s)) --gain_[w];
    }
  }

 private:
  const RrSets& r_;
  std::vector<std::uint32_t> gain_;
  std::vector<std::uint8_t> covered_;
  std::vector<offset_t> offsets_;
  std::vector<std::uint32_t> index_;
  std::uint64_t covered_count_ = 0;
};

// A lazy max-heap of people by a key that can only fall (marginal coverage, or coverage per unit
// cost). Order: larger key first, then smaller id, a total order, so the selection is unique.
struct Candidate {
  double key;
  node_t v;
};
struct WorseCandidate {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return a.key < b.key || (a.key == b.key && a.v > b.v);
  }
};

class LazyHeap {
 public:
  template <class Key>
  LazyHeap(node_t n, Key&& key, auto&& admit) {
    for (node_t v = 0; v < n; ++v)
      if (admit(v)) heap_.push_back({key(v), v});
    std::make_heap(heap_.begin(), heap_.end(), WorseCandidate{});
  }
  // The person of largest current key (key(v) recomputed), or kNoNode when none is left.
  template <class Key>
  node_t pop(Key&& key) {
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), WorseCandidate{});
      Candidate c = heap_.back();
      heap_.pop_back();
      const double now = key(c.v);
      if (now == c.key) return c.v;  // up to date: no stale key above it can beat it
      heap_.push_back({now, c.v});
      std::push_heap(heap_.begin(), heap_.end(), WorseCandidate{});
    }
    return kNoNode;
  }

 private:
  std::vector<Candidate> heap_;
};

struct Selection {
  std::vector<node_t> seeds;
  std::uint64_t covered = 0;
  double cost = 0;
  bool single_best = false;
};

// Greedy maximum coverage with k people. Once no one adds coverage the set is filled with the
// smallest ids not yet chosen, so it always has k people.
Selection select_topk(const RrSets& r, node_t n, std::uint32_t k) {
  Coverage cov(r, n);
  auto key = [&](node_t v) { return double(cov.gain(v)); };
  LazyHeap heap(n, key, [&](node_t v) { return cov.gain(v) > 0; });
  Selection s;
  std::vector<std::uint8_t> chosen(n, 0);
  while (s.seeds.size() < k) {
    const node_t v = heap.pop(key);
    if (v == kNoNode || cov.gain(v) == 0) break;
    cov.take(v);
    chosen[v] = 1;
    s.seeds.push_back(v);
  }
  for (node_t v = 0; v < n && s.seeds.size() < k; ++v)
    if (!chosen[v]) s.seeds.push_back(v);
  s.covered = cov.covered();
  s.cost = double(s.seeds.size());
  return s;
}

// Khuller-Moss-Naor: the better of the ratio greedy and the best single affordable person.
Selection select_budget(const RrSets& r, node_t n, std::span<const double> cost, double budget) {
  Coverage cov(r, n);
  node_t single = kNoNode;
  for (node_t v = 0; v < n; ++v)
    if (cost[v] <= budget && cov.gain(v) > 0 && (single == kNoNode || cov.gain(v) > cov.gain(single))) single = v;
  const std::uint64_t single_covered = single == kNoNode ? 0 : cov.gain(single);

  // Free people rank first (key +inf, then by id): each is taken while it adds coverage.
  auto key = [&](node_t v) {
    const double g = cov.gain(v);
    return cost[v] > 0 ? g / cost[v] : (g > 0 ? HUGE_VAL : 0.0);
  };
  LazyHeap heap(n, key, [&](node_t v) { return cov.gain(v) > 0 && cost[v] <= budget; });
  Selection s;
  for (;;) {
    const node_t v = heap.pop(key);
    if (v == kNoNode || cov.gain(v) == 0) break;
    if (s.cost + cost[v] > budget) continue;  // what is spent only grows: v is out for good
    cov.take(v);
    s.seeds.push_back(v);
    s.cost += cost[v];
  }
  s.covered = cov.covered();
  if (single_covered > s.covered) {
    s.seeds = {single};
    s.cost = cost[single];
    s.covered = single_covered;
    s.single_best = true;
  }
  return s;
}

double log_binomial(double n, double k) {
  return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
}

// log sum_{j=0..k} C(n, j), by log-sum-exp.
double log_sets_up_to(double n, std::uint64_t k) {
  double top = -HUGE_VAL;
  for (std::uint64_t j = 0; j <= k; ++j) top = std::max(top, log_binomial(n, double(j)));
  double sum = 0;
  for (std::uint64_t j = 0; j <= k; ++j) sum += std::exp(log_binomial(n, double(j)) - top);
  return top + std::log(sum);
}

// IMM's sampling phase and final draw; `select` maps RR sets to a Selection, `k` is the set size the
// union bounds are taken over (OPT >= k), log_sets the log of the number of candidate sets.
template <class Select>
ImmResult run_imm(const ImmGraph& g, double k, double log_sets, const ImmParams& p, std::uint64_t seed,
                  Select&& select) {
  p.validate();
  const double n = g.people();
  const double ln_n = std::log(n);
  const double ell = p.ell * (1.0 + std::log(2.0) / ln_n);
  const double e1 = 1.0 - std::exp(-1.0);
  const double eps = p.epsilon;
  const double eps2 = std::sqrt(2.0) * eps;
  const double lambda_prime =
      (2.0 + 2.0 / 3.0 * eps2) * (log_sets + ell * ln_n + std::log(std::log2(n))) * n / (eps2 * eps2);
  const double alpha = std::sqrt(ell * ln_n + std::log(2.0));
  const double beta = std::sqrt(e1 * (log_sets + ell * ln_n + std::log(2.0)));
  const double lambda_star = 2.0 * n * std::pow(e1 * alpha + beta, 2) / (eps * eps);

  auto sets_for = [&](double theta, const char* phase) {
    const double t = std::ceil(theta);
    if (!(t <= double(p.max_rr_sets)))
      throw Error("IMM " + std::string(phase) + " needs " + number_text(t) + " RR sets, more than imm.max_rr_sets = " +
                  std::to_string(p.max_rr_sets) + " (raise imm.epsilon or the limit)");
    return static_cast<std::uint64_t>(t);
  };

  // Grows r to `target` sets. A pilot of kPilot sets first measures the mean RR set size; when
  // target times that mean cannot fit in imm.max_rr_entries the call fails at once instead of after
  // filling memory (above the epidemic threshold an RR set holds a fixed share of everyone).
  constexpr std::uint64_t kPilot = 256;
  auto grow = [&](RrSets& r, std::uint64_t key, std::uint64_t target, const char* phase) {
    if (target <= r.size()) return;
    if (r.size() < kPilot) append_rr_sets(g, key, std::min(target, kPilot) - r.size(), r, p.max_rr_entries);
    const double mean = double(r.nodes.size()) / double(r.size());
    if (double(target) * mean > 1.5 * double(p.max_rr_entries))
      throw Error("IMM " + std::string(phase) + " needs " + std::to_string(target) + " RR sets of mean size " +
                  number_text(mean) + ", about " + number_text(double(target) * mean) + " entries, more than imm.max_rr_entries = " +
                  std::to_string(p.max_rr_entries) +
                  ": the cascade is near or above its epidemic threshold; raise imm.epsilon or the limit");
    if (target > r.size()) append_rr_sets(g, key, target - r.size(), r, p.max_rr_entries);
  };

  RrSets r;
  double lb = k;
  const std::uint64_t sampling_key = rng::derive(seed, rng::Purpose::imm, 1);
  for (int i = 1; i < std::log2(n); ++i) {
    const double x = n / std::ldexp(1.0, i);
    grow(r, sampling_key, sets_for(lambda_prime / x, "sampling"), "sampling");
    const Selection s = select(r);
    const double estimate = n * double(s.covered) / double(r.size());
    if (estimate >= (1.0 + eps2) * x) {
      lb = std::max(lb, estimate / (1.0 + eps2));
      break;
    }
  }
  ImmResult out;
  out.sampling_rr_sets = r.size();
  out.lower_bound = lb;
  const std::uint64_t theta = sets_for(lambda_star / lb, "final selection");
  r.clear();
  grow(r, rng::derive(seed, rng::Purpose::imm, 2), theta, "final selection");
  Selection s = select(r);
  out.seeds = std::move(s.seeds);
  out.cost = s.cost;
  out.single_best = s.single_best;
  out.rr_sets = r.size();
  out.rr_entries = r.nodes.size();
  out.spread = n * double(s.covered) / double(r.size());
  return out;
}

}  // namespace

void ImmParams::validate() const {
  if (!(epsilon > 0.0 && epsilon < 1.0))
    throw ConfigError("imm.epsilon", "must be in (0, 1), got " + number_text(epsilon));
  if (!(ell > 0.0 && std::isfinite(ell))) throw ConfigError("imm.ell", "must be positive, got " + number_text(ell));
  if (max_rr_sets < 1 || max_rr_sets > 0xFFFFFFFFull)
    throw ConfigError("imm.max_rr_sets", "must be in [1, 2^32 - 1], got " + std::to_string(max_rr_sets));
  if (max_rr_entries < 1) throw ConfigError("imm.max_rr_entries", "must be positive");
}

ImmGraph::ImmGraph(const Exposure& ex) : ex_(ex) {
  ex.graph().require_explicit("IMM (the optimal strategy walks the audience layer backwards)");
  const SocialGraph& g = ex.graph();
  const node_t n = g.people();
  const Csr& a = g.audience;
  // Classes 0..3: the circles. Then one class per distinct audience probability of an account that
  // has followers, ascending.
  std::vector<double> audience_p;
  for (node_t u = 0; u < n; ++u)
    if (a.degree(u) > 0) audience_p.push_back(ex.audience_p(u));
  std::sort(audience_p.begin(), audience_p.end());
  audience_p.erase(std::unique(audience_p.begin(), audience_p.end()), audience_p.end());
  if (audience_p.size() > 255)
    throw Error("IMM: " + std::to_string(audience_p.size()) +
                " distinct audience probabilities; at most 255 engagement classes are supported");
  for (int c = 1; c <= kCircles; ++c) class_p_.push_back(ex.strong_p(c));
  class_p_.insert(class_p_.end(), audience_p.begin(), audience_p.end());
  for (double p : class_p_) class_hazard_.push_back(p >= 1.0 ? HUGE_VAL : -std::log1p(-p));

  // The audience layer transposed, each list sorted by (class, account) (build_csr's canonical
  // order), by a counting scatter: accounts are taken in (class, account) order, so each follower's
  // list fills in that order with no sort. Each thread owns a range of followers and writes only
  // there, so the scatter needs no atomics and its result no ordering.
  std::vector<std::uint8_t> account_class(n, 0);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (node_t u = 0; u < n; ++u)
    if (a.degree(u) > 0)
      account_class[u] = static_cast<std::uint8_t>(
          1 + (std::lower_bound(audience_p.begin(), audience_p.end(), ex.audience_p(u)) - audience_p.begin()));
  std::vector<node_t> accounts;  // with followers, by (class, id): a counting sort
  {
    std::vector<std::size_t> at(audience_p.size() + 2, 0);
    for (node_t u = 0; u < n; ++u) ++at[std::size_t(account_class[u]) + 1];
    for (std::size_t c = 1; c < at.size(); ++c) at[c] += at[c - 1];
    const std::size_t silent = at[1];  // accounts without followers, class 0
    accounts.resize(n - silent);
    for (node_t u = 0; u < n; ++u)
      if (account_class[u] > 0) accounts[at[account_class[u]]++ - silent] = u;
  }
  std::vector<offset_t> offsets(std::size_t(n) + 1, 0);
  {
    const node_t* t = a.targets().data();
#pragma omp parallel for schedule(static) if (a.num_edges() >= offset_t(kParallelMin))
    for (offset_t i = 0; i < a.num_edges(); ++i)
      std::atomic_ref<offset_t>(offsets[std::size_t(t[i]) + 1]).fetch_add(1, std::memory_order_relaxed);
  }
  for (node_t v = 0; v < n; ++v) offsets[std::size_t(v) + 1] += offsets[v];
  std::vector<node_t> followed(offsets.back());
  std::vector<std::uint8_t> followed_class(offsets.back());
  {
    const int parts = owner_parts(offsets.back());
    std::vector<node_t> bound(std::size_t(parts) + 1, n);
    bound[0] = 0;
    for (int t = 1; t < parts; ++t)  // equal shares of the edges
      bound[t] = static_cast<node_t>(std::lower_bound(offsets.begin(), offsets.end(),
                                                      offsets.back() / offset_t(parts) * offset_t(t)) -
                                     offsets.begin());
#pragma omp parallel for schedule(static, 1) num_threads(parts) if (parts > 1)
    for (int t = 0; t < parts; ++t) {
      const node_t lo = bound[t], hi = std::max(bound[t], bound[t + 1]);
      std::vector<offset_t> cursor(offsets.begin() + lo, offsets.begin() + hi);
      for (node_t u : accounts)
        for (node_t f : a.neighbors(u))
          if (f >= lo && f < hi) {
            const offset_t p = cursor[f - lo]++;
            followed[p] = u;
            followed_class[p] = account_class[u];
          }
    }
  }
  followed_ = Csr(std::move(offsets), std::move(followed), std::move(followed_class));
  account_class = {};
  accounts = {};

  // Segments in two passes (count, then fill at prefix offsets), each person by one thread.
  const Csr& strong = g.strong;
  const std::uint8_t* fa = followed_.attr().data();
  auto for_segments = [&](node_t v, auto&& emit) {
    const auto ends = ex.circle_ends(v);
    offset_t b = strong.begin(v);
    for (int c = 0; c < kCircles; ++c) {
      if (ends[c] > b) emit(Segment{static_cast<std::uint32_t>(ends[c] - b), static_cast<std::uint16_t>(c), 0});
      b = ends[c];
    }
    offset_t fb = followed_.begin(v);
    const offset_t fe = followed_.end(v);
    while (fb < fe) {
      const std::uint8_t c = fa[fb];
      const offset_t run_end = static_cast<offset_t>(std::upper_bound(fa + fb, fa + fe, c) - fa);
      emit(Segment{static_cast<std::uint32_t>(run_end - fb), static_cast<std::uint16_t>(kCircles + c - 1), 1});
      fb = run_end;
    }
  };
  people_.resize(std::size_t(n) + 1);
  std::vector<std::uint64_t> count(n);
#pragma omp parallel for schedule(dynamic, 1024) if (n >= kParallelMin)
  for (node_t v = 0; v < n; ++v) {
    std::uint64_t k = 0;
    for_segments(v, [&](const Segment&) { ++k; });
    count[v] = k;
  }
  std::uint64_t total = 0;
  for (node_t v = 0; v < n; ++v) {
    people_[v].segment_begin = total;
    total += count[v];
  }
  people_[n] = Person{strong.num_edges(), followed_.num_edges(), total, 0.0};
  segments_.resize(total);
#pragma omp parallel for schedule(dynamic, 1024) if (n >= kParallelMin)
  for (node_t v = 0; v < n; ++v) {
    Person& rec = people_[v];
    rec.strong_begin = strong.begin(v);
    rec.followed_begin = followed_.begin(v);
    rec.hazard = 0.0;
    std::uint64_t at = rec.segment_begin;
    for_segments(v, [&](const Segment& seg) {
      segments_[at++] = seg;
      rec.hazard += double(seg.length) * class_hazard_[seg.cls];
    });
  }
}

std::size_t ImmGraph::memory_bytes() const {
  return followed_.memory_bytes() + people_.size() * sizeof(Person) + segments_.size() * sizeof(Segment) +
         2 * class_p_.size() * sizeof(double);
}

void append_rr_sets(const ImmGraph& g, std::uint64_t key, std::uint64_t count, RrSets& sets,
                    std::uint64_t max_entries) {
  if (count == 0) return;
  if (g.people() == 0) throw Error("IMM: RR sets of an empty graph");
  const std::uint64_t first = sets.size();
  constexpr std::uint64_t kChunk = std::uint64_t(1) << 16;
  // Each thread's walker and buffer on cache lines of their own: they are written for every set.
  struct alignas(64) PerThread {
    explicit PerThread(const ImmGraph& g) : walker(g) {}
    Walker walker;
    std::vector<node_t> buffer;
  };
  const int threads = omp_get_max_threads();
  std::vector<PerThread> per;
  per.reserve(threads);
  for (int t = 0; t < threads; ++t) per.emplace_back(g);
  std::vector<std::uint64_t> where(std::min(count, kChunk));
  std::vector<std::uint32_t> length(where.size());
  std::vector<int> owner(where.size());
  sets.offsets.reserve(first + count + 1);
  // Chunk by chunk: each set is drawn into its thread's buffer, then copied to its slot in set order.
  for (std::uint64_t c0 = 0; c0 < count; c0 += kChunk) {
    const std::int64_t m = static_cast<std::int64_t>(std::min(kChunk, count - c0));
    for (auto& pt : per) pt.buffer.clear();
    // Blocks of up to 512 sets, each walked by one thread's lanes (see Walker); at least 8 blocks
    // per thread when there are enough sets, since a set may be huge. Sets do not depend on it.
    const std::int64_t kBlock = std::clamp<std::int64_t>(m / (8 * threads), 32, 512);
    const std::int64_t blocks = (m + kBlock - 1) / kBlock;
    // The entry guard: each block adds its entries to a shared total when it ends, and checks its
    // own running count against the total seen at its start after every set, so a collection that
    // cannot fit stops within about a block per thread of the limit. Whether it trips does not
    // depend on the order blocks finish in: it trips exactly when the chunk's full total passes the
    // limit (a partial total that passes it is a lower bound of the full one).
    std::atomic<std::uint64_t> total{sets.offsets.back()};
    std::atomic<bool> over{false};
#pragma omp parallel for schedule(dynamic, 1) if (m >= 256)  // even a pilot: a set may be huge
    for (std::int64_t bl = 0; bl < blocks; ++bl) {
      if (over.load(std::memory_order_relaxed)) continue;
      PerThread& pt = per[omp_get_thread_num()];
      const std::uint64_t seen = total.load(std::memory_order_relaxed);
      std::uint64_t mine = 0;
      const std::int64_t j0 = kBlock * bl;
      const std::int64_t b = std::min(m, j0 + kBlock) - j0;
      for (std::int64_t j = j0; j < j0 + b; ++j) owner[j] = omp_get_thread_num();
      pt.walker.walk(
          b,
          [&](std::int64_t j) {
            const std::uint64_t i = first + c0 + std::uint64_t(j0 + j);
            return rng::Stream(key, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i >> 32));
          },
          pt.buffer, &where[j0], &length[j0],
          [&](std::int64_t j) {
            mine += length[j0 + j];
            if (seen + mine <= max_entries) return true;
            over.store(true, std::memory_order_relaxed);
            return false;
          });
      total.fetch_add(mine, std::memory_order_relaxed);
    }
    if (over.load() || total.load() > max_entries)
      throw Error("IMM: RR sets would hold more than imm.max_rr_entries = " + std::to_string(max_entries) +
                  " people (" + std::to_string(first + c0) + " sets held " + std::to_string(sets.offsets.back()) +
                  "): the cascade is near or above its epidemic threshold; raise imm.epsilon or the limit");
    for (std::int64_t j = 0; j < m; ++j) sets.offsets.push_back(sets.offsets.back() + length[j]);
    sets.nodes.resize(sets.offsets.back());
#pragma omp parallel for schedule(static) if (m >= kParallelMin)
    for (std::int64_t j = 0; j < m; ++j) {
      const auto& buf = per[owner[j]].buffer;
      std::copy(buf.begin() + where[j], buf.begin() + where[j] + length[j],
                sets.nodes.begin() + sets.offsets[first + c0 + j]);
    }
  }
}

ImmResult imm_topk(const ImmGraph& g, std::uint32_t k, const ImmParams& params, std::uint64_t seed) {
  params.validate();
  const node_t n = g.people();
  if (k == 0) return {};
  if (k >= n) {
    ImmResult all;
    all.seeds.resize(n);
    std::iota(all.seeds.begin(), all.seeds.end(), node_t(0));
    all.spread = n;
    all.cost = n;
    all.lower_bound = n;
    return all;
  }
  return run_imm(g, k, log_binomial(n, k), params, seed,
                 [&](const RrSets& r) { return select_topk(r, n, k); });
}

ImmResult imm_topk(const Exposure& ex, std::uint32_t k, const ImmParams& params, std::uint64_t seed) {
  const ImmGraph g(ex);
  return imm_topk(g, k, params, seed);
}

ImmResult imm_budget(const ImmGraph& g, std::span<const double> cost, double budget, const ImmParams& params,
                     std::uint64_t seed) {
  params.validate();
  const node_t n = g.people();
  if (cost.size() != n)
    throw InputError("IMM budget: " + std::to_string(cost.size()) + " costs for " + std::to_string(n) + " people");
  if (!(budget >= 0.0 && std::isfinite(budget)))
    throw InputError("IMM budget: the budget must be finite and non-negative, got " + number_text(budget));
  for (node_t v = 0; v < n; ++v)
    if (!(cost[v] >= 0.0 && std::isfinite(cost[v])))
      throw InputError("IMM budget: person " + std::to_string(v) + " costs " + number_text(cost[v]) +
                       "; costs must be finite and non-negative");
  // k: how many people the budget can buy at most (the cheapest ones).
  std::vector<double> sorted(cost.begin(), cost.end());
  std::sort(sorted.begin(), sorted.end());
  std::uint64_t k = 0;
  double total = 0;
  while (k < n && total + sorted[k] <= budget) total += sorted[k++];
  if (k == 0) return {};
  if (k == n) {
    ImmResult all;
    all.seeds.resize(n);
    std::iota(all.seeds.begin(), all.seeds.end(), node_t(0));
    all.spread = n;
    all.cost = std::accumulate(cost.begin(), cost.end(), 0.0);
    all.lower_bound = n;
    return all;
  }
  return run_imm(g, double(k), log_sets_up_to(n, k), params, seed,
                 [&](const RrSets& r) { return select_budget(r, n, cost, budget); });
}

ImmResult imm_budget(const Exposure& ex, std::span<const double> cost, double budget, const ImmParams& params,
                     std::uint64_t seed) {
  const ImmGraph g(ex);
  return imm_budget(g, cost, budget, params, seed);
}

}  // namespace nanoreach
