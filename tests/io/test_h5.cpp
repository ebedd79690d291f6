// Tests of the HDF5 layer (nanoreach/io/h5.hpp): every type and shape is written, the file closed,
// re-opened and read back; appends across re-opens; errors name the file and the object path;
// h5py and pandas read what we write (tests/io/test_h5_python.py, run with /usr/bin/python3).
// The benchmark "[.][benchmark]" is hidden: run it by hand with `test_io "[benchmark]"`.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "nanoreach/io/h5.hpp"

using namespace nanoreach;
using namespace nanoreach::io::h5;

namespace {

// A unique file name in the temporary directory, removed at the end of the test.
struct TempFile {
  std::filesystem::path path;
  TempFile() {
    static std::atomic<int> counter{0};
    path = std::filesystem::temp_directory_path() /
           ("nanoreach_test_h5_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
            ".h5");
    std::filesystem::remove(path);
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  std::string str() const { return path.string(); }
};

// Runs f, which must throw nanoreach::Error; returns the message.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("expected nanoreach::Error");
  return {};
}

const std::string kUnicode = "Grüße, 世界 — ñ 🙂";

}  // namespace

TEST_CASE("h5: Handle closes on destruction, moves, never copies", "[h5]") {
  static_assert(!std::is_copy_constructible_v<DataspaceHandle>);
  static_assert(!std::is_copy_assignable_v<DataspaceHandle>);
  static_assert(std::is_nothrow_move_constructible_v<DataspaceHandle>);
  hid_t raw;
  {
    DataspaceHandle a(H5Screate(H5S_SCALAR));
    raw = a.get();
    REQUIRE(H5Iis_valid(raw) > 0);
    DataspaceHandle b(std::move(a));
    CHECK_FALSE(a.valid());
    CHECK(b.get() == raw);
    DataspaceHandle c;
    c = std::move(b);
    CHECK(c.get() == raw);
    CHECK(H5Iis_valid(raw) > 0);
  }
  CHECK(H5Iis_valid(raw) <= 0);
}

TEST_CASE("h5: create, open, truncate and their errors name the file", "[h5]") {
  TempFile tmp;
  {
    File f = File::create(tmp.path);
    CHECK(f.mode() == Mode::ReadWrite);
    f.set_attribute("marker", 1);
    f.flush();
  }
  SECTION("creating over an existing file fails and leaves it alone") {
    std::string m = error_of([&] { File::create(tmp.path); });
    CHECK_THAT(m, Catch::Contains(tmp.str()));
    CHECK_THAT(m, Catch::Contains("exists"));
    File f = File::open(tmp.path);
    CHECK(f.attribute<std::int64_t>("marker") == 1);
  }
  SECTION("truncate replaces it") {
    File::create(tmp.path, IfExists::Truncate);
    File f = File::open(tmp.path);
    CHECK_FALSE(f.has_attribute("marker"));
  }
  SECTION("opening a missing file") {
    TempFile missing;
    std::string m = error_of([&] { File::open(missing.path); });
    CHECK_THAT(m, Catch::Contains(missing.str()));
    CHECK_THAT(m, Catch::Contains("no such file"));
  }
  SECTION("opening a file that is not HDF5") {
    TempFile text;
    std::ofstream(text.path) << "not hdf5\n";
    std::string m = error_of([&] { File::open(text.path); });
    CHECK_THAT(m, Catch::Contains(text.str()));
  }
  SECTION("a read-only file refuses writes") {
    File f = File::open(tmp.path, Mode::ReadOnly);
    CHECK(f.mode() == Mode::ReadOnly);
    std::string m = error_of([&] { f.set_attribute("x", 2.0); });
    CHECK_THAT(m, Catch::Contains(tmp.str()));
    std::vector<double> v{1.0};
    m = error_of([&] { f.write_array("/a/b", v); });
    CHECK_THAT(m, Catch::Contains(tmp.str()));
  }
  SECTION("read-write open keeps the content and allows writes") {
    {
      File f = File::open(tmp.path, Mode::ReadWrite);
      f.set_attribute("second", "yes");
      f.close();
      f.close();  // twice is harmless
    }
    File f = File::open(tmp.path);
    CHECK(f.attribute<std::int64_t>("marker") == 1);
    CHECK(f.attribute<std::string>("second") == "yes");
  }
}

