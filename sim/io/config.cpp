// Generic TOML configuration: schema, validation, overrides, writers (see io/config.hpp).
//
// Invariants: a Config only ever holds values that passed their key's type, range and choice
// checks; every assignment, from the file, --set or a caller, goes through assign_path(), so the
// three are checked the same way. toml++ keeps a table's keys in a sorted map, not in file order;
// the walkers sort what they collect by (line, column) so the first error reported is the first in
// the file and raw entries come in file order. Suggestions use the optimal string alignment
// distance (Damerau 1964; Levenshtein 1966 with adjacent transpositions), case-insensitive.
#include "nanoreach/io/config.hpp"

#include "nanoreach/files.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace nanoreach::io {

namespace {

// ---------------------------------------------------------------------------------------------
// Text helpers

std::string format_double(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  // Shortest round-trip form; plain digits for everyday magnitudes (1000000.0, not 1e+06).
  char buf[400];
  const double a = std::fabs(x);
  const auto res = (a == 0 || (a >= 1e-4 && a < 1e16))
                       ? std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::fixed)
                       : std::to_chars(buf, buf + sizeof(buf), x);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";  // TOML: 1.0 is a float, 1 is not
  return s;
}

// A bound in a range description: 1 rather than 1.0, and the shortest form otherwise.
std::string format_bound(double x) {
  std::string s = format_double(x);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string format_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04X", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

bool is_bare_segment(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string quote_key(std::string_view k) {
  return is_bare_segment(k) ? std::string(k) : format_string(k);
}

std::string join(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  if (key.empty()) return std::string(prefix);
  std::string out(prefix);
  out += '.';
  out += key;
  return out;
}

std::string parent_of(std::string_view name) {
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string() : std::string(name.substr(0, dot));
}

std::string_view last_of(std::string_view name) {
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

std::string shorten(std::string s, std::size_t max = 60) {
  if (s.size() > max) s = s.substr(0, max - 3) + "...";
  return s;
}

std::string quoted_list(const std::vector<std::string>& items, std::size_t max = 12) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) {
    if (i) out += ", ";
    out += format_string(items[i]);
  }
  if (items.size() > max) out += ", ...";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Nesting depth, bounded before toml++ sees the text

// Every part of a dotted key or table header is one more nested table, and toml++ (destroying a
// table) and the walkers below recurse once per level: a header of tens of thousands of parts
// overflows the stack. No key of a real experiment nests more than a few levels, so the text is
// scanned first (strings and comments skipped) and any key deeper than kMaxDepth is refused. The
// depth of a key counts its table header, the inline tables and arrays it is inside, the keys
// that opened them and its own parts.
constexpr std::size_t kMaxDepth = 64;

bool is_bare_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

void check_depth(std::string_view text, const std::string& source, long first_line = 1) {
  long line = first_line;
  std::size_t header = 0;           // parts of the current [table] header
  std::vector<std::size_t> frames;  // per open { or [: the key parts that led into it
  std::size_t parts = 0;            // parts of the key chain being read
  bool after_dot = false, line_start = true, in_header = false;
  auto fail = [&](std::size_t depth, const char* what) {
    throw ConfigError("",
                      source + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + what +
                          " nests tables " + std::to_string(depth) + " levels deep; at most " +
                          std::to_string(kMaxDepth) + " are allowed (experiment keys have a few dotted parts)",
                      line);
  };
  auto depth_here = [&] {
    std::size_t d = header + frames.size() + parts;
    for (std::size_t f : frames) d += f;
    return d;
  };
  auto end_chain = [&](char next) {
    if (parts > 0 && in_header && next == ']') {
      if (parts > kMaxDepth) fail(parts, "a table header");
      header = parts;
      in_header = false;
    } else if (parts > 0 && next == '=') {
      if (depth_here() > kMaxDepth) fail(depth_here(), "a key");
      if (!frames.empty()) frames.back() += parts;
    }
    parts = 0;
    after_dot = false;
  };
  auto segment = [&] {
    if (!after_dot) parts = 0;
    ++parts;
    after_dot = false;
  };
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const char c = text[i];
    if (c == '\n') {
      end_chain('\n');
      ++line;
      line_start = frames.empty();
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '#') {
      while (i < n && text[i] != '\n') ++i;
      continue;
    }
    const bool at_start = line_start;
    line_start = false;
    if (c == '"' || c == '\'') {
      const std::string_view triple = c == '"' ? "\"\"\"" : "'''";
      if (text.substr(i, 3) == triple) {  // a multi-line string: skipped, its lines counted
        end_chain(c);
        i += 3;
        while (i < n && text.substr(i, 3) != triple) {
          if (text[i] == '\n') ++line;
          if (c == '"' && text[i] == '\\' && i + 1 < n) {
            if (text[i + 1] == '\n') ++line;
            ++i;
          }
          ++i;
        }
        i = std::min(n, i + 3);
        continue;
      }
      ++i;
      while (i < n && text[i] != c && text[i] != '\n') {
        if (c == '"' && text[i] == '\\' && i + 1 < n && text[i + 1] != '\n') ++i;
        ++i;
      }
      if (i < n && text[i] == c) ++i;
      segment();
      continue;
    }
    if (is_bare_char(c)) {
      while (i < n && is_bare_char(text[i])) ++i;
      segment();
      continue;
    }
    if (c == '.' && parts > 0 && !after_dot) {
      after_dot = true;
      ++i;
      continue;
    }
    end_chain(c);
    if (c == '[' && at_start && frames.empty()) {
      in_header = true;
      header = 0;
      if (i + 1 < n && text[i + 1] == '[') ++i;
    } else if (c == '[' || c == '{') {
      frames.push_back(0);
      if (depth_here() > kMaxDepth) fail(depth_here(), "a value");
    } else if ((c == ']' || c == '}') && !frames.empty()) {
      frames.pop_back();
    }
    ++i;
  }
}

std::string plain_list(const std::vector<std::string>& items, std::size_t max = 12) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  if (items.size() > max) out += ", ...";
  return out;
}

// "# text" for every line of text.
std::string comment(std::string_view text, std::string_view lead = "# ") {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto nl = text.find('\n', start);
    const auto line = text.substr(start, nl == std::string_view::npos ? text.npos : nl - start);
    out += lead;
    out += line;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

struct ValueFormatter {
  std::string operator()(bool b) const { return b ? "true" : "false"; }
  std::string operator()(std::int64_t i) const { return std::to_string(i); }
  std::string operator()(double d) const { return format_double(d); }
  std::string operator()(const std::string& s) const { return format_string(s); }
  template <typename T>
  std::string operator()(const std::vector<T>& v) const {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out += ", ";
      out += (*this)(v[i]);
    }
    return out + "]";
  }
};

// ---------------------------------------------------------------------------------------------
// Edit distance and suggestions

std::size_t osa_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> d((n + 1) * (m + 1));
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * (m + 1) + j]; };
  auto low = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  for (std::size_t i = 0; i <= n; ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= m; ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = low(a[i - 1]) == low(b[j - 1]) ? 0 : 1;
      std::size_t v = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && low(a[i - 1]) == low(b[j - 2]) && low(a[i - 2]) == low(b[j - 1]))
        v = std::min(v, at(i - 2, j - 2) + 1);
      at(i, j) = v;
    }
  }
  return at(n, m);
}

