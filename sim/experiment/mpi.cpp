// MPI wrapper (see mpi.hpp). Compiled with or without MPI (NANOREACH_HAVE_MPI).
#include "mpi.hpp"

#include <cstdlib>
#include <initializer_list>

#ifdef NANOREACH_HAVE_MPI
#include <mpi.h>
#endif

namespace nanoreach {

namespace {
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}
}  // namespace

Mpi& Mpi::world() {
  static Mpi mpi;
  return mpi;
}

Mpi::Mpi() {
#ifdef NANOREACH_HAVE_MPI
  if (!launched_by_mpi()) return;
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  active_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  std::atexit([] { Mpi::world().finalize(); });
#endif
}

void Mpi::reset_counter() {
  local_counter_ = 0;
#ifdef NANOREACH_HAVE_MPI
  if (!active_) return;
  if (win_) {
    MPI_Win w = static_cast<MPI_Win>(win_);
    MPI_Win_free(&w);
    win_ = nullptr;
  }
  MPI_Win w;
  void* base = nullptr;
  MPI_Win_allocate(rank_ == 0 ? sizeof(std::uint64_t) : 0, sizeof(std::uint64_t), MPI_INFO_NULL, MPI_COMM_WORLD,
                   &base, &w);
  if (rank_ == 0) {
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, w);
    *static_cast<std::uint64_t*>(base) = 0;
    MPI_Win_unlock(0, w);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  win_ = w;
  base_ = base;
#endif
}

std::uint64_t Mpi::next() {
#ifdef NANOREACH_HAVE_MPI
  if (active_) {
    MPI_Win w = static_cast<MPI_Win>(win_);
    const std::uint64_t one = 1;
    std::uint64_t before = 0;
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, w);
    MPI_Fetch_and_op(&one, &before, MPI_UINT64_T, 0, 0, MPI_SUM, w);
    MPI_Win_unlock(0, w);
    return before;
  }
#endif
  return local_counter_++;
}

void Mpi::barrier() {
#ifdef NANOREACH_HAVE_MPI
  if (active_) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

bool Mpi::all(bool mine) {
#ifdef NANOREACH_HAVE_MPI
  if (active_) {
    int in = mine ? 1 : 0, out = 0;
    MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return out != 0;
  }
#endif
  return mine;
}

void Mpi::abort(int code) {
#ifdef NANOREACH_HAVE_MPI
  if (active_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

void Mpi::finalize() {
#ifdef NANOREACH_HAVE_MPI
  if (!active_) return;
  if (win_) {
    MPI_Win w = static_cast<MPI_Win>(win_);
    MPI_Win_free(&w);
    win_ = nullptr;
  }
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
  active_ = false;
#endif
}

}  // namespace nanoreach
