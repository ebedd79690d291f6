// build_graph: parameters to a social graph (see the header).
#include "nanoreach/graph/build.hpp"

#include <cmath>
#include <memory>
#include <string>

#include "nanoreach/graph/classic.hpp"
#include "nanoreach/graph/edge_list.hpp"
#include "nanoreach/graph/implicit.hpp"

namespace nanoreach {

const char* source_name(GraphSpec::Source s) {
  switch (s) {
    case GraphSpec::Source::dunbar: return "dunbar";
    case GraphSpec::Source::erdos_renyi: return "erdos_renyi";
    case GraphSpec::Source::chung_lu: return "chung_lu";
    case GraphSpec::Source::configuration: return "configuration";
    case GraphSpec::Source::barabasi_albert: return "barabasi_albert";
    case GraphSpec::Source::watts_strogatz: return "watts_strogatz";
    case GraphSpec::Source::edgelist: return "edgelist";
    case GraphSpec::Source::saved: return "saved";
  }
  return "?";
}

void GraphSpec::validate() const {
  using S = Source;
  const std::uint64_t n = dunbar.people;
  if (source == S::dunbar) dunbar.validate();
  if (source != S::dunbar && source != S::edgelist && source != S::saved) {
    if (n < 2) throw ConfigError("graph.people", "must be at least 2, got " + std::to_string(n));
    checked_node_count(n, "graph.people");
  }
  if ((source == S::erdos_renyi || ((source == S::chung_lu || source == S::configuration) && degree_exponent == 0)) &&
      !(mean_degree >= 0 && mean_degree <= double(n) - 1))
    throw ConfigError("graph.mean_degree", "must be in [0, people - 1]");
  if ((source == S::chung_lu || source == S::configuration) && degree_exponent != 0) {
    if (!(degree_exponent > 1)) throw ConfigError("graph.degree_exponent", "must be greater than 1 (or 0 for Poisson)");
    if (min_degree < 1 || max_degree < min_degree || max_degree >= n)
      throw ConfigError("graph.max_degree", "needs 1 <= min_degree <= max_degree < people");
  }
  if (source == S::barabasi_albert && (attach < 1 || std::uint64_t(attach) + 1 >= n))
    throw ConfigError("graph.attach", "must be at least 1 and below people - 1");
  if (source == S::watts_strogatz) {
    if (neighbours < 2 || neighbours % 2 || neighbours >= n)
      throw ConfigError("graph.neighbours", "must be even, at least 2 and below people");
    if (!(beta >= 0 && beta <= 1)) throw ConfigError("graph.beta", "is a probability and must be in [0, 1]");
  }
  if ((source == S::edgelist || source == S::saved) && path.empty())
    throw ConfigError("graph.path", std::string("is required for source = \"") + source_name(source) + "\"");
  if (circle < 1 || circle > kCircles) throw ConfigError("graph.circle", "must be in 1..4");
  if (implicit && source != S::dunbar)
    throw ConfigError("graph.storage", std::string("\"implicit\" rebuilds the Dunbar network's lists from the seed; a ") +
                                           source_name(source) + " graph has to be stored: use \"explicit\"");
  audience.validate();
}

namespace {

// Directed "account -> follower" arcs: reciprocated pairs become strong ties, the rest audience.
void split_directed(const Csr& arcs, SocialGraph& g, std::uint8_t circle) {
  const node_t n = arcs.num_nodes();
  std::vector<node_t> su, sv, au, av;
  for (node_t u = 0; u < n; ++u)
    for (node_t v : arcs.neighbors(u)) {
      if (arcs.has_edge(v, u)) {
        if (u < v) {
          su.push_back(u);
          sv.push_back(v);
        }
      } else {
        au.push_back(u);
        av.push_back(v);
      }
    }
  CsrBuildOptions sym;
  sym.symmetrize = true;
  g.strong = build_csr(n, su, sv, {}, sym).with_uniform_attr(circle);
  g.audience = build_csr(n, au, av);
}

}  // namespace

SocialGraph build_graph(const GraphSpec& spec, std::uint64_t seed, const BuildProgress& progress) {
  spec.validate();
  auto report = [&](std::string_view stage, double done) {
    if (progress) progress(stage, done);
  };
  using S = GraphSpec::Source;
  const node_t n = static_cast<node_t>(spec.dunbar.people);
  SocialGraph g;
  if (spec.implicit) {
    report("strong ties", 0);
    auto ig = std::make_shared<ImplicitGraph>(spec.dunbar, spec.audience, seed,
                                              [&](double done) { report("strong ties", done); });
    g.nominal_degree_hist = ig->strong().nominal_degree_hist();
    g.nominal_circle_mean = ig->strong().nominal_circle_mean();
    g.implicit = std::move(ig);
    g.dunbar_capped = true;
    report("strong ties", 1);
    report("tiers", 0);
    g.assign_tiers(spec.tiers);
    report("tiers", 1);
    return g;
  }
  std::unique_ptr<DunbarLayer> dunbar;
  bool generate_audience_layer = spec.audience.distribution != AudienceParams::Distribution::none;
  report("strong ties", 0);
  switch (spec.source) {
    case S::dunbar:
      dunbar = std::make_unique<DunbarLayer>(spec.dunbar, seed);
      g.strong = materialize(*dunbar);
      g.nominal_degree_hist = dunbar->nominal_degree_hist();
      g.nominal_circle_mean = dunbar->nominal_circle_mean();
      break;
    case S::erdos_renyi:
      g.strong = erdos_renyi_mean_degree(n, spec.mean_degree, seed).with_uniform_attr(spec.circle);
      break;
    case S::chung_lu:
    case S::configuration: {
      const std::vector<std::uint32_t> deg =
          spec.degree_exponent == 0
              ? poisson_degrees(n, spec.mean_degree, seed)
              : power_law_degrees(n, spec.degree_exponent, spec.min_degree, spec.max_degree, seed);
      if (spec.source == S::configuration) {
        g.strong = configuration_model(deg, seed).with_uniform_attr(spec.circle);
      } else {
        const std::vector<double> expected(deg.begin(), deg.end());
        g.strong = chung_lu(expected, seed).with_uniform_attr(spec.circle);
      }
      break;
    }
    case S::barabasi_albert:
      g.strong = barabasi_albert(n, spec.attach, seed).with_uniform_attr(spec.circle);
      break;
    case S::watts_strogatz:
      g.strong = watts_strogatz(n, spec.neighbours, spec.beta, seed).with_uniform_attr(spec.circle);
      break;
    case S::edgelist: {
      EdgeListOptions o;
      o.directed = spec.directed;
      EdgeList el = read_edge_list(spec.path, o);
      if (spec.directed) {
        split_directed(el.graph, g, spec.circle);
        generate_audience_layer = false;
      } else {
        g.strong = std::move(el.graph).with_uniform_attr(spec.circle);
      }
      g.external_ids = std::move(el.external_ids);
      g.import = {el.lines, el.edge_lines, el.self_loops, el.duplicates};
      break;
    }
    case S::saved:
      throw Error("build_graph: saved graphs are read by the experiment layer");
  }
  g.dunbar_capped = spec.source == S::dunbar;
  report("strong ties", 1);
  report("audiences", 0);
  if (g.audience.num_nodes() != g.strong.num_nodes())
    g.audience = !generate_audience_layer ? Csr::empty(g.strong.num_nodes())
                 : dunbar             ? generate_audience(g.strong, *dunbar, spec.audience, seed)
                                      : generate_audience(g.strong, spec.audience, seed);
  report("audiences", 1);
  report("tiers", 0);
  g.assign_tiers(spec.tiers);
  report("tiers", 1);
  return g;
}

}  // namespace nanoreach
