// Writing result files so that a fault (a full disk, kill -9, a second writer) never leaves a file
// that claims more than it holds.
//
// Guarantees, for every file the program writes (results, sweep checkpoints, merged sweeps):
//   * a file says complete = true only after everything else in it was written, flushed and the
//     file closed without error; the verdict is then written in a session of its own, the file is
//     synced to disk (fsync) and re-opened to check that it reads;
//   * a file takes its final name (rename) only after that check, and the directory is synced so
//     the new name survives a crash;
//   * an output is written by one process at a time: OutputLock holds an exclusive flock(2) on
//     OUT.lock beside it for as long as the output (and its .partial, its checkpoints) is written;
//   * every failure of the operating system is an InputError naming the path and the system's
//     reason ("No space left on device").
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "nanoreach/io/h5.hpp"

namespace nanoreach {

// fsync(2) of a file, or of a directory (so that names created or renamed in it are durable).
void sync_file(const std::filesystem::path& path);
void sync_directory(const std::filesystem::path& dir);

// rename(2) from -> to, then the directory synced. InputError naming both paths.
void rename_durably(const std::filesystem::path& from, const std::filesystem::path& to);

// A small text file written whole or not at all: a temporary file, written, checked, synced and
// renamed over `path`.
void write_text_durably(const std::filesystem::path& path, const std::string& text);

// Finishes a result file being written at `path` (f is its open handle): complete = false, flush
// and close (errors reported); then, if `complete`, the verdict complete = true in a session of its
// own, fsync, and a read-only re-open that must see it. On return f is closed.
void seal_result(io::h5::File& f, const std::filesystem::path& path, bool complete);

// Why the HDF5 file at `path` cannot serve as a finished checkpoint ("" when it can): it must open,
// say complete = true, and hold every dataset or group in `required`.
std::string checkpoint_problem(const std::filesystem::path& path, const std::vector<std::string>& required);

// Reads the HDF5 file at `path` whole in a child process first: libhdf5 1.10 trusts the bytes it
// reads, and a damaged file (flipped bits in a global heap) can crash it. "" when the child read
// everything, or failed with an error (the caller then meets that error itself); otherwise what
// happened ("reading it crashed the HDF5 library (signal 11, Segmentation fault)").
// `read`, when given, is what the caller will read (the same code, so the same bytes in the same
// order); by default every attribute and dataset.
std::string probe_file(const std::filesystem::path& path, const std::function<void()>& read = {});

// An exclusive lock on an output: flock(LOCK_EX | LOCK_NB) on `out` + ".lock", which records the
// holder's pid and start time. A second writer gets an InputError naming the output, the lock file
// and the holder; a lock left by a killed process is free again (the kernel drops flocks with their
// process). The lock file is removed when the lock is released.
class OutputLock {
 public:
  OutputLock() = default;
  explicit OutputLock(const std::filesystem::path& out);
  ~OutputLock();
  OutputLock(OutputLock&& other) noexcept;
  OutputLock& operator=(OutputLock&& other) noexcept;
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  void release() noexcept;
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace nanoreach
