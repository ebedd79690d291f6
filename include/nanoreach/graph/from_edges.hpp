// A social graph from edges held in memory: the Python bindings' networkx graphs, scipy sparse
// matrices and edge arrays. The rule is the edge-list source's (build.hpp), so a graph handed over
// from Python and the same edges read from a file give the same graph:
//   * undirected edges are strong ties; an audience is generated on top from spec.audience (none
//     when audience.distribution = "none");
//   * directed edges u -> v mean "v follows u": a reciprocated pair is one strong tie, the one-way
//     rest are audience edges (account -> follower), and no audience is generated.
// Every tie sits in spec.circle unless `circle` gives one per edge (1..4); a tie given twice (or
// both ways) keeps the smaller circle. Self-loops and repeated edges are dropped. An id outside
// [0, people) or a circle outside 1..4 is an InputError naming the edge and the value.
#pragma once

#include <cstdint>
#include <span>

#include "nanoreach/graph/build.hpp"

namespace nanoreach {

SocialGraph social_from_edges(node_t people, std::span<const node_t> src, std::span<const node_t> dst,
                              std::span<const std::uint8_t> circle, bool directed, const GraphSpec& spec,
                              std::uint64_t seed);

// Both layers given apart (a graph exported by nanoreach, whose edges say which layer they are
// in): strong ties (either direction, circles as above) and audience edges account -> follower, no
// audience generated. The same checks; an audience edge that duplicates a strong tie is an Error.
SocialGraph social_from_layers(node_t people, std::span<const node_t> strong_src, std::span<const node_t> strong_dst,
                               std::span<const std::uint8_t> strong_circle, std::span<const node_t> audience_src,
                               std::span<const node_t> audience_dst, const GraphSpec& spec);

}  // namespace nanoreach
