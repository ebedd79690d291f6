// Tests of the generic configuration layer (io/config.hpp) on a small schema with a key of every
// type, a [[strategy]] array of tables and a free [sweep] table. Every error case checks the key,
// the line and the part of the message that tells the user what to do.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "nanoreach/io/config.hpp"

using namespace nanoreach;
using namespace nanoreach::io;

namespace {

std::shared_ptr<const Schema> make_schema() {
  auto s = std::make_shared<Schema>();
  s->integer("seed", 1, "Master seed of every random stream").at_least(0);
  s->string("label", "run", "Name of the run in result files");
  s->section("graph", "The social graph");
  s->integer("graph.people", 1000, "Number of people").at_least(1);
  s->string("graph.kind", "dunbar", "Generator").one_of({"dunbar", "er", "ba"});
  s->real("graph.density", 0.1, "Edge density").above(0).at_most(1);
  s->boolean("graph.directed", false, "Directed ties");
  s->reals("graph.weights", {0.5, 0.3, 0.2}, "Weight of each layer").within(0, 1);
  s->integers("graph.circles", {5, 15, 50, 150}, "Dunbar circle sizes").at_least(1);
  s->strings("graph.layers", {"family", "friends"}, "Layers").one_of({"family", "friends", "work"});
  s->section("campaign", "The campaign | its budget");
  s->real("campaign.virality", 0.05, "Probability that an exposure converts").within(0, 1);
  s->real("campaign.budget", 1e6, "Budget");
  s->integer("campaign.rounds", 10, "Rounds").within(1, 100);
  auto& st = s->table_array("strategy", "Seeding strategies to compare");
  st.keys.string("name", "example", "Name used in results").require();
  st.keys.string("kind", "degree", "Seeding rule").one_of({"degree", "random", "imm"});
  st.keys.integer("k", 100, "Number of seeds").at_least(1);
  st.keys.real("params.alpha", 0.5, "Tuning constant").within(0, 1);
  s->free_table("sweep", "Parameter sweep: a dotted key = the values it takes",
                "\"graph.people\" = [1000, 2000]");
  return s;
}

const std::shared_ptr<const Schema>& schema() {
  static const auto s = make_schema();
  return s;
}

// The message of the ConfigError thrown by f, and its key and line.
template <typename F>
ConfigError config_error(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("no ConfigError thrown");
  return ConfigError("", "");
}

Config parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return Config::parse(schema(), text, "exp.toml", overrides);
}

const char* kFile = R"(seed = 7
label = "demo"

[graph]
people = 5000
kind = "er"
density = 1
weights = [1, 0.25]
layers = ["work"]

[campaign]
virality = 0.2

[[strategy]]
name = "nano"
k = 50
params.alpha = 0.25

[[strategy]]
name = "hub"
kind = "imm"

[sweep]
"campaign.virality" = [0.1, 0.2]
graph.people = [1000, 2000]
budget = { from = 1, to = 9, steps = 3 }
)";

}  // namespace

TEST_CASE("config: defaults", "[config]") {
  const auto c = Config::defaults(schema());
  CHECK(c.get_int("seed") == 1);
  CHECK(c.get_string("label") == "run");
  CHECK(c.get_int("graph.people") == 1000);
  CHECK(c.get_double("graph.people") == 1000.0);  // integer keys widen on request
  CHECK(c.get_double("graph.density") == 0.1);
  CHECK_FALSE(c.get_bool("graph.directed"));
  CHECK(c.get_doubles("graph.weights") == std::vector<double>{0.5, 0.3, 0.2});
  CHECK(c.get_ints("graph.circles") == std::vector<std::int64_t>{5, 15, 50, 150});
  CHECK(c.get_strings("graph.layers") == std::vector<std::string>{"family", "friends"});
  CHECK_FALSE(c.is_set("graph.people"));
  CHECK(c.line("graph.people") == 0);
  CHECK(c.elements("strategy").empty());
  CHECK(c.raw("sweep").empty());
  // Asking for a key that is not in the schema, or with the wrong type, is a bug.
  CHECK_THROWS_AS(c.get_int("graph.peeple"), std::logic_error);
  CHECK_THROWS_AS(c.get_int("graph.density"), std::logic_error);
  CHECK_THROWS_AS(c.elements("strategi"), std::logic_error);
}

