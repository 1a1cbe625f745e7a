// `stagehub stats --event ID`: the staff report in the terminal (or one table as CSV), read
// straight from the data directory's database, with the same rules as the server's report.
#pragma once

#include <ostream>

#include "server/app/options.hpp"

namespace stagehub::server {

// Returns the exit code: 0, or 1 with the reason on `err`.
int run_stats(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace stagehub::server
