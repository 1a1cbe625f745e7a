// The ceiling of scripts/bench-ingest, and its row counter (docs/BENCHMARKS.md).
//
// Ceiling: a bare SQLite batch insert of heartbeat rows into a fresh database, with no HTTP,
// no parsing and no queue in front of it. The database is a schedule::Database (WAL,
// synchronous=NORMAL, as the server opens it) migrated by schedule::migrate(), so the table
// and its index are exactly the server's. The rows have the shape the load sends: a viewer id
// "PREFIX-THREAD-N" (N cycling below --viewers per load thread), kind 'live', a stage id, a
// position and 15 s played. They go in with one prepared INSERT, --batch rows per transaction
// (BEGIN IMMEDIATE ... COMMIT); the time is taken over the inserts and commits only.
//
// Count: the rows of table heartbeats in an existing database, or only those whose viewer id
// starts with a prefix (the script tells the warm-up's beats from the measured run's by it).
//
// stdout carries one line for the script: "CEILING rows=N batch=B seconds=S rows_per_s=R" or
// "COUNT rows=N". Errors go to stderr, with exit status 1 (2 for bad options).
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/database.hpp"
#include "schedule/migrations.hpp"

namespace stagehub::schedule {
namespace {

constexpr const char* kUsage =
    "usage: stagehub_ingest_ceiling --db FILE --rows N --stage ID[,ID...] [options]\n"
    "       stagehub_ingest_ceiling --count FILE [--viewer-prefix P]\n"
    "  --db FILE          a database file to create (it must not exist yet)\n"
    "  --rows N           heartbeat rows to insert\n"
    "  --stage IDS        the stage ids of the rows, taken in turn\n"
    "  --batch B          rows per transaction (default 256)\n"
    "  --load-threads T   viewer ids are spread as over T load threads (default 2)\n"
    "  --viewers V        distinct viewers per load thread (default 200000)\n"
    "  --viewer-prefix P  with --db: the viewer ids' prefix (default bench-ceiling);\n"
    "                     with --count: count only rows whose viewer id starts with P\n"
    "  --count FILE       print the number of rows in table heartbeats of FILE\n";

struct Options {
    std::filesystem::path db;
    std::filesystem::path count;
    int64_t rows = 0;
    std::vector<std::string> stages;
    int64_t batch = 256;
    int64_t load_threads = 2;
    int64_t viewers = 200000;
    std::string viewer_prefix;
    bool have_prefix = false;
};

int64_t positive(std::string_view name, std::string_view text) {
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 1)
        throw std::invalid_argument(std::string(name) + " needs a whole number of at least 1");
    return value;
}

std::vector<std::string> split(std::string_view text) {
    std::vector<std::string> parts;
    while (!text.empty()) {
        const size_t comma = text.find(',');
        const std::string_view part = text.substr(0, comma);
        if (!part.empty())
            parts.emplace_back(part);
        if (comma == std::string_view::npos)
            break;
        text.remove_prefix(comma + 1);
    }
    return parts;
}

// Throws std::invalid_argument naming the bad option ("usage" for --help).
Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "--help" || name == "-h")
            throw std::invalid_argument("usage");
        if (i + 1 >= argc)
            throw std::invalid_argument(std::string(name) + " needs a value");
        const std::string value = argv[++i];
        if (name == "--db") {
            options.db = value;
        } else if (name == "--count") {
            options.count = value;
        } else if (name == "--rows") {
            options.rows = positive(name, value);
        } else if (name == "--stage") {
            options.stages = split(value);
        } else if (name == "--batch") {
            options.batch = positive(name, value);
        } else if (name == "--load-threads") {
            options.load_threads = positive(name, value);
        } else if (name == "--viewers") {
            options.viewers = positive(name, value);
        } else if (name == "--viewer-prefix") {
            options.viewer_prefix = value;
            options.have_prefix = true;
        } else {
            throw std::invalid_argument("unknown option " + std::string(name));
        }
    }
    if (options.db.empty() == options.count.empty())
        throw std::invalid_argument("give either --db FILE (the ceiling) or --count FILE");
    if (!options.db.empty()) {
        if (options.rows == 0)
            throw std::invalid_argument("--db needs --rows N");
        if (options.stages.empty())
            throw std::invalid_argument("--db needs --stage ID");
        if (!options.have_prefix)
            options.viewer_prefix = "bench-ceiling";
    }
    return options;
}

int count_rows(const Options& options) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options.count, ec)) {
        std::fprintf(stderr, "error: no database at %s\n", options.count.c_str());
        return 1;
    }
    Database db(options.count);
    Statement count =
        db.prepare(options.have_prefix
                       ? "SELECT count(*) FROM heartbeats WHERE substr(viewer, 1, length(?1)) = ?1"
                       : "SELECT count(*) FROM heartbeats");
    if (options.have_prefix)
        count.bind(1, options.viewer_prefix);
    if (!count.step())
        throw DatabaseError("count(*) returned no row");
    std::printf("COUNT rows=%lld\n", static_cast<long long>(count.column_int(0)));
    return 0;
}

int ceiling(const Options& options) {
    std::error_code ec;
    if (std::filesystem::exists(options.db, ec)) {
        std::fprintf(stderr, "error: %s exists; the ceiling needs a fresh database\n",
                     options.db.c_str());
        return 1;
    }
    Database db(options.db);
    migrate(db);
    Statement insert = db.prepare(
        "INSERT INTO heartbeats (at_ms, viewer, kind, target, position_ms, played_ms) "
        "VALUES (?, ?, 'live', ?, ?, ?)");
    // The viewer ids, built before the clock starts, as the server has them parsed already.
    std::vector<std::string> viewers;
    viewers.reserve(static_cast<size_t>(options.rows));
    for (int64_t i = 0; i < options.rows; ++i) {
        const int64_t thread = i % options.load_threads + 1;
        const int64_t n = (i / options.load_threads) % options.viewers;
        viewers.push_back(options.viewer_prefix + "-" + std::to_string(thread) + "-" +
                          std::to_string(n));
    }
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    const auto start = std::chrono::steady_clock::now();
    for (int64_t done = 0; done < options.rows;) {
        const int64_t end = std::min(options.rows, done + options.batch);
        Transaction transaction(db);
        for (; done < end; ++done) {
            const size_t i = static_cast<size_t>(done);
            insert.bind(1, now_ms)
                .bind(2, viewers[i])
                .bind(3, options.stages[i % options.stages.size()])
                .bind(4, (done % 3600) * 1000)
                .bind(5, int64_t{15000});
            insert.run();
        }
        transaction.commit();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("CEILING rows=%lld batch=%lld seconds=%.6f rows_per_s=%.0f\n",
                static_cast<long long>(options.rows), static_cast<long long>(options.batch),
                seconds, static_cast<double>(options.rows) / seconds);
    return 0;
}

}  // namespace
}  // namespace stagehub::schedule

int main(int argc, char** argv) {
    using namespace stagehub::schedule;
    Options options;
    try {
        options = parse_options(argc, argv);
    } catch (const std::invalid_argument& e) {
        if (std::string_view(e.what()) != "usage")
            std::fprintf(stderr, "error: %s\n\n", e.what());
        std::fputs(kUsage, stderr);
        return 2;
    }
    try {
        return options.count.empty() ? ceiling(options) : count_rows(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