TEST_CASE("config: values and their lines", "[config]") {
  const auto c = parse(kFile);
  CHECK(c.source_name() == "exp.toml");
  CHECK(c.get_int("seed") == 7);
  CHECK(c.line("seed") == 1);
  CHECK(c.origin("seed") == "exp.toml");
  CHECK(c.get_string("label") == "demo");
  CHECK(c.get_int("graph.people") == 5000);
  CHECK(c.line("graph.people") == 5);
  CHECK(c.get_string("graph.kind") == "er");
  CHECK(c.get_double("graph.density") == 1.0);  // integer 1 widened to a float
  CHECK(c.line("graph.density") == 7);
  CHECK(c.get_doubles("graph.weights") == std::vector<double>{1.0, 0.25});
  CHECK(c.get_strings("graph.layers") == std::vector<std::string>{"work"});
  CHECK(c.get_double("campaign.virality") == 0.2);
  CHECK(c.line("campaign.virality") == 12);
  CHECK_FALSE(c.is_set("campaign.rounds"));
  CHECK(c.get_int("campaign.rounds") == 10);

  const auto& st = c.elements("strategy");
  REQUIRE(st.size() == 2);
  CHECK(st[0].name() == "nano");
  CHECK(st[0].index() == 0);
  CHECK(st[0].header_line() == 14);
  CHECK(st[0].get_int("k") == 50);
  CHECK(st[0].line("k") == 16);
  CHECK(st[0].get_double("params.alpha") == 0.25);
  CHECK(st[0].line("params.alpha") == 17);
  CHECK(st[0].get_string("kind") == "degree");
  CHECK_FALSE(st[0].is_set("kind"));
  CHECK(st[1].name() == "hub");
  CHECK(st[1].header_line() == 19);
  CHECK(st[1].get_int("k") == 100);
  CHECK(&c.element("strategy", "hub") == &st[1]);
  const auto missing = config_error([&] { c.element("strategy", "hbu"); });
  CHECK_THAT(missing.what(), Catch::Contains("did you mean \"hub\"?"));

  // Raw entries in file order (toml++ itself keeps keys sorted), dotted keys flattened, quoted
  // dotted keys kept whole, inline tables kept as one entry.
  const auto& sweep = c.raw("sweep");
  REQUIRE(sweep.size() == 3);
  CHECK(sweep[0].key == "campaign.virality");
  CHECK(sweep[0].line == 24);
  CHECK(sweep[1].key == "graph.people");
  CHECK(sweep[1].line == 25);
  REQUIRE(sweep[1].value->is_array());
  CHECK(sweep[1].value->as_array()->size() == 2);
  CHECK(sweep[2].key == "budget");
  REQUIRE(sweep[2].value->is_table());
  CHECK(format_node(*sweep[2].value) == "{ from = 1, steps = 3, to = 9 }");
}

TEST_CASE("config: TOML syntax errors name file, line and column", "[config]") {
  const auto e = config_error([] { parse("seed = 1\n[graph]\npeople = [1,\n"); });
  CHECK(e.line() == 3);
  CHECK_THAT(e.what(), Catch::StartsWith("exp.toml:3:"));
  CHECK_THAT(e.what(), Catch::Contains("TOML syntax error: Error while parsing array"));
  const auto dup = config_error([] { parse("seed = 1\nseed = 2\n"); });
  CHECK(dup.line() == 2);
  CHECK_THAT(dup.what(), Catch::Contains("exp.toml:2:"));
}

TEST_CASE("config: unknown keys suggest the closest valid key", "[config]") {
  SECTION("typo in a key") {
    const auto e = config_error([] { parse("seed = 1\n\n[graph]\npeeple = 5\n"); });
    CHECK(std::string(e.what()) ==
          "graph.peeple (line 4): unknown key in exp.toml; did you mean graph.people?");
    CHECK(e.key() == "graph.peeple");
    CHECK(e.line() == 4);
  }
  SECTION("transposition") {
    const auto e = config_error([] { parse("graph.poeple = 5\n"); });
    CHECK_THAT(e.what(), Catch::Contains("did you mean graph.people?"));
  }
  SECTION("typo in a section") {
    const auto e = config_error([] { parse("[grahp]\npeople = 5\n"); });
    CHECK(e.key() == "grahp.people");
    CHECK(e.line() == 2);
    CHECK_THAT(e.what(), Catch::Contains("did you mean graph.people?"));
  }
  SECTION("right name, wrong section") {
    const auto e = config_error([] { parse("seed = 1\npeople = 5\n"); });
    CHECK(e.line() == 2);
    CHECK_THAT(e.what(), Catch::Contains("people (line 2): unknown key"));
    CHECK_THAT(e.what(), Catch::Contains("did you mean graph.people?"));
    const auto f = config_error([] { parse("[network]\nvirality = 0.5\n"); });
    CHECK_THAT(f.what(), Catch::Contains("did you mean campaign.virality?"));
  }
  SECTION("nothing close: the section's keys are listed") {
    const auto e = config_error([] { parse("[graph]\nzzzzzzzzzz = 1\n"); });
    CHECK_THAT(e.what(), Catch::Contains("unknown key in exp.toml; keys in graph: people, kind"));
    const auto f = config_error([] { parse("[graph.sub]\nzzzzzzzzzz = 1\n"); });
    CHECK_THAT(f.what(), Catch::Contains("; keys in graph: people, kind"));
  }
  SECTION("the first error in file order is reported") {
    const auto e = config_error([] { parse("[graph]\nzzz_b = 1\nzzz_a = 2\n"); });
    CHECK(e.key() == "graph.zzz_b");
  }
  SECTION("in an array element") {
    const auto e = config_error([] { parse("[[strategy]]\nname = \"nano\"\nkk = 5\n"); });
    CHECK(std::string(e.what()) ==
          "strategy.nano.kk (line 3): unknown key in exp.toml; did you mean strategy.nano.k?");
  }
}

