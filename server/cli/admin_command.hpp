// `stagehub admin ...`: accounts and tokens from the command line, so the first organiser
// can be made on the server itself (anyone with the data directory is already in charge).
#pragma once

#include <ostream>

#include "server/app/options.hpp"

namespace stagehub::server {

// Prints the token of a new account once (it is stored only hashed). Returns the exit code.
int run_admin(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace stagehub::server
