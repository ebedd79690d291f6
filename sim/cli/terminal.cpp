// Progress, notes and tables for people (see terminal.hpp).
#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace nanoreach::cli {

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_resized{true};  // true: ask for the width before the first line
std::atomic<int> g_width{80};

void on_winch(int) { g_resized.store(true); }

// Display columns of UTF-8 text (continuation bytes take none), and text cut to at most n columns.
std::size_t columns(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string cut(const std::string& s, std::size_t n) {
  std::size_t cols = 0, i = 0;
  for (; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && cols++ == n) break;
  }
  return s.substr(0, i);
}

std::string rate_text(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, rate >= 100 ? "%.0f/s" : rate >= 10 ? "%.1f/s" : "%.2f/s", rate);
  return buf;
}

}  // namespace

int Progress::terminal_width() {
  if (g_resized.exchange(false)) {
    winsize ws{};
    int w = 0;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) w = ws.ws_col;
    else if (const char* c = std::getenv("COLUMNS")) w = std::atoi(c);
    g_width.store(w > 0 ? w : 80);
  }
  return g_width.load();
}

Progress::Progress(bool quiet) : quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0) {
  if (quiet_ || !tty_) return;
  struct sigaction sa {};
  sa.sa_handler = on_winch;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGWINCH, &sa, nullptr);
  ticker_ = std::thread([this] { tick(); });
}

Progress::~Progress() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finish_locked();
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void Progress::tick() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(250));
    if (!stopping_ && active_ && Clock::now() - last_draw_ >= std::chrono::milliseconds(200)) draw_locked(false);
  }
}

void Progress::stage(const std::string& what, bool keep_clock) {
  if (quiet_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!keep_clock || !active_) {
    finish_locked();
    start_ = Clock::now();
    mode_ = Mode::time;
    done_ = planned_ = 0;
    share_ = 0;
  }
  stage_ = what;
  active_ = true;
  if (tty_) draw_locked(false);
  else std::fprintf(stderr, "nanoreach: %s\n", what.c_str());
}

void Progress::update(std::uint64_t done, std::uint64_t planned, const char* unit) {
  if (quiet_ || !tty_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  mode_ = Mode::count;
  done_ = done;
  planned_ = planned;
  unit_ = unit;
  if (Clock::now() - last_draw_ >= std::chrono::milliseconds(100)) draw_locked(false);
}

void Progress::fraction(double done) {
  if (quiet_ || !tty_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  mode_ = Mode::share;
  share_ = std::clamp(done, 0.0, 1.0);
  if (Clock::now() - last_draw_ >= std::chrono::milliseconds(100)) draw_locked(false);
}

void Progress::note(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (drawn_) std::fputs("\r\033[K", stderr);
  // On a terminal the note is wrapped at word boundaries (continuation lines indented); elsewhere it
  // stays one line, for logs and grep.
  std::string out;
  if (tty_) {
    const std::size_t width = static_cast<std::size_t>(std::max(20, terminal_width() - 1));
    std::size_t col = 0, start = 0;
    while (start < text.size()) {
      std::size_t end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      const std::string word = text.substr(start, end - start);
      if (col > 0 && col + 1 + columns(word) > width) {
        out += "\n    ";
        col = 4;
      } else if (col > 0) {
        out += ' ';
        ++col;
      }
      out += word;
      col += columns(word);
      start = end + 1;
    }
  } else {
    out = text;
  }
  std::fprintf(stderr, "%s\n", out.c_str());
  drawn_ = false;
  if (tty_ && active_ && !quiet_) draw_locked(false);
  std::fflush(stderr);
}

void Progress::finish() {
  if (quiet_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  finish_locked();
}

void Progress::finish_locked() {
  if (drawn_) {
    draw_locked(true);
    std::fputs("\n", stderr);
    std::fflush(stderr);
  }
  drawn_ = active_ = false;
}

std::string Progress::render(Clock::time_point now, bool final) const {
  const double secs = std::chrono::duration<double>(now - start_).count();
  const std::size_t limit = static_cast<std::size_t>(std::max(10, terminal_width() - 1));
  std::string tail;
  double frac = -1;  // no bar
  if (mode_ == Mode::time) {
    tail = final ? duration_text(secs) : duration_text(secs) + " ...";
  } else if (mode_ == Mode::share) {
    frac = final ? 1.0 : share_;
    tail = std::to_string(static_cast<int>(std::floor(100 * frac))) + "%, " + duration_text(secs);
  } else {
    frac = planned_ ? double(done_) / double(planned_) : 1.0;
    const double rate = secs > 0 ? double(done_) / secs : 0;
    tail = std::to_string(done_) + "/" + std::to_string(planned_) + " " + unit_;
    if (final || done_ >= planned_) {
      tail += " in " + duration_text(secs);
      if (rate > 0) tail += " (" + rate_text(rate) + ")";
    } else {
      tail += ", " + rate_text(rate) + ", ETA " + (rate > 0 ? duration_text(double(planned_ - done_) / rate) : "--");
    }
  }
  const std::size_t fixed_cols = columns(stage_) + 1 + columns(tail);
  std::string line;
  if (frac >= 0 && fixed_cols + 4 + 10 <= limit) {
    const std::size_t width = std::min<std::size_t>(30, limit - fixed_cols - 4);
    const auto filled = static_cast<std::size_t>(std::llround(frac * double(width)));
    std::string bar(std::min(filled, width), '#');
    bar.resize(width, '.');
    line = stage_ + " [" + bar + "] " + tail;
  } else if (fixed_cols <= limit) {
    line = stage_ + " " + tail;
  } else if (columns(tail) + 5 <= limit) {
    line = cut(stage_, limit - columns(tail) - 4) + "... " + tail;  // keep the numbers, shorten the name
  } else {
    line = cut(stage_ + " " + tail, limit);
  }
  return line;
}

void Progress::draw_locked(bool final) {
  const auto now = Clock::now();
  std::fprintf(stderr, "\r\033[K%s", render(now, final).c_str());
  std::fflush(stderr);
  last_draw_ = now;
  drawn_ = true;
}

std::string format_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                         const std::vector<std::pair<std::size_t, std::string>>& groups) {
  std::vector<std::size_t> w(header.size(), 0);
  for (std::size_t c = 0; c < header.size(); ++c) w[c] = columns(header[c]);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size() && c < w.size(); ++c) w[c] = std::max(w[c], columns(r[c]));
  auto numeric = [](const std::string& s) {
    return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '$');
  };
  std::string out;
  auto line = [&](const std::vector<std::string>& r, bool head) {
    for (std::size_t c = 0; c < w.size(); ++c) {
      const std::string& cell = c < r.size() ? r[c] : std::string();
      const std::string pad(w[c] - columns(cell), ' ');
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
  std::size_t g = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (; g < groups.size() && groups[g].first <= i; ++g) out += groups[g].second + '\n';
    line(rows[i], false);
  }
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

std::string duration_text(double seconds) {
  char buf[32];
  if (!(seconds >= 0)) seconds = 0;
  if (seconds < 59.95) std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  else if (seconds < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", int(seconds) / 60, int(seconds) % 60);
  else std::snprintf(buf, sizeof buf, "%dh%02dm", int(seconds) / 3600, int(seconds) % 3600 / 60);
  return buf;
}

}  // namespace nanoreach::cli
