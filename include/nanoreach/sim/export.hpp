// Result files as CSV, for spreadsheet users (`nanoreach export R.h5 --format csv --out DIR`).
//
// Files, each with a header row and one row per table row, in the file's order and column order:
//   DIR/runs.csv, DIR/summary.csv, DIR/points.csv (sweeps only);
//   DIR/curves/<strategy>/<model>.csv: the curve matrix /curves/<strategy>/<model> (people who
//   adopted at each step; sir_infected: people infectious), one row per run with `point` (sweeps)
//   and `run` first, then one column per step named step_0, step_1, ...
// Numbers are written in the shortest form that reads back to the same value; NaN is an empty
// field; a text field is quoted (RFC 4180) when it holds a comma, a quote, a line break or spaces
// at either end. Nothing is written over an existing file unless `force`.
#pragma once

#include <filesystem>
#include <vector>

namespace nanoreach {

// The files written, in order. InputError when the result cannot be read, holds no /runs table, or
// a file exists (without force).
std::vector<std::filesystem::path> export_csv(const std::filesystem::path& result, const std::filesystem::path& dir,
                                              bool force);

}  // namespace nanoreach
