// The experiment schema: every configuration key, its default and its meaning. Defaults and their
// sources are MODEL.md's; where a choice was ours the doc says so.
#include "nanoreach/sim/experiment.hpp"

namespace nanoreach {

namespace {

std::shared_ptr<io::Schema> make_schema() {
  auto s = std::make_shared<io::Schema>();
  s->integer("seed", 1, "master seed: the same seed gives the same bytes on any number of threads and ranks")
      .at_least(0);

  s->section("graph", "the strong-tie layer (MODEL.md section 1)");
  s->string("graph.source", "dunbar",
            "what makes the strong ties: the Dunbar generator, a classic generator, an edge-list file, or a "
            "graph saved by `nanoreach graph --save-graph`")
      .one_of({"dunbar", "erdos_renyi", "chung_lu", "configuration", "barabasi_albert", "watts_strogatz",
               "edgelist", "saved"});
  s->integer("graph.people", 1000000, "number of people N (generated graphs)").at_least(2).at_most(4294967295.0);
  s->string("graph.storage", "auto",
            "how the Dunbar network is held: its lists as arrays (explicit, about 0.9 GB per million people), "
            "rebuilt on demand from the seed (implicit, about 8.5 bytes per person; the same graph and the same "
            "results), or auto: explicit when it fits in half the available memory")
      .one_of({"auto", "explicit", "implicit"});
  s->integers("graph.circles", {5, 15, 50, 150},
              "cumulative sizes of the four Dunbar circles (Zhou, Sornette, Hill & Dunbar 2005); each at most 150");
  s->real("graph.size_mean", 150, "mean network size people aim for (Goncalves, Perra & Vespignani 2011: 100-200)")
      .at_least(0);
  s->real("graph.size_sd", 25, "standard deviation of network sizes; sizes are clamped to [size_min, circles[3]]")
      .at_least(0);
  s->integer("graph.size_min", 5, "smallest network size").at_least(0).at_most(150);
  s->real("graph.rewire", 0.05,
          "share of ties rewired to random people (Watts-Strogatz); 0.05 gives the average clustering (0.61) of "
          "the SNAP ego-Facebook network")
      .within(0, 1);
  s->real("graph.mean_degree", 10, "erdos_renyi, and chung_lu/configuration with degree_exponent 0 (Poisson)")
      .at_least(0);
  s->real("graph.degree_exponent", 0, "chung_lu/configuration: power-law exponent of degrees (> 1); 0 = Poisson")
      .at_least(0);
  s->integer("graph.min_degree", 1, "chung_lu/configuration power law: smallest degree").at_least(1);
  s->integer("graph.max_degree", 1000, "chung_lu/configuration power law: largest degree").at_least(1);
  s->integer("graph.attach", 5, "barabasi_albert: ties each newcomer makes (m)").at_least(1);
  s->integer("graph.neighbours", 10, "watts_strogatz: ring neighbours k (even)").at_least(2);
  s->real("graph.beta", 0.1, "watts_strogatz: rewiring probability").within(0, 1);
  s->string("graph.path", "", "edgelist: whitespace-separated `u v` lines; saved: an HDF5 file with /graph/strong");
  s->boolean("graph.directed", false,
             "edgelist: lines `u v` mean v follows u; reciprocated pairs become strong ties, the rest audience");
  s->integer("graph.circle", 1, "circle (1..4) given to every tie not made by the Dunbar generator").within(1, 4);

  s->section("audience", "weak one-way followers on top of the strong ties (MODEL.md section 2)");
  s->string("audience.distribution", "powerlaw", "follower-count distribution")
      .one_of({"powerlaw", "lognormal", "none"});
  s->real("audience.exponent", 2.276,
          "power-law exponent of follower counts (Kwak, Lee, Park & Moon 2010 measured 2.276 on Twitter)")
      .above(1);
  s->real("audience.min", 10, "smallest audience under the power law").at_least(1);
  s->real("audience.mu", 2.5, "log-normal: mean of ln(followers)");
  s->real("audience.sigma", 1.5, "log-normal: standard deviation of ln(followers)").at_least(0);
  s->real("audience.max_fraction", 1.0, "largest audience as a share of the population").above(0).at_most(1);
  s->real("audience.local_half", 1000,
          "audience size at which half the audience is friends of friends; smaller audiences are more local")
      .at_least(0);

  s->section("tiers", "influencer tiers by follower count (MODEL.md section 2; the article)");
  s->string("tiers.mode", "automatic",
            "absolute counts, fractions of the population, or automatic: the smaller of the two per tier")
      .one_of({"automatic", "absolute", "fraction"});
  s->real("tiers.nano", 100, "fewest followers of a nano-influencer (the article: 100)").above(0);
  s->real("tiers.micro", 3000, "fewest followers of a micro-influencer (the article: 3,000)").above(0);
  s->real("tiers.macro", 10000, "fewest followers of a macro-influencer").above(0);
  s->real("tiers.mega", 1000000, "fewest followers of a mega-influencer").above(0);
  s->real("tiers.nano_fraction", 1e-3, "nano threshold as a share of the population").above(0).at_most(1);
  s->real("tiers.micro_fraction", 3e-3, "micro threshold as a share of the population").above(0).at_most(1);
  s->real("tiers.macro_fraction", 1e-2, "macro threshold as a share of the population").above(0).at_most(1);
  s->real("tiers.mega_fraction", 0.1, "mega threshold as a share of the population").above(0).at_most(1);

  s->section("campaign", "what one exposure does, and what seeds cost (MODEL.md sections 3 and 5)");
  s->real("campaign.virality", 0.03,
          "base virality, a factor of every edge probability; 0.03 is below the default network's epidemic "
          "threshold, as most campaigns are (Goel, Watts & Goldstein 2012)")
      .within(0, 1);
  s->real("campaign.trust_known", 0.83, "trust in people one knows: strong ties (Nielsen 2015)").within(0, 1);
  s->real("campaign.trust_audience", 0.70, "trust in accounts one follows, as branded content (Nielsen 2015)")
      .within(0, 1);
  s->reals("campaign.circle_weights", {1.0, 0.5, 0.25, 0.1},
           "weight of circles 1..4 (contact frequency: weekly ... yearly); a factor of strong-tie probabilities and "
           "the threshold model's contact weights");
  s->reals("campaign.engagement_followers", {0, 1000, 10000, 100000},
           "engagement table: lower follower bound of each row (Markerly 2016)");
  s->reals("campaign.engagement_rate", {0.08, 0.04, 0.024, 0.017},
           "engagement table: like rate of each row, a factor of audience-edge probabilities (Markerly 2016)");
  s->real("campaign.fatigue", 0.9, "authenticity multiplier per other sponsored post a seed made recently")
      .within(0, 1);
  s->integer("campaign.sponsored_posts", 0, "other sponsored posts each seed made in the recent window").at_least(0);
  s->real("campaign.affinity", 1.0, "brand affinity: 1 for a brand with fans, lower without; scales every adoption")
      .within(0, 1);
  s->real("campaign.budget", 50000, "default budget in $ of budget, mix and optimal strategies").at_least(0);
  s->string("campaign.cost_model", "tier", "price per post: by tier (rule of thumb) or a + b x followers")
      .one_of({"tier", "linear"});
  s->real("campaign.cost_ordinary", 10, "price in $ of a post by an ordinary person").above(0);
  s->reals("campaign.cost_nano", {10, 100}, "nano price range in $ (low at the tier's threshold, high at the next)");
  s->reals("campaign.cost_micro", {100, 500}, "micro price range in $");
  s->reals("campaign.cost_macro", {500, 10000}, "macro price range in $ (the rule of thumb's mid and macro tiers)");
  s->reals("campaign.cost_mega", {10000, 100000}, "mega price range in $ (from the threshold to 100x it)");
  s->real("campaign.cost_fixed", 10, "linear cost model: fixed price a in $ (Bakshy et al. 2011)").at_least(0);
  s->real("campaign.cost_per_follower", 0.01, "linear cost model: price b per follower in $").at_least(0);

  s->section("model", "diffusion models (MODEL.md section 4)");
  s->strings("model.kinds", {"ic"}, "models to run, each on every strategy: ic, threshold, sir");
  s->section("model.threshold", "the threshold model (Watts 2002; Watts & Dodds 2007)");
  s->real("model.threshold.phi", 0.18, "threshold: share of weighted contacts (or weight, if absolute) to adopt")
      .at_least(0);
  s->string("model.threshold.distribution", "fixed", "thresholds fixed, or drawn per person and run")
      .one_of({"fixed", "uniform", "normal"});
  s->real("model.threshold.spread", 0.05, "uniform: half-width; normal: standard deviation").at_least(0);
  s->boolean("model.threshold.absolute", false, "phi counts weighted active contacts instead of a share");
  s->real("model.threshold.audience_weight", 0.1, "contact weight of an account one follows").at_least(0);
  s->section("model.sir", "discrete-time SIR: transmit with the edge probability each step, then recover");
  s->real("model.sir.recovery", 0.5, "probability of recovering (forgetting) per step").within(0, 1);

  s->section("runs", "Monte Carlo");
  s->integer("runs.count", 1000, "runs per strategy and model (the most, with an adaptive target)").at_least(1);
  s->real("runs.target", 0, "adaptive: stop when the 95% CI half-width of mean reach is below this share of the "
                            "mean; 0 runs exactly runs.count")
      .at_least(0)
      .below(1);
  s->integer("runs.min", 100, "adaptive: fewest runs").at_least(1);
  s->integer("runs.batch", 100, "runs between adaptive checks and checkpoints").at_least(1);
  s->integer("runs.max_steps", 100000, "longest cascade in steps").at_least(1).at_most(16777215);

  s->section("imm", "near-optimal seeds by IMM (Tang, Shi & Xiao 2015)");
  s->real("imm.epsilon", 0.1, "approximation slack: the set is within (1 - 1/e - epsilon) of optimal").above(0).below(1);
  s->real("imm.ell", 1.0, "confidence: the guarantee holds with probability 1 - 1/N^ell").above(0);

  s->section("output", "what goes into the HDF5 file");
  s->boolean("output.curves", true, "store every run's adoption curve under /curves");
  s->boolean("output.save_graph", false, "store the graph's CSR arrays under /graph (large)");

  s->section("limits", "caps that keep one mistyped number from exhausting the machine; raise them on purpose");
  s->integer("limits.sweep_points", 10000, "most points a [sweep] may have (raise it for a larger sweep)")
      .at_least(1);
  s->integer("limits.runs", 1000000, "most runs.count: runs per strategy and model (raise it for more)").at_least(1);

  io::TableArray& st = s->table_array("strategy", "seeding strategies, each run with every model (MODEL.md section 5)");
  st.keys.string("name", "", "a unique name, used in the output").require();
  st.keys.string("kind", "tier", "how seeds are chosen")
      .one_of({"tier", "random", "top_followers", "top_degree", "top_core", "budget", "mix", "nominal_reach",
               "optimal", "eigenvector"})
      .require();
  st.keys.string("tier", "", "tier, budget, nominal_reach: ordinary, nano, micro, macro or mega (empty: anyone)")
      .one_of({"", "ordinary", "nano", "micro", "macro", "mega"});
  st.keys.integer("k", 0, "number of seeds (tier, random, top_*, eigenvector, optimal without budget)").at_least(0);
  st.keys.real("budget", -1, "budget in $ (budget, mix, optimal); -1: campaign.budget, 0 for optimal: best k")
      .at_least(-1);
  st.keys.real("reach", 0, "nominal_reach: follower total to match").at_least(0);
  st.keys.strings("tiers", {}, "mix: tiers to spend on");
  st.keys.reals("shares", {}, "mix: share of the budget per tier, adding up to 1");
  st.keys.integer("sponsored_posts", -1, "other sponsored posts each seed made; -1: campaign.sponsored_posts")
      .at_least(-1);
  st.keys.real("top_fraction", 1.0,
               "random: draw from this share of people with the most strong ties (0.1: the top 10%, Watts & Dodds "
               "2007's influentials)")
      .above(0)
      .at_most(1);
  st.keys.boolean("empty_ok", false,
                  "budget, mix: an empty tier, or a budget that buys nobody, gives no seeds and no reach (and a "
                  "note) instead of an error (small populations, sweeps)");

  s->free_table("sweep", "parameter sweep (nanoreach sweep): axes over any key",
                "# campaign.virality = [0.01, 0.02, 0.05]\n"
                "# campaign.budget = {from = 1000, to = 100000, points = 5, scale = \"log\"}\n"
                "# mode = \"product\"");
  return s;
}

}  // namespace

std::shared_ptr<const io::Schema> experiment_schema() {
  static const std::shared_ptr<const io::Schema> schema = make_schema();
  return schema;
}

}  // namespace nanoreach
