// Large arrays on transparent huge pages.
//
// The graph's CSR arrays, the IMM records and the RR sets are hundreds of megabytes read at random:
// on 4 KiB pages nearly every read that misses the cache also misses the TLB and pays a page walk.
// This program's global operator new (the replaceable one every std::vector goes through) asks the
// kernel to back each block of kMinBytes or more with 2 MiB pages (madvise MADV_HUGEPAGE) before
// the block is first touched. malloc serves such blocks from fresh mappings, so their pages are
// faulted in as huge pages wherever the kernel has them. It is advice only: with transparent huge
// pages off ("never") or no huge page free, nothing changes but the speed. Results never depend on
// it. Measured with `nanoreach bench` (README, Performance).
//
// Left out of sanitizer builds, whose runtime replaces operator new itself.
#if !defined(__SANITIZE_ADDRESS__) && !defined(NANOREACH_NO_HUGE_PAGES)

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t kMinBytes = std::size_t(8) << 20;
constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;

void* allocate(std::size_t bytes) {
  void* p = std::malloc(bytes == 0 ? 1 : bytes);
  if (p == nullptr) throw std::bad_alloc();
  if (bytes >= kMinBytes) {
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t begin = (a + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t end = (a + bytes) & ~(kHuge - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice: errors ignored
  }
  return p;
}

}  // namespace

// Only the ordinary forms: libstdc++'s nothrow, array and sized forms call these, and its aligned
// forms keep their own matching pair.
void* operator new(std::size_t bytes) { return allocate(bytes); }
void* operator new[](std::size_t bytes) { return allocate(bytes); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

#endif
