// A thin RAII layer over SQLite: one connection, prepared statements, transactions.
// SQLite failures are unexpected at this level (the schema is ours), so they throw
// DatabaseError naming the statement; callers at the request edge turn that into a 500.
//
// Threads: a Database is used by one thread at a time (SQLite's default serialized mode
// would allow more, but the design gives each thread its own connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace stagehub::schedule {

class DatabaseError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Statement {
  public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameters are 1-based, as in SQLite.
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, int64_t value);
    Statement& bind_null(int index);

    // Advances to the next row; false when done. Throws on error.
    bool step();
    // Runs a statement that returns no rows.
    void run();
    // Resets for another execution with new bindings.
    void reset();

    int64_t column_int(int index) const;
    std::string column_text(int index) const;
    bool column_is_null(int index) const;

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

class Database {
  public:
    // Opens (creating if needed) the file, turns on WAL, foreign keys and a busy timeout.
    // Throws DatabaseError naming the path when the file cannot be opened.
    explicit Database(const std::filesystem::path& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Statement prepare(std::string_view sql) { return Statement(db_, sql); }
    // Runs one or more statements with no parameters (schema, pragmas).
    void execute(std::string_view sql);
    int64_t last_insert_rowid() const;
    // Rows changed by the last INSERT, UPDATE or DELETE.
    int64_t changes() const;
    const std::filesystem::path& path() const { return path_; }
    sqlite3* handle() { return db_; }

  private:
    std::filesystem::path path_;
    sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() was called,
// so an exception or early return anywhere inside leaves nothing half-written.
class Transaction {
  public:
    // Called after each COMMIT with how long it took, on the committing thread (the loop,
    // the heartbeat writer, a report worker): the server's commit latency histogram. One
    // for the process, set once at start-up; null (the default) observes nothing.
    using CommitObserver = void (*)(std::chrono::nanoseconds took);
    static void observe_commits(CommitObserver observer);

    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    Database& db_;
    bool done_ = false;
};

}  // namespace stagehub::schedule