TEST_CASE("h5: groups: nested create, exists, children in creation order", "[h5]") {
  TempFile tmp;
  {
    File f = File::create(tmp.path);
    Group nano = f.create_group("/curves/nano");
    CHECK(nano.path() == "/curves/nano");
    CHECK(nano.file_name() == tmp.str());
    f.create_group("curves/zeta");
    f.create_group("curves/alpha");
    Group curves = f.open_group("curves");
    curves.create_group("mid/deep");
    std::vector<double> v{1, 2, 3};
    curves.write_array("data", v);

    std::string m = error_of([&] { f.create_group("/curves/nano"); });
    CHECK_THAT(m, Catch::Contains("/curves/nano"));
    CHECK_THAT(m, Catch::Contains(tmp.str()));
    m = error_of([&] { f.create_group("/curves/data/x"); });  // a dataset is no parent
    CHECK_THAT(m, Catch::Contains("/curves/data"));

    Group again = f.require_group("/curves/nano");
    CHECK(again.path() == "/curves/nano");
    f.require_group("/new/one");
  }
  File f = File::open(tmp.path);
  CHECK(f.exists("/curves/nano"));
  CHECK(f.exists("curves/mid/deep"));
  CHECK(f.exists("/"));
  CHECK_FALSE(f.exists("/curves/none"));
  CHECK_FALSE(f.exists("/missing/parent/x"));
  CHECK_FALSE(f.exists("/curves/data/x"));
  CHECK(f.is_group("/curves/nano"));
  CHECK_FALSE(f.is_group("/curves/data"));
  CHECK(f.is_dataset("/curves/data"));
  CHECK_FALSE(f.is_dataset("/curves/missing"));
  CHECK(f.children() == std::vector<std::string>{"curves", "new"});
  Group curves = f.open_group("/curves");
  CHECK(curves.children() == std::vector<std::string>{"nano", "zeta", "alpha", "mid", "data"});

  std::string m = error_of([&] { f.open_group("/curves/none"); });
  CHECK_THAT(m, Catch::Contains("/curves/none"));
  CHECK_THAT(m, Catch::Contains(tmp.str()));
  m = error_of([&] { f.open_group("/curves/data"); });
  CHECK_THAT(m, Catch::Contains("not a group"));
  m = error_of([&] { f.open_dataset("/curves/nano"); });
  CHECK_THAT(m, Catch::Contains("not a dataset"));
}

TEST_CASE("h5: remove unlinks objects", "[h5]") {
  TempFile tmp;
  File f = File::create(tmp.path);
  std::vector<double> v{1.0};
  f.write_array("/g/x", v);
  CHECK_THROWS_AS(f.write_array("/g/x", v), Error);
  f.remove("/g/x");
  CHECK_FALSE(f.exists("/g/x"));
  f.write_array("/g/x", v);
  CHECK(f.read_array<double>("/g/x") == v);
  CHECK_THAT(error_of([&] { f.remove("/g/none"); }), Catch::Contains("/g/none"));
}

