// Generic TOML configuration: a Schema of typed, documented keys and a Config validated against it.
//
// This layer knows nothing of the science; the experiment layer declares the schema (hundreds of
// keys) and reads typed values back. What it guarantees:
//   * Every key the file or a --set names is checked before anything runs: unknown keys (with the
//     closest valid key suggested, Damerau-Levenshtein / optimal string alignment over the dotted
//     name and over its last component), wrong types, numbers out of range, strings not among the
//     choices, missing required keys, duplicate element names. Errors are ConfigError(key, message,
//     line); the message says where the value came from (file name or "--set ...") and what was
//     expected.
//   * Values keep the line they were given on; getters return the given value or the default.
//   * An integer where a float is expected is widened; a float where an integer is expected is an
//     error (2.0 is not silently a count). Integer range checks compare exactly (long double).
//   * to_toml() and Schema::print_defaults() write TOML that parses back to equal values, keys in
//     schema order (root keys first, as TOML requires, then each section in order of declaration).
//
// Key names are dotted bare TOML keys: segments of [A-Za-z0-9_-], e.g. `seed`, `graph.people`.
// A key `graph.people` may be written `[graph] people = 1`, `graph.people = 1` or
// `graph = {people = 1}`.
//
// Three kinds of section besides plain keys:
//   * ordinary sections ([graph]): just the dotted prefix of their keys, with an optional doc;
//   * arrays of tables ([[strategy]]): each element validated against the array's own KeyList,
//     whose key names are relative to the element (`name`, `k`; shown to users as `strategy.k`);
//   * free tables ([sweep]): not validated here; raw() hands the entries (dotted key text, a copy
//     of the TOML node, line) to the layer that interprets them. Nested ordinary tables are
//     flattened to dotted keys (`[sweep] graph.people = [1, 2]` gives key "graph.people");
//     flattening stops at anything that is not a table, and at inline tables
//     (`x = {from = 1, to = 9}` is one entry). Entries are in file order. Config::assign() lets
//     that layer apply a value to a copy of the Config with the same checks as the file.
//
// Overrides (the CLI's --set), Config::apply_override("key=value"):
//   * the value is parsed as a TOML value (1e5, true, "text", [1, 2], {a = 1}); text that is not a
//     TOML value is taken as a string (so --set graph.kind=dunbar works); when the key is a string
//     key a bare token that parsed as another type (2024, true, inf) is also taken as its text.
//     Text that starts with [ { " ' but does not parse is an error, not a string.
//   * array-of-tables elements are addressed by their name key (`name` unless the array says
//     otherwise): `strategy.nano.k=500`; or by 0-based index: `strategy[0].k=500` (for unnamed
//     elements, or names containing dots). `strategy=[{name = "a", k = 5}]` replaces every element.
//     Overrides cannot add one element; replace the array instead.
//   * free-table entries: `sweep.graph.people=[1000, 2000]` sets (or replaces) the entry
//     "graph.people"; `sweep={...}` replaces every entry.
//   * a table value for a section or element sets each of its keys:
//     `graph={people = 5, kind = "er"}`.
// Overrides are applied after the file and checked the same way; the message names the --set.
//
// Schema misuse (a malformed or clashing key name, a default outside its own range, a getter asking
// for a key that is not in the schema or with the wrong type) is a bug: std::logic_error.
#pragma once

#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nanoreach/error.hpp"

namespace nanoreach::io {

// The types a key may have. The order matches Value's alternatives: Value::index() == Type.
enum class Type { boolean, integer, floating, string, floats, integers, strings };

using Value = std::variant<bool, std::int64_t, double, std::string, std::vector<double>,
                           std::vector<std::int64_t>, std::vector<std::string>>;

// "bool", "integer", "float", "string", "list of floats", "list of integers", "list of strings".
std::string_view type_name(Type type);
Type type_of(const Value& value);
// TOML text of a value: floats in shortest round-trip form (always with '.', 'e', inf or nan),
// strings quoted and escaped, lists as inline arrays.
std::string format_value(const Value& value);
// Equality that treats NaN as equal to NaN (a default of nan must compare equal to itself).
bool same_value(const Value& a, const Value& b);
// Inline TOML text of any toml++ node (used for raw entries; toml++ 3.3's own formatter writes
// doubles with 17 significant digits and tables over several lines).
std::string format_node(const toml::node& node);

struct Bound {
  double value;
  bool inclusive;
};

// Allowed numeric range; for lists it applies to every element. No bound: unbounded on that side.
struct Range {
  std::optional<Bound> min;
  std::optional<Bound> max;
  bool unbounded() const { return !min && !max; }
  bool contains(double x) const;
  bool contains(std::int64_t x) const;  // exact: compared as long double
  // "[1, 100]", "(0, 1]", "[0, inf)", "(-inf, 5)".
  std::string describe() const;
};

struct KeySpec {
  std::string name;  // dotted, relative to its KeyList
  Type type = Type::boolean;
  Value default_value;
  std::string doc;                   // one line, no trailing period needed
  Range range;                       // integer, float and their lists
  std::vector<std::string> choices;  // string and list of strings; empty: any string
  bool required = false;             // must be given (in every element, for array elements)

