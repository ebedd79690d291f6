// The summary table and tier lines (see report.hpp).
#include "report.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <variant>
#include <vector>

#include "terminal.hpp"

namespace nanoreach::cli {

namespace {

constexpr const char* kTierKeys[4] = {"nano", "micro", "macro", "mega"};

// A sweep axis value as people read it: integers as written, other numbers in up to 6 significant
// digits, flags as true/false.
std::string cell(const io::h5::Column& col, std::size_t i) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = typename std::decay_t<decltype(v)>::value_type;
        if constexpr (std::is_same_v<T, std::string>) {
          return v[i];
        } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.6g", double(v[i]));
          return buf;
        } else if constexpr (std::is_same_v<T, std::uint8_t>) {
          return v[i] ? "true" : "false";
        } else {
          return std::to_string(v[i]);
        }
      },
      col);
}

// Pieces joined by ", " into lines of at most `width` columns; continuation lines indented by two.
std::string wrap(const std::string& first, const std::vector<std::string>& pieces, std::size_t width = 79) {
  std::string out = first, line = first;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const std::string piece = pieces[i] + (i + 1 < pieces.size() ? "," : "");
    if (line.size() + 1 + piece.size() > width && line.size() > 2) {
      out += "\n  ";
      line = "  ";
    } else if (!line.empty()) {
      out += " ";
      line += " ";
    }
    out += piece;
    line += piece;
  }
  return out;
}

}  // namespace

void print_summary_table(const io::h5::Table& sum, const io::h5::Table* points) {
  if (sum.num_columns() == 0 || sum.rows() == 0) {
    std::printf("(no finished runs)\n");
    return;
  }
  const std::size_t n = sum.rows();
  const bool sweep = sum.contains("point");
  const auto& budget = sum.column<double>("budget");
  // Is the budget one number for the whole table, one per point (a sweep axis), or per row?
  bool one_budget = true, per_point = true;
  for (std::size_t i = 1; i < n; ++i) {
    const bool same = budget[i] == budget[0] || (std::isnan(budget[i]) && std::isnan(budget[0]));
    one_budget &= same;
    if (sweep && sum.column<std::int64_t>("point")[i] == sum.column<std::int64_t>("point")[i - 1])
      per_point &= budget[i] == budget[i - 1] || (std::isnan(budget[i]) && std::isnan(budget[i - 1]));
  }
  const bool budget_column = !one_budget && !(sweep && per_point);

  std::vector<std::string> header = {"strategy", "model", "seeds"};
  if (budget_column) header.push_back("budget $");
  for (const char* h : {"spent $", "mean reach", "+/-95% CI", "reach/$1k", "by ordinary"}) header.push_back(h);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::pair<std::size_t, std::string>> groups;
  for (std::size_t i = 0; i < n; ++i) {
    if (sweep) {
      const std::int64_t p = sum.column<std::int64_t>("point")[i];
      if (i == 0 || sum.column<std::int64_t>("point")[i - 1] != p) {
        std::vector<std::string> values;
        if (points && points->contains("point")) {
          const auto& pc = points->column<std::int64_t>("point");
          for (std::size_t r = 0; r < pc.size(); ++r)
            if (pc[r] == p)
              for (const std::string& name : points->names())
                if (name != "point" && name != "graph" && name != "status" && name != "runs")
                  values.push_back(name + " = " + cell((*points)[name], r));
        }
        // A budget that changes only from point to point is shown with the point.
        if (per_point && !one_budget && budget[i] > 0) {
          bool named = false;
          for (const std::string& v : values) named |= v.rfind("campaign.budget = ", 0) == 0;
          if (!named) values.push_back("budget $" + grouped(budget[i]));
        }
        groups.emplace_back(rows.size(), wrap("point " + std::to_string(p) + (values.empty() ? "" : ":"), values));
      }
    }
    std::vector<std::string> r;
    r.push_back(sum.column<std::string>("strategy")[i]);
    r.push_back(sum.column<std::string>("model")[i]);
    r.push_back(fixed(sum.column<double>("seeds_mean")[i], 1));
    if (budget_column) r.push_back(budget[i] > 0 ? grouped(budget[i]) : "-");
    r.push_back(grouped(sum.column<double>("cost_mean")[i]));
    r.push_back(grouped(sum.column<double>("reach_mean")[i]));
    const double half = (sum.column<double>("reach_ci95_high")[i] - sum.column<double>("reach_ci95_low")[i]) / 2;
    r.push_back(grouped(half));
    r.push_back(fixed(sum.column<double>("reach_per_1000usd")[i], 1));
    const double share = sum.column<double>("share_by_ordinary")[i];
    r.push_back(std::isnan(share) ? "-" : fixed(100 * share, 1) + "%");
    rows.push_back(std::move(r));
  }
  if (one_budget && budget[0] > 0) std::printf("budget $%s for each strategy\n", grouped(budget[0]).c_str());
  std::fputs(format_table(header, rows, groups).c_str(), stdout);
}

