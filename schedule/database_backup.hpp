// `stagehub backup` and `stagehub restore` (docs/OPERATIONS.md, "Backups and restore"): a
// consistent copy of the live database taken while the server writes to it, and that copy
// put back in place of the live one.
//
// Backup reads one snapshot: it opens a read transaction on the live file before the first
// page is copied and holds it to the last, so under WAL the copy is the database as of that
// instant (writers keep committing; the online backup API never restarts, because the
// snapshot it reads does not move). Pages go over in steps with short pauses, so the copy
// competes gently with the server for the disk. The copy is written beside the target under
// a hidden name and renamed into place only after PRAGMA integrity_check says ok: the
// target's name never holds a half-written file.
//
// Threads: each call runs on the caller's thread with connections of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "schedule/result.hpp"

namespace stagehub::schedule {

// What a stagehub database holds, as `backup` and `restore` report it.
struct DatabaseSummary {
    uintmax_t bytes = 0;
    int schema_version = 0;
    int64_t events = 0;
    int64_t sessions = 0;
    int64_t registrations = 0;
    int64_t heartbeats = 0;
    int64_t revision = 0;  // the programme's latest revision (its change log)
};

// "1.2 MiB, schema version 9: 2 events, 48 sessions, 120 registrations, 5301 heartbeats,
// programme revision 17"
std::string describe(const DatabaseSummary& summary);

struct BackupOptions {
    bool overwrite = false;  // --force: replace an existing target
    int pages_per_step = 256;
    std::chrono::milliseconds pause{5};  // between steps
};

// Copies the database at `live` to `target`. Errors: not_found (no live database, no
// target folder), bad_state (the target exists and !overwrite), bad_arguments (the target
// is the live file), internal (SQLite failed, or the copy is not intact).
Result<DatabaseSummary> backup_database(const std::filesystem::path& live,
                                        const std::filesystem::path& target,
                                        const BackupOptions& options = {});

struct RestoreReport {
    DatabaseSummary restored;        // after migration
    int schema_version_of_file = 0;  // as the backup had it
    // Where the database it replaced was kept; nullopt when there was none.
    std::optional<std::filesystem::path> previous;
};

// Puts the backup `file` in place of `data_dir`/stagehub.db. Checks it first (an intact
// SQLite file, a stagehub database, a schema version this build knows) on a copy in the
// data folder, migrates that copy to this build's schema, keeps the database it replaces
// as stagehub.db.before-restore-<UTC time>, and renames the copy into place. Refuses, with
// nothing touched, while a server holds the data folder (data_folder_lock.hpp). Errors:
// not_found (no file), bad_state (a server is running; the file is of a newer stagehub),
// invalid (not an intact stagehub database), internal.
Result<RestoreReport> restore_database(const std::filesystem::path& file,
                                       const std::filesystem::path& data_dir);

}  // namespace stagehub::schedule