  // Fluent refinements; each checks that the default still satisfies the key (std::logic_error).
  KeySpec& at_least(double v);            // >= v
  KeySpec& above(double v);               // >  v
  KeySpec& at_most(double v);             // <= v
  KeySpec& below(double v);               // <  v
  KeySpec& within(double lo, double hi);  // [lo, hi]
  KeySpec& one_of(std::vector<std::string> allowed);
  KeySpec& require();

  // "integer in [1, inf)", "string, one of \"a\", \"b\"", "float; required".
  std::string describe() const;
  // std::logic_error unless the default has the key's type and satisfies its range and choices.
  void check_default() const;
};

// An ordered list of keys with lookup by name: the plain keys of a Schema, or the keys of one
// element of an array of tables. References returned by the adders stay valid (a deque).
class KeyList {
 public:
  KeySpec& boolean(std::string name, bool def, std::string doc);
  KeySpec& integer(std::string name, std::int64_t def, std::string doc);
  KeySpec& real(std::string name, double def, std::string doc);
  KeySpec& string(std::string name, std::string def, std::string doc);
  KeySpec& reals(std::string name, std::vector<double> def, std::string doc);
  KeySpec& integers(std::string name, std::vector<std::int64_t> def, std::string doc);
  KeySpec& strings(std::string name, std::vector<std::string> def, std::string doc);
  KeySpec& add(KeySpec spec);

  const std::deque<KeySpec>& keys() const { return keys_; }
  std::size_t size() const { return keys_.size(); }
  const KeySpec* find(std::string_view name) const;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::size_t index_of(std::string_view name) const;  // npos when absent
  // True when name is a proper dotted prefix of some claimed name ("graph" for "graph.people").
  bool is_prefix(std::string_view name) const;

  virtual ~KeyList() = default;
  KeyList() = default;
  KeyList(const KeyList&) = default;
  KeyList& operator=(const KeyList&) = default;
  KeyList(KeyList&&) = default;
  KeyList& operator=(KeyList&&) = default;

 protected:
  // Reserve a name: well-formed, not taken, neither a prefix of nor prefixed by a taken name.
  void claim(const std::string& name);

 private:
  std::deque<KeySpec> keys_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::set<std::string, std::less<>> claimed_;   // keys, and (in a Schema) arrays and free tables
  std::set<std::string, std::less<>> prefixes_;  // every proper prefix of a claimed name
};

// [[name]]: an array of tables, each element validated against `keys` (names relative to the
// element). name_key: the string key that names an element, for --set addressing and uniqueness
// (non-empty names must be unique); "" or absent from `keys`: elements are addressed by index only.
struct TableArray {
  std::string name;
  std::string doc;
  KeyList keys;
  std::string name_key = "name";
  std::string display(std::string_view key) const { return name + "." + std::string(key); }
};

// [name]: a free-form table, handed raw to the layer that interprets it. example: TOML lines shown
// (commented out) by print_defaults.
struct FreeTable {
  std::string name;
  std::string doc;
  std::string example;
};

class Schema : public KeyList {
 public:
  // The doc of an ordinary section (the dotted prefix of some keys), printed above its header.
  Schema& section(std::string name, std::string doc);
  TableArray& table_array(std::string name, std::string doc);
  FreeTable& free_table(std::string name, std::string doc, std::string example = {});

  const std::string* section_doc(std::string_view name) const;  // nullptr: none
  const TableArray* find_array(std::string_view name) const;
  const FreeTable* find_free_table(std::string_view name) const;
  const std::deque<TableArray>& arrays() const { return arrays_; }
  const std::deque<FreeTable>& free_tables() const { return free_; }

  // The valid name closest to `name` (keys, arrays, free tables), or nothing when none is close.
  std::optional<std::string> suggest(std::string_view name) const;

  // A complete annotated TOML file: each section's doc, each key's doc and type/range/choices in a
  // comment above its default; arrays of tables as one commented-out example element (arrays are
  // empty by default), free tables as an empty table with their commented-out example. It parses
  // back into a Config equal to Config::defaults(). title: an optional first comment line.
  std::string print_defaults(std::string_view title = {}) const;

  // A Markdown table | Key | Type | Default | Meaning | of every key, array and free table, in
  // schema order; array element keys appear as `strategy.k`.
  std::string markdown_table() const;

  // Output order of blocks after the root keys: ordinary sections, arrays and free tables in the
  // order they were first declared. Used by the writers.
  struct Block {
    enum class Kind { keys, array, free } kind;
    std::string name;
  };
  const std::vector<Block>& blocks() const { return blocks_; }