TEST_CASE("h5: attributes of every type on file, group and dataset survive a re-open", "[h5]") {
  TempFile tmp;
  std::vector<double> big(20000);  // 160 KB: beyond the 64 KiB object-header limit, dense storage
  std::iota(big.begin(), big.end(), 0.5);
  const std::vector<double> doubles{1.5, -2.25, 1e300};
  const std::vector<std::int64_t> ints{-1, 0, std::numeric_limits<std::int64_t>::max()};
  const std::vector<std::string> strings{"a", "", kUnicode};
  auto write_all = [&](Object& o) {
    o.set_attribute("s", kUnicode);
    o.set_attribute("sv", std::string_view("view"));
    o.set_attribute("empty_s", "");
    o.set_attribute("i", -42);
    o.set_attribute("l", -42L);
    o.set_attribute("imin", std::numeric_limits<std::int64_t>::min());
    o.set_attribute("u", 7u);
    o.set_attribute("umax", std::numeric_limits<std::uint64_t>::max());
    o.set_attribute("d", 0.1);
    o.set_attribute("t", true);
    o.set_attribute("f", false);
    o.set_attribute("vd", doubles);
    o.set_attribute("vi", ints);
    o.set_attribute("vs", strings);
    o.set_attribute("vd_empty", std::vector<double>{});
    o.set_attribute("vs_empty", std::vector<std::string>{});
    o.set_attribute("big", big);
  };
  auto check_all = [&](const Object& o) {
    CHECK(o.attribute<std::string>("s") == kUnicode);
    CHECK(o.attribute<std::string>("sv") == "view");
    CHECK(o.attribute<std::string>("empty_s") == "");
    CHECK(o.attribute<std::int64_t>("i") == -42);
    CHECK(o.attribute<std::int64_t>("l") == -42);
    CHECK(o.attribute<std::int64_t>("imin") == std::numeric_limits<std::int64_t>::min());
    CHECK(o.attribute<std::uint64_t>("u") == 7u);
    CHECK(o.attribute<std::int64_t>("u") == 7);
    CHECK(o.attribute<std::uint64_t>("umax") == std::numeric_limits<std::uint64_t>::max());
    CHECK(o.attribute<double>("d") == 0.1);
    CHECK(o.attribute<bool>("t") == true);
    CHECK(o.attribute<bool>("f") == false);
    CHECK(o.attribute<std::int64_t>("t") == 1);
    CHECK(o.attribute<std::vector<double>>("vd") == doubles);
    CHECK(o.attribute<std::vector<std::int64_t>>("vi") == ints);
    CHECK(o.attribute<std::vector<std::string>>("vs") == strings);
    CHECK(o.attribute<std::vector<double>>("vd_empty").empty());
    CHECK(o.attribute<std::vector<std::string>>("vs_empty").empty());
    CHECK(o.attribute<std::vector<double>>("big") == big);
    CHECK(o.attribute<std::vector<double>>("d") == std::vector<double>{0.1});
    CHECK(o.attribute_names().size() == 17);
    CHECK(o.has_attribute("s"));
    CHECK_FALSE(o.has_attribute("nope"));
  };
  {
    File f = File::create(tmp.path);
    write_all(f);
    Group g = f.create_group("/g/h");
    write_all(g);
    std::vector<std::uint8_t> v{1, 2};
    f.write_array("/g/data", v);
    Dataset d = f.open_dataset("/g/data");
    write_all(d);
    // Replacing an attribute with one of another type.
    g.set_attribute("i", "now a string");
    g.set_attribute("i", -42);
    g.remove_attribute("sv");
    g.set_attribute("sv", "view");
  }
  File f = File::open(tmp.path);
  check_all(f);
  check_all(f.open_group("/g/h"));
  check_all(f.open_dataset("/g/data"));
}

TEST_CASE("h5: attribute errors name the attribute, object and file", "[h5]") {
  TempFile tmp;
  File f = File::create(tmp.path);
  Group g = f.create_group("/grp");
  g.set_attribute("s", "text");
  g.set_attribute("d", 1.0);
  g.set_attribute("neg", -1);
  g.set_attribute("umax", std::numeric_limits<std::uint64_t>::max());
  g.set_attribute("two", 2);
  g.set_attribute("vd", std::vector<double>{1, 2});

  std::string m = error_of([&] { g.attribute<double>("missing"); });
  CHECK_THAT(m, Catch::Contains("'missing'"));
  CHECK_THAT(m, Catch::Contains("/grp"));
  CHECK_THAT(m, Catch::Contains(tmp.str()));
  CHECK_THAT(error_of([&] { g.attribute<double>("s"); }), Catch::Contains("'s'"));
  CHECK_THROWS_AS(g.attribute<std::int64_t>("d"), Error);  // no float -> integer
  CHECK_THROWS_AS(g.attribute<double>("neg"), Error);      // no integer -> float
  CHECK_THROWS_AS(g.attribute<std::string>("d"), Error);
  CHECK_THROWS_AS(g.attribute<std::uint64_t>("neg"), Error);  // out of range
  CHECK_THROWS_AS(g.attribute<std::int64_t>("umax"), Error);
  CHECK_THROWS_AS(g.attribute<bool>("two"), Error);
  CHECK_THROWS_AS(g.attribute<double>("vd"), Error);  // two values, one expected
  CHECK_THROWS_AS(g.remove_attribute("missing"), Error);
  CHECK_THAT(error_of([&] { g.set_attribute("nul", std::string("a\0b", 3)); }),
             Catch::Contains("NUL"));
}

