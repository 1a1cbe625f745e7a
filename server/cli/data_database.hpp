// The database of a data folder a server has used, for the commands that read or change
// what it stored (`stagehub stats`, `stagehub privacy`): opened and migrated, never created,
// so a mistyped --data is an error rather than an empty new database.
#pragma once

#include <memory>
#include <ostream>

#include "schedule/database.hpp"
#include "server/app/options.hpp"

namespace stagehub::server {

// Nullptr, with the reason and the fix on `err`, when the folder holds no database.
std::unique_ptr<schedule::Database> open_data_database(const Options& options, std::ostream& err);

}  // namespace stagehub::server