TEST_CASE("config: wrong types", "[config]") {
  auto e = config_error([] { parse("[graph]\npeople = 2.5\n"); });
  CHECK(std::string(e.what()) ==
        "graph.people (line 2): wrong type in exp.toml: expected integer, given float 2.5");
  e = config_error([] { parse("[graph]\npeople = 1e5\n"); });
  CHECK_THAT(e.what(), Catch::Contains("given float 100000.0 (an integer is written without '.' or "
                                       "exponent: 100000)"));
  e = config_error([] { parse("\n[graph]\nkind = 3\n"); });
  CHECK(e.line() == 3);
  CHECK_THAT(e.what(), Catch::Contains("expected string, given integer 3"));
  e = config_error([] { parse("[graph]\ndirected = \"yes\"\n"); });
  CHECK_THAT(e.what(), Catch::Contains("expected bool, given string \"yes\""));
  e = config_error([] { parse("[graph]\nweights = [0.5, \"a\"]\n"); });
  CHECK_THAT(e.what(), Catch::Contains("expected list of floats, given an array whose item 2 of 2 "
                                       "is string \"a\""));
  e = config_error([] { parse("[graph]\ncircles = [5, 1.5]\n"); });
  CHECK_THAT(e.what(), Catch::Contains("expected list of integers"));
  e = config_error([] { parse("[graph]\nlayers = \"work\"\n"); });
  CHECK_THAT(e.what(), Catch::Contains("expected list of strings, given string \"work\""));
  e = config_error([] { parse("graph = 5\n"); });
  CHECK(e.key() == "graph");
  CHECK_THAT(e.what(), Catch::Contains("graph is a section, expected a table, given integer 5"));
  e = config_error([] { parse("[strategy]\nname = \"x\"\n"); });
  CHECK(e.line() == 1);
  CHECK_THAT(e.what(), Catch::Contains("expected an array of tables (write [[strategy]]"));
  e = config_error([] { parse("sweep = 5\n"); });
  CHECK_THAT(e.what(), Catch::Contains("[sweep] is a table, given integer 5"));
  e = config_error([] { parse("[[strategy]]\nname = \"a\"\nk = 1.0\n"); });
  CHECK(e.key() == "strategy.a.k");
  CHECK(e.line() == 3);
}

TEST_CASE("config: ranges and choices", "[config]") {
  auto e = config_error([] { parse("[graph]\npeople = 0\n"); });
  CHECK(std::string(e.what()) ==
        "graph.people (line 2): out of range in exp.toml: 0 is not in [1, inf)");
  e = config_error([] { parse("[graph]\ndensity = 0.0\n"); });
  CHECK_THAT(e.what(), Catch::Contains("0.0 is not in (0, 1]"));
  e = config_error([] { parse("[graph]\ndensity = nan\n"); });
  CHECK_THAT(e.what(), Catch::Contains("not a finite number in exp.toml: nan is not a number in (0, 1]"));
  e = config_error([] { parse("[campaign]\nrounds = 101\n"); });
  CHECK_THAT(e.what(), Catch::Contains("101 is not in [1, 100]"));
  e = config_error([] { parse("[graph]\ncircles = [5, 0, 7]\n"); });
  CHECK_THAT(e.what(),
             Catch::Contains("out of range in exp.toml: item 2 of 3 = 0 is not in [1, inf)"));
  e = config_error([] { parse("[graph]\nkind = \"dunbr\"\n"); });
  CHECK(
      std::string(e.what()) ==
      "graph.kind (line 2): not an allowed choice in exp.toml: \"dunbr\" is not one of \"dunbar\", "
      "\"er\", \"ba\"; did you mean \"dunbar\"?");
  e = config_error([] { parse("[graph]\nlayers = [\"work\", \"gym\"]\n"); });
  CHECK_THAT(
      e.what(),
      Catch::Contains("item 2 of 2 = \"gym\" is not one of \"family\", \"friends\", \"work\""));
  // Integer ranges are exact even where doubles are not.
  auto big = std::make_shared<Schema>();
  big->integer("n", 0, "n").at_most(9007199254740992.0);  // 2^53
  CHECK_NOTHROW(Config::parse(big, "n = 9007199254740992", "t"));
  CHECK_THROWS_AS(Config::parse(big, "n = 9007199254740993", "t"), ConfigError);
}

