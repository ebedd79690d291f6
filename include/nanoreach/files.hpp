// Input files are regular files: a FIFO, a device or a socket given as an experiment, an edge list
// or a result file would block the program (or read forever) instead of failing. The check uses
// stat(), which never opens the path, so it cannot block either.
#pragma once

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "nanoreach/error.hpp"

namespace nanoreach {

// Throws InputError "<what> <path>: <why>; expected a regular file" unless `path` is a regular file
// (or a symbolic link to one).
inline void require_regular_file(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw InputError(what + " " + printable(path) + ": cannot open (" + std::strerror(errno) + ")");
  if (S_ISREG(st.st_mode)) return;
  const char* kind = S_ISDIR(st.st_mode)   ? "a directory"
                     : S_ISFIFO(st.st_mode) ? "a FIFO (named pipe)"
                     : S_ISCHR(st.st_mode)  ? "a character device"
                     : S_ISBLK(st.st_mode)  ? "a block device"
                     : S_ISSOCK(st.st_mode) ? "a socket"
                                            : "not a regular file";
  throw InputError(what + " " + printable(path) + ": is " + kind + "; expected a regular file");
}

}  // namespace nanoreach