TEST_CASE("h5: 1-D arrays of every type, empty and compressed, survive a re-open", "[h5]") {
  TempFile tmp;
  const std::vector<double> d{0.0, -1.5, 1e-300, std::numeric_limits<double>::infinity()};
  const std::vector<std::int64_t> i64{std::numeric_limits<std::int64_t>::min(), 0, 5};
  const std::vector<std::uint64_t> u64{0, std::numeric_limits<std::uint64_t>::max()};
  const std::vector<std::int32_t> i32{-7, 7};
  const std::vector<std::uint32_t> u32{0, 1, 4000000000u};
  const std::vector<std::uint8_t> u8{0, 255, 3};
  const std::vector<std::string> s{"x", "", kUnicode, std::string(1000, 'z')};
  std::vector<std::uint32_t> long_u32(100000);
  for (std::size_t k = 0; k < long_u32.size(); ++k)
    long_u32[k] = static_cast<std::uint32_t>(k * 2654435761u);
  {
    File f = File::create(tmp.path);
    f.write_array("/a/d", d);
    f.write_array("/a/i64", i64);
    f.write_array("/a/u64", u64);
    f.write_array("/a/i32", i32);
    f.write_array("/a/u32", u32);
    f.write_array("/a/u8", u8);
    f.write_array("/a/s", s);
    f.write_array("/empty/d", std::vector<double>{});
    f.write_array("/empty/u32", std::vector<std::uint32_t>{}, ArrayOptions{.gzip = 1});
    f.write_array("/empty/s", std::vector<std::string>{});
    f.write_array("/z/u32", long_u32, ArrayOptions{.gzip = 1, .chunk = 4096});
    f.write_array("/z/s", s, ArrayOptions{.gzip = 4});
    f.write_array("/z/u8", u8, ArrayOptions{.gzip = 9});
    CHECK_THROWS_AS(f.write_array("/a/d", d), Error);
    CHECK_THAT(error_of([&] { f.write_array("/bad", d, ArrayOptions{.gzip = 10}); }),
               Catch::Contains("gzip"));
  }
  File f = File::open(tmp.path);
  CHECK(f.read_array<double>("/a/d") == d);
  CHECK(f.read_array<std::int64_t>("/a/i64") == i64);
  CHECK(f.read_array<std::uint64_t>("/a/u64") == u64);
  CHECK(f.read_array<std::int32_t>("/a/i32") == i32);
  CHECK(f.read_array<std::uint32_t>("/a/u32") == u32);
  CHECK(f.read_array<std::uint8_t>("/a/u8") == u8);
  CHECK(f.read_array<std::string>("/a/s") == s);
  CHECK(f.read_array<double>("/empty/d").empty());
  CHECK(f.read_array<std::uint32_t>("/empty/u32").empty());
  CHECK(f.read_array<std::string>("/empty/s").empty());
  CHECK(f.read_array<std::uint32_t>("/z/u32") == long_u32);
  CHECK(f.read_array<std::string>("/z/s") == s);
  CHECK(f.read_array<std::uint8_t>("/z/u8") == u8);
  CHECK(f.open_dataset("/z/u32").shape() == std::vector<hsize_t>{100000});
  // Widening integer reads are fine, narrowing ones fail only when a value does not fit.
  CHECK(f.read_array<std::int64_t>("/a/u32") == std::vector<std::int64_t>{0, 1, 4000000000});
  CHECK(f.read_array<std::int64_t>("/a/u8") == std::vector<std::int64_t>{0, 255, 3});
  CHECK(f.read_array<std::uint8_t>("/z/u8") == u8);
  CHECK(f.read_array<std::int32_t>("/a/u8") == std::vector<std::int32_t>{0, 255, 3});
  CHECK_THROWS_AS(f.read_array<std::uint8_t>("/a/u32"), Error);  // 4000000000 does not fit
  CHECK_THROWS_AS(f.read_array<std::int32_t>("/a/u32"), Error);
}

TEST_CASE("h5: reading arrays: missing, wrong class, overflow and wrong rank are errors", "[h5]") {
  TempFile tmp;
  File f = File::create(tmp.path);
  f.write_array("/g/neg", std::vector<std::int64_t>{-1, 2});
  f.write_array("/g/d", std::vector<double>{1.0});
  f.write_array("/g/s", std::vector<std::string>{"a"});
  f.write_matrix("/g/m", std::vector<double>{1, 2, 3, 4}, 2);

  std::string m = error_of([&] { f.read_array<double>("/g/missing"); });
  CHECK_THAT(m, Catch::Contains("/g/missing"));
  CHECK_THAT(m, Catch::Contains(tmp.str()));
  Group g = f.open_group("g");
  m = error_of([&] { g.read_array<double>("missing"); });
  CHECK_THAT(m, Catch::Contains("/g/missing"));
  CHECK_THAT(error_of([&] { f.read_array<std::uint32_t>("/g/neg"); }), Catch::Contains("/g/neg"));
  CHECK_THROWS_AS(f.read_array<std::uint64_t>("/g/neg"), Error);
  CHECK(f.read_array<std::int32_t>("/g/neg") == std::vector<std::int32_t>{-1, 2});
  CHECK_THAT(error_of([&] { f.read_array<double>("/g/neg"); }), Catch::Contains("int64"));
  CHECK_THROWS_AS(f.read_array<std::int64_t>("/g/d"), Error);
  CHECK_THROWS_AS(f.read_array<std::string>("/g/d"), Error);
  CHECK_THROWS_AS(f.read_array<double>("/g/s"), Error);
  CHECK_THAT(error_of([&] { f.read_array<double>("/g/m"); }), Catch::Contains("2-D"));
  CHECK_THROWS_AS(f.read_matrix<double>("/g/d"), Error);
  CHECK_THROWS_AS(f.read_table("/g/d"), Error);
}

