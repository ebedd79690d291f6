// Reference implementations (see the header). Written for clarity, not speed. Each activation is
// noted where it happens (seeds, then people in the order the plain queue or step loop reaches
// them), which is the trace nanoreach.cascade() hands to Python.
#include "nanoreach/sim/reference.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <stdexcept>

namespace nanoreach {

namespace {

// Circle c's part of u's strong list, found by scanning attributes.
std::pair<offset_t, offset_t> circle_range(const Csr& strong, node_t u, int c) {
  offset_t b = strong.begin(u), e = strong.begin(u);
  const auto at = strong.attrs(u);
  for (std::size_t i = 0; i < at.size(); ++i) {
    if (at[i] < c) b = e = strong.begin(u) + i + 1;
    if (at[i] == c) e = strong.begin(u) + i + 1;
  }
  if (at.empty()) return c == 1 ? std::make_pair(strong.begin(u), strong.end(u)) : std::make_pair(b, b);
  return {b, e};
}

int origin_code(const SocialGraph& g, const std::vector<char>& is_seed, node_t u) {
  return is_seed[u] ? kBySeed : static_cast<int>(g.tier[u]);
}

void finish_curve(RunResult& r, const std::vector<std::uint32_t>& per_step) {
  std::size_t last = 0;
  for (std::size_t t = 0; t < per_step.size(); ++t)
    if (per_step[t]) last = t;
  r.steps = static_cast<std::uint32_t>(last);
  std::uint64_t total = 0;
  for (std::size_t t = 0; t <= last; ++t) {
    total += t < per_step.size() ? per_step[t] : 0;
    r.curve.push_back(static_cast<std::uint32_t>(total));
  }
  r.reach = total;
}

std::vector<node_t> distinct_seeds(const CascadeInput& in, node_t n, std::vector<char>& is_seed) {
  is_seed.assign(n, 0);
  std::vector<node_t> seeds;
  for (node_t s : in.seeds)
    if (!is_seed[s]) {
      is_seed[s] = 1;
      seeds.push_back(s);
    }
  return seeds;
}

// Records an activation in the trace, when there is one.
void note(CascadeTrace* trace, node_t v, std::uint32_t step, node_t by) {
  if (!trace) return;
  trace->people.push_back(v);
  trace->step.push_back(step);
  trace->activator.push_back(by);
}

RunResult reference_ic(const Exposure& ex, const CascadeInput& in, CascadeTrace* trace) {
  const SocialGraph& g = ex.graph();
  const node_t n = g.people();
  RunResult r;
  std::vector<char> is_seed;
  const std::vector<node_t> seeds = distinct_seeds(in, n, is_seed);
  std::vector<char> reached(n, 0);
  std::vector<std::uint32_t> step(n, 0), per_step(1, 0);
  std::deque<node_t> queue;
  for (node_t s : seeds) {
    reached[s] = 1;
    queue.push_back(s);
    ++per_step[0];
    note(trace, s, 0, kNoNode);
  }
  r.seeds = static_cast<std::uint32_t>(seeds.size());
  while (!queue.empty()) {
    const node_t u = queue.front();
    queue.pop_front();
    const double factor = is_seed[u] ? in.seed_authenticity : 1.0;
    rng::Stream rs(in.key, u, in.run);
    std::vector<node_t> fired;
    for (int c = 1; c <= kCircles; ++c) {
      const auto [b, e] = circle_range(g.strong, u, c);
      sample_edges(rs, b, e, Coin::of(ex.strong_p(c) * factor),
                   [&](offset_t i) { fired.push_back(g.strong.targets()[i]); });
    }
    sample_edges(rs, g.audience.begin(u), g.audience.end(u), Coin::of(ex.audience_p(u) * factor),
                 [&](offset_t i) { fired.push_back(g.audience.targets()[i]); });
    r.examined += g.strong.degree(u) + g.audience.degree(u);
    for (node_t v : fired) {
      if (reached[v]) continue;
      if (step[u] + 1 > in.max_steps) {
        r.truncated = true;
        continue;
      }
      reached[v] = 1;
      step[v] = step[u] + 1;
      if (per_step.size() <= step[v]) per_step.resize(step[v] + 1, 0);
      ++per_step[step[v]];
      ++r.activated_by[origin_code(g, is_seed, u)];
      note(trace, v, step[v], u);
      queue.push_back(v);
    }
  }
  finish_curve(r, per_step);
  return r;
}

// Weight of the contact u -> v under the threshold model; empty when v does not hear from u (a
// strong tie always counts, even at weight 0; a followed account only with a positive weight, once
// per time v is listed among u's followers, as the engine offers it).
std::optional<double> contact_weight(const Exposure& ex, const Model& m, node_t u, node_t v) {
  const SocialGraph& g = ex.graph();
  const std::uint8_t c = g.strong.edge_attr(u, v);
  const double aw = m.threshold_params().audience_weight;
  const auto fol = g.audience.neighbors(u);
  const auto follows = aw > 0 ? std::count(fol.begin(), fol.end(), v) : 0;
  if (!c && follows == 0) return std::nullopt;
  double w = c ? ex.campaign().circle_weight[c - 1] : 0.0;
  for (std::ptrdiff_t k = 0; k < follows; ++k) w += aw;
  return w;
}

RunResult reference_threshold(const Exposure& ex, const Model& m, const CascadeInput& in, CascadeTrace* trace) {
  const SocialGraph& g = ex.graph();
  const node_t n = g.people();
  RunResult r;
  std::vector<char> is_seed;
  const std::vector<node_t> seeds = distinct_seeds(in, n, is_seed);
  r.seeds = static_cast<std::uint32_t>(seeds.size());
  // Activation order: step 0 in the seeds' order, later steps in id order.
  std::vector<std::vector<node_t>> by_step = {seeds};
  std::vector<char> active(n, 0);
  for (node_t s : seeds) {
    active[s] = 1;
    note(trace, s, 0, kNoNode);
  }
  std::vector<double> need(n);
  for (node_t v = 0; v < n; ++v) need[v] = threshold_needed(m, in.key, in.run, v);
  std::vector<std::uint32_t> per_step = {r.seeds};
  for (std::uint32_t t = 1; t <= in.max_steps; ++t) {
    std::vector<node_t> now;
    for (node_t v = 0; v < n; ++v) {
      if (active[v]) continue;
      double acc = 0;
      for (const auto& layer : by_step) {
        bool adopted = false;
        for (node_t u : layer) {
          const auto w = contact_weight(ex, m, u, v);
          if (!w) continue;
          acc += *w;
          if (acc >= need[v]) {
            now.push_back(v);
            ++r.activated_by[origin_code(g, is_seed, u)];
            note(trace, v, t, u);
            adopted = true;
            break;
          }
        }
        if (adopted) break;
      }
    }
    if (now.empty()) break;
    for (node_t v : now) active[v] = 1;
    per_step.push_back(static_cast<std::uint32_t>(now.size()));
    by_step.push_back(now);
  }
  for (const auto& layer : by_step)
    for (node_t u : layer) r.examined += g.strong.degree(u) + g.audience.degree(u);
  finish_curve(r, per_step);
  return r;
}

RunResult reference_sir(const Exposure& ex, const Model& m, const CascadeInput& in, CascadeTrace* trace) {
  const SocialGraph& g = ex.graph();
  const node_t n = g.people();
  enum State : char { S, I, R };
  RunResult r;
  std::vector<char> is_seed;
  const std::vector<node_t> seeds = distinct_seeds(in, n, is_seed);
  r.seeds = static_cast<std::uint32_t>(seeds.size());
  std::vector<char> state(n, S);
  std::vector<std::uint32_t> infected_at(n, 0), period(n, 0);
  struct Planned {
    node_t v;
    std::uint32_t delay;
  };
  std::vector<std::vector<Planned>> plan(n);
  std::vector<node_t> order;  // infection order
  const double gamma = m.sir_params().recovery;
  const std::uint32_t cap = std::max<std::uint32_t>(1, in.max_steps);

  auto infect = [&](node_t u, std::uint32_t t, node_t by) {
    note(trace, u, t, by);
    state[u] = I;
    infected_at[u] = t;
    order.push_back(u);
    const double factor = is_seed[u] ? in.seed_authenticity : 1.0;
    rng::Stream rs(in.key, u, in.run);
    period[u] = sir_period(rs, gamma, cap);
    auto segment = [&](offset_t b, offset_t e, double beta, const std::vector<node_t>& tg) {
      if (!(beta > 0.0)) return;
      const double T = beta >= 1.0 ? 1.0 : -std::expm1(double(period[u]) * std::log1p(-beta));
      sample_edges(rs, b, e, Coin::of(T),
                   [&](offset_t i) { plan[u].push_back({tg[i], sir_delay(rs, beta, T, period[u])}); });
    };
    for (int c = 1; c <= kCircles; ++c) {
      const auto [b, e] = circle_range(g.strong, u, c);
      segment(b, e, ex.strong_p(c) * factor, g.strong.targets());
    }
    segment(g.audience.begin(u), g.audience.end(u), ex.audience_p(u) * factor, g.audience.targets());
    r.examined += g.strong.degree(u) + g.audience.degree(u);
  };

  for (node_t s : seeds) infect(s, 0, kNoNode);
  std::vector<std::uint32_t> per_step = {r.seeds};
  r.infected.push_back(r.seeds);
  std::uint64_t recovered = 0;
  for (std::uint32_t t = 1; t <= in.max_steps; ++t) {
    std::uint64_t new_cases = 0;
    bool anyone_infectious = false;
    const std::size_t before = order.size();
    for (std::size_t k = 0; k < before; ++k) {
      const node_t u = order[k];
      if (state[u] != I) continue;
      anyone_infectious = true;
      for (const Planned& p : plan[u])
        if (infected_at[u] + p.delay == t && state[p.v] == S) {
          infect(p.v, t, u);
          ++new_cases;
          ++r.activated_by[origin_code(g, is_seed, u)];
        }
    }
    for (std::size_t k = 0; k < before; ++k) {
      const node_t u = order[k];
      if (state[u] == I && infected_at[u] + period[u] == t) {
        state[u] = R;
        ++recovered;
      }
    }
    std::uint64_t s = 0, i = 0, rr = 0;
    for (node_t v = 0; v < n; ++v) (state[v] == S ? s : state[v] == I ? i : rr) += 1;
    if (s + i + rr != n || rr != recovered) throw std::logic_error("reference SIR lost people");
    if (!anyone_infectious) break;
    per_step.push_back(static_cast<std::uint32_t>(new_cases));
    r.infected.push_back(static_cast<std::uint32_t>(i));
  }
  finish_curve(r, per_step);
  return r;
}

}  // namespace

RunResult reference_simulate(const Exposure& ex, const Model& m, const CascadeInput& in, CascadeTrace* trace) {
  if (trace) *trace = CascadeTrace{};
  switch (m.kind()) {
    case ModelKind::ic: return reference_ic(ex, in, trace);
    case ModelKind::threshold: return reference_threshold(ex, m, in, trace);
    case ModelKind::sir: return reference_sir(ex, m, in, trace);
  }
  return {};
}

}  // namespace nanoreach