TEST_CASE("config: array elements: required keys and unique names", "[config]") {
  auto e = config_error([] { parse("[[strategy]]\nname = \"a\"\n\n[[strategy]]\nk = 5\n"); });
  CHECK(e.key() == "strategy[1].name");
  CHECK(e.line() == 4);
  CHECK_THAT(e.what(), Catch::Contains("required key missing in [[strategy]] item 2 of exp.toml"));
  e = config_error([] { parse("[[strategy]]\nname = \"a\"\n\n[[strategy]]\nname = \"a\"\n"); });
  CHECK(e.line() == 5);
  CHECK_THAT(e.what(), Catch::Contains("duplicate name in exp.toml: \"a\" is already the name of "
                                       "[[strategy]] item 1 (line 2)"));
  e = config_error([] { parse("[[strategy]]\nname = \"a\"\nkind = \"best\"\n"); });
  CHECK(e.key() == "strategy.a.kind");
  CHECK_THAT(e.what(), Catch::Contains("is not one of \"degree\", \"random\", \"imm\""));
  // Inline arrays of tables are the same thing.
  const auto c = parse("strategy = [{name = \"a\", k = 3}, {name = \"b\"}]\n");
  REQUIRE(c.elements("strategy").size() == 2);
  CHECK(c.elements("strategy")[0].get_int("k") == 3);
}

TEST_CASE("config: a key given twice", "[config]") {
  const auto e = config_error([] { parse("\"graph.people\" = 5\n[graph]\npeople = 6\n"); });
  CHECK(e.key() == "graph.people");
  CHECK(e.line() == 3);
  CHECK_THAT(e.what(), Catch::Contains("given twice in exp.toml (first at line 1)"));
}

TEST_CASE("config: overrides", "[config]") {
  auto c = parse(kFile);
  c.apply_override("graph.people=20000");
  CHECK(c.get_int("graph.people") == 20000);
  CHECK(c.line("graph.people") == 0);
  CHECK(c.origin("graph.people") == "--set graph.people=20000");
  c.apply_override("campaign.budget = 1e5");
  CHECK(c.get_double("campaign.budget") == 1e5);
  c.apply_override("campaign.virality=1");  // integer widened
  CHECK(c.get_double("campaign.virality") == 1.0);
  c.apply_override("graph.directed=true");
  CHECK(c.get_bool("graph.directed"));
  c.apply_override("graph.kind=ba");  // bare word: a string
  CHECK(c.get_string("graph.kind") == "ba");
  c.apply_override("label=2024");  // a string key takes a bare token as text
  CHECK(c.get_string("label") == "2024");
  c.apply_override("label=\"quoted text\"");
  CHECK(c.get_string("label") == "quoted text");
  c.apply_override("label=two words");
  CHECK(c.get_string("label") == "two words");
  c.apply_override("graph.weights=[0.1, 0.2]");
  CHECK(c.get_doubles("graph.weights") == std::vector<double>{0.1, 0.2});
  c.apply_override("graph={people = 7, density = 0.5}");
  CHECK(c.get_int("graph.people") == 7);
  CHECK(c.get_double("graph.density") == 0.5);

  // Array elements by name or by index.
  c.apply_override("strategy.nano.k=500");
  CHECK(c.element("strategy", "nano").get_int("k") == 500);
  c.apply_override("strategy[1].k=7");
  CHECK(c.element("strategy", "hub").get_int("k") == 7);
  c.apply_override("strategy.nano.params.alpha=0.75");
  CHECK(c.element("strategy", "nano").get_double("params.alpha") == 0.75);
  c.apply_override("strategy.hub={kind = \"random\", k = 9}");
  CHECK(c.element("strategy", "hub").get_string("kind") == "random");
  CHECK(c.element("strategy", "hub").get_int("k") == 9);
  c.apply_override("strategy[0].name=micro");  // renaming keeps the element addressable
  CHECK(c.elements("strategy")[0].name() == "micro");
  c.apply_override("strategy.micro.k=3");
  CHECK(c.elements("strategy")[0].get_int("k") == 3);

  // Free-table entries.
  c.apply_override("sweep.graph.people=[10, 20, 30]");
  REQUIRE(c.raw("sweep").size() == 3);
  CHECK(c.raw("sweep")[1].key == "graph.people");
  CHECK(format_node(*c.raw("sweep")[1].value) == "[10, 20, 30]");
  CHECK(c.raw("sweep")[1].origin == "--set sweep.graph.people=[10, 20, 30]");
  c.apply_override("sweep.seed=[1, 2]");
  REQUIRE(c.raw("sweep").size() == 4);
  CHECK(c.raw("sweep")[3].key == "seed");

  // Replacing the whole array.
  c.apply_override("strategy=[{name = \"solo\", k = 2}]");
  REQUIRE(c.elements("strategy").size() == 1);
  CHECK(c.element("strategy", "solo").get_int("k") == 2);

  // Overrides passed to parse are applied before the required-key check.
  const auto d = parse("label = \"x\"\n", {"seed=3", "graph.kind=er"});
  CHECK(d.get_int("seed") == 3);
  CHECK(d.get_string("graph.kind") == "er");
}

