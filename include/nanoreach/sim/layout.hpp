// What every dataset of a result file means, and the axis labels that let any HDF5 tool read it.
//
// Every dataset nanoreach writes carries a `description` attribute and, where its values have one,
// a `units` attribute (people, USD, steps, ties, followers, edges); dimensionless values (shares,
// probabilities, codes, names) have none. The tables /runs, /summary and /points get a `row`
// dataset (0..rows-1, int64), made the HDF5 dimension scale of every column's only axis, and each
// curve matrix /curves/<strategy>/<m> gets two scales beside it, `<m>_run` (the run number of each
// row, from /runs) and `<m>_step` (0..steps-1). Scales are named per matrix because matrices in one
// group have different widths, and netCDF-4 readers (h5netcdf, xarray) give one length to each
// dimension name in a group. Scales are not table columns: the `columns` attribute never lists them.
//
// finish_layout() is applied once to a finished file (run, sweep, merge, graph), after the last
// row is written; applying it again only rewrites the same attributes. An unknown dataset is a
// std::logic_error: a writer that adds a dataset must document it here, and the tests walk every
// dataset of every kind of file.
#pragma once

#include <string>

#include "nanoreach/io/h5.hpp"

namespace nanoreach {

struct DatasetDoc {
  std::string description;
  std::string units;  // empty: dimensionless
};

// The documentation of the dataset at `path` ("/runs/reach", "/graphs/2/degree_hist",
// "/curves/nano/sir_step"); std::logic_error for a path no writer produces.
DatasetDoc dataset_doc(const std::string& path);

// Dimension scales for /runs, /summary, /points and /curves, then description and units on every
// dataset of the file.
void finish_layout(io::h5::File& f);

}  // namespace nanoreach
