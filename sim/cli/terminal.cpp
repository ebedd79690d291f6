// Progress and tables for people (see terminal.hpp).
#include "terminal.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace nanoreach::cli {

Progress::Progress(bool quiet) : quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0) {}

void Progress::stage(const std::string& what, bool keep_clock) {
  if (quiet_) return;
  if (!keep_clock) {
    finish();
    start_ = last_ = std::chrono::steady_clock::now();
  }
  stage_ = what;
  if (!tty_) std::fprintf(stderr, "nanoreach: %s\n", what.c_str());
}

void Progress::update(std::uint64_t done, std::uint64_t planned, const char* unit) {
  if (quiet_ || !tty_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < planned && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? done / secs : 0;
  const double frac = planned ? double(done) / planned : 1.0;
  const int width = 30, filled = static_cast<int>(std::round(frac * width));
  std::string bar(filled, '#');
  bar.resize(width, '.');
  char eta[32] = "--";
  if (rate > 0 && done < planned) {
    const double left = (planned - done) / rate;
    std::snprintf(eta, sizeof eta, "%dm%02ds", int(left) / 60, int(left) % 60);
  }
  std::fprintf(stderr, "\r\033[K%s [%s] %llu/%llu %s, %.1f/s, ETA %s", stage_.c_str(), bar.c_str(),
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(planned), unit, rate, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

std::string format_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> w(header.size(), 0);
  for (std::size_t c = 0; c < header.size(); ++c) w[c] = header[c].size();
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size() && c < w.size(); ++c) w[c] = std::max(w[c], r[c].size());
  auto numeric = [](const std::string& s) {
    return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '$');
  };
  std::string out;
  auto line = [&](const std::vector<std::string>& r, bool head) {
    for (std::size_t c = 0; c < w.size(); ++c) {
      const std::string& cell = c < r.size() ? r[c] : std::string();
      const std::string pad(w[c] - cell.size(), ' ');
      out += (c ? "  " : "");
      out += (!head && numeric(cell)) ? pad + cell : cell + pad;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  };
  line(header, true);
  std::size_t total = 0;
  for (std::size_t c = 0; c < w.size(); ++c) total += w[c] + (c ? 2 : 0);
  out += std::string(total, '-') + '\n';
  for (const auto& r : rows) line(r, false);
  return out;
}

std::string fixed(double x, int digits) {
  if (std::isnan(x)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

std::string grouped(double x) {
  if (std::isnan(x)) return "-";
  const long long v = std::llround(x);
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out = v < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace nanoreach::cli