TEST_CASE("config: override errors say they came from --set", "[config]") {
  auto c = parse(kFile);
  auto e = config_error([&] { c.apply_override("graph.peeple=5"); });
  CHECK(std::string(e.what()) ==
        "graph.peeple: unknown key in --set graph.peeple=5; did you mean graph.people?");
  CHECK(e.line() == 0);
  e = config_error([&] { c.apply_override("graph.people=1.5"); });
  CHECK(std::string(e.what()) ==
        "graph.people: wrong type in --set graph.people=1.5: expected integer, given float 1.5");
  e = config_error([&] { c.apply_override("graph.people=0"); });
  CHECK_THAT(e.what(),
             Catch::Contains("out of range in --set graph.people=0: 0 is not in [1, inf)"));
  e = config_error([&] { c.apply_override("graph.directed=yes"); });
  CHECK_THAT(e.what(), Catch::Contains("expected bool, given string \"yes\""));
  e = config_error([&] { c.apply_override("graph.weights=[0.1,"); });
  CHECK(e.key() == "graph.weights");
  CHECK_THAT(e.what(), Catch::Contains("not a valid TOML value in --set graph.weights=[0.1,"));
  e = config_error([&] { c.apply_override("graph.people"); });
  CHECK_THAT(e.what(), Catch::Contains("--set expects key=value"));
  e = config_error([&] { c.apply_override("strategy.nan.k=5"); });
  CHECK(e.key() == "strategy.nan.k");
  CHECK_THAT(e.what(),
             Catch::Contains("no [[strategy]] element named \"nan\" in --set strategy.nan.k=5; "
                             "did you mean strategy.nano?"));
  e = config_error([&] { c.apply_override("strategy.k=5"); });
  CHECK_THAT(e.what(),
             Catch::Contains(
                 "k is a key of each element: write strategy.<name>.k or strategy[<index>].k"));
  e = config_error([&] { c.apply_override("strateg.nano.k=5"); });
  CHECK_THAT(e.what(), Catch::Contains(
                           "unknown key in --set strateg.nano.k=5; did you mean strategy.nano.k?"));
  e = config_error([&] { c.apply_override("swep.graph.people=[1]"); });
  CHECK_THAT(e.what(), Catch::Contains("did you mean sweep.graph.people?"));
  e = config_error([&] { c.apply_override("strategy[5].k=5"); });
  CHECK_THAT(e.what(), Catch::Contains("[[strategy]] has 2 element(s), indexed from 0"));
  e = config_error([&] { c.apply_override("strategy[x].k=5"); });
  CHECK_THAT(e.what(), Catch::Contains("bad element address"));
  e = config_error([&] { c.apply_override("strategy.nano.kk=5"); });
  CHECK(std::string(e.what()) ==
        "strategy.nano.kk: unknown key in --set strategy.nano.kk=5; did you mean strategy.nano.k?");
  e = config_error([&] { c.apply_override("strategy.nano.k=0"); });
  CHECK_THAT(e.what(), Catch::Contains("0 is not in [1, inf)"));
  e = config_error([&] { c.apply_override("strategy.hub.name=nano"); });
  CHECK_THAT(e.what(), Catch::Contains("duplicate name in --set strategy.hub.name=nano"));
  e = config_error([&] { c.apply_override("strategy=[{k = 5}]"); });
  CHECK(e.key() == "strategy[0].name");
  CHECK_THAT(e.what(), Catch::Contains("required key missing"));
  // A failed override leaves the configuration as it was.
  CHECK(c.get_int("graph.people") == 5000);
  CHECK(c.elements("strategy").size() == 2);
  CHECK(c.elements("strategy")[1].name() == "hub");
  e = config_error([&] { c.apply_override("graph={people = 9, kind = \"nope\"}"); });
  CHECK(e.key() == "graph.kind");
  CHECK(c.get_int("graph.people") == 5000);
}

