#include "schedule/database.hpp"

#include <sqlite3.h>

#include <atomic>
#include <utility>

namespace stagehub::schedule {
namespace {

std::atomic<Transaction::CommitObserver> commit_observer{nullptr};

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
    throw DatabaseError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), stmt_(nullptr) {
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt_, nullptr) != SQLITE_OK) {
        fail(db, "preparing `" + std::string(sql) + "`");
    }
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
        fail(db_, "binding text parameter");
    }
    return *this;
}

Statement& Statement::bind(int index, int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK)
        fail(db_, "binding integer parameter");
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK)
        fail(db_, "binding null parameter");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(db_, std::string("running `") + sqlite3_sql(stmt_) + "`");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

int64_t Statement::column_int(int index) const {
    return sqlite3_column_int64(stmt_, index);
}

std::string Statement::column_text(int index) const {
    const auto* text = sqlite3_column_text(stmt_, index);
    const int size = sqlite3_column_bytes(stmt_, index);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size))
                : std::string();
}

bool Statement::column_is_null(int index) const {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

Database::Database(const std::filesystem::path& path) : path_(path) {
    const int rc =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = "cannot open database " + path.string() + ": " +
                              (db_ ? sqlite3_errmsg(db_) : "out of memory") +
                              " (check that the data directory exists and is writable)";
        sqlite3_close(db_);
        db_ = nullptr;
        throw DatabaseError(message);
    }
    // WAL: readers never block the writer; NORMAL sync is durable across process crashes
    // (only an OS crash can lose the last transactions), which is the trade-off we want.
    // A file that opens but is no database (a damaged one, which restore must survive) fails
    // here: a constructor that throws runs no destructor, so the handle is closed first.
    try {
        execute(
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;");
    } catch (...) {
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw;
    }
    sqlite3_busy_timeout(db_, 5000);
}

Database::~Database() {
    sqlite3_close_v2(db_);
}

void Database::execute(std::string_view sql) {
    char* message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string error = "executing `" + text + "`: " + (message ? message : "unknown error");
        sqlite3_free(message);
        throw DatabaseError(error);
    }
}

int64_t Database::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

int64_t Database::changes() const {
    return sqlite3_changes64(db_);
}

Transaction::Transaction(Database& db) : db_(db) {
    db_.execute("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (!done_) {
        try {
            db_.execute("ROLLBACK");
        } catch (const DatabaseError&) {
            // The connection already rolled back (e.g. after SQLITE_FULL); nothing to undo.
        }
    }
}

void Transaction::observe_commits(CommitObserver observer) {
    commit_observer.store(observer);
}

void Transaction::commit() {
    const auto started = std::chrono::steady_clock::now();
    db_.execute("COMMIT");
    done_ = true;
    if (const CommitObserver observer = commit_observer.load(std::memory_order_relaxed))
        observer(std::chrono::steady_clock::now() - started);
}

}  // namespace stagehub::schedule