std::string tiers_text(const std::string& rule, double people, const std::vector<std::int64_t>& th,
                       const std::vector<std::uint64_t>& counts) {
  std::vector<std::string> pieces;
  for (std::size_t k = 0; k < 4 && k < th.size(); ++k) {
    const std::string count = k + 1 < counts.size() ? grouped(double(counts[k + 1])) : "?";
    pieces.push_back(std::string(kTierKeys[k]) + " >= " + grouped(double(th[k])) + (k == 0 ? " followers (" : " (") +
                     count + (k == 0 ? " people)" : ")"));
  }
  return wrap("tiers at " + grouped(people) + " people (" + rule + "):", pieces);
}

std::string tiers_text(const io::h5::Group& g) {
  return tiers_text(g.has_attribute("tiers_rule") ? g.attribute<std::string>("tiers_rule") : "?",
                    double(g.attribute<std::uint64_t>("people")), g.attribute<std::vector<std::int64_t>>("tier_thresholds"),
                    g.read_array<std::uint64_t>("tier_counts"));
}

std::string file_tiers_text(const io::h5::File& f) {
  if (f.exists("/graph")) return tiers_text(f.open_group("/graph")) + "\n";
  if (!f.exists("/graphs")) return "";
  // Graphs of a sweep: the same text is printed once, naming the graphs that share it.
  std::vector<std::pair<std::string, std::vector<std::string>>> texts;
  const io::h5::Group all = f.open_group("/graphs");
  for (const std::string& name : all.children()) {
    const std::string t = tiers_text(all.open_group(name));
    bool found = false;
    for (auto& [text, names] : texts)
      if (text == t) {
        names.push_back(name);
        found = true;
      }
    if (!found) texts.push_back({t, {name}});
  }
  if (texts.size() == 1) return texts[0].first + "\n";
  std::string out;
  for (const auto& [text, names] : texts) {
    std::string which;
    for (const std::string& nm : names) which += (which.empty() ? "" : ", ") + nm;
    out += "graph" + std::string(names.size() > 1 ? "s " : " ") + which + ": " + text + "\n";
  }
  return out;
}

std::string annotate_tiers(const std::string& config, const io::h5::Group& g) {
  if (!g.has_attribute("tier_thresholds")) return config;
  const auto th = g.attribute<std::vector<std::int64_t>>("tier_thresholds");
  const std::string rule = g.has_attribute("tiers_rule") ? g.attribute<std::string>("tiers_rule") : "";
  std::istringstream in(config);
  std::string out, line, section;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '[') section = line;
    out += line;
    if (section == "[tiers]") {
      for (std::size_t k = 0; k < 4 && k < th.size(); ++k)
        if (line.rfind(std::string(kTierKeys[k]) + " = ", 0) == 0) out += "  # used: " + grouped(double(th[k]));
      if (line.rfind("mode = ", 0) == 0)
        out += "\n# used: the fewest followers of each tier in this graph" +
               std::string(rule == "automatic" ? "\n# (automatic: the smaller of the key and its _fraction x people)" : "");
    }
    out += '\n';
  }
  return out;
}

}  // namespace nanoreach::cli