TEST_CASE("config: assign() checks values for the sweep layer", "[config]") {
  const auto base = parse(kFile);
  const auto& entry = base.raw("sweep")[1];  // graph.people = [1000, 2000]
  auto point = base;
  const auto& values = *entry.value->as_array();
  point.assign(entry.key, values[1], "[sweep] of exp.toml", entry.line);
  CHECK(point.get_int("graph.people") == 2000);
  CHECK(point.line("graph.people") == 25);
  CHECK(base.get_int("graph.people") == 5000);
  const toml::value<double> bad(0.5);
  const auto e =
      config_error([&] { point.assign("graph.people", bad, "[sweep] of exp.toml", 25); });
  CHECK(std::string(e.what()) ==
        "graph.people (line 25): wrong type in [sweep] of exp.toml: expected integer, given float "
        "0.5");
  CHECK(schema()->suggest("campaign.viralty") == std::optional<std::string>("campaign.virality"));
  CHECK_FALSE(schema()->suggest("completely_different").has_value());
}

TEST_CASE("config: to_toml round trip", "[config]") {
  auto c =
      parse(kFile, {"label=a \"quoted\"\ttab \\ unicode \xC3\xA9",
                    "campaign.budget=0.30000000000000004", "strategy.hub.params.alpha=1e-300",
                    "sweep.when=[1979-05-27, 07:32:00]", "sweep.nested={a = {b = [1.5, \"x\"]}}"});
  for (const bool with_defaults : {false, true}) {
    const std::string text = c.to_toml(with_defaults);
    INFO(text);
    const auto back = Config::parse(schema(), text, "written.toml");
    CHECK(back == c);
    CHECK(back.get_string("label") == c.get_string("label"));
    CHECK(back.get_double("campaign.budget") == 0.30000000000000004);
    CHECK(back.element("strategy", "hub").get_double("params.alpha") == 1e-300);
    CHECK(back.raw("sweep").size() == c.raw("sweep").size());
    CHECK(back.is_set("campaign.rounds") == with_defaults);
  }
  const std::string given = c.to_toml(false);
  CHECK_THAT(given, Catch::StartsWith("seed = 7\nlabel = "));
  CHECK_THAT(given, Catch::Contains("[graph]\npeople = 5000\nkind = \"er\"\ndensity = 1.0\n"));
  CHECK_THAT(given,
             Catch::Contains("[[strategy]]\nname = \"nano\"\nk = 50\nparams.alpha = 0.25\n"));
  CHECK_THAT(given,
             Catch::Contains(
                 "[sweep]\n\"campaign.virality\" = [0.1, 0.2]\n\"graph.people\" = [1000, 2000]\n"));
  CHECK(given.find("rounds") == std::string::npos);
  // Schema order, not toml++'s sorted order: graph before campaign, people before kind.
  CHECK(given.find("[graph]") < given.find("[campaign]"));
  CHECK(given.find("[campaign]") < given.find("[[strategy]]"));
  // A different value is a different configuration.
  auto other = c;
  other.apply_override("strategy.nano.k=51");
  CHECK_FALSE(other == c);
  // Defaults written out read back as the defaults.
  const auto defaults = Config::defaults(schema());
  CHECK(Config::parse(schema(), defaults.to_toml(true), "d") == defaults);
  CHECK(defaults.to_toml(false).empty());
}

TEST_CASE("config: print_defaults is a complete annotated file", "[config]") {
  const std::string text = schema()->print_defaults("nanoreach test schema");
  INFO(text);
  const auto back = Config::parse(schema(), text, "defaults.toml");
  CHECK(back == Config::defaults(schema()));
  CHECK(back.is_set("graph.people"));  // every key is written out
  CHECK_THAT(text, Catch::StartsWith("# nanoreach test schema\n"));
  CHECK_THAT(text, Catch::Contains(
                       "# The social graph\n[graph]\n# Number of people (integer in [1, inf))\n"
                       "people = 1000\n"));
  CHECK_THAT(text,
             Catch::Contains(
                 "# Generator (string, one of \"dunbar\", \"er\", \"ba\")\nkind = \"dunbar\"\n"));
  CHECK_THAT(text, Catch::Contains("# Edge density (float in (0, 1])\ndensity = 0.1\n"));
  CHECK_THAT(
      text,
      Catch::Contains(
          "# [[strategy]]\n# name = \"example\"    # Name used in results (string; required)\n"));
  CHECK_THAT(text, Catch::Contains("[sweep]\n# \"graph.people\" = [1000, 2000]\n"));
  // The example element, uncommented, is itself a valid element.
  std::string example;
  bool in_example = false;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line == "# [[strategy]]")
      in_example = true;
    else if (in_example && line.rfind("# ", 0) != 0)
      break;
    if (in_example) example += line.substr(2) + "\n";
  }
  const auto with_example = Config::parse(schema(), example, "example.toml");
  CHECK(with_example.elements("strategy").size() == 1);
}