TEST_CASE("h5: 2-D matrices: write, append across re-opens, read", "[h5]") {
  TempFile tmp;
  {
    File f = File::create(tmp.path);
    f.write_matrix("/m/d", std::vector<double>{1, 2, 3, 4, 5, 6}, 3);
    f.write_matrix("/m/i", std::vector<std::int64_t>{-1, -2}, 2);
    f.write_matrix("/m/u", std::vector<std::uint32_t>{}, 4);       // 0 rows
    f.append_rows("/m/new", std::vector<std::uint32_t>{9, 8}, 1);  // created by the append
    CHECK_THROWS_AS(f.write_matrix("/m/d", std::vector<double>{1}, 1), Error);
    CHECK_THAT(error_of([&] {
                 f.write_matrix("/m/bad", std::vector<double>{1, 2, 3}, 2);
               }),
               Catch::Contains("whole rows"));
    CHECK_THROWS_AS(f.write_matrix("/m/bad", std::vector<double>{}, 0), Error);
  }
  {
    File f = File::open(tmp.path, Mode::ReadWrite);
    f.append_rows("/m/d", std::vector<double>{7, 8, 9}, 3);
    f.append_rows("/m/i", std::vector<std::int64_t>{-3, -4, -5, -6}, 2);
    f.append_rows("/m/u", std::vector<std::uint32_t>{1, 2, 3, 4}, 4);
    f.append_rows("/m/d", std::vector<double>{}, 3);  // nothing to add
    CHECK_THAT(error_of([&] {
                 f.append_rows("/m/d", std::vector<std::int64_t>{1, 2, 3}, 3);
               }),
               Catch::Contains("float64"));
  }
  {
    File f = File::open(tmp.path, Mode::ReadWrite);
    f.append_rows("/m/d", std::vector<double>{10, 11, 12}, 3);
  }
  File f = File::open(tmp.path);
  Matrix<double> d = f.read_matrix<double>("/m/d");
  CHECK(d.rows == 4);
  CHECK(d.cols == 3);
  CHECK(d.values == std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  CHECK(d(3, 1) == 11);
  Matrix<std::int64_t> i = f.read_matrix<std::int64_t>("/m/i");
  CHECK(i.rows == 3);
  CHECK(i.values == std::vector<std::int64_t>{-1, -2, -3, -4, -5, -6});
  Matrix<std::uint32_t> u = f.read_matrix<std::uint32_t>("/m/u");
  CHECK(u.rows == 1);
  CHECK(u.cols == 4);
  Matrix<std::uint32_t> n = f.read_matrix<std::uint32_t>("/m/new");
  CHECK(n.rows == 2);
  CHECK(n.cols == 1);
  CHECK(f.open_dataset("/m/d").shape() == std::vector<hsize_t>{4, 3});
}

TEST_CASE("h5: Table checks names and lengths", "[h5]") {
  Table t;
  t.add("a", std::vector<double>{1, 2});
  CHECK_THROWS_AS(t.add("a", std::vector<double>{1, 2}), Error);
  CHECK_THROWS_AS(t.add("b", std::vector<double>{1}), Error);
  CHECK_THROWS_AS(t.add("", std::vector<double>{1, 2}), Error);
  CHECK_THROWS_AS(t.add("x/y", std::vector<double>{1, 2}), Error);
  CHECK_THROWS_AS(t.add(".", std::vector<double>{1, 2}), Error);
  t.add("s", std::vector<std::string>{"p", "q"});
  CHECK(t.rows() == 2);
  CHECK(t.num_columns() == 2);
  CHECK(t.column<double>("a")[1] == 2);
  CHECK_THROWS_AS(t.column<std::int64_t>("a"), Error);
  CHECK_THROWS_AS(t["zz"], Error);
  t.column<double>("a").push_back(3);
  CHECK_THROWS_AS(t.rows(), Error);
  TempFile tmp;
  File f = File::create(tmp.path);
  CHECK_THAT(error_of([&] { f.write_table("/bad", t); }), Catch::Contains("/bad"));
  CHECK_FALSE(f.exists("/bad"));
  CHECK(Table().rows() == 0);
}

namespace {

Table sample_table(std::size_t first, std::size_t rows) {
  Table t;
  std::vector<std::int64_t> i64;
  std::vector<std::uint64_t> u64;
  std::vector<std::int32_t> i32;
  std::vector<std::uint8_t> u8;
  std::vector<double> d;
  std::vector<std::string> s;
  for (std::size_t k = first; k < first + rows; ++k) {
    i64.push_back(-static_cast<std::int64_t>(k) * 1000000007LL);
    u64.push_back(std::numeric_limits<std::uint64_t>::max() - k);
    i32.push_back(static_cast<std::int32_t>(k) - 5);
    u8.push_back(static_cast<std::uint8_t>(k % 256));
    d.push_back(0.5 * static_cast<double>(k));
    s.push_back(k % 3 == 0 ? kUnicode : "row " + std::to_string(k));
  }
  // Deliberately not alphabetical: the column order must survive.
  t.add("z_i64", i64).add("u64", u64).add("i32", i32).add("u8", u8).add("d", d).add("s", s);
  return t;
}

}  // namespace

TEST_CASE("h5: tables: write and read every column type, order kept, empty tables", "[h5]") {
  TempFile tmp;
  Table t = sample_table(0, 10);
  Table empty = sample_table(0, 0);
  {
    File f = File::create(tmp.path);
    f.write_table("/curves/nano", t);
    f.write_table("/curves/empty", empty);
    f.write_table("/curves/none", Table());
    CHECK_THAT(error_of([&] { f.write_table("/curves/nano", t); }),
               Catch::Contains("/curves/nano"));
    f.open_group("/curves/nano").set_attribute("beta", 0.25);
  }
  File f = File::open(tmp.path);
  Table back = f.read_table("/curves/nano");
  CHECK(back == t);
  CHECK(back.names() == std::vector<std::string>{"z_i64", "u64", "i32", "u8", "d", "s"});
  CHECK(f.open_group("/curves/nano").children() == back.names());
  CHECK(f.open_group("/curves/nano").attribute<std::vector<std::string>>("columns") ==
        back.names());
  CHECK(f.open_group("/curves/nano").attribute<double>("beta") == 0.25);
  Table e = f.read_table("/curves/empty");
  CHECK(e.rows() == 0);
  CHECK(e == empty);
  CHECK(std::holds_alternative<std::vector<std::string>>(e["s"]));
  CHECK(f.read_table("/curves/none").num_columns() == 0);
  CHECK_THAT(error_of([&] { f.read_table("/curves/missing"); }),
             Catch::Contains("/curves/missing"));
}

TEST_CASE("h5: tables: append rows across re-opens (checkpointing)", "[h5]") {
  TempFile tmp;
  {
    File f = File::create(tmp.path);
    f.append_table("/t", sample_table(0, 0));  // creates an empty table
    f.append_table("/t", sample_table(0, 3));
  }
  for (std::size_t k = 3; k < 3000; k += 499) {  // one point at a time, as a sweep would
    File f = File::open(tmp.path, Mode::ReadWrite);
    f.append_table("/t", sample_table(k, std::min<std::size_t>(499, 3000 - k)));
    f.flush();
  }
  {
    // Columns in another order are matched by name.
    File f = File::open(tmp.path, Mode::ReadWrite);
    Table shuffled;
    Table more = sample_table(3000, 2);
    for (const char* name : {"s", "d", "u8", "i32", "u64", "z_i64"}) shuffled.add(name, more[name]);
    f.append_table("/t", shuffled);
    f.append_table("/t", sample_table(0, 0));  // nothing to add
  }
  File f = File::open(tmp.path);
  Table back = f.read_table("/t");
  CHECK(back.rows() == 3002);
  CHECK(back == sample_table(0, 3002));
}

TEST_CASE("h5: tables: mismatched appends fail and change nothing", "[h5]") {
  TempFile tmp;
  File f = File::create(tmp.path);
  f.write_table("/t", sample_table(0, 4));

  Table fewer = sample_table(4, 1);
  Table missing_one;
  for (const auto& name : fewer.names())
    if (name != "d") missing_one.add(name, fewer[name]);
  std::string m = error_of([&] { f.append_table("/t", missing_one); });
  CHECK_THAT(m, Catch::Contains("/t"));
  CHECK_THAT(m, Catch::Contains("d"));

  Table extra = sample_table(4, 1);
  extra.add("extra", std::vector<double>{1.0});
  CHECK_THAT(error_of([&] { f.append_table("/t", extra); }), Catch::Contains("extra"));

  Table wrong_type;
  for (const auto& name : fewer.names())
    if (name == "i32")
      wrong_type.add(name, std::vector<std::int64_t>{1});
    else
      wrong_type.add(name, fewer[name]);
  m = error_of([&] { f.append_table("/t", wrong_type); });
  CHECK_THAT(m, Catch::Contains("/t/i32"));
  CHECK_THAT(m, Catch::Contains("int32"));

  Table nul = sample_table(4, 1);
  nul.column<std::string>("s")[0] = std::string("a\0b", 3);
  CHECK_THROWS_AS(f.append_table("/t", nul), Error);

  CHECK(f.read_table("/t") == sample_table(0, 4));
}

TEST_CASE("h5: objects keep working after their File is moved or gone", "[h5]") {
  TempFile tmp;
  Group g;
  {
    File f = File::create(tmp.path);
    File moved = std::move(f);
    g = moved.create_group("/keep");
  }
  g.set_attribute("late", 1.5);  // the file stays open while g lives
  CHECK(g.attribute<double>("late") == 1.5);
  g = Group();
  File f = File::open(tmp.path);
  CHECK(f.open_group("/keep").attribute<double>("late") == 1.5);
}

TEST_CASE("h5: no HDF5 id stays open, on errors either", "[h5]") {
  // Open files, groups, datasets, attributes and named types of every file (H5Inmembers refuses
  // the library's own id types, so dataspaces and property lists cannot be counted this way).
  auto open_ids = [] { return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL); };
  TempFile tmp;
  const ssize_t before = open_ids();
  REQUIRE(before == 0);
  {
    File f = File::create(tmp.path, IfExists::Truncate);
    f.write_table("/t", sample_table(0, 3));
    f.append_table("/t", sample_table(3, 3));
    f.write_matrix("/m", std::vector<double>{1, 2}, 2);
    f.append_rows("/m", std::vector<double>{3, 4}, 2);
    f.write_array("/a", std::vector<std::string>{"x", "y"});
    f.set_attribute("s", std::vector<std::string>{"a", "b"});
    CHECK(f.read_table("/t").rows() == 6);
    CHECK(f.read_array<std::string>("/a").size() == 2);
    CHECK(f.attribute<std::vector<std::string>>("s").size() == 2);
    CHECK_THROWS_AS(f.read_array<double>("/missing"), Error);
    CHECK_THROWS_AS(f.read_array<double>("/a"), Error);
    CHECK_THROWS_AS(f.attribute<double>("s"), Error);
    CHECK_THROWS_AS(f.append_table("/t", sample_table(0, 1).add("x", std::vector<double>{1})),
                    Error);
    CHECK_THROWS_AS(f.append_rows("/m", std::vector<std::int64_t>{1, 2}, 2), Error);
    CHECK_THROWS_AS(f.write_table("/t", sample_table(0, 1)), Error);
    CHECK_THROWS_AS(File::open(tmp.path.string() + ".missing"), Error);
    CHECK_THROWS_AS(File::create(tmp.path), Error);
    CHECK(open_ids() == 2);  // f's file and root group
  }
  CHECK(open_ids() == before);
}

