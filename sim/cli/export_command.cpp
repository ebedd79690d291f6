// nanoreach export R.h5 --format csv --out DIR: the tables of a result file as CSV (the work is
// export_csv in the experiment layer; this prints what was written).
#include <cstdio>

#include "commands.hpp"
#include "nanoreach/sim/export.hpp"

namespace nanoreach::cli {

int cmd_export(const std::string& file, const std::string& format, const std::string& out, bool force, bool quiet) {
  if (format != "csv") throw InputError("--format " + format + ": the only format is csv");
  const auto written = export_csv(file, out, force);
  if (!quiet)
    for (const auto& p : written) std::printf("wrote %s\n", p.string().c_str());
  return 0;
}

}  // namespace nanoreach::cli