TEST_CASE("config: markdown table lists every key", "[config]") {
  const std::string md = schema()->markdown_table();
  CHECK_THAT(md, Catch::StartsWith("| Key | Type | Default | Meaning |\n|---|---|---|---|\n"));
  for (const auto& k : schema()->keys()) CHECK_THAT(md, Catch::Contains("| `" + k.name + "` |"));
  for (const auto& a : schema()->arrays()) {
    CHECK_THAT(md, Catch::Contains("| `[[" + a.name + "]]` | array of tables |"));
    for (const auto& k : a.keys.keys())
      CHECK_THAT(md, Catch::Contains("| `" + a.name + "." + k.name + "` |"));
  }
  CHECK_THAT(md, Catch::Contains("| `[sweep]` | table |"));
  CHECK_THAT(md, Catch::Contains(
                     "| `graph.people` | integer | `1000` | Number of people; range [1, inf) |"));
  CHECK_THAT(md, Catch::Contains("| `graph.weights` | list of floats | `[0.5, 0.3, 0.2]` |"));
  CHECK_THAT(md,
             Catch::Contains(
                 "| `strategy.name` | string | `\"example\"` | Name used in results; required |"));
  CHECK(std::count(md.begin(), md.end(), '\n') ==
        2 + static_cast<long>(schema()->size()) + 1 + 4 + 1);
}

TEST_CASE("config: parse_file", "[config]") {
  const auto path = std::filesystem::temp_directory_path() / "nanoreach_test_config.toml";
  {
    std::ofstream out(path);
    out << "seed = 1\n[graph]\npeeple = 5\n";
  }
  const auto e = config_error([&] { Config::parse_file(schema(), path); });
  CHECK(std::string(e.what()) ==
        "graph.peeple (line 3): unknown key in " + path.string() + "; did you mean graph.people?");
  {
    std::ofstream out(path);
    out << "seed = 1\n[graph]\npeople = 5\n";
  }
  const auto c = Config::parse_file(schema(), path, {"graph.people=6"});
  CHECK(c.get_int("graph.people") == 6);
  CHECK(c.source_name() == path.string());
  std::filesystem::remove(path);
  CHECK_THROWS_AS(Config::parse_file(schema(), path), InputError);
}

TEST_CASE("config: schema mistakes are bugs", "[config]") {
  Schema s;
  s.integer("a.b", 1, "x");
  CHECK_THROWS_AS(s.integer("a.b", 1, "again"), std::logic_error);
  CHECK_THROWS_AS(s.integer("a", 1, "a is a section"), std::logic_error);
  CHECK_THROWS_AS(s.integer("a.b.c", 1, "a.b is a key"), std::logic_error);
  CHECK_THROWS_AS(s.integer("bad name", 1, "x"), std::logic_error);
  CHECK_THROWS_AS(s.integer("n", 0, "x").at_least(1), std::logic_error);
  CHECK_THROWS_AS(s.string("k", "z", "x").one_of({"a", "b"}), std::logic_error);
  CHECK_THROWS_AS(s.table_array("a", "a is a section"), std::logic_error);
  CHECK_THROWS_AS(s.boolean("f", true, "x").at_least(0), std::logic_error);
  s.table_array("arr", "x");
  CHECK_THROWS_AS(s.integer("arr.k", 1, "under an array"), std::logic_error);
  CHECK_THROWS_AS(s.free_table("arr", "x"), std::logic_error);
}

TEST_CASE("config: value formatting round-trips through toml++", "[config]") {
  const std::vector<double> xs = {
      0.1,      1.0 / 3.0, 1e300, -2.5e-310,
      100000.0, 1e21,      -0.0,  std::numeric_limits<double>::infinity()};
  for (const double x : xs) {
    const std::string text = "v = " + format_value(Value(x));
    INFO(text);
    const auto t = toml::parse(std::string_view(text));
    REQUIRE(t["v"].is_floating_point());
    CHECK(t["v"].value<double>() == x);
  }
  CHECK(format_value(Value(std::int64_t{-3})) == "-3");
  CHECK(format_value(Value(std::string("a\"b\n"))) == "\"a\\\"b\\n\"");
  CHECK(same_value(Value(std::nan("")), Value(std::nan(""))));
  CHECK_FALSE(same_value(Value(1.0), Value(std::int64_t{1})));
}

