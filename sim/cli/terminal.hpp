// What the program shows people: a progress bar on a terminal (one line per stage otherwise), and
// aligned tables. Nothing here decides anything.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nanoreach::cli {

class Progress {
 public:
  explicit Progress(bool quiet);
  // A new stage: on a terminal the bar restarts (or, with keep_clock, keeps its rate and ETA, for
  // stages that are parts of one whole); elsewhere one line is printed.
  void stage(const std::string& what, bool keep_clock = false);
  // Work done of planned in the current stage, in `unit`s (throttled to a few updates a second).
  void update(std::uint64_t done, std::uint64_t planned, const char* unit = "runs");
  void finish();

 private:
  bool quiet_, tty_;
  std::string stage_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

// Columns padded to their widest cell; numbers right-aligned.
std::string format_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
std::string fixed(double x, int digits);
std::string grouped(double x);  // 1234567 -> "1,234,567"

}  // namespace nanoreach::cli
