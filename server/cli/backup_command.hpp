// `stagehub backup --to FILE` and `stagehub restore --from FILE`: the database of the data
// folder copied while the server serves, and put back while it does not
// (schedule/database_backup.hpp; docs/OPERATIONS.md, "Backups and restore").
#pragma once

#include <ostream>

#include "server/app/options.hpp"

namespace stagehub::server {

// Each returns the exit code: 0, or 1 with one line naming the problem on `err`.
int run_backup(const Options& options, std::ostream& out, std::ostream& err);
int run_restore(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace stagehub::server