 private:
  void note_block(Block::Kind kind, const std::string& name);
  std::deque<TableArray> arrays_;
  std::deque<FreeTable> free_;
  std::map<std::string, std::string, std::less<>> section_docs_;
  std::vector<Block> blocks_;
};

// Where a value came from.
struct Given {
  Value value;
  long line = 0;  // file line of its key; 0 when it came from --set (or a caller without lines)
  std::string origin;  // the file name, or "--set key=value"
};

// The validated values of one KeyList: the top level of a Config, or one array element.
class Values {
 public:
  bool is_set(std::string_view key) const;
  long line(std::string_view key) const;           // 0 when not set or not from a file
  std::string origin(std::string_view key) const;  // "" when not set
  const Value& value(std::string_view key) const;  // the given value or the default
  bool get_bool(std::string_view key) const;
  std::int64_t get_int(std::string_view key) const;
  double get_double(std::string_view key) const;  // float keys; integer keys widened
  const std::string& get_string(std::string_view key) const;
  const std::vector<double>& get_doubles(std::string_view key) const;
  const std::vector<std::int64_t>& get_ints(std::string_view key) const;
  const std::vector<std::string>& get_strings(std::string_view key) const;

  const KeyList& keys() const { return *keys_; }
  // How users address these values: "" for the top level, "strategy.nano" or "strategy[1]".
  const std::string& prefix() const { return prefix_; }
  // Effective values equal (NaN == NaN); lines and origins are not compared.
  bool same_values(const Values& other) const;

 protected:
  friend class Config;
  Values() = default;  // only Config builds values: a Values without keys would crash its getters
  const KeySpec& spec(std::string_view key, Type wanted, const char* getter) const;
  std::shared_ptr<const KeyList> keys_;
  std::vector<std::optional<Given>> given_;  // by key index
  std::string prefix_;
};

// One element of an array of tables.
class Element : public Values {
 public:
  std::size_t index() const { return index_; }
  long header_line() const { return header_line_; }  // the [[array]] line; 0 when not from a file
  // The element's name (value of the array's name key), "" when unnamed.
  const std::string& name() const { return name_; }

 private:
  friend class Config;
  Element() = default;
  std::size_t index_ = 0;
  long header_line_ = 0;
  std::string name_;
};

// One entry of a free table.
struct RawEntry {
  std::string key;                          // dotted path inside the table: "graph.people"
  std::shared_ptr<const toml::node> value;  // a copy; its source() is not kept: use line
  long line = 0;                            // 0 when not from a file
  std::string origin;                       // file name or "--set ..."
};

class Config : public Values {
 public:
  // Every key at its default, every array empty, every free table empty. Required keys not checked.
  static Config defaults(std::shared_ptr<const Schema> schema);
  // Parse TOML text, validate it, apply the overrides ("key=value", in order), then check required
  // keys. source_name names the text in messages. Throws ConfigError.
  static Config parse(std::shared_ptr<const Schema> schema, std::string_view text,
                      std::string_view source_name, const std::vector<std::string>& overrides = {});
  // The same for a file; InputError when it cannot be read.
  static Config parse_file(std::shared_ptr<const Schema> schema, const std::filesystem::path& path,
                           const std::vector<std::string>& overrides = {});

  // One --set: "key=value" (see the file comment for the syntax). Throws ConfigError.
  void apply_override(std::string_view assignment);
  // Set the value at a dotted path (same addressing as --set) from a TOML node, with the file's
  // checks. origin and line go into messages and into the stored values.
  void assign(std::string_view path, const toml::node& node, std::string_view origin,
              long line = 0);
  // ConfigError naming the first required key (top level) that is not set.
  void check_required() const;

  const std::vector<Element>& elements(std::string_view array) const;
  // The element with that name; ConfigError (listing the names) when there is none.
  const Element& element(std::string_view array, std::string_view name) const;
  const std::vector<RawEntry>& raw(std::string_view free_table) const;

  // The effective configuration as TOML: given values (file + overrides) only, or every key with
  // defaults filled in. Parses back (with this schema) to a Config equal to this one.
  std::string to_toml(bool include_defaults) const;

  const Schema& schema() const { return *schema_; }
  const std::shared_ptr<const Schema>& schema_ptr() const { return schema_; }
  const std::string& source_name() const { return source_; }

  // Same effective top-level values, same elements (in order), same raw entries (key and value).
  friend bool operator==(const Config& a, const Config& b);

 private:
  Config() = default;  // use defaults(), parse() or parse_file()
  struct Ctx;
  void assign_path(const std::string& path, const toml::node& node, long line, const Ctx& ctx);
  void assign_array(const TableArray& array, std::size_t slot, const toml::node& node, long line,
                    const Ctx& ctx);
  void assign_element(const TableArray& array, std::size_t slot, const std::string& address,
                      const toml::node& node, long line, const Ctx& ctx);
  void assign_in_element(const TableArray& array, Element& element, const std::string& key,
                         const toml::node& node, long line, const Ctx& ctx);
  void check_names(const TableArray& array, const std::vector<Element>& elements,
                   const Ctx& ctx) const;
  std::shared_ptr<const Schema> schema_;
  std::string source_;
  std::vector<std::vector<Element>> arrays_;  // by Schema::arrays() index
  std::vector<std::vector<RawEntry>> free_;   // by Schema::free_tables() index
};

}  // namespace nanoreach::io
