// Typed errors, caught once at the top of the program (STYLE.md habit 8).
//
// InputError: something the user gave us is wrong (a file, a line, a value); its message names it
// and says what was expected. ConfigError: a configuration key is unknown, mistyped or out of range;
// it carries the key and, when known, the file line. Anything else is a bug.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>

namespace nanoreach {

// A number as people write it in a message: "0.05", "1e+06", "150".
inline std::string number_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// An amount as people write it in a message: whole numbers from 100 up with thousands separators
// ("15,811", "1,000,000"), smaller ones as number_text ("12.5").
inline std::string grouped_text(double x) {
  if (!(x >= 100 || x <= -100) || !(x < 1e18 && x > -1e18)) return number_text(x);
  const long long v = static_cast<long long>(x < 0 ? x - 0.5 : x + 0.5);
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out = v < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InputError : public Error {
 public:
  using Error::Error;
};

class ConfigError : public Error {
 public:
  ConfigError(std::string key, const std::string& message, long line = 0)
      : Error(format(key, message, line)), key_(std::move(key)), line_(line) {}
  const std::string& key() const { return key_; }
  long line() const { return line_; }

 private:
  static std::string format(const std::string& key, const std::string& message, long line) {
    std::string where = line > 0 ? " (line " + std::to_string(line) + ")" : std::string();
    return key.empty() ? message + where : key + where + ": " + message;
  }
  std::string key_;
  long line_;
};

// A run was stopped on purpose (SIGINT/SIGTERM); finished work has been kept.
class Interrupted : public Error {
 public:
  using Error::Error;
};

}  // namespace nanoreach
