#include "schedule/database_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>
#include <utility>

#include "schedule/data_folder_lock.hpp"
#include "schedule/database.hpp"
#include "schedule/migrations.hpp"

namespace stagehub::schedule {
namespace {

namespace fs = std::filesystem;

// A raw connection opened with exactly these flags: the Database class turns on WAL, which a
// backup file (one self-contained file) and a file being checked must not get.
class Connection {
  public:
    Connection(const fs::path& path, int flags) {
        if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK)
            error_ = db_ ? sqlite3_errmsg(db_) : "out of memory";
        else
            sqlite3_busy_timeout(db_, 5000);
    }
    ~Connection() { sqlite3_close_v2(db_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    sqlite3* get() { return db_; }

    // Runs SQL whose rows do not matter; the error message, or "" when it ran.
    std::string execute(const char* sql) {
        char* message = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK)
            return "";
        std::string text = message ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        return text.empty() ? "unknown error" : text;
    }

    // The rows of a one-column query as text; nullopt with `error_` set when it fails.
    std::optional<std::vector<std::string>> column(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            error_ = sqlite3_errmsg(db_);
            return std::nullopt;
        }
        std::vector<std::string> rows;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            const auto* text = sqlite3_column_text(stmt, 0);
            rows.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
        }
        if (rc != SQLITE_DONE)
            error_ = sqlite3_errmsg(db_);
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE)
            return std::nullopt;
        return rows;
    }

    int64_t number(const std::string& sql) {
        const auto rows = column(sql);
        return rows && !rows->empty() ? std::stoll("0" + (*rows)[0]) : 0;
    }

  private:
    sqlite3* db_ = nullptr;
    std::string error_;
};

// Removes a file and the sidecars SQLite may have left beside it, on every path out.
class TemporaryFile {
  public:
    explicit TemporaryFile(fs::path path) : path_(std::move(path)) { remove(); }
    ~TemporaryFile() {
        if (!kept_)
            remove();
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    const fs::path& path() const { return path_; }
    void keep() { kept_ = true; }

  private:
    void remove() {
        std::error_code ec;
        for (const char* suffix : {"", "-journal", "-wal", "-shm"})
            fs::remove(path_.string() + suffix, ec);
    }
    fs::path path_;
    bool kept_ = false;
};

Error sqlite_failure(const std::string& what, const std::string& message) {
    return Error(ErrorCode::internal, what + ": " + message);
}

// Empty when PRAGMA integrity_check says ok; else its first complaints.
std::string integrity_problems(Connection& db) {
    const auto rows = db.column("PRAGMA integrity_check(5)");
    if (!rows)
        return db.error();
    if (rows->size() == 1 && (*rows)[0] == "ok")
        return "";
    std::string problems;
    for (const std::string& row : *rows)
        problems += (problems.empty() ? "" : "; ") + row;
    return problems;
}

bool has_table(Connection& db, const std::string& name) {
    return db.number("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '" + name +
                     "'") > 0;
}

DatabaseSummary summarise(Connection& db) {
    DatabaseSummary summary;
    summary.schema_version = static_cast<int>(db.number("PRAGMA user_version"));
    // Tables a schema version before 7 did not have count as empty.
    const auto count = [&](const std::string& table) {
        return has_table(db, table) ? db.number("SELECT count(*) FROM " + table) : 0;
    };
    summary.events = count("events");
    summary.sessions = count("sessions");
    summary.registrations = count("registrations");
    summary.heartbeats = count("heartbeats");
    if (has_table(db, "change_log"))
        summary.revision = db.number("SELECT coalesce(max(revision), 0) FROM change_log");
    return summary;
}

// Copies every page of `from` into `to`, `pages` at a time with `pause` between steps.
// The caller holds a read transaction on `from` when it wants one snapshot.
std::string copy_pages(Connection& from, Connection& to, int pages,
                       std::chrono::milliseconds pause) {
    sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
    if (backup == nullptr)
        return sqlite3_errmsg(to.get());
    // Busy: another connection holds a lock the step needs (each try already waited out the
    // busy timeout); a lock held for minutes is a fault to report, not to wait on forever.
    int rc;
    int busy = 0;
    while ((rc = sqlite3_backup_step(backup, pages)) == SQLITE_OK ||
           ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++busy < 24)) {
        if (rc == SQLITE_OK)
            busy = 0;
        std::this_thread::sleep_for(pause);
    }
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE)
        return sqlite3_errstr(rc) + std::string(" (") + sqlite3_errmsg(from.get()) + ")";
    return "";
}

