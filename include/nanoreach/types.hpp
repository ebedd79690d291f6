// Node ids and edge offsets, declared once for the whole project (STYLE.md habit 4).
//
// Invariants: a node id is a 32-bit index in [0, N); an edge offset is 64-bit, so a graph may hold
// more than 4 billion directed edge entries. Builders check for overflow with checked_node_count().
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "nanoreach/error.hpp"

namespace nanoreach {

using node_t = std::uint32_t;
using offset_t = std::uint64_t;

inline constexpr node_t kNoNode = std::numeric_limits<node_t>::max();
// The largest population a graph may hold: kNoNode is reserved as "no node".
inline constexpr std::uint64_t kMaxNodes = std::numeric_limits<node_t>::max();

// Dunbar's number: no person ever has more strong ties than this (MODEL.md section 1).
inline constexpr std::uint32_t kDunbarCap = 150;

inline node_t checked_node_count(std::uint64_t n, const char* what) {
  if (n > kMaxNodes)
    throw InputError(std::string(what) + ": " + std::to_string(n) +
                     " nodes do not fit 32-bit node ids (at most " + std::to_string(kMaxNodes) + ")");
  return static_cast<node_t>(n);
}

}  // namespace nanoreach
