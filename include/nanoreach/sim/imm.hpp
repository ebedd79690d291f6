// Influence maximisation under the independent cascade by reverse-reachable (RR) sets: IMM (Tang, Shi
// & Xiao, "Influence maximization in near-linear time: a martingale approach", SIGMOD 2015), the
// near-optimal seed set MODEL.md section 5 uses as an upper bound for the seeding strategies.
//
// The cascade is exactly the engine's IC (engine.hpp) with every person unpaid: a strong tie u - v in
// circle c fires u -> v with Exposure::strong_p(c), an audience edge u -> follower with
// Exposure::audience_p(u). The seeds' sponsored-post fatigue (CascadeInput::seed_authenticity) is NOT
// modelled: an RR set does not know which of its people will end up seeds, so IMM optimises the
// spread of fresh (authenticity 1) seeds. With fatigue the real spread of the chosen set is lower.
//
// RR sets (Borgs, Brautbar, Chayes & Lucier, SODA 2014): pick a root v uniformly, keep each edge with
// its probability and collect everyone who reaches v over kept edges (a reverse BFS). For any set S,
// n * P(S meets an RR set) is S's expected IC spread. Strong ties are symmetric with the same circle,
// so v's in-edges from strong ties are v's own list, with the probability of the circle; audience
// in-edges come from the transposed audience layer (ImmGraph), whose lists are sorted by the account's
// audience probability, so that each run of equal probability is crossed in one step (see Walker in
// imm.cpp: the same per-edge distribution as the engine's coins, not the same tosses).
//
// IMM, as published (Algorithms 1-3), with two documented choices:
//   * sampling: for i = 1 .. log2(n) - 1, x = n / 2^i, theta_i = lambda' / x RR sets, greedy on them;
//     stop when n F(S_i) >= (1 + eps') x and set LB = n F(S_i) / (1 + eps'), eps' = sqrt(2) eps.
//     LB starts at k instead of 1: k distinct seeds always reach at least themselves, so OPT >= k.
//     ell is raised to ell (1 + ln 2 / ln n) so that the whole algorithm succeeds with probability
//     1 - 1/n^ell (the paper's Algorithm 3, line 1);
//   * the final theta = lambda* / LB RR sets are generated afresh, not extended from the sampling
//     phase's: reusing them breaks the martingale argument (W. Chen, "An issue in the martingale
//     analysis of the influence maximization algorithm IMM", arXiv:1808.09363, 2018, acknowledged by
//     Xiao); of the two workarounds Chen proposes, this is the one that draws the final sets
//     independently. It costs at most the sampling phase's sets once more.
// Selection is greedy maximum coverage with lazy evaluation (gains only fall), ties broken by the
// smaller id, so the seeds are a pure function of the RR sets.
//
// Budgeted version (costs per person, a total budget): cost-aware greedy on RR-set coverage, the
// better of (a) ratio greedy, repeatedly taking the affordable person of largest marginal coverage
// per unit cost, and (b) the single affordable person of largest coverage (Khuller, Moss & Naor 1999:
// at least (1 - 1/e)/2 of the optimal coverage; used for budgeted IM by Nguyen & Zheng, "On budgeted
// influence maximization in social networks", IEEE JSAC 2013). theta: IMM's bounds with k = the
// largest number of people the budget can buy (the cheapest ones), and log C(n, k) replaced by the log
// of the number of feasible sets, sum_{j <= k} C(n, j), so the union bounds cover every affordable
// set. lambda* keeps the (1 - 1/e) constant, which asks for more sets than the smaller ratio of the
// budgeted greedy would: the estimate is at least as accurate as for top-k, the approximation
// guarantee is that of the selection rule, (1 - 1/e)/2 - eps.
//
// Determinism: RR set i is drawn from its own stream rng::Stream(derive(seed, Purpose::imm, phase), i)
// (phase 1 for sampling, 2 for the final sets) and stored in slot i, so the sets, the seeds and the
// estimate are identical on any number of threads.
// Memory: RR sets are one flat array (offsets + nodes, 4 bytes per entry); selection adds a
// person -> sets index (4 bytes per entry again) and per-set / per-person counters.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "nanoreach/sim/exposure.hpp"

