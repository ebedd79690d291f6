// Typed errors, caught once at the top of the program (STYLE.md habit 8).
//
// InputError: something the user gave us is wrong (a file, a line, a value); its message names it
// and says what was expected. ConfigError: a configuration key is unknown, mistyped or out of range;
// it carries the key and, when known, the file line. Anything else is a bug.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

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

// The length of the well-formed UTF-8 sequence at s[i] (1 for ASCII), or 0 when there is none: a
// stray continuation byte, an overlong form, a UTF-16 surrogate, a code point above U+10FFFF, or a
// sequence cut short.
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  const std::size_t n = (c & 0xE0) == 0xC0 && c >= 0xC2   ? 2
                        : (c & 0xF0) == 0xE0              ? 3
                        : (c & 0xF8) == 0xF0 && c <= 0xF4 ? 4
                                                          : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  const auto d = static_cast<unsigned char>(s[i + 1]);
  if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d >= 0xA0) || (c == 0xF0 && d < 0x90) || (c == 0xF4 && d >= 0x90))
    return 0;
  return n;
}

inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Text from a file or the command line as it may be quoted in a message: valid UTF-8 stays as it
// is; control characters (NUL included) and bytes that are not UTF-8 become \xNN, so a message is
// never cut short by a NUL and never writes raw binary to a terminal.
inline std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_length(s, i);
    if (n == 0 || c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
      out += buf;
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
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
    return key.empty() ? message + where : printable(key) + where + ": " + message;  // a quoted key may hold anything
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
