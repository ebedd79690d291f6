// MPI for sweeps, when the build has it and the program was started by mpirun; otherwise a single
// process with the same interface. Work is shared by a counter that every rank increments atomically
// (MPI one-sided Fetch_and_op on a window at rank 0), so ranks that finish early take more items:
// dynamic load balancing without a master that does nothing else.
#pragma once

#include <cstdint>

namespace nanoreach {

class Mpi {
 public:
  // Initialises MPI on first use if the process was launched by an MPI starter (mpirun, srun).
  static Mpi& world();
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool active() const { return active_; }

  // A new shared counter at zero (collective).
  void reset_counter();
  // The counter's value before adding one.
  std::uint64_t next();
  void barrier();
  // Logical AND over ranks (collective).
  bool all(bool mine);
  // Ends the job on every rank (after an error on one).
  [[noreturn]] void abort(int code);
  void finalize();

 private:
  Mpi();
  bool active_ = false;
  int rank_ = 0, size_ = 1;
  std::uint64_t local_counter_ = 0;
  void* win_ = nullptr;   // MPI_Win, when active
  void* base_ = nullptr;
};

}  // namespace nanoreach
