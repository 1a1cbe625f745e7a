// Numbered schema migrations, applied in order at start-up. The database's
// PRAGMA user_version is the number of the last one applied.
#pragma once

#include "schedule/database.hpp"

namespace stagehub::schedule {

// The schema version this build writes.
int latest_schema_version();

// Applies every migration newer than the file's version, each in its own transaction.
// Throws DatabaseError if the file was written by a newer stagehub (refusing is safer
// than guessing at a schema we do not know).
void migrate(Database& db);

// migrate() stopping at `version`: the tests build a database as an older stagehub left it
// (tests/schedule/migration_fixtures_test.cpp).
void migrate_to(Database& db, int version);

}  // namespace stagehub::schedule
