// Edge-list import: the real SNAP ego-Facebook file (counts measured with networkx, see
// tests/data/README.md), the text format's corners, malformed lines and their messages, renumbering
// with the map back, the directed flag, and the same arrays on 1 and 4 threads.
#include <catch2/catch.hpp>

#include <omp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/graph/connected_components.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "nanoreach/graph/bgl.hpp"
#include "nanoreach/graph/edge_list.hpp"

using namespace nanoreach;

namespace {

const std::string kFacebook = std::string(NANOREACH_TEST_DATA) + "/snap-ego-facebook.txt";

// A file in the system's temporary directory, removed when the test ends.
struct TempFile {
  std::filesystem::path path;
  TempFile(const std::string& name, const std::string& text)
      : path(std::filesystem::temp_directory_path() /
             ("nanoreach-" + std::to_string(::getpid()) + "-" + name)) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
  std::string str() const { return path.string(); }
};

struct ThreadCount {
  int saved = omp_get_max_threads();
  explicit ThreadCount(int n) { omp_set_num_threads(n); }
  ~ThreadCount() { omp_set_num_threads(saved); }
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("edge_list: the SNAP ego-Facebook network", "[edge_list]") {
  const EdgeList fb = read_edge_list(kFacebook);
  const Csr& g = fb.graph;
  REQUIRE_NOTHROW(g.check_canonical());
  REQUIRE(g.is_symmetric());
  REQUIRE(g.num_nodes() == 4039);
  REQUIRE(g.num_edges() == 176468);  // 88,234 ties, each stored both ways
  REQUIRE(fb.lines == 88235);        // one comment line
  REQUIRE(fb.edge_lines == 88234);
  REQUIRE(fb.self_loops == 0);
  REQUIRE(fb.duplicates == 0);
  REQUIRE(g.max_degree() == 1045);
  REQUIRE(g.degree(fb.node_of(107)) == 1045);
  int above_dunbar = 0;
  for (node_t u = 0; u < g.num_nodes(); ++u) above_dunbar += g.degree(u) > 150;
  REQUIRE(above_dunbar == 213);
  // Ids are exactly 0..4038, so sorted-order renumbering keeps them.
  REQUIRE(fb.external_ids.size() == 4039);
  for (node_t u = 0; u < 4039; ++u) REQUIRE(fb.external_ids[u] == u);
  std::vector<int> comp(g.num_nodes());
  REQUIRE(boost::connected_components(g, comp.data()) == 1);
}

TEST_CASE("edge_list: 1 and 4 threads give the same layer, sparse ids the same structure", "[edge_list][threads]") {
  EdgeList one, four;
  {
    ThreadCount t(1);
    one = read_edge_list(kFacebook);
  }
  {
    ThreadCount t(4);
    four = read_edge_list(kFacebook);
  }
  REQUIRE(one.graph == four.graph);
  REQUIRE(one.external_ids == four.external_ids);
  // The same file with every id x written as x * 10^12 + 7 (too sparse for the direct table): the
  // order of ids is unchanged, so the layer is identical and the map holds the new ids.
  std::string sparse;
  {
    std::istringstream in(read_all(kFacebook));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::uint64_t u, v;
      fields >> u >> v;
      sparse += std::to_string(u * 1000000000000ULL + 7) + " " + std::to_string(v * 1000000000000ULL + 7) + "\n";
    }
  }
  const EdgeList s = parse_edge_list(sparse, "sparse");
  REQUIRE(s.graph == one.graph);
  for (node_t u = 0; u < 4039; ++u) REQUIRE(s.external_ids[u] == u * 1000000000000ULL + 7);
}

TEST_CASE("edge_list: comments, blank lines, extra columns, CRLF, tabs", "[edge_list]") {
  const std::string text =
      "\xEF\xBB\xBF# a SNAP header\n"
      "% a KONECT header\n"
      "\n"
      "   \t\n"
      "1 2\n"
      "2\t3 0.75\r\n"
      "  3   1  1 1700000000  \n"
      "   # an indented comment\n"
      "4 1";  // no final newline
  const EdgeList e = parse_edge_list(text, "corners.txt");
  REQUIRE(e.lines == 9);
  REQUIRE(e.edge_lines == 4);
  REQUIRE(e.external_ids == std::vector<std::uint64_t>{1, 2, 3, 4});
  const Csr& g = e.graph;
  REQUIRE(g.num_edges() == 8);
  REQUIRE(g.has_edge(e.node_of(1), e.node_of(2)));
  REQUIRE(g.has_edge(e.node_of(3), e.node_of(2)));
  REQUIRE(g.has_edge(e.node_of(1), e.node_of(3)));
  REQUIRE(g.has_edge(e.node_of(1), e.node_of(4)));
  REQUIRE(parse_edge_list("", "empty").graph.num_nodes() == 0);
  REQUIRE(parse_edge_list("# only a comment\n", "c").lines == 1);
}

TEST_CASE("edge_list: renumbering in sorted id order with the map back", "[edge_list]") {
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> edges{
      {900000000000, 5}, {77, 5}, {18446744073709551615ULL, 77}, {5, 0}, {42, 42}};
  std::string text;
  for (auto [u, v] : edges) text += std::to_string(u) + " " + std::to_string(v) + "\n";
  const EdgeList e = parse_edge_list(text, "ids.txt");
  REQUIRE(e.external_ids == std::vector<std::uint64_t>{0, 5, 42, 77, 900000000000, 18446744073709551615ULL});
  for (node_t u = 0; u < e.external_ids.size(); ++u) REQUIRE(e.node_of(e.external_ids[u]) == u);
  REQUIRE(e.node_of(6) == kNoNode);
  REQUIRE(e.self_loops == 1);
  REQUIRE(e.graph.degree(e.node_of(42)) == 0);  // named only in a self-loop: a node without ties
  REQUIRE(e.graph.num_edges() == 8);
  for (auto [u, v] : edges)
    if (u != v) {
      REQUIRE(e.graph.has_edge(e.node_of(u), e.node_of(v)));
      REQUIRE(e.graph.has_edge(e.node_of(v), e.node_of(u)));
    }
}

TEST_CASE("edge_list: directed flag, self-loops and duplicates", "[edge_list]") {
  const TempFile f("directed.txt", "1 2\n2 1\n1 2\n3 3\n2 3\n");
  const EdgeList u = read_edge_list(f.str());
  REQUIRE(u.graph.num_nodes() == 3);
  REQUIRE(u.graph.num_edges() == 4);  // {1,2} and {2,3}, both ways
  REQUIRE(u.self_loops == 1);
  REQUIRE(u.duplicates == 2);  // "2 1" and the second "1 2" repeat the tie {1,2}
  REQUIRE(u.graph.is_symmetric());

  const EdgeList d = read_edge_list(f.str(), {.directed = true});
  const Csr& g = d.graph;
  REQUIRE(g.num_edges() == 3);  // 1->2, 2->1, 2->3
  REQUIRE(d.self_loops == 1);
  REQUIRE(d.duplicates == 1);
  REQUIRE(g.has_edge(d.node_of(1), d.node_of(2)));
  REQUIRE(g.has_edge(d.node_of(2), d.node_of(1)));
  REQUIRE(g.has_edge(d.node_of(2), d.node_of(3)));
  REQUIRE_FALSE(g.has_edge(d.node_of(3), d.node_of(2)));
  REQUIRE_FALSE(g.is_symmetric());
}

TEST_CASE("edge_list: malformed lines name the file, the line and the content", "[edge_list]") {
  const std::string ok = "# header\n0 1\n1 2\n";
  auto message_for = [&](const std::string& name, const std::string& bad) {
    const TempFile f(name, ok + bad + "\n5 6\n");
    try {
      read_edge_list(f.str());
    } catch (const InputError& e) {
      const std::string what = e.what();
      CHECK_THAT(what, Catch::Contains(f.str()));
      CHECK_THAT(what, Catch::Contains(" line 4: "));
      return what;
    }
    FAIL("no InputError for line \"" << bad << "\"");
    return std::string();
  };
  CHECK_THAT(message_for("negative.txt", "3 -4"),
             Catch::EndsWith("line 4: \"3 -4\": node id \"-4\" is not a non-negative integer"));
  CHECK_THAT(message_for("one.txt", "17"), Catch::Contains("\"17\": expected two node ids"));
  CHECK_THAT(message_for("text.txt", "alice bob"), Catch::Contains("node id \"alice\" is not a non-negative integer"));
  CHECK_THAT(message_for("huge.txt", "1 18446744073709551616"),
             Catch::Contains("node id \"18446744073709551616\" is larger than 18446744073709551615"));
  CHECK_THAT(message_for("decimal.txt", "1.5 2"), Catch::Contains("node id \"1.5\""));
  CHECK_THAT(message_for("plus.txt", "+3 4"), Catch::Contains("node id \"+3\""));
  CHECK_THAT(message_for("crlf.txt", "8 x9\r"), Catch::Contains("\"8 x9\": node id \"x9\""));
  // The first bad line is the one named.
  REQUIRE_THROWS_WITH(parse_edge_list("1 2\nx 1\ny 2\n", "two-bad.txt"), Catch::StartsWith("two-bad.txt line 2: \"x 1\""));
  REQUIRE_NOTHROW(parse_edge_list("18446744073709551615 0\n", "max.txt"));
}

TEST_CASE("edge_list: a missing file or a directory is an InputError naming it", "[edge_list]") {
  const std::string missing = (std::filesystem::temp_directory_path() / "nanoreach-no-such-file.txt").string();
  REQUIRE_THROWS_AS(read_edge_list(missing), InputError);
  REQUIRE_THROWS_WITH(read_edge_list(missing), Catch::Contains(missing) && Catch::Contains("cannot open"));
  const std::string dir = std::filesystem::temp_directory_path().string();
  REQUIRE_THROWS_WITH(read_edge_list(dir), Catch::Contains(dir));
}

TEST_CASE("edge_list: LF, CRLF and lone CR line ends read the same edges", "[edge_list]") {
  const EdgeList lf = parse_edge_list("# c\n1 2\n2 3\n3 1\n", "lf.txt");
  const EdgeList crlf = parse_edge_list("# c\r\n1 2\r\n2 3\r\n3 1\r\n", "crlf.txt");
  const EdgeList cr = parse_edge_list("# c\r1 2\r2 3\r3 1\r", "cr.txt");  // classic Mac OS: one line before
  const EdgeList mixed = parse_edge_list("# c\r1 2\n2 3\r\n3 1", "mixed.txt");
  for (const EdgeList* e : {&crlf, &cr, &mixed}) {
    REQUIRE(e->lines == 4);
    REQUIRE(e->edge_lines == 3);
    REQUIRE(e->graph.offsets() == lf.graph.offsets());
    REQUIRE(e->graph.targets() == lf.graph.targets());
  }
  // Line numbers count lone CRs too.
  REQUIRE_THROWS_WITH(parse_edge_list("1 2\r3 x\r", "cr-bad.txt"), Catch::StartsWith("cr-bad.txt line 2: \"3 x\""));
  // An empty line between CR and LF ends is a blank line, not an error.
  REQUIRE(parse_edge_list("1 2\r\r\n2 3\n", "blank.txt").edge_lines == 2);
}

TEST_CASE("edge_list: binary junk and NUL bytes are escaped in messages", "[edge_list]") {
  const std::string junk = std::string("1 2\n3 \x01\xff", 8) + std::string(1, '\0') + "z\n";
  try {
    parse_edge_list(junk, "junk.bin");
    FAIL("no InputError for a line of binary junk");
  } catch (const InputError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("junk.bin line 2: \"3 \\x01\\xFF\\x00z\": node id \"\\x01\\xFF\\x00z\""));
    CHECK_THAT(what, Catch::EndsWith("is not a non-negative integer"));  // not cut short at the NUL
    CHECK(what.find('\xff') == std::string::npos);
  }
}