TEST_CASE("h5: h5py and pandas read tables, arrays and attributes", "[h5][python]") {
  TempFile tmp;
  {
    File f = File::create(tmp.path);
    f.set_attribute("name", kUnicode);
    f.set_attribute("seed", 42);
    f.set_attribute("big", std::numeric_limits<std::uint64_t>::max());
    f.set_attribute("beta", 0.125);
    f.set_attribute("yes", true);
    f.set_attribute("no", false);
    f.set_attribute("grid", std::vector<double>{0.1, 0.2});
    f.set_attribute("ids", std::vector<std::int64_t>{-1, 2});
    f.set_attribute("labels", std::vector<std::string>{"a", kUnicode});
    f.write_table("/curves/nano", sample_table(0, 5));
    f.append_table("/curves/nano", sample_table(5, 2));
    f.write_table("/curves/empty", sample_table(0, 0));
    f.write_array("/graph/offsets", std::vector<std::uint32_t>{0, 2, 5});
    f.write_array("/graph/names", std::vector<std::string>{"x", kUnicode});
    f.write_matrix("/m", std::vector<double>{1, 2, 3, 4}, 2);
    f.append_rows("/m", std::vector<double>{5, 6}, 2);
  }
  const char* python = "/usr/bin/python3";
  REQUIRE(std::filesystem::exists(python));
  std::string script = std::string(NANOREACH_SOURCE_DIR) + "/tests/io/test_h5_python.py";
  std::string command = std::string(python) + " '" + script + "' '" + tmp.str() + "'";
  INFO(command);
  CHECK(std::system(command.c_str()) == 0);
}