// How many edits still count as a typo of a name this long.
std::size_t typo_budget(std::size_t n) {
  if (n <= 1) return 0;
  if (n <= 5) return 1;
  if (n <= 10) return 2;
  return 3;
}

// The candidate closest to `wrong`, over the whole dotted name or over the last component (a key
// written in the wrong section: `peeple` or `network.people` for `graph.people`). A match on the
// last component only costs one edit more than the same distance over the whole name.
std::optional<std::string> closest(std::string_view wrong,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_score = std::numeric_limits<std::size_t>::max(), best_full = best_score;
  const auto wrong_last = last_of(wrong);
  for (const auto& c : candidates) {
    const std::size_t full = osa_distance(wrong, c);
    const auto c_last = last_of(c);
    const std::size_t last = osa_distance(wrong_last, c_last);
    const bool ok_full = full <= typo_budget(std::max(wrong.size(), c.size()));
    const bool ok_last = last <= typo_budget(std::max(wrong_last.size(), c_last.size()));
    if (!ok_full && !ok_last) continue;
    std::size_t score = std::numeric_limits<std::size_t>::max();
    if (ok_full) score = full;
    if (ok_last) score = std::min(score, last + 1);
    if (score < best_score || (score == best_score && full < best_full)) {
      best = c;
      best_score = score;
      best_full = full;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Nodes

std::string describe_node(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::boolean:
      return "bool " + format_node(node);
    case toml::node_type::integer:
      return "integer " + format_node(node);
    case toml::node_type::floating_point:
      return "float " + format_node(node);
    case toml::node_type::string:
      return "string " + shorten(format_node(node));
    case toml::node_type::array:
      return "array " + shorten(format_node(node));
    case toml::node_type::table:
      return "table " + shorten(format_node(node));
    case toml::node_type::date:
      return "date " + format_node(node);
    case toml::node_type::time:
      return "time " + format_node(node);
    case toml::node_type::date_time:
      return "date-time " + format_node(node);
    default:
      return "nothing";
  }
}

std::shared_ptr<const toml::node> copy_node(const toml::node& node) {
  return node.visit([](auto&& concrete) -> std::shared_ptr<const toml::node> {
    return std::make_shared<std::remove_cvref_t<decltype(concrete)>>(concrete);
  });
}

// Value from node, or the reason it is not one: "expected integer, given float 2.5".
std::variant<Value, std::string> convert(const toml::node& node, Type type) {
  auto wrong = [&](std::string given) {
    return std::variant<Value, std::string>(std::string("expected ") +
                                            std::string(type_name(type)) + ", given " + given);
  };
  auto item_wrong = [&](std::size_t i, std::size_t n, const toml::node& item) {
    return wrong("an array whose item " + std::to_string(i + 1) + " of " + std::to_string(n) +
                 " is " + describe_node(item));
  };
  switch (type) {
    case Type::boolean:
      if (auto* b = node.as_boolean()) return Value(b->get());
      break;
    case Type::integer:
      if (auto* i = node.as_integer()) return Value(i->get());
      if (auto* f = node.as_floating_point()) {
        const double x = f->get();
        if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 9.2e18) {
          return wrong(describe_node(node) + " (an integer is written without '.' or exponent: " +
                       std::to_string(static_cast<std::int64_t>(x)) + ")");
        }
      }
      break;
    case Type::floating:
      if (auto* f = node.as_floating_point()) return Value(f->get());
      if (auto* i = node.as_integer()) return Value(static_cast<double>(i->get()));
      break;
    case Type::string:
      if (auto* s = node.as_string()) {
        if (!valid_utf8(s->get())) return wrong("bytes that are not UTF-8 text: \"" + printable(s->get()) + "\"");
        return Value(s->get());
      }
      break;
    case Type::floats:
      if (auto* a = node.as_array()) {
        std::vector<double> out;
        for (std::size_t i = 0; i < a->size(); ++i) {
          const toml::node& item = (*a)[i];
          if (auto* f = item.as_floating_point())
            out.push_back(f->get());
          else if (auto* n = item.as_integer())
            out.push_back(static_cast<double>(n->get()));
          else
            return item_wrong(i, a->size(), item);
        }
        return Value(std::move(out));
      }
      break;
    case Type::integers:
      if (auto* a = node.as_array()) {
        std::vector<std::int64_t> out;
        for (std::size_t i = 0; i < a->size(); ++i) {
          const toml::node& item = (*a)[i];
          if (auto* n = item.as_integer())
            out.push_back(n->get());
          else
            return item_wrong(i, a->size(), item);
        }
        return Value(std::move(out));
      }
      break;
    case Type::strings:
      if (auto* a = node.as_array()) {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < a->size(); ++i) {
          const toml::node& item = (*a)[i];
          if (auto* s = item.as_string(); s && !valid_utf8(s->get()))
            return wrong("an array whose item " + std::to_string(i + 1) + " of " + std::to_string(a->size()) +
                         " holds bytes that are not UTF-8 text: \"" + printable(s->get()) + "\"");
          else if (s)
            out.push_back(s->get());
          else
            return item_wrong(i, a->size(), item);
        }
        return Value(std::move(out));
      }
      break;
  }
  return wrong(describe_node(node));
}

// What is wrong with a well-typed value: {headline, detail}, or nothing.
struct Problem {
  std::string headline;  // "out of range", "not an allowed choice"
  std::string detail;
};

std::optional<Problem> choice_problem(const KeySpec& spec, const std::string& s, std::string item) {
  if (spec.choices.empty() ||
      std::find(spec.choices.begin(), spec.choices.end(), s) != spec.choices.end())
    return std::nullopt;
  std::string detail = item + format_string(s) + " is not one of " + quoted_list(spec.choices, 50);
  if (auto near = closest(s, spec.choices))
    detail += "; did you mean " + format_string(*near) + "?";
  return Problem{"not an allowed choice", detail};
}

std::optional<Problem> value_problem(const KeySpec& spec, const Value& value) {
  auto item = [](std::size_t i, std::size_t n) {
    return "item " + std::to_string(i + 1) + " of " + std::to_string(n) + " = ";
  };
  const Range& r = spec.range;
  switch (static_cast<Type>(value.index())) {
    case Type::integer: {
      const auto x = std::get<std::int64_t>(value);
      if (!r.contains(x))
        return Problem{"out of range", std::to_string(x) + " is not in " + r.describe()};
      break;
    }
    case Type::floating: {
      const auto x = std::get<double>(value);
      if (!std::isfinite(x))
        return Problem{"not a finite number", format_double(x) + " is not a number in " + r.describe()};
      if (!r.contains(x))
        return Problem{"out of range", format_double(x) + " is not in " + r.describe()};
      break;
    }
    case Type::string:
      return choice_problem(spec, std::get<std::string>(value), "");
    case Type::floats: {
      const auto& v = std::get<std::vector<double>>(value);
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!std::isfinite(v[i]))
          return Problem{"not a finite number",
                         item(i, v.size()) + format_double(v[i]) + " is not a number in " + r.describe()};
        if (!r.contains(v[i]))
          return Problem{"out of range",
                         item(i, v.size()) + format_double(v[i]) + " is not in " + r.describe()};
      }
      break;
    }
    case Type::integers: {
      const auto& v = std::get<std::vector<std::int64_t>>(value);
      for (std::size_t i = 0; i < v.size(); ++i)
        if (!r.contains(v[i]))
          return Problem{"out of range",
                         item(i, v.size()) + std::to_string(v[i]) + " is not in " + r.describe()};
      break;
    }
    case Type::strings: {
      const auto& v = std::get<std::vector<std::string>>(value);
      for (std::size_t i = 0; i < v.size(); ++i)
        if (auto p = choice_problem(spec, v[i], item(i, v.size()))) return p;
      break;
    }
    case Type::boolean:
      break;
  }
  return std::nullopt;
}

