// What the program shows people: a progress line on a terminal (one line per stage otherwise), notes,
// and aligned tables. Nothing here decides anything.
//
// The progress line never wraps: it is fitted to the terminal's width (asked with TIOCGWINSZ, asked
// again after SIGWINCH) and cut to width - 1 columns, because a line that wraps cannot be redrawn
// with \r and leaves a stale copy behind on every redraw. It is redrawn in place (\r, then clear to
// the end of the line) by the caller's updates and, between them, by a ticker thread four times a
// second, so a stage that cannot count its work (a graph build step, IMM) still shows its time
// passing. A finished stage keeps its last line, with the time it took.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nanoreach::cli {

class Progress {
 public:
  explicit Progress(bool quiet);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // A new stage: on a terminal the line restarts (or, with keep_clock, keeps its counts, rate and
  // ETA, for stages that are parts of one whole, and only changes its name); elsewhere one line is
  // printed.
  void stage(const std::string& what, bool keep_clock = false);
  // Work done of planned in the current stage, in `unit`s.
  void update(std::uint64_t done, std::uint64_t planned, const char* unit = "runs");
  // The share done of a stage that is not counted in units, in [0, 1].
  void fraction(double done);
  // A line for the reader (on stderr, above the progress line); shown even when not a terminal.
  void note(const std::string& text);
  void finish();

  // Columns of the terminal on stderr (80 when it cannot be asked).
  static int terminal_width();

 private:
  enum class Mode { time, count, share };
  std::string render(std::chrono::steady_clock::time_point now, bool final) const;
  void draw_locked(bool final);
  void finish_locked();
  void tick();

  const bool quiet_, tty_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread ticker_;
  bool stopping_ = false;
  bool active_ = false, drawn_ = false;
  std::string stage_, unit_ = "runs";
  Mode mode_ = Mode::time;
  std::uint64_t done_ = 0, planned_ = 0;
  double share_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// Columns padded to their widest cell; numbers right-aligned. groups: (row index, heading) pairs: a
// heading line (not padded, not part of the column widths) printed before that row.
std::string format_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                         const std::vector<std::pair<std::size_t, std::string>>& groups = {});
std::string fixed(double x, int digits);
std::string grouped(double x);  // 1234567 -> "1,234,567"
// Seconds as people read them: "0.4 s", "12.3 s", "2m05s", "1h02m".
std::string duration_text(double seconds);

}  // namespace nanoreach::cli