// Write speed of a 100M-entry uint32 array (a graph's neighbour array) in each layout. Hidden:
// `test_io "[benchmark]"`. Prints; never fails on time.
TEST_CASE("h5: benchmark: 100M uint32 write", "[.][benchmark]") {
  const std::size_t n = 100'000'000;
  std::vector<std::uint32_t> sorted(n), random(n);
  std::uint64_t x = 88172645463325252ULL;
  for (std::size_t k = 0; k < n; ++k) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    random[k] = static_cast<std::uint32_t>(x % 10'000'000);
    sorted[k] = static_cast<std::uint32_t>(k / 10);  // CSR-like: runs of similar ids
  }
  auto seconds_since = [](auto t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  auto report = [&](const char* label, const char* name, double write, double sync, double read,
                    double bytes) {
    std::printf(
        "%-7s %-14s write %5.2f s (%5.0f MB/s)  +sync %5.2f s  read %5.2f s  file %4.0f MB\n",
        label, name, write, 4.0 * n / write / 1e6, sync, read, bytes / 1e6);
  };
  {  // the disk's own speed for the same bytes
    TempFile tmp;
    auto t0 = std::chrono::steady_clock::now();
    std::FILE* out = std::fopen(tmp.str().c_str(), "wb");
    REQUIRE(out);
    std::fwrite(random.data(), sizeof(std::uint32_t), n, out);
    std::fclose(out);
    double write = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    ::sync();
    report("random", "fwrite", write, seconds_since(t0), 0.0, 4.0 * n);
  }
  struct Case {
    const char* name;
    ArrayOptions options;
  };
  for (const auto& [label, data] :
       {std::pair<const char*, const std::vector<std::uint32_t>*>{"random", &random},
        {"sorted", &sorted}}) {
    for (const Case& c : {Case{"contiguous", {}}, Case{"gzip1", {.gzip = 1, .shuffle = false}},
                          Case{"shuffle+gzip1", {.gzip = 1}}, Case{"shuffle+gzip4", {.gzip = 4}}}) {
      TempFile tmp;
      auto t0 = std::chrono::steady_clock::now();
      {
        File f = File::create(tmp.path);
        f.write_array("a", *data, c.options);
      }
      double write = seconds_since(t0);
      t0 = std::chrono::steady_clock::now();
      ::sync();
      double sync = seconds_since(t0);
      t0 = std::chrono::steady_clock::now();
      auto back = File::open(tmp.path).read_array<std::uint32_t>("a");
      double read = seconds_since(t0);
      CHECK(back == *data);
      report(label, c.name, write, sync, read,
             static_cast<double>(std::filesystem::file_size(tmp.path)));
    }
  }
}