TEST_CASE("config: non-finite numbers are refused, even where the range is open", "[config]") {
  // campaign.budget has no range: inf and nan used to pass.
  auto e = config_error([] { parse("[campaign]\nbudget = inf\n"); });
  CHECK(e.key() == "campaign.budget");
  CHECK(e.line() == 2);
  CHECK_THAT(e.what(), Catch::Contains("not a finite number in exp.toml: inf is not a number in"));
  e = config_error([] { parse("[campaign]\nbudget = -inf\n"); });
  CHECK_THAT(e.what(), Catch::Contains("-inf is not a number"));
  e = config_error([] { parse("[graph]\nweights = [0.5, nan]\n"); });
  CHECK_THAT(e.what(), Catch::Contains("item 2 of 2 = nan is not a number in [0, 1]"));
  Config c = Config::defaults(schema());
  e = config_error([&] { c.apply_override("campaign.budget=inf"); });
  CHECK_THAT(e.what(), Catch::Contains("not a finite number in --set campaign.budget=inf"));
  CHECK(c.get_double("campaign.budget") == 1e6);
}

TEST_CASE("config: nesting is bounded before toml++ parses (no stack overflow)", "[config]") {
  // Tens of thousands of dotted parts used to overflow the stack in the key walkers.
  std::string deep = "[a";
  for (int i = 0; i < 50000; ++i) deep += ".a";
  deep += "]\nx = 1\n";
  auto e = config_error([&] { parse("seed = 1\n" + deep); });
  CHECK(e.line() == 2);
  CHECK_THAT(e.what(), Catch::Contains("exp.toml:2: a table header nests tables"));
  CHECK_THAT(e.what(), Catch::Contains("at most 64 are allowed"));
  std::string key = "b";
  for (int i = 0; i < 30000; ++i) key += ".\"q\"";
  e = config_error([&] { parse(key + " = 1\n"); });
  CHECK_THAT(e.what(), Catch::Contains("a key nests tables"));
  // Depth adds up across inline tables: 40 + 40 parts.
  std::string forty = "k";
  for (int i = 1; i < 40; ++i) forty += ".k";
  e = config_error([&] { parse("x = {" + forty + " = {" + forty + " = 1}}\n"); });
  CHECK_THAT(e.what(), Catch::Contains("a key nests tables"));
  Config c = Config::defaults(schema());
  e = config_error([&] { c.apply_override("sweep.x={" + forty + " = {" + forty + " = 1}}"); });
  CHECK_THAT(e.what(), Catch::Contains("--set sweep.x="));
  // What real files hold passes: many floats, strings with many dots, multi-line strings.
  std::string text = "label = \"" + std::string(1, 'a');
  for (int i = 0; i < 100; ++i) text += ".a";
  text += "\"\n[graph]\nweights = [";
  for (int i = 0; i < 200; ++i) text += std::string(i ? ", " : "") + "0.5";
  text += "]\n[sweep]\n\"x\" = '''\n[" + forty + "." + forty + "]\n'''\n";
  text += "y = \"\"\"\n[" + forty + "." + forty + "]\n\"\"\"\n";
  const Config ok = parse(text);
  CHECK(ok.get_doubles("graph.weights").size() == 200);
  CHECK(ok.raw("sweep").size() == 2);
}

TEST_CASE("config: bytes that are not text are escaped in messages", "[config]") {
  Config c = Config::defaults(schema());
  const std::string junk = "graph.kind=\x01\xff\xfe";
  auto e = config_error([&] { c.apply_override(junk); });
  const std::string what = e.what();
  CHECK_THAT(what, Catch::Contains("\\x01\\xFF\\xFE"));
  CHECK(what.find('\xff') == std::string::npos);
  CHECK(what.find('\x01') == std::string::npos);
  e = config_error([&] { parse("[graph]\nkind = \"a\\u0000b\"\n"); });
  CHECK_THAT(e.what(), Catch::Contains("\\u0000b"));  // the NUL does not cut the message short
  CHECK_THAT(e.what(), Catch::Contains("is not one of"));
  CHECK(printable(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(printable("caf\xc3\xa9") == "caf\xc3\xa9");       // valid UTF-8 stays
  CHECK(printable("\xed\xa0\x80") == "\\xED\\xA0\\x80");  // a UTF-16 surrogate is not UTF-8
}
