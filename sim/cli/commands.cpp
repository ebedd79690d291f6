// nanoreach graph / run / info: load, run, write (see commands.hpp).
#include "commands.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "nanoreach/sim/analytics.hpp"
#include "nanoreach/sim/durable.hpp"
#include "nanoreach/sim/layout.hpp"
#include "nanoreach/sim/runner.hpp"
#include "report.hpp"
#include "terminal.hpp"

namespace nanoreach::cli {

std::atomic<bool> g_stop{false};

namespace {

io::Config load_config(const Common& c) {
  if (c.threads > 0) omp_set_num_threads(c.threads);
  std::optional<std::uint64_t> seed;
  if (c.seed >= 0) seed = static_cast<std::uint64_t>(c.seed);
  return load_experiment(c.config, c.sets, seed);
}

std::string default_out(const Common& c, const char* fallback) {
  if (!c.out.empty()) return c.out;
  if (c.config.empty()) return fallback;
  return std::filesystem::path(c.config).stem().string() + ".h5";
}

void print_graph_summary(const SocialGraph& g, const GraphStats& s, double seconds) {
  std::printf("people             %s\n", grouped(double(s.people)).c_str());
  std::printf("strong ties        %s (mean %.1f per person, max %u%s)\n", grouped(double(s.strong_ties)).c_str(),
              s.mean_degree, s.max_degree,
              g.dunbar_capped ? ", never above 150" : (", " + grouped(double(s.over_cap)) + " people above 150").c_str());
  if (s.degrees_nominal)
    std::printf("                   (implicit graph: ties as dealt, before the few rewired ties\n"
                "                   that would repeat a tie are dropped)\n");
  const auto& c = s.mean_circle;
  std::printf("circles            %.1f / %.1f / %.1f / %.1f ties (cumulative %.1f, %.1f, %.1f)\n", c[0], c[1], c[2],
              c[3], c[0] + c[1], c[0] + c[1] + c[2], c[0] + c[1] + c[2] + c[3]);
  std::printf("follower edges     %s (mean %.1f, max %s)\n", grouped(double(s.audience_edges)).c_str(),
              s.mean_followers, grouped(double(s.max_followers)).c_str());
  std::vector<std::int64_t> th(g.thresholds.min_followers.begin(), g.thresholds.min_followers.end());
  std::vector<std::uint64_t> counts(s.tier_counts.begin(), s.tier_counts.end());
  std::printf("%s\n", tiers_text(g.thresholds.rule, double(s.people), th, counts).c_str());
  std::printf("ordinary           %s people (fewer than %s followers)\n", grouped(double(s.tier_counts[0])).c_str(),
              grouped(double(g.thresholds.min_followers[0])).c_str());
  if (s.clustering_sampled)
    std::printf("average clustering %.4f +/- %.4f (sampled over %s people)\n", s.clustering, s.clustering_se,
                grouped(double(s.clustering_people)).c_str());
  else
    std::printf("average clustering %.4f\n", s.clustering);
  if (s.components_known)
    std::printf("components         %s (largest %s people, %s isolated)\n", grouped(double(s.components)).c_str(),
                grouped(double(s.largest_component)).c_str(), grouped(double(s.isolated)).c_str());
  else
    std::printf("components         not computed on the implicit graph (%s isolated)\n",
                grouped(double(s.isolated)).c_str());
  const double edges = double(s.strong_ties) * 2 + double(s.audience_edges);
  if (g.is_implicit())
    std::printf("set up             %.2f s on %d threads; the graph holds %.2f bytes per person\n", seconds,
                omp_get_max_threads(), double(s.graph_bytes) / std::max(1.0, double(s.people)));
  else
    std::printf("build              %.2f s on %d threads (%.1f M edges per second)\n", seconds, omp_get_max_threads(),
                seconds > 0 ? edges / seconds / 1e6 : 0.0);
}

}  // namespace

BuildProgress show_build(Progress& progress, bool keep_clock, std::function<std::string()> prefix) {
  auto last = std::make_shared<std::string>();
  return [&progress, keep_clock, prefix, last](std::string_view stage, double done) {
    const std::string name = (prefix ? prefix() + ", " : std::string()) + "graph: " + std::string(stage);
    if (name != *last) {
      *last = name;
      progress.stage(name, keep_clock);
    }
    if (!keep_clock && done > 0 && done < 1) progress.fraction(done);
  };
}

int cmd_graph(const Common& c, bool save_graph, bool spectral) {
  const io::Config cfg = load_config(c);
  const GraphSpec spec = graph_spec_from_config(cfg);
  const std::uint64_t seed = static_cast<std::uint64_t>(cfg.get_int("seed"));
  const std::filesystem::path out = default_out(c, "graph.h5");
  const OutputLock lock(out);
  if (std::filesystem::exists(out) && !c.force)
    throw InputError(out.string() + " already exists; pass --force to overwrite it");
  Progress progress(c.quiet);
  const auto built = build_experiment_graph(spec, seed, show_build(progress));
  progress.finish();
  if (!c.quiet && built->graph.import.edge_lines > 0)
    std::fprintf(stderr, "nanoreach: note: %s\n", edge_list_note(built->graph, spec.path).c_str());
  if (!c.quiet) print_graph_summary(built->graph, built->stats, built->seconds);
  Spectral strong, combined;
  if (spectral) {
    built->graph.require_explicit("--spectral");
    progress.stage("spectral radius (power iteration)");
    PowerParams pp;
    pp.tolerance = 1e-6;
    strong = spectral_radius(built->graph.strong, pp);
    combined = spectral_radius(built->graph, Layers::combined, pp);
    progress.finish();
    if (!c.quiet)
      std::printf("spectral radius      strong ties %.3f, with audiences %.3f: uniform edge probability threshold "
                  "~ %.5f (strong) / %.5f (all)\n",
                  strong.lambda, combined.lambda, critical_probability(strong.lambda),
                  critical_probability(combined.lambda));
  }
  const std::filesystem::path partial = partial_path(out);
  {
    io::h5::File f = io::h5::File::create(partial, io::h5::IfExists::Truncate);
    f.set_attribute("nanoreach_version", nanoreach_version());
    f.set_attribute("git_revision", git_revision());
    f.set_attribute("config", cfg.to_toml(true));
    f.set_attribute("seed", static_cast<unsigned long long>(seed));
    f.set_attribute("threads", omp_get_max_threads());
    f.set_attribute("command_line", c.command_line);
    f.set_attribute("start_time", utc_now());
    write_graph_group(f, built->graph, built->stats, spec, seed, built->seconds, save_graph || cfg.get_bool("output.save_graph"));
    if (spectral) {
      io::h5::Group g = f.open_group("/graph");
      g.set_attribute("lambda1_strong", strong.lambda);
      g.set_attribute("lambda1_combined", combined.lambda);
      g.set_attribute("critical_p_strong", critical_probability(strong.lambda));
      g.set_attribute("critical_p_combined", critical_probability(combined.lambda));
    }
    finish_layout(f);
    f.set_attribute("end_time", utc_now());
    seal_result(f, partial, true);
  }
  rename_durably(partial, out);
  if (!c.quiet) std::printf("wrote %s\n", out.string().c_str());
  return 0;
}

int cmd_print_defaults() {
  std::fputs(experiment_schema()->print_defaults("nanoreach experiment file: every key with its default").c_str(),
             stdout);
  return 0;
}

int cmd_keys_markdown() {
  std::fputs(experiment_schema()->markdown_table().c_str(), stdout);
  return 0;
}

int cmd_run(const Common& c) {
  const io::Config cfg = load_config(c);
  Progress progress(c.quiet);
  RunOptions o;
  o.out = default_out(c, "nanoreach.h5");
  o.force = c.force;
  o.command_line = c.command_line;
  o.stop = &g_stop;
  o.stage = [&](const std::string& s) { progress.stage(s); };
  o.progress = [&](std::uint64_t done, std::uint64_t planned) { progress.update(done, planned); };
  o.graph_progress = show_build(progress);
  o.note = [&](const std::string& s) { progress.note("nanoreach: note: " + s); };
  const auto t0 = std::chrono::steady_clock::now();
  const RunReport report = run_experiment(cfg, o);
  progress.finish();
  if (!c.quiet) {
    std::fputs(file_tiers_text(io::h5::File::open(report.written)).c_str(), stdout);
    print_summary_table(report.summary);
    std::printf("%s %s in %.1f s\n", report.complete ? "wrote" : "kept unfinished work in", report.written.string().c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (!report.complete) throw Interrupted("interrupted: finished runs are in " + report.written.string() +
                                          " (complete = false)");
  return 0;
}

namespace {

int show_info(const std::string& path, bool quiet) {
  io::h5::File f = io::h5::File::open(path);
  auto attr = [&](const char* name) { return f.has_attribute(name) ? f.attribute<std::string>(name) : std::string("?"); };
  const bool complete = f.has_attribute("complete") && f.attribute<bool>("complete");
  std::printf("file          %s\n", path.c_str());
  std::printf("nanoreach     %s (%s)\n", attr("nanoreach_version").c_str(), attr("git_revision").c_str());
  std::printf("complete      %s\n", complete ? "yes" : "NO");
  std::printf("command       %s\n", attr("command_line").c_str());
  std::printf("started       %s, ended %s, on %s\n", attr("start_time").c_str(), attr("end_time").c_str(),
              attr("host").c_str());
  const bool one_graph = f.exists("/graph");
  if (one_graph) {
    io::h5::Group g = f.open_group("/graph");
    std::printf("graph         %s: %s people, %s strong ties,\n              %s follower edges\n",
                g.attribute<std::string>("source").c_str(), grouped(double(g.attribute<std::uint64_t>("people"))).c_str(),
                grouped(double(g.attribute<std::uint64_t>("strong_ties"))).c_str(),
                grouped(double(g.attribute<std::uint64_t>("audience_edges"))).c_str());
  }
  if (f.exists("/runs")) std::printf("runs          %zu\n", f.read_table("/runs").rows());
  std::fputs(file_tiers_text(f).c_str(), stdout);
  if (quiet) return 0;  // the facts above, without the configuration and the table
  const std::string config = attr("config");
  std::printf("\nconfiguration:\n%s\n", one_graph ? annotate_tiers(config, f.open_group("/graph")).c_str() : config.c_str());
  if (f.exists("/summary")) {
    const io::h5::Table points = f.exists("/points") ? f.read_table("/points") : io::h5::Table();
    print_summary_table(f.read_table("/summary"), f.exists("/points") ? &points : nullptr);
  }
  return 0;
}

}  // namespace

int cmd_info(const std::string& path, bool quiet) {
  // First in a child process, exactly as below (a damaged file can crash libhdf5), printing nothing.
  const std::string crash = probe_file(path, [&] {
    if (!std::freopen("/dev/null", "w", stdout)) return;
    try {
      show_info(path, quiet);
    } catch (const Error&) {
      // the same error is met, and reported, below
    }
  });
  if (!crash.empty()) throw InputError(path + ": " + crash);
  return show_info(path, quiet);
}

}  // namespace nanoreach::cli