TEST_CASE("h5: ragged appends pad with zeros: narrower rows, then wider rows widen the matrix", "[h5]") {
  TempFile tmp;
  {
    File f = File::create(tmp.path);
    f.append_rows("/c", std::vector<std::uint32_t>{1, 2, 3}, 3);
    f.append_rows("/c", std::vector<std::uint32_t>{4, 5}, 1);  // two rows of one column
  }
  {
    File f = File::open(tmp.path, Mode::ReadWrite);
    f.append_rows("/c", std::vector<std::uint32_t>{6, 7, 8, 9}, 4);  // wider
  }
  File f = File::open(tmp.path);
  Matrix<std::uint32_t> m = f.read_matrix<std::uint32_t>("/c");
  CHECK(m.rows == 4);
  CHECK(m.cols == 4);
  CHECK(m.values == std::vector<std::uint32_t>{1, 2, 3, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6, 7, 8, 9});
}

TEST_CASE("h5: nested relative paths are relative to the group they are written through", "[h5]") {
  TempFile tmp;
  {
    File f = File::create(tmp.path);
    Group g = f.create_group("/graph");
    g.write_array("strong/offsets", std::vector<std::uint64_t>{0, 1});
    g.write_table("t/u", Table().add("x", std::vector<double>{1.0}));
  }
  File f = File::open(tmp.path);
  CHECK(f.exists("/graph/strong/offsets"));
  CHECK(f.exists("/graph/t/u"));
  CHECK_FALSE(f.exists("/strong"));
}
