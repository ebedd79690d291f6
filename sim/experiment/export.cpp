// CSV export (see export.hpp): read each table whole with the HDF5 layer, write it with a plain
// formatter. Numbers go through std::to_chars (shortest round trip), so a spreadsheet or pandas
// reads back the values in the file.
#include "nanoreach/sim/export.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include "nanoreach/error.hpp"
#include "nanoreach/io/h5.hpp"

namespace nanoreach {

namespace fs = std::filesystem;
namespace h5 = io::h5;

namespace {

std::string field(const std::string& s) {
  const bool quote = s.find_first_of(",\"\r\n") != std::string::npos ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string field(double x) {
  if (std::isnan(x)) return "";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

template <class T>
std::string field(T x) requires std::is_integral_v<T> {
  return std::to_string(static_cast<std::conditional_t<std::is_signed_v<T>, long long, unsigned long long>>(x));
}

class CsvFile {
 public:
  CsvFile(const fs::path& path, bool force, std::vector<fs::path>& written) : path_(path) {
    if (fs::exists(path) && !force)
      throw InputError(path.string() + " already exists; pass --force to overwrite it");
    fs::create_directories(path.parent_path());
    out_.open(path, std::ios::binary | std::ios::trunc);
    if (!out_) throw InputError("cannot write " + path.string());
    written.push_back(path);
  }
  void row(const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) out_ << (i ? "," : "") << fields[i];
    out_ << "\r\n";
  }
  void close() {
    out_.close();
    if (!out_) throw InputError("error while writing " + path_.string());
  }

 private:
  fs::path path_;
  std::ofstream out_;
};

void write_table(const h5::Table& t, const fs::path& path, bool force, std::vector<fs::path>& written) {
  CsvFile csv(path, force, written);
  std::vector<std::string> header;
  for (const std::string& n : t.names()) header.push_back(field(n));
  csv.row(header);
  const std::size_t rows = t.rows();
  std::vector<std::string> fields(t.num_columns());
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t c = 0; c < t.num_columns(); ++c)
      fields[c] = std::visit([&](const auto& v) { return field(v[i]); }, t[t.names()[c]]);
    csv.row(fields);
  }
  csv.close();
}

}  // namespace

std::vector<fs::path> export_csv(const fs::path& result, const fs::path& dir, bool force) {
  const h5::File f = h5::File::open(result);
  if (!f.is_group("/runs"))
    throw InputError(result.string() + " holds no /runs table (not a result of nanoreach run or sweep, or no run "
                                       "finished)");
  std::vector<fs::path> written;
  const h5::Table runs = f.read_table("/runs");
  write_table(runs, dir / "runs.csv", force, written);
  if (f.is_group("/summary")) write_table(f.read_table("/summary"), dir / "summary.csv", force, written);
  if (f.is_group("/points")) write_table(f.read_table("/points"), dir / "points.csv", force, written);
  if (!f.is_group("/curves")) return written;

  // Row labels of each curve matrix: its strategy and model's rows of /runs, in order.
  const bool sweep = runs.contains("point");
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> rows_of;
  const auto& st = runs.column<std::string>("strategy");
  const auto& mo = runs.column<std::string>("model");
  for (std::size_t i = 0; i < st.size(); ++i) rows_of[{st[i], mo[i]}].push_back(i);
  const h5::Group curves = f.open_group("/curves");
  for (const std::string& s : curves.children()) {
    const h5::Group g = curves.open_group(s);
    for (const std::string& m : g.children()) {
      if (!g.is_dataset(m) || g.open_dataset(m).is_scale() || g.open_dataset(m).shape().size() != 2) continue;
      const h5::Matrix<std::uint32_t> c = g.read_matrix<std::uint32_t>(m);
      const auto& rows = rows_of[{s, m == "sir_infected" ? "sir" : m}];
      if (rows.size() != c.rows)
        throw InputError(result.string() + ": /curves/" + s + "/" + m + " has " + std::to_string(c.rows) +
                         " rows but /runs has " + std::to_string(rows.size()) + " runs of it");
      CsvFile csv(dir / "curves" / s / (m + ".csv"), force, written);
      std::vector<std::string> header;
      if (sweep) header.push_back("point");
      header.push_back("run");
      for (std::size_t t = 0; t < c.cols; ++t) header.push_back("step_" + std::to_string(t));
      csv.row(header);
      for (std::size_t r = 0; r < c.rows; ++r) {
        std::vector<std::string> fields;
        if (sweep) fields.push_back(field(runs.column<std::int64_t>("point")[rows[r]]));
        fields.push_back(field(runs.column<std::int64_t>("run")[rows[r]]));
        for (std::size_t t = 0; t < c.cols; ++t) fields.push_back(field(c(r, t)));
        csv.row(fields);
      }
      csv.close();
    }
  }
  return written;
}

}  // namespace nanoreach
