/* A full disk on demand, for the fault-injection tests (test_faults.py): preloaded into the program
 * (LD_PRELOAD), it lets NANOREACH_FAULT_WRITE_LIMIT bytes reach regular files and then fails every
 * further write to a regular file with ENOSPC, as a disk that has just filled up does: write,
 * pwrite and writev write what still fits (a short write), then fail. Pipes and terminals (the
 * program's messages) are never touched. Without the variable it changes nothing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long limit = -2; /* -2: not read yet, -1: no limit */
static atomic_llong used;

static int is_regular(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* How many of `n` bytes may still be written to fd: n when there is room, less on the write that
 * fills the disk, -1 (errno = ENOSPC) once it is full. */
static ssize_t allowed(int fd, size_t n) {
  if (limit == -2) {
    const char* v = getenv("NANOREACH_FAULT_WRITE_LIMIT");
    limit = v && *v ? atoll(v) : -1;
  }
  if (limit < 0 || n == 0 || !is_regular(fd)) return (ssize_t)n;
  const long long before = atomic_fetch_add(&used, (long long)n);
  if (before >= limit) {
    atomic_fetch_sub(&used, (long long)n);
    errno = ENOSPC;
    return -1;
  }
  if (before + (long long)n > limit) {
    atomic_fetch_sub(&used, before + (long long)n - limit);
    return (ssize_t)(limit - before);
  }
  return (ssize_t)n;
}

ssize_t write(int fd, const void* buf, size_t n) {
  static ssize_t (*real)(int, const void*, size_t);
  if (!real) real = (ssize_t(*)(int, const void*, size_t))dlsym(RTLD_NEXT, "write");
  const ssize_t k = allowed(fd, n);
  return k < 0 ? -1 : real(fd, buf, (size_t)k);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  static ssize_t (*real)(int, const void*, size_t, off_t);
  if (!real) real = (ssize_t(*)(int, const void*, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
  const ssize_t k = allowed(fd, n);
  return k < 0 ? -1 : real(fd, buf, (size_t)k, off);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) {
  static ssize_t (*real)(int, const void*, size_t, off_t);
  if (!real) real = (ssize_t(*)(int, const void*, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
  const ssize_t k = allowed(fd, n);
  return k < 0 ? -1 : real(fd, buf, (size_t)k, off);
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
  static ssize_t (*real)(int, const struct iovec*, int);
  if (!real) real = (ssize_t(*)(int, const struct iovec*, int))dlsym(RTLD_NEXT, "writev");
  size_t n = 0;
  for (int i = 0; i < count; ++i) n += iov[i].iov_len;
  const ssize_t k = allowed(fd, n);
  if (k < 0) return -1;
  if ((size_t)k == n) return real(fd, iov, count);
  /* A short write: only the first k bytes. */
  ssize_t done = 0;
  for (int i = 0; i < count && done < k; ++i) {
    size_t part = iov[i].iov_len;
    if ((ssize_t)part > k - done) part = (size_t)(k - done);
    const ssize_t w = real(fd, &(struct iovec){iov[i].iov_base, part}, 1);
    if (w < 0) return done > 0 ? done : -1;
    done += w;
  }
  return done;
}
