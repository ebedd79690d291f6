// Version and git revision of the build (see runner.hpp). The revision header is generated on every
// build by cmake/git_revision.cmake; only this file includes it, so a new revision recompiles one file.
#include "nanoreach_git_revision.hpp"
#include "nanoreach/sim/runner.hpp"

namespace nanoreach {

const char* nanoreach_version() { return NANOREACH_VERSION; }
const char* git_revision() { return NANOREACH_GIT_REV; }

}  // namespace nanoreach