// Flushes a file, or a folder's entries after a rename, to the disk.
void sync_path(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

fs::path folder_of(const fs::path& file) {
    return file.has_parent_path() ? file.parent_path() : fs::path(".");
}

std::string utc_stamp() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return text;
}

Error target_exists(const fs::path& target) {
    return Error(ErrorCode::bad_state,
                 target.string() + " exists: choose another name, or pass --force to replace it");
}

// Whether `file` opens and reads as a database, looked at without writing anything.
bool reads_as_database(const fs::path& file) {
    Connection probe(file, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    return probe.ok() && probe.execute("SELECT count(*) FROM sqlite_schema").empty();
}

}  // namespace

std::string describe(const DatabaseSummary& s) {
    const auto count = [](int64_t n, const char* one, const char* many) {
        return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    char size[32];
    if (s.bytes >= 1024 * 1024)
        std::snprintf(size, sizeof size, "%.1f MiB", static_cast<double>(s.bytes) / 1048576.0);
    else
        std::snprintf(size, sizeof size, "%.1f KiB", static_cast<double>(s.bytes) / 1024.0);
    return std::string(size) + ", schema version " + std::to_string(s.schema_version) + ": " +
           count(s.events, "event", "events") + ", " + count(s.sessions, "session", "sessions") +
           ", " + count(s.registrations, "registration", "registrations") + ", " +
           count(s.heartbeats, "heartbeat", "heartbeats") + ", programme revision " +
           std::to_string(s.revision);
}

Result<DatabaseSummary> backup_database(const fs::path& live, const fs::path& target,
                                        const BackupOptions& options) {
    if (!fs::is_regular_file(live)) {
        return Error(ErrorCode::not_found, "no database at " + live.string() +
                                               ": pass the server's data folder with --data DIR");
    }
    const fs::path folder = folder_of(target);
    if (!fs::is_directory(folder)) {
        return Error(ErrorCode::not_found,
                     "no folder " + folder.string() + " for " + target.string() + ": create it");
    }
    std::error_code ec;
    if (fs::exists(target)) {
        if (fs::equivalent(target, live, ec)) {
            return Error(ErrorCode::bad_arguments,
                         target.string() + " is the live database: back up to another file");
        }
        if (!options.overwrite) {
            return target_exists(target);
        }
    }
    // (Built by appending: GCC 12's -Wrestrict misfires on "." + std::string at -O3.)
    std::string hidden = ".";
    hidden += target.filename().string() + ".partial-" + std::to_string(::getpid());
    TemporaryFile partial(folder / hidden);

    // No SQLITE_OPEN_CREATE: a missing file must not become an empty database.
    Connection source(live, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX);
    if (!source.ok())
        return sqlite_failure("cannot open " + live.string(), source.error());
    // The snapshot: a read transaction begun now and held until the last page is copied.
    if (auto failed = source.execute("BEGIN; SELECT count(*) FROM sqlite_schema;");
        !failed.empty()) {
        return sqlite_failure("cannot read " + live.string(), failed);
    }
    {
        Connection copy(partial.path(),
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
        if (!copy.ok())
            return sqlite_failure("cannot create " + partial.path().string(), copy.error());
        if (auto failed = copy_pages(source, copy, options.pages_per_step, options.pause);
            !failed.empty()) {
            return sqlite_failure("copying " + live.string(), failed);
        }
        source.execute("COMMIT");
        // The live file is in WAL mode and its header says so; the copy is one file that
        // needs no -wal or -shm beside it (the server turns WAL on again when it opens it).
        if (auto failed = copy.execute("PRAGMA journal_mode=DELETE"); !failed.empty())
            return sqlite_failure("finishing " + partial.path().string(), failed);
        if (const std::string problems = integrity_problems(copy); !problems.empty()) {
            return Error(ErrorCode::internal,
                         "the copy of " + live.string() + " is not intact (" + problems +
                             "); nothing was written to " + target.string() +
                             "; check the live database with PRAGMA integrity_check");
        }
    }
    Connection copy(partial.path(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    DatabaseSummary summary = summarise(copy);
    sync_path(partial.path());
    // Without --force the target may not appear between the check above and now either.
    const unsigned flags = options.overwrite ? 0u : RENAME_NOREPLACE;
    if (::renameat2(AT_FDCWD, partial.path().c_str(), AT_FDCWD, target.c_str(), flags) != 0) {
        if (errno == EEXIST) {
            return target_exists(target);
        }
        return Error(ErrorCode::internal,
                     "cannot rename the copy to " + target.string() + ": " + std::strerror(errno));
    }
    partial.keep();
    sync_path(folder);
    summary.bytes = fs::file_size(target, ec);
    return summary;
}

Result<RestoreReport> restore_database(const fs::path& file, const fs::path& data_dir) {
    if (!fs::is_regular_file(file))
        return Error(ErrorCode::not_found, "no backup file " + file.string());
    auto lock = DataFolderLock::acquire(data_dir);
    if (!lock)
        return lock.error();
    const fs::path live = data_dir / "stagehub.db";
    std::string hidden = ".stagehub.db.restoring-";
    hidden += std::to_string(::getpid());
    TemporaryFile staged(data_dir / hidden);

    // Everything is checked and migrated on a copy in the data folder; until the last
    // rename nothing of the live database is touched.
    RestoreReport report;
    {
        Connection backup(file, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
        Connection copy(staged.path(),
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
        if (!copy.ok())
            return sqlite_failure("cannot create " + staged.path().string(), copy.error());
        std::string failed = backup.ok()
                                 ? copy_pages(backup, copy, -1, std::chrono::milliseconds{5})
                                 : backup.error();
        if (failed.empty())
            failed = integrity_problems(copy);
        if (!failed.empty()) {
            return Error(ErrorCode::invalid, file.string() + " is not an intact SQLite database (" +
                                                 failed + "); the live database is untouched");
        }
        if (!has_table(copy, "events") || !has_table(copy, "sessions") ||
            !has_table(copy, "change_log") || copy.number("PRAGMA user_version") < 1) {
            return Error(ErrorCode::invalid, file.string() +
                                                 " is not a stagehub database; the live "
                                                 "database is untouched");
        }
        report.schema_version_of_file = static_cast<int>(copy.number("PRAGMA user_version"));
        if (report.schema_version_of_file > latest_schema_version()) {
            return Error(ErrorCode::bad_state,
                         file.string() + " has schema version " +
                             std::to_string(report.schema_version_of_file) +
                             " but this stagehub knows only up to " +
                             std::to_string(latest_schema_version()) +
                             ": restore it with a newer stagehub; the live database is untouched");
        }
    }
    try {
        Database copy(staged.path());
        migrate(copy);
        copy.execute("PRAGMA journal_mode=DELETE");
    } catch (const DatabaseError& e) {
        return Error(ErrorCode::internal, std::string("migrating the restored copy: ") + e.what() +
                                              "; the live database is untouched");
    }
    {
        Connection copy(staged.path(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
        report.restored = summarise(copy);
    }
    sync_path(staged.path());

    std::error_code ec;
    if (fs::exists(live)) {
        // Fold the old database's WAL into its file, so the kept copy is whole on its own. A
        // damaged one is kept as it is, its sidecars moved with it below: it is looked at
        // read-only first, since closing a read-write connection to it may reset its WAL.
        if (reads_as_database(live)) {
            try {
                Database old(live);
                old.execute("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;");
            } catch (const DatabaseError&) {
            }
        }
        fs::path previous = data_dir / ("stagehub.db.before-restore-" + utc_stamp());
        for (int n = 2; fs::exists(previous); ++n)
            previous =
                data_dir / ("stagehub.db.before-restore-" + utc_stamp() + "-" + std::to_string(n));
        // A second name for the old file: stagehub.db stays in place until the rename below
        // replaces it in one step.
        if (::link(live.c_str(), previous.c_str()) != 0) {
            fs::copy_file(live, previous, ec);
            if (ec) {
                return Error(ErrorCode::internal, "cannot keep the previous database as " +
                                                      previous.string() + ": " + ec.message() +
                                                      "; the live database is untouched");
            }
        }
        // A -wal left beside stagehub.db would be replayed into the restored file and
        // corrupt it: the sidecars go with the database they belong to.
        for (const char* suffix : {"-wal", "-shm", "-journal"}) {
            const fs::path sidecar = live.string() + suffix;
            if (fs::exists(sidecar))
                fs::rename(sidecar, previous.string() + suffix, ec);
        }
        report.previous = previous;
    }
    if (::rename(staged.path().c_str(), live.c_str()) != 0) {
        return Error(ErrorCode::internal, "cannot move the restored database into place: " +
                                              std::string(std::strerror(errno)));
    }
    staged.keep();
    sync_path(data_dir);
    report.restored.bytes = fs::file_size(live, ec);
    return report;
}

}  // namespace stagehub::schedule
