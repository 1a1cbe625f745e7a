// `stagehub privacy export|erase --email ADDR | --code CODE`: the data subject's access and
// erasure (docs/PRIVACY.md), on the data directory's database, safe while the server runs
// (WAL, one transaction each). Logged: a line on stderr and a `privacy_audit` row, both
// naming the person only as a hash of the email or by the code.
#pragma once

#include <ostream>

#include "server/app/options.hpp"

namespace stagehub::server {

// Returns the exit code: 0, or 1 with the reason on `err`. The export (or what the erasure
// did) is JSON on `out`.
int run_privacy(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace stagehub::server
