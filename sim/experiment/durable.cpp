// Durable result files and output locks (see durable.hpp).
//
// The order of a finished file: data, complete = false, flush, close; then complete = true in a new
// session, close, fsync(file), re-open; then rename and fsync(directory). A crash (or a full disk) at
// any point leaves either a file whose verdict is false or a name that does not exist yet; never a
// file that says complete = true over data that did not reach the disk. (ext4 and XFS order the
// rename after the data only when the data was synced first, which is why the fsync comes before.)
#include "nanoreach/sim/durable.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "nanoreach/error.hpp"

namespace nanoreach {

namespace fs = std::filesystem;

namespace {

std::string os_error(const std::string& action, const fs::path& path, int err) {
  return action + " " + printable(path.string()) + ": " + std::strerror(err);
}

void sync_fd_of(const fs::path& path, int flags, const char* what) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw InputError(os_error(std::string("cannot open ") + what, path, errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // Some file systems cannot sync a directory (EINVAL); the data itself was synced.
  if (rc != 0 && !(err == EINVAL && (flags & O_DIRECTORY)))
    throw InputError(os_error(std::string("cannot sync ") + what, path, err));
}

}  // namespace

void sync_file(const fs::path& path) { sync_fd_of(path, O_RDONLY, "file"); }

void sync_directory(const fs::path& dir) {
  sync_fd_of(dir.empty() ? fs::path(".") : dir, O_RDONLY | O_DIRECTORY, "directory");
}

void rename_durably(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    const int err = errno;
    throw InputError("cannot rename " + printable(from.string()) + " to " + printable(to.string()) + ": " +
                     std::strerror(err));
  }
  sync_directory(to.parent_path());
}

void write_text_durably(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(os_error("cannot create", tmp, errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw InputError(os_error("cannot write", tmp, err));
    }
    done += static_cast<std::size_t>(n);
  }
  const int rc = ::fsync(fd);
  const int err = errno;
  if (::close(fd) != 0 || rc != 0) {
    ::unlink(tmp.c_str());
    throw InputError(os_error("cannot write", tmp, rc != 0 ? err : errno));
  }
  try {
    rename_durably(tmp, path);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

void seal_result(io::h5::File& f, const fs::path& path, bool complete) {
  f.set_attribute("complete", false);
  f.flush();
  f.close();
  if (!complete) return;
  {
    io::h5::File g = io::h5::File::open(path, io::h5::Mode::ReadWrite);
    g.set_attribute("complete", true);
    g.flush();
    g.close();
  }
  sync_file(path);
  const io::h5::File check = io::h5::File::open(path);
  if (!check.attribute<bool>("complete"))
    throw InputError(printable(path.string()) + ": re-opened after writing, it does not say complete = true");
}

std::string probe_file(const fs::path& path, const std::function<void()>& read) {
  std::fflush(nullptr);
  const pid_t child = ::fork();
  if (child < 0) return "";  // no process to spare: the caller reads it itself
  if (child == 0) {
    int code = 0;
    try {
      if (read)
        read();
      else
        io::h5::File::open(path).read_everything();
    } catch (...) {
      code = 1;
    }
    ::_exit(code);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFSIGNALED(status)) return "";
  const int sig = WTERMSIG(status);
  return "reading it crashed the HDF5 library (signal " + std::to_string(sig) + ", " + strsignal(sig) +
         "): the file is damaged";
}

std::string checkpoint_problem(const fs::path& path, const std::vector<std::string>& required) {
  if (std::string crash = probe_file(path); !crash.empty()) return crash;
  try {
    const io::h5::File f = io::h5::File::open(path);
    if (!f.has_attribute("complete") || !f.attribute<bool>("complete")) return "it does not say complete = true";
    for (const std::string& r : required)
      if (!f.exists(r)) return "it holds no " + r;
    return "";
  } catch (const Error& e) {
    return e.what();
  }
}

OutputLock::OutputLock(const fs::path& out) {
  const fs::path lock = out.string() + ".lock";
  // A lock file removed by its holder between our open and our flock is a stale inode: try again on
  // the new file, so two writers can never hold locks on different inodes of one name.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw InputError(os_error("cannot create the lock file", lock, errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      char holder[256] = {0};
      const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
      ::close(fd);
      if (err != EWOULDBLOCK)
        throw InputError(os_error("cannot lock", lock, err));
      std::string who = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : std::string();
      while (!who.empty() && (who.back() == '\n' || who.back() == '\0')) who.pop_back();
      throw InputError(printable(out.string()) + " is being written by another nanoreach" +
                       (who.empty() ? std::string() : " (" + printable(who) + ")") + ", which holds " +
                       printable(lock.string()) + "; wait for it to finish or choose another --out");
    }
    struct stat held {}, named {};
    if (::fstat(fd, &held) != 0 || ::stat(lock.c_str(), &named) != 0 || held.st_ino != named.st_ino ||
        held.st_dev != named.st_dev) {
      ::close(fd);
      continue;
    }
    char text[128];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const int len = std::snprintf(text, sizeof text, "pid %ld, since %s\n", static_cast<long>(::getpid()), when);
    if (::ftruncate(fd, 0) == 0 && len > 0) {
      const ssize_t written = ::pwrite(fd, text, static_cast<std::size_t>(len), 0);
      (void)written;  // the record is for people; the lock is the flock
    }
    fd_ = fd;
    path_ = lock;
    return;
  }
  throw InputError("cannot lock " + printable(lock.string()) + ": it keeps being replaced by another process");
}

OutputLock::~OutputLock() { release(); }

OutputLock::OutputLock(OutputLock&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

OutputLock& OutputLock::operator=(OutputLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

void OutputLock::release() noexcept {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still held: nobody can have locked the name in between
  ::close(fd_);
  fd_ = -1;
}

}  // namespace nanoreach