TEST_CASE("edge_list: files without ties, FIFOs and devices are refused", "[edge_list]") {
  const TempFile empty("empty.txt", "");
  REQUIRE_THROWS_WITH(read_edge_list(empty.str()),
                      Catch::Contains(empty.str()) && Catch::Contains("holds no edges (0 lines"));
  const TempFile comments("comments.txt", "# a\n\n% b\n");
  REQUIRE_THROWS_WITH(read_edge_list(comments.str()), Catch::Contains("holds no edges (3 lines, all blank or comments)"));
  const TempFile loops("loops.txt", "1 1\n2 2\n");
  REQUIRE_THROWS_WITH(read_edge_list(loops.str()),
                      Catch::Contains("holds no tie between two different people (2 self-loops, dropped)"));
  REQUIRE_THROWS_WITH(read_edge_list("/dev/zero"), Catch::Contains("/dev/zero: is a character device; expected a regular file"));
  const std::string fifo = (std::filesystem::temp_directory_path() / ("nanoreach-fifo-" + std::to_string(getpid()))).string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // Opening a FIFO with no writer blocks for ever; the check must not open it.
  REQUIRE_THROWS_WITH(read_edge_list(fifo), Catch::Contains("is a FIFO (named pipe); expected a regular file"));
  std::filesystem::remove(fifo);
}