namespace nanoreach {

struct ImmParams {
  double epsilon = 0.1;  // the approximation slack: (1 - 1/e - epsilon) OPT
  double ell = 1.0;      // success probability 1 - 1/n^ell
  // Guard against a runaway theta (tiny epsilon, tiny LB): more RR sets than this throws Error.
  // Set ids are 32-bit, so it cannot exceed 2^32 - 1.
  std::uint64_t max_rr_sets = 0xFFFFFFFFull;
  // Guard against RR sets that do not fit: more people in all sets together than this throws Error
  // (the sets take 4 bytes per entry, selection 4 more). Near or above the epidemic threshold an RR
  // set holds a sizeable share of the population, theta times that share does not fit, and plain IMM
  // is the wrong tool at this epsilon (hit-and-stop RR sets, HIST: Guo, Wang, Wu & Xiao, SIGMOD 2020,
  // are the known remedy for that regime; not implemented).
  std::uint64_t max_rr_entries = 1'000'000'000;
  void validate() const;  // ConfigError on imm.epsilon, imm.ell, imm.max_rr_sets, imm.max_rr_entries
};

struct ImmResult {
  std::vector<node_t> seeds;            // in the order greedy chose them
  double spread = 0;                    // n * (final RR sets covered) / rr_sets
  double cost = 0;                      // imm_budget: total cost of the seeds; imm_topk: seeds.size()
  std::uint64_t rr_sets = 0;            // theta: RR sets the seeds were chosen on
  std::uint64_t rr_entries = 0;         // people in those sets, summed
  std::uint64_t sampling_rr_sets = 0;   // RR sets drawn to find LB
  double lower_bound = 0;               // LB <= OPT (with probability 1 - 1/n^ell)
  bool single_best = false;             // imm_budget: the best single person beat the ratio greedy
};

// RR sets in one flat array: set i is nodes[offsets[i] .. offsets[i+1]), its root first, then the
// people found in reverse-BFS order.
struct RrSets {
  std::vector<offset_t> offsets = {0};
  std::vector<node_t> nodes;

  std::uint64_t size() const { return offsets.size() - 1; }
  std::span<const node_t> set(std::uint64_t i) const {
    return {nodes.data() + offsets[i], nodes.data() + offsets[i + 1]};
  }
  std::size_t memory_bytes() const { return offsets.size() * sizeof(offset_t) + nodes.size() * sizeof(node_t); }
  void clear() {
    offsets.assign(1, 0);
    nodes.clear();
  }
};

// The exposure prepared for reverse walks. Everyone's in-edges, as runs ("segments") of equal
// probability: the strong ties of each circle (a tie is stored both ways with one circle, so v's own
// list is its list of in-edges), then the accounts v follows (the audience layer transposed), grouped
// by the account's audience probability. Per person one 32-byte record holds where the lists start,
// where the segments start and the total hazard sum(-ln(1 - p)) of all in-edges, so a walk that
// finds no live in-edge at a person touches that record only. Build once per graph and campaign and
// reuse it for many calls; keeps a reference to the Exposure.
class ImmGraph {
 public:
  explicit ImmGraph(const Exposure& ex);

  const Exposure& exposure() const { return ex_; }
  node_t people() const { return ex_.graph().people(); }
  std::size_t memory_bytes() const;

  struct Person {
    offset_t strong_begin;    // into the strong layer's targets
    offset_t followed_begin;  // into followed_targets()
    std::uint64_t segment_begin;
    double hazard;            // total over all in-edges; +inf when one of them is certain
  };
  struct Segment {
    std::uint32_t length;
    std::uint16_t cls;       // index into class_hazard() / class_p(): circles 0..3, then audience classes
    std::uint8_t followed;   // 0: strong ties, 1: followed accounts
  };
  // people() + 1 records; person v's segments are [person(v).segment_begin, person(v + 1).segment_begin).
  const Person& person(node_t v) const { return people_[v]; }
  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<node_t>& followed_targets() const { return followed_.targets(); }
  const std::vector<double>& class_p() const { return class_p_; }
  const std::vector<double>& class_hazard() const { return class_hazard_; }

 private:
  const Exposure& ex_;
  Csr followed_;  // person -> accounts they follow, sorted by (audience class, account)
  std::vector<Person> people_;
  std::vector<Segment> segments_;
  std::vector<double> class_p_, class_hazard_;
};

// Appends `count` RR sets, numbered sets.size() .. sets.size() + count - 1, set i drawn from
// rng::Stream(key, low 32 bits of i, high 32 bits of i). Parallel over sets, identical on any thread
// count. Throws Error when the collection would hold more than max_entries people, leaving `sets` as
// it was before the chunk (of up to 65,536 sets) that passed the limit.
void append_rr_sets(const ImmGraph& g, std::uint64_t key, std::uint64_t count, RrSets& sets,
                    std::uint64_t max_entries = ~std::uint64_t(0));

// The k people of (near-)largest expected IC spread. k >= n returns everyone.
ImmResult imm_topk(const ImmGraph& g, std::uint32_t k, const ImmParams& params, std::uint64_t seed);
ImmResult imm_topk(const Exposure& ex, std::uint32_t k, const ImmParams& params, std::uint64_t seed);

// The (near-)best set whose total cost is within the budget. cost_per_person has one finite,
// non-negative entry per person (InputError otherwise). Nobody affordable returns an empty set.
ImmResult imm_budget(const ImmGraph& g, std::span<const double> cost_per_person, double budget,
                     const ImmParams& params, std::uint64_t seed);
ImmResult imm_budget(const Exposure& ex, std::span<const double> cost_per_person, double budget,
                     const ImmParams& params, std::uint64_t seed);

}  // namespace nanoreach