// A key's leaves in a table, in file order: descend into tables that are sections (or unknown, so
// an unknown `[grahp] people = 1` is reported as `grahp.people` and matched against graph.people);
// stop at keys, arrays of tables, free tables and anything that is not a table.
struct Leaf {
  std::string path;
  const toml::node* node;
  long line;
  long column;
};

void collect_leaves(const toml::table& table, const std::string& prefix, const KeyList& keys,
                    const Schema* schema, std::vector<Leaf>& out) {
  for (auto&& [k, v] : table) {
    const std::string path = join(prefix, k.str());
    const auto* sub = v.as_table();
    const bool stop = keys.index_of(path) != KeyList::npos ||
                      (schema && (schema->find_array(path) || schema->find_free_table(path))) ||
                      !sub || (sub->empty() && !keys.is_prefix(path));
    if (stop)
      out.push_back({path, &v, static_cast<long>(k.source().begin.line),
                     static_cast<long>(k.source().begin.column)});
    else
      collect_leaves(*sub, path, keys, schema, out);
  }
}

void sort_by_position(std::vector<Leaf>& leaves) {
  std::stable_sort(leaves.begin(), leaves.end(), [](const Leaf& a, const Leaf& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
}

// Free-table entries: flatten tables that are not inline.
void collect_raw(const toml::table& table, const std::string& prefix, std::vector<Leaf>& out) {
  for (auto&& [k, v] : table) {
    const std::string path = join(prefix, k.str());
    const auto* sub = v.as_table();
    if (sub && !sub->is_inline())
      collect_raw(*sub, path, out);
    else
      out.push_back({path, &v, static_cast<long>(k.source().begin.line),
                     static_cast<long>(k.source().begin.column)});
  }
}

// Names a user may mean: the keys and sections of a KeyList (for a Schema also arrays and free
// tables, which are claimed names).
std::vector<std::string> candidates_of(const KeyList& keys, const Schema* schema) {
  std::vector<std::string> out;
  for (const auto& k : keys.keys()) out.push_back(k.name);
  if (schema) {
    for (const auto& a : schema->arrays()) out.push_back(a.name);
    for (const auto& f : schema->free_tables()) out.push_back(f.name);
  }
  return out;
}

// "; did you mean X?" or, failing that, "; keys in [section]: a, b, c".
std::string hint_for(std::string_view wrong, const KeyList& keys, const Schema* schema,
                     std::string_view shown_prefix) {
  // A misspelt array or free table in front of an element address or entry: `strateg.nano.k`.
  if (schema) {
    std::vector<std::string> heads;
    for (const auto& a : schema->arrays()) heads.push_back(a.name);
    for (const auto& f : schema->free_tables()) heads.push_back(f.name);
    for (const auto& head : heads) {
      const auto segments = static_cast<std::size_t>(std::count(head.begin(), head.end(), '.')) + 1;
      std::size_t cut = 0;
      for (std::size_t n = 0; n < segments && cut != std::string_view::npos; ++n)
        cut = wrong.find_first_of(".[", n == 0 ? 0 : cut + 1);
      if (cut == std::string_view::npos || wrong.substr(0, cut) == head) continue;
      if (osa_distance(wrong.substr(0, cut), head) <= typo_budget(std::max(cut, head.size())))
        return "; did you mean " + head + printable(wrong.substr(cut)) + "?";
    }
  }
  auto candidates = candidates_of(keys, schema);
  // Sections too: `grahp = {people = 1}` from --set should point at graph.
  for (const auto& c : std::vector<std::string>(candidates)) {
    for (auto p = parent_of(c); !p.empty(); p = parent_of(p))
      if (std::find(candidates.begin(), candidates.end(), p) == candidates.end())
        candidates.push_back(p);
  }
  if (auto near = closest(wrong, candidates))
    return "; did you mean " + printable(join(shown_prefix, *near)) + "?";
  // Nothing close: list the keys of the nearest enclosing section that has any.
  for (std::string section = parent_of(wrong);; section = parent_of(section)) {
    std::vector<std::string> siblings;
    for (const auto& k : keys.keys())
      if (parent_of(k.name) == section) siblings.push_back(std::string(last_of(k.name)));
    if (!siblings.empty()) {
      const std::string where = printable(join(shown_prefix, section));
      return "; keys " + (where.empty() ? std::string("at the top level") : "in " + where) + ": " +
             plain_list(siblings);
    }
    if (section.empty()) return "";
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Types and values

std::string_view type_name(Type type) {
  switch (type) {
    case Type::boolean:
      return "bool";
    case Type::integer:
      return "integer";
    case Type::floating:
      return "float";
    case Type::string:
      return "string";
    case Type::floats:
      return "list of floats";
    case Type::integers:
      return "list of integers";
    case Type::strings:
      return "list of strings";
  }
  return "?";
}

Type type_of(const Value& value) { return static_cast<Type>(value.index()); }

std::string format_value(const Value& value) { return std::visit(ValueFormatter{}, value); }

bool same_value(const Value& a, const Value& b) {
  if (a.index() != b.index()) return false;
  auto same_double = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
  if (auto* x = std::get_if<double>(&a)) return same_double(*x, std::get<double>(b));
  if (auto* x = std::get_if<std::vector<double>>(&a)) {
    const auto& y = std::get<std::vector<double>>(b);
    return x->size() == y.size() && std::equal(x->begin(), x->end(), y.begin(), same_double);
  }
  return a == b;
}

std::string format_node(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return format_string(node.as_string()->get());
    case toml::node_type::integer:
      return std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point:
      return format_double(node.as_floating_point()->get());
    case toml::node_type::boolean:
      return node.as_boolean()->get() ? "true" : "false";
    case toml::node_type::date: {
      std::ostringstream os;
      os << node.as_date()->get();
      return os.str();
    }
    case toml::node_type::time: {
      std::ostringstream os;
      os << node.as_time()->get();
      return os.str();
    }
    case toml::node_type::date_time: {
      std::ostringstream os;
      os << node.as_date_time()->get();
      return os.str();
    }
    case toml::node_type::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& item : *node.as_array()) {
        if (!first) out += ", ";
        first = false;
        out += format_node(item);
      }
      return out + "]";
    }
    case toml::node_type::table: {
      const auto& t = *node.as_table();
      if (t.empty()) return "{}";
      std::string out = "{ ";
      bool first = true;
      for (auto&& [k, v] : t) {
        if (!first) out += ", ";
        first = false;
        out += quote_key(k.str()) + " = " + format_node(v);
      }
      return out + " }";
    }
    default:
      return "";
  }
}

// ---------------------------------------------------------------------------------------------
// Range and KeySpec

bool Range::contains(double x) const {
  if (min && !(min->inclusive ? x >= min->value : x > min->value)) return false;
  if (max && !(max->inclusive ? x <= max->value : x < max->value)) return false;
  return true;
}

bool Range::contains(std::int64_t x) const {
  // long double holds every int64 exactly (64-bit mantissa on x86-64); bounds are doubles.
  const long double v = static_cast<long double>(x);
  if (min && !(min->inclusive ? v >= min->value : v > min->value)) return false;
  if (max && !(max->inclusive ? v <= max->value : v < max->value)) return false;
  return true;
}

std::string Range::describe() const {
  std::string out = min ? (min->inclusive ? "[" : "(") + format_bound(min->value) : "(-inf";
  out += ", ";
  out += max ? format_bound(max->value) + (max->inclusive ? "]" : ")") : "inf)";
  return out;
}

KeySpec& KeySpec::at_least(double v) {
  range.min = Bound{v, true};
  check_default();
  return *this;
}
KeySpec& KeySpec::above(double v) {
  range.min = Bound{v, false};
  check_default();
  return *this;
}
KeySpec& KeySpec::at_most(double v) {
  range.max = Bound{v, true};
  check_default();
  return *this;
}
KeySpec& KeySpec::below(double v) {
  range.max = Bound{v, false};
  check_default();
  return *this;
}
KeySpec& KeySpec::within(double lo, double hi) {
  range.min = Bound{lo, true};
  range.max = Bound{hi, true};
  check_default();
  return *this;
}
KeySpec& KeySpec::one_of(std::vector<std::string> allowed) {
  choices = std::move(allowed);
  check_default();
  return *this;
}
KeySpec& KeySpec::require() {
  required = true;
  return *this;
}

std::string KeySpec::describe() const {
  std::string out(type_name(type));
  const bool numeric = type == Type::integer || type == Type::floating || type == Type::floats ||
                       type == Type::integers;
  if (numeric && !range.unbounded()) out += " in " + range.describe();
  const bool text = type == Type::string || type == Type::strings;
  if (text && !choices.empty()) out += ", one of " + quoted_list(choices, 50);
  if (required) out += "; required";
  return out;
}

void KeySpec::check_default() const {
  if (default_value.index() != static_cast<std::size_t>(type))
    throw std::logic_error("schema key " + name + ": default is a " +
                           std::string(type_name(type_of(default_value))) + ", key is a " +
                           std::string(type_name(type)));
  const bool numeric = type == Type::integer || type == Type::floating || type == Type::floats ||
                       type == Type::integers;
  if (!numeric && !range.unbounded())
    throw std::logic_error("schema key " + name + ": a range on a " + std::string(type_name(type)));
  const bool text = type == Type::string || type == Type::strings;
  if (!text && !choices.empty())
    throw std::logic_error("schema key " + name + ": choices on a " + std::string(type_name(type)));
  if (auto p = value_problem(*this, default_value))
    throw std::logic_error("schema key " + name + ": default " + p->headline + ": " + p->detail);
}

// ---------------------------------------------------------------------------------------------
// KeyList and Schema

KeySpec& KeyList::boolean(std::string name, bool def, std::string doc) {
  return add(KeySpec{std::move(name), Type::boolean, def, std::move(doc), {}, {}, false});
}
KeySpec& KeyList::integer(std::string name, std::int64_t def, std::string doc) {
  return add(KeySpec{std::move(name), Type::integer, def, std::move(doc), {}, {}, false});
}
KeySpec& KeyList::real(std::string name, double def, std::string doc) {
  return add(KeySpec{std::move(name), Type::floating, def, std::move(doc), {}, {}, false});
}
KeySpec& KeyList::string(std::string name, std::string def, std::string doc) {
  return add(KeySpec{std::move(name), Type::string, std::move(def), std::move(doc), {}, {}, false});
}
KeySpec& KeyList::reals(std::string name, std::vector<double> def, std::string doc) {
  return add(KeySpec{std::move(name), Type::floats, std::move(def), std::move(doc), {}, {}, false});
}
KeySpec& KeyList::integers(std::string name, std::vector<std::int64_t> def, std::string doc) {
  return add(
      KeySpec{std::move(name), Type::integers, std::move(def), std::move(doc), {}, {}, false});
}
KeySpec& KeyList::strings(std::string name, std::vector<std::string> def, std::string doc) {
  return add(
      KeySpec{std::move(name), Type::strings, std::move(def), std::move(doc), {}, {}, false});
}

KeySpec& KeyList::add(KeySpec spec) {
  spec.check_default();
  claim(spec.name);
  index_.emplace(spec.name, keys_.size());
  keys_.push_back(std::move(spec));
  return keys_.back();
}

const KeySpec* KeyList::find(std::string_view name) const {
  const auto i = index_of(name);
  return i == npos ? nullptr : &keys_[i];
}

std::size_t KeyList::index_of(std::string_view name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? npos : it->second;
}

bool KeyList::is_prefix(std::string_view name) const { return prefixes_.count(name) > 0; }

void KeyList::claim(const std::string& name) {
  std::size_t start = 0;
  while (true) {
    const auto dot = name.find('.', start);
    const auto segment =
        std::string_view(name).substr(start, dot == name.npos ? name.npos : dot - start);
    if (!is_bare_segment(segment))
      throw std::logic_error("schema name \"" + name +
                             "\": segments must be non-empty [A-Za-z0-9_-] separated by dots");
    if (dot == name.npos) break;
    start = dot + 1;
  }
  if (claimed_.count(name)) throw std::logic_error("schema name " + name + " declared twice");
  if (prefixes_.count(name))
    throw std::logic_error("schema name " + name +
                           " is already a section (other keys are under it)");
  for (auto p = parent_of(name); !p.empty(); p = parent_of(p))
    if (claimed_.count(p))
      throw std::logic_error("schema name " + name + " is under " + p + ", which is not a section");
  claimed_.insert(name);
  for (auto p = parent_of(name); !p.empty(); p = parent_of(p)) prefixes_.insert(p);
}

void Schema::note_block(Block::Kind kind, const std::string& name) {
  if (name.empty()) return;
  for (const auto& b : blocks_)
    if (b.name == name && b.kind == kind) return;
  blocks_.push_back({kind, name});
}

Schema& Schema::section(std::string name, std::string doc) {
  if (!name.empty() && (find(name) || find_array(name) || find_free_table(name)))
    throw std::logic_error("schema section " + name + " is a key, not a section");
  if (name.empty() || !is_bare_segment(last_of(name)))
    throw std::logic_error("schema section \"" + name + "\": not a dotted name");
  note_block(Block::Kind::keys, name);
  section_docs_[name] = std::move(doc);
  return *this;
}

TableArray& Schema::table_array(std::string name, std::string doc) {
  if (section_docs_.count(name))
    throw std::logic_error("schema array " + name + " is already a section");
  claim(name);
  arrays_.push_back(TableArray{name, std::move(doc), KeyList{}, "name"});
  note_block(Block::Kind::array, name);
  return arrays_.back();
}

FreeTable& Schema::free_table(std::string name, std::string doc, std::string example) {
  if (section_docs_.count(name))
    throw std::logic_error("schema free table " + name + " is already a section");
  claim(name);
  free_.push_back(FreeTable{name, std::move(doc), std::move(example)});
  note_block(Block::Kind::free, name);
  return free_.back();
}

const std::string* Schema::section_doc(std::string_view name) const {
  const auto it = section_docs_.find(name);
  return it == section_docs_.end() ? nullptr : &it->second;
}

const TableArray* Schema::find_array(std::string_view name) const {
  for (const auto& a : arrays_)
    if (a.name == name) return &a;
  return nullptr;
}

const FreeTable* Schema::find_free_table(std::string_view name) const {
  for (const auto& f : free_)
    if (f.name == name) return &f;
  return nullptr;
}

std::optional<std::string> Schema::suggest(std::string_view name) const {
  return closest(name, candidates_of(*this, this));
}

// ---------------------------------------------------------------------------------------------
// Writers

namespace {

// Root keys first (TOML puts every key after a [header] into that table), then each block.
// config == nullptr: the annotated defaults file. Otherwise the given values, or all of them.
std::string render(const Schema& schema, const Config* config, bool include_defaults,
                   std::string_view title) {
  const bool annotated = config == nullptr;
  std::ostringstream os;
  if (!title.empty()) os << comment(title) << "\n";

  auto wanted = [&](const Values* values, const KeySpec& k) {
    return !values || include_defaults || values->is_set(k.name);
  };
  auto value_of = [&](const Values* values, const KeySpec& k) -> const Value& {
    return values ? values->value(k.name) : k.default_value;
  };
  auto write_key = [&](const KeySpec& k, std::string_view shown, const Value& v) {
    if (annotated) os << comment(k.doc + " (" + k.describe() + ")");
    os << shown << " = " << format_value(v) << "\n";
  };

  bool first_root = true;
  for (const auto& k : schema.keys()) {
    if (k.name.find('.') != std::string::npos || !wanted(config, k)) continue;
    if (annotated && !first_root) os << "\n";
    first_root = false;
    write_key(k, k.name, value_of(config, k));
  }
  bool wrote_something = !first_root || !title.empty();
  auto separate = [&] {
    if (wrote_something) os << "\n";
    wrote_something = true;
  };

  for (const auto& block : schema.blocks()) {
    switch (block.kind) {
      case Schema::Block::Kind::keys: {
        std::vector<const KeySpec*> ks;
        for (const auto& k : schema.keys())
          if (parent_of(k.name) == block.name && wanted(config, k)) ks.push_back(&k);
        if (ks.empty() && !annotated) break;
        separate();
        if (annotated)
          if (const auto* doc = schema.section_doc(block.name)) os << comment(*doc);
        os << "[" << block.name << "]\n";
        for (std::size_t i = 0; i < ks.size(); ++i) {
          if (annotated && i) os << "\n";
          write_key(*ks[i], last_of(ks[i]->name), value_of(config, *ks[i]));
        }
        break;
      }
      case Schema::Block::Kind::array: {
        const auto& array = *schema.find_array(block.name);
        if (annotated) {
          // Arrays are empty by default: the example is commented out so the file stays the
          // defaults.
          separate();
          os << comment(array.doc);
          os << "# Add one [[" << array.name << "]] table per element, for example:\n";
          os << "# [[" << array.name << "]]\n";
          std::vector<std::string> lines;
          std::size_t width = 0;
          for (const auto& k : array.keys.keys()) {
            lines.push_back(k.name + " = " + format_value(k.default_value));
            width = std::max(width, lines.back().size());
          }
          for (std::size_t i = 0; i < lines.size(); ++i) {
            const auto& k = array.keys.keys()[i];
            os << "# " << lines[i] << std::string(width - lines[i].size() + 2, ' ') << "# " << k.doc
               << " (" << k.describe() << ")\n";
          }
          break;
        }
        for (const auto& element : config->elements(array.name)) {
          separate();
          os << "[[" << array.name << "]]\n";
          for (const auto& k : array.keys.keys())
            if (wanted(&element, k))
              os << k.name << " = " << format_value(element.value(k.name)) << "\n";
        }
        break;
      }
      case Schema::Block::Kind::free: {
        const auto& table = *schema.find_free_table(block.name);
        if (annotated) {
          separate();
          os << comment(table.doc);
          os << "[" << table.name << "]\n";
          if (!table.example.empty()) os << comment(table.example);
          break;
        }
        const auto& entries = config->raw(table.name);
        if (entries.empty()) break;
        separate();
        os << "[" << table.name << "]\n";
        // Quoted keys keep an entry one entry: "graph.people" = [...] reads back as that key.
        for (const auto& e : entries)
          os << quote_key(e.key) << " = " << format_node(*e.value) << "\n";
        break;
      }
    }
  }
  return os.str();
}

std::string md_escape(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string md_meaning(const KeySpec& k) {
  std::string out = k.doc;
  const bool numeric = k.type == Type::integer || k.type == Type::floating ||
                       k.type == Type::floats || k.type == Type::integers;
  if (numeric && !k.range.unbounded()) out += "; range " + k.range.describe();
  if (!k.choices.empty()) out += "; one of " + quoted_list(k.choices, 50);
  if (k.required) out += "; required";
  return md_escape(out);
}

std::string md_row(const KeySpec& k, std::string_view shown) {
  return "| `" + std::string(shown) + "` | " + std::string(type_name(k.type)) + " | `" +
         md_escape(format_value(k.default_value)) + "` | " + md_meaning(k) + " |\n";
}

}  // namespace

std::string Schema::print_defaults(std::string_view title) const {
  return render(*this, nullptr, true, title);
}

std::string Schema::markdown_table() const {
  std::string out = "| Key | Type | Default | Meaning |\n|---|---|---|---|\n";
  for (const auto& k : keys())
    if (k.name.find('.') == std::string::npos) out += md_row(k, k.name);
  for (const auto& block : blocks()) {
    switch (block.kind) {
      case Block::Kind::keys:
        for (const auto& k : keys())
          if (parent_of(k.name) == block.name) out += md_row(k, k.name);
        break;
      case Block::Kind::array: {
        const auto& a = *find_array(block.name);
        out += "| `[[" + a.name + "]]` | array of tables | none | " + md_escape(a.doc) + " |\n";
        for (const auto& k : a.keys.keys()) out += md_row(k, a.display(k.name));
        break;
      }
      case Block::Kind::free: {
        const auto& f = *find_free_table(block.name);
        out += "| `[" + f.name + "]` | table | empty | " + md_escape(f.doc) + " |\n";
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values

const KeySpec& Values::spec(std::string_view key, Type wanted, const char* getter) const {
  const auto* k = keys_->find(key);
  if (!k) {
    std::string msg = std::string(getter) + ": no key " + join(prefix_, key) + " in the schema";
    if (auto near = closest(key, candidates_of(*keys_, nullptr)))
      msg += " (did you mean " + *near + "?)";
    throw std::logic_error(msg);
  }
  if (k->type != wanted)
    throw std::logic_error(std::string(getter) + "(" + join(prefix_, key) + "): the key is a " +
                           std::string(type_name(k->type)) + ", not a " +
                           std::string(type_name(wanted)));
  return *k;
}

bool Values::is_set(std::string_view key) const {
  const auto i = keys_->index_of(key);
  if (i == KeyList::npos)
    throw std::logic_error("is_set: no key " + join(prefix_, key) + " in the schema");
  return given_[i].has_value();
}

long Values::line(std::string_view key) const {
  const auto i = keys_->index_of(key);
  if (i == KeyList::npos)
    throw std::logic_error("line: no key " + join(prefix_, key) + " in the schema");
  return given_[i] ? given_[i]->line : 0;
}

std::string Values::origin(std::string_view key) const {
  const auto i = keys_->index_of(key);
  if (i == KeyList::npos)
    throw std::logic_error("origin: no key " + join(prefix_, key) + " in the schema");
  return given_[i] ? given_[i]->origin : std::string();
}

const Value& Values::value(std::string_view key) const {
  const auto i = keys_->index_of(key);
  if (i == KeyList::npos)
    throw std::logic_error("value: no key " + join(prefix_, key) + " in the schema");
  return given_[i] ? given_[i]->value : keys_->keys()[i].default_value;
}

bool Values::get_bool(std::string_view key) const {
  spec(key, Type::boolean, "get_bool");
  return std::get<bool>(value(key));
}
std::int64_t Values::get_int(std::string_view key) const {
  spec(key, Type::integer, "get_int");
  return std::get<std::int64_t>(value(key));
}
double Values::get_double(std::string_view key) const {
  const auto* k = keys_->find(key);
  if (k && k->type == Type::integer) return static_cast<double>(std::get<std::int64_t>(value(key)));
  spec(key, Type::floating, "get_double");
  return std::get<double>(value(key));
}
const std::string& Values::get_string(std::string_view key) const {
  spec(key, Type::string, "get_string");
  return std::get<std::string>(value(key));
}
const std::vector<double>& Values::get_doubles(std::string_view key) const {
  spec(key, Type::floats, "get_doubles");
  return std::get<std::vector<double>>(value(key));
}
const std::vector<std::int64_t>& Values::get_ints(std::string_view key) const {
  spec(key, Type::integers, "get_ints");
  return std::get<std::vector<std::int64_t>>(value(key));
}
const std::vector<std::string>& Values::get_strings(std::string_view key) const {
  spec(key, Type::strings, "get_strings");
  return std::get<std::vector<std::string>>(value(key));
}

bool Values::same_values(const Values& other) const {
  if (keys_->size() != other.keys_->size()) return false;
  for (std::size_t i = 0; i < keys_->size(); ++i) {
    const auto& a = keys_->keys()[i];
    if (a.name != other.keys_->keys()[i].name) return false;
    const Value& va = given_[i] ? given_[i]->value : a.default_value;
    const Value& vb =
        other.given_[i] ? other.given_[i]->value : other.keys_->keys()[i].default_value;
    if (!same_value(va, vb)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Config

// Where the values being assigned come from. file: lines come from the nodes' sources (the parsed
// file); otherwise every value gets `line` (0 for --set, whose nodes come from a one-line snippet).
struct Config::Ctx {
  std::string origin;
  bool file = false;
  long line = 0;
  long line_of(const toml::key& k) const {
    return file ? static_cast<long>(k.source().begin.line) : line;
  }
  long line_of(const toml::node& n) const {
    return file ? static_cast<long>(n.source().begin.line) : line;
  }
};

namespace {

// An element's address as users write it: strategy.nano or strategy[1].
std::string element_label(const TableArray& array, std::size_t index, const std::string& name) {
  const bool addressable = !name.empty() && name.find_first_of(".[]= \t") == std::string::npos;
  return addressable ? array.name + "." + name : array.name + "[" + std::to_string(index) + "]";
}

// Store one value after its checks. shown: the key as users address it.
void set_value(std::vector<std::optional<Given>>& given, const KeySpec& spec, std::size_t index,
               const toml::node& node, long line, const std::string& origin,
               const std::string& shown) {
  auto converted = convert(node, spec.type);
  if (auto* why = std::get_if<std::string>(&converted))
    throw ConfigError(shown, "wrong type in " + origin + ": " + *why, line);
  Value& value = std::get<Value>(converted);
  if (auto p = value_problem(spec, value))
    throw ConfigError(shown, p->headline + " in " + origin + ": " + p->detail, line);
  given[index] = Given{std::move(value), line, origin};
}

}  // namespace

Config Config::defaults(std::shared_ptr<const Schema> schema) {
  if (!schema) throw std::logic_error("Config::defaults: no schema");
  Config c;
  c.keys_ = std::shared_ptr<const KeyList>(schema, static_cast<const KeyList*>(schema.get()));
  c.given_.assign(schema->size(), std::nullopt);
  c.arrays_.assign(schema->arrays().size(), {});
  c.free_.assign(schema->free_tables().size(), {});
  c.schema_ = std::move(schema);
  return c;
}

Config Config::parse(std::shared_ptr<const Schema> schema, std::string_view text,
                     std::string_view source_name, const std::vector<std::string>& overrides) {
  Config c = defaults(std::move(schema));
  c.source_ = std::string(source_name);
  toml::table root;
  check_depth(text, c.source_);
  try {
    root = toml::parse(text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError("",
                      c.source_ + ":" + std::to_string(where.line) + ":" +
                          std::to_string(where.column) +
                          ": TOML syntax error: " + printable(e.description()),
                      static_cast<long>(where.line));
  }
  std::vector<Leaf> leaves;
  collect_leaves(root, "", *c.schema_, c.schema_.get(), leaves);
  sort_by_position(leaves);
  const Ctx ctx{c.source_, true, 0};
  std::map<std::string, long, std::less<>> seen;
  for (const auto& leaf : leaves) {
    // Only `"graph.people" = 1` next to `[graph] people = 2` can name one key twice: toml++ sees
    // two different keys.
    if (auto [it, fresh] = seen.emplace(leaf.path, leaf.line); !fresh)
      throw ConfigError(
          leaf.path,
          "given twice in " + c.source_ + " (first at line " + std::to_string(it->second) + ")",
          leaf.line);
    c.assign_path(leaf.path, *leaf.node, leaf.line, ctx);
  }
  for (const auto& o : overrides) c.apply_override(o);
  c.check_required();
  return c;
}

Config Config::parse_file(std::shared_ptr<const Schema> schema, const std::filesystem::path& path,
                          const std::vector<std::string>& overrides) {
  require_regular_file(path.string(), "configuration file");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError("cannot read configuration file " + printable(path.string()) + ": " +
                     std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError("error while reading configuration file " + printable(path.string()));
  return parse(std::move(schema), text.str(), path.string(), overrides);
}

void Config::check_required() const {
  for (std::size_t i = 0; i < schema_->size(); ++i)
    if (schema_->keys()[i].required && !given_[i])
      throw ConfigError(schema_->keys()[i].name,
                        "required key missing in " +
                            (source_.empty() ? std::string("the configuration") : source_) + " (" +
                            schema_->keys()[i].doc + ")");
}

void Config::apply_override(std::string_view assignment) {
  const std::string origin = "--set " + printable(assignment);
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos)
    throw ConfigError("", "--set expects key=value, given \"" + printable(assignment) + "\"");
  const std::string key = trim(assignment.substr(0, eq));
  const std::string text = trim(assignment.substr(eq + 1));
  if (key.empty())
    throw ConfigError("", "--set expects key=value, given \"" + printable(assignment) + "\"");
  check_depth(key + " = " + text, origin, 0);

  // The key's type, when it names a plain key (directly or inside an element), decides whether a
  // bare token is text.
  const KeySpec* target = schema_->find(key);
  for (const auto& a : schema_->arrays()) {
    if (target || key.size() <= a.name.size() || key.compare(0, a.name.size(), a.name) != 0)
      continue;
    const char next = key[a.name.size()];
    if (next != '.' && next != '[') continue;
    std::string rest = key.substr(a.name.size() + 1);
    if (next == '[') {
      const auto close = key.find(']', a.name.size());
      rest = close != std::string::npos && close + 2 <= key.size() ? key.substr(close + 2) : "";
    } else if (next == '.') {
      const auto dot = rest.find('.');
      rest = dot == std::string::npos ? "" : rest.substr(dot + 1);
    }
    target = a.keys.find(rest);
  }

  toml::table parsed;
  std::string why;
  bool ok = false;
  try {
    parsed = toml::parse(std::string_view("v = " + text + "\n"), std::string_view(origin));
    ok = parsed.size() == 1 && parsed.contains("v");
    if (!ok) why = "more than one value";
  } catch (const toml::parse_error& e) {
    why = printable(e.description());
  }
  const bool bare =
      text.empty() || std::string_view("[{\"'").find(text[0]) == std::string_view::npos;
  if (!ok && !bare) throw ConfigError(key, "not a valid TOML value in " + origin + ": " + why);
  const bool as_text =
      !ok || (target && target->type == Type::string && bare && !parsed.get("v")->is_string());
  const Ctx ctx{origin, false, 0};
  const toml::value<std::string> text_node(text);
  // On a copy: an override that fails half way (a table of keys, a renamed element whose name is
  // taken) leaves this Config as it was.
  Config next = *this;
  next.assign_path(key, as_text ? static_cast<const toml::node&>(text_node) : *parsed.get("v"), 0,
                   ctx);
  *this = std::move(next);
}

void Config::assign(std::string_view path, const toml::node& node, std::string_view origin,
                    long line) {
  Config next = *this;
  next.assign_path(std::string(path), node, line, Ctx{std::string(origin), false, line});
  *this = std::move(next);
}

void Config::assign_path(const std::string& path, const toml::node& node, long line,
                         const Ctx& ctx) {
  const Schema& s = *schema_;
  if (const auto i = s.index_of(path); i != KeyList::npos) {
    set_value(given_, s.keys()[i], i, node, line, ctx.origin, path);
    return;
  }
  for (std::size_t slot = 0; slot < s.arrays().size(); ++slot) {
    const auto& a = s.arrays()[slot];
    if (path == a.name) return assign_array(a, slot, node, line, ctx);
    if (path.size() > a.name.size() && path.compare(0, a.name.size(), a.name) == 0 &&
        (path[a.name.size()] == '.' || path[a.name.size()] == '['))
      return assign_element(a, slot, path.substr(a.name.size()), node, line, ctx);
  }
  for (std::size_t slot = 0; slot < s.free_tables().size(); ++slot) {
    const auto& f = s.free_tables()[slot];
    if (path == f.name) {
      const auto* t = node.as_table();
      if (!t)
        throw ConfigError(path,
                          "wrong type in " + ctx.origin + ": [" + f.name + "] is a table, given " +
                              describe_node(node),
                          line);
      std::vector<Leaf> leaves;
      collect_raw(*t, "", leaves);
      sort_by_position(leaves);
      std::vector<RawEntry> entries;
      for (const auto& l : leaves)
        entries.push_back({l.path, copy_node(*l.node), ctx.file ? l.line : ctx.line, ctx.origin});
      free_[slot] = std::move(entries);
      return;
    }
    if (path.size() > f.name.size() + 1 && path.compare(0, f.name.size() + 1, f.name + ".") == 0) {
      const std::string entry = path.substr(f.name.size() + 1);
      RawEntry e{entry, copy_node(node), line, ctx.origin};
      auto& entries = free_[slot];
      auto it = std::find_if(entries.begin(), entries.end(),
                             [&](const RawEntry& r) { return r.key == entry; });
      if (it != entries.end())
        *it = std::move(e);
      else
        entries.push_back(std::move(e));
      return;
    }
  }
  if (s.is_prefix(path)) {
    if (const auto* t = node.as_table()) {
      // A table for a section (from --set or a caller): each of its keys, in file order.
      std::vector<Leaf> leaves;
      for (auto&& [k, v] : *t)
        leaves.push_back(
            {join(path, k.str()), &v, ctx.line_of(k), static_cast<long>(k.source().begin.column)});
      sort_by_position(leaves);
      for (const auto& l : leaves) assign_path(l.path, *l.node, l.line, ctx);
      return;
    }
    throw ConfigError(path,
                      "wrong type in " + ctx.origin + ": " + path +
                          " is a section, expected a table, given " + describe_node(node),
                      line);
  }
  throw ConfigError(path, "unknown key in " + ctx.origin + hint_for(path, s, &s, ""), line);
}

void Config::assign_array(const TableArray& array, std::size_t slot, const toml::node& node,
                          long line, const Ctx& ctx) {
  const auto* items = node.as_array();
  if (!items)
    throw ConfigError(array.name,
                      "wrong type in " + ctx.origin + ": expected an array of tables (write [[" +
                          array.name + "]] for each element), given " + describe_node(node),
                      line);
  std::vector<Element> elements;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const toml::node& item = (*items)[i];
    const auto* t = item.as_table();
    if (!t)
      throw ConfigError(array.name,
                        "wrong type in " + ctx.origin + ": item " + std::to_string(i + 1) +
                            " of [[" + array.name + "]] is " + describe_node(item) +
                            ", expected a table",
                        ctx.file ? ctx.line_of(item) : line);
    Element e;
    e.keys_ = std::shared_ptr<const KeyList>(schema_, &array.keys);
    e.given_.assign(array.keys.size(), std::nullopt);
    e.index_ = i;
    e.header_line_ = ctx.file ? ctx.line_of(item) : line;
    if (!array.name_key.empty())
      if (const auto* n = t->get(array.name_key); n && n->is_string())
        e.name_ = n->as_string()->get();
    e.prefix_ = element_label(array, i, e.name_);
    std::vector<Leaf> leaves;
    collect_leaves(*t, "", array.keys, nullptr, leaves);
    sort_by_position(leaves);
    for (auto& l : leaves) {
      if (!ctx.file) l.line = line;
      assign_in_element(array, e, l.path, *l.node, l.line, ctx);
    }
    for (std::size_t k = 0; k < array.keys.size(); ++k) {
      const auto& spec = array.keys.keys()[k];
      if (spec.required && !e.given_[k])
        throw ConfigError(e.prefix_ + "." + spec.name,
                          "required key missing in [[" + array.name + "]] item " +
                              std::to_string(i + 1) + " of " + ctx.origin + " (" + spec.doc + ")",
                          e.header_line_);
    }
    elements.push_back(std::move(e));
  }
  check_names(array, elements, ctx);
  arrays_[slot] = std::move(elements);
}

void Config::assign_element(const TableArray& array, std::size_t slot, const std::string& address,
                            const toml::node& node, long line, const Ctx& ctx) {
  auto& elements = arrays_[slot];
  std::string rest;
  Element* target = nullptr;
  const std::string shown = array.name + address;
  if (address[0] == '[') {
    const auto close = address.find(']');
    std::size_t index = 0;
    const char* first = address.data() + 1;
    const char* last = address.data() + (close == std::string::npos ? 1 : close);
    const auto res = std::from_chars(first, last, index);
    if (close == std::string::npos || first == last || res.ptr != last ||
        (close + 1 < address.size() && address[close + 1] != '.'))
      throw ConfigError(shown,
                        "bad element address in " + ctx.origin + ": write " + array.name +
                            "[<index>].<key> or " + array.name + ".<name>.<key>",
                        line);
    if (index >= elements.size())
      throw ConfigError(shown,
                        "no element " + std::to_string(index) + " in " + ctx.origin + ": [[" +
                            array.name + "]] has " + std::to_string(elements.size()) +
                            " element(s), indexed from 0",
                        line);
    target = &elements[index];
    rest = close + 1 < address.size() ? address.substr(close + 2) : "";
  } else {
    const std::string tail = address.substr(1);
    const auto dot = tail.find('.');
    const std::string name = tail.substr(0, dot);
    rest = dot == std::string::npos ? "" : tail.substr(dot + 1);
    for (auto& e : elements)
      if (!e.name_.empty() && e.name_ == name) {
        target = &e;
        break;
      }
    if (!target) {
      std::vector<std::string> names;
      for (const auto& e : elements)
        if (!e.name_.empty()) names.push_back(e.name_);
      std::string msg =
          "no [[" + array.name + "]] element named " + format_string(name) + " in " + ctx.origin;
      if (array.keys.find(name) || array.keys.is_prefix(name))
        msg += "; " + name + " is a key of each element: write " + array.name + ".<name>." + name +
               " or " + array.name + "[<index>]." + name;
      else if (auto near = closest(name, names))
        msg += "; did you mean " + array.name + "." + *near + "?";
      else if (!names.empty())
        msg += "; elements are named " + quoted_list(names);
      else
        msg += "; there are " + std::to_string(elements.size()) +
               " unnamed elements (address them as " + array.name + "[<index>])";
      throw ConfigError(shown, msg, line);
    }
  }
  if (rest.empty()) {
    // The whole element: a table of its keys.
    const auto* t = node.as_table();
    if (!t)
      throw ConfigError(shown,
                        "wrong type in " + ctx.origin + ": an element of [[" + array.name +
                            "]] is a table, given " + describe_node(node),
                        line);
    for (auto&& [k, v] : *t) assign_in_element(array, *target, std::string(k.str()), v, line, ctx);
  } else {
    assign_in_element(array, *target, rest, node, line, ctx);
  }
  check_names(array, elements, ctx);
}

void Config::assign_in_element(const TableArray& array, Element& element, const std::string& key,
                               const toml::node& node, long line, const Ctx& ctx) {
  const std::string shown = element.prefix_ + "." + key;
  if (const auto i = array.keys.index_of(key); i != KeyList::npos) {
    set_value(element.given_, array.keys.keys()[i], i, node, line, ctx.origin, shown);
    if (key == array.name_key) {
      element.name_ = std::get<std::string>(element.given_[i]->value);
      element.prefix_ = element_label(array, element.index_, element.name_);
    }
    return;
  }
  if (array.keys.is_prefix(key)) {
    if (const auto* t = node.as_table()) {
      for (auto&& [k, v] : *t)
        assign_in_element(array, element, join(key, k.str()), v, ctx.line_of(k), ctx);
      return;
    }
    throw ConfigError(shown,
                      "wrong type in " + ctx.origin + ": " + key +
                          " is a section, expected a table, given " + describe_node(node),
                      line);
  }
  throw ConfigError(
      shown, "unknown key in " + ctx.origin + hint_for(key, array.keys, nullptr, element.prefix_),
      line);
}

void Config::check_names(const TableArray& array, const std::vector<Element>& elements,
                         const Ctx& ctx) const {
  if (array.name_key.empty() || !array.keys.find(array.name_key)) return;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (elements[i].name_.empty()) continue;
    for (std::size_t j = 0; j < i; ++j) {
      if (elements[j].name_ != elements[i].name_) continue;
      const long first = elements[j].line(array.name_key);
      throw ConfigError(array.name + "." + array.name_key,
                        "duplicate name in " + ctx.origin + ": " +
                            format_string(elements[i].name_) + " is already the name of [[" +
                            array.name + "]] item " + std::to_string(j + 1) +
                            (first > 0 ? " (line " + std::to_string(first) + ")" : std::string()),
                        elements[i].line(array.name_key));
    }
  }
}

const std::vector<Element>& Config::elements(std::string_view array) const {
  for (std::size_t i = 0; i < schema_->arrays().size(); ++i)
    if (schema_->arrays()[i].name == array) return arrays_[i];
  throw std::logic_error("Config::elements: no array of tables " + std::string(array) +
                         " in the schema");
}

const Element& Config::element(std::string_view array, std::string_view name) const {
  const auto& all = elements(array);
  std::vector<std::string> names;
  for (const auto& e : all) {
    if (e.name() == name) return e;
    if (!e.name().empty()) names.push_back(e.name());
  }
  std::string msg = "no [[" + std::string(array) + "]] element named " + format_string(name);
  if (auto near = closest(name, names))
    msg += "; did you mean " + format_string(*near) + "?";
  else
    msg += names.empty() ? "; there are no named elements"
                         : "; elements are named " + quoted_list(names);
  throw ConfigError(std::string(array) + "." + std::string(name), msg);
}

const std::vector<RawEntry>& Config::raw(std::string_view free_table) const {
  for (std::size_t i = 0; i < schema_->free_tables().size(); ++i)
    if (schema_->free_tables()[i].name == free_table) return free_[i];
  throw std::logic_error("Config::raw: no free table " + std::string(free_table) +
                         " in the schema");
}

std::string Config::to_toml(bool include_defaults) const {
  return render(*schema_, this, include_defaults, {});
}

bool operator==(const Config& a, const Config& b) {
  if (!a.same_values(b)) return false;
  if (a.arrays_.size() != b.arrays_.size() || a.free_.size() != b.free_.size()) return false;
  for (std::size_t s = 0; s < a.arrays_.size(); ++s) {
    if (a.arrays_[s].size() != b.arrays_[s].size()) return false;
    for (std::size_t i = 0; i < a.arrays_[s].size(); ++i)
      if (!a.arrays_[s][i].same_values(b.arrays_[s][i])) return false;
  }
  for (std::size_t s = 0; s < a.free_.size(); ++s) {
    if (a.free_[s].size() != b.free_[s].size()) return false;
    for (std::size_t i = 0; i < a.free_[s].size(); ++i) {
      const auto& x = a.free_[s][i];
      const auto& y = b.free_[s][i];
      if (x.key != y.key || format_node(*x.value) != format_node(*y.value)) return false;
    }
  }
  return true;
}

}  // namespace nanoreach::io
