// `stagehub check-config`: what `stagehub serve` would run with, from the same files and
// arguments (settings with where each came from, as a config file could hold them), and
// whether the folders and files they name are usable, before an IT department restarts
// the service on a changed configuration.
#pragma once

#include <ostream>

#include "server/app/options.hpp"

namespace stagehub::server {

// Returns the exit code: 0 when every check passed, 1 when one did not (each problem is a
// "problem:" line on `out`, after the settings).
int run_check_config(const Options& options, std::ostream& out);

}  // namespace stagehub::server
