// Backup and restore of the database (schedule/database_backup.hpp) on real SQLite files:
// the copy is one consistent snapshot even while a writer commits, and restore refuses
// what it should with the live database untouched.
#include "schedule/database_backup.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "media_probe.hpp"  // read_text_file: the bytes as they are, on Linux
#include "schedule/data_folder_lock.hpp"
#include "schedule/database.hpp"
#include "schedule/migrations.hpp"
#include "temp_dir.hpp"

namespace stagehub::schedule {
namespace {

namespace fs = std::filesystem;
using stagehub::testing::read_text_file;
using stagehub::testing::TempDir;

int64_t count(Database& db, const std::string& sql) {
    auto query = db.prepare(sql);
    query.step();
    return query.column_int(0);
}

// A migrated database with an event, a stage, `sessions` sessions and `beats` heartbeats.
void fill(Database& db, int sessions, int beats) {
    migrate(db);
    Transaction tx(db);
    db.execute(
        "INSERT INTO events (id, title) VALUES ('dagen', 'Dagen');"
        "INSERT INTO stages (id, event_id, name, position) VALUES ('salen', 'dagen', 'Salen', 0);"
        "INSERT INTO change_log (event_id, at, actor, summary) VALUES ('dagen', 0, 't', "
        "'import');");
    auto session = db.prepare(
        "INSERT INTO sessions (id, event_id, stage_id, kind, title, starts_at, duration_s) "
        "VALUES (?, 'dagen', 'salen', 'talk', 'Ett samtal', ?, 600)");
    for (int i = 0; i < sessions; ++i)
        session.bind(1, "session-" + std::to_string(i))
            .bind(2, int64_t{1800000000} + 600 * i)
            .run();
    auto beat = db.prepare(
        "INSERT INTO heartbeats (at_ms, viewer, kind, target, position_ms, played_ms) "
        "VALUES (?, ?, 'live', 'salen', 0, 15000)");
    for (int i = 0; i < beats; ++i)
        beat.bind(1, int64_t{i}).bind(2, "viewer-" + std::to_string(i)).run();
    tx.commit();
}

TEST(DatabaseBackup, CopiesEveryRowIntoOneSelfContainedFileAndSaysWhat) {
    TempDir dir;
    Database live(dir / "stagehub.db");
    fill(live, 3, 50);
    const auto summary = backup_database(dir / "stagehub.db", dir / "copy.db");
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->schema_version, latest_schema_version());
    EXPECT_EQ(summary->events, 1);
    EXPECT_EQ(summary->sessions, 3);
    EXPECT_EQ(summary->heartbeats, 50);
    EXPECT_EQ(summary->registrations, 0);
    EXPECT_EQ(summary->revision, 1);
    EXPECT_EQ(summary->bytes, fs::file_size(dir / "copy.db"));
    EXPECT_NE(describe(*summary).find("3 sessions, 0 registrations, 50 heartbeats"),
              std::string::npos)
        << describe(*summary);
    // Rollback journal mode (header bytes 18 and 19 are 1, WAL would be 2): nothing
    // beside it is needed, and nothing else was left in the folder.
    const std::string bytes = read_text_file(dir / "copy.db");
    EXPECT_EQ(bytes[18], 1);
    EXPECT_EQ(bytes[19], 1);
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path()))
        files += entry.path().filename().string().starts_with("copy.db") ||
                         entry.path().filename().string().starts_with(".copy.db")
                     ? 1
                     : 0;
    EXPECT_EQ(files, 1u);
}

TEST(DatabaseBackup, RefusesToOverwriteAnExistingFileUnlessForced) {
    TempDir dir;
    Database live(dir / "stagehub.db");
    fill(live, 1, 1);
    std::ofstream(dir / "copy.db") << "last night's backup";
    const auto refused = backup_database(dir / "stagehub.db", dir / "copy.db");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::bad_state);
    EXPECT_NE(refused.error().message.find("--force"), std::string::npos);
    EXPECT_EQ(read_text_file(dir / "copy.db"), "last night's backup");

    BackupOptions force;
    force.overwrite = true;
    ASSERT_TRUE(backup_database(dir / "stagehub.db", dir / "copy.db", force));
    EXPECT_EQ(read_text_file(dir / "copy.db").substr(0, 15), "SQLite format 3");

    const auto onto_itself = backup_database(dir / "stagehub.db", dir / "stagehub.db", force);
    ASSERT_FALSE(onto_itself);
    EXPECT_EQ(onto_itself.error().code, ErrorCode::bad_arguments);
    EXPECT_FALSE(backup_database(dir / "nothing.db", dir / "other.db"));
    EXPECT_FALSE(fs::exists(dir / "nothing.db"));
}

// A writer commits a heartbeat and a change-log row together, hundreds of times while the
// copy is taken a page at a time: the copy holds as many of one as of the other (one
// snapshot), and the backup finishes (the writer does not make it start over).
TEST(DatabaseBackup, IsOneSnapshotWhileAWriterCommits) {
    TempDir dir;
    {
        Database live(dir / "stagehub.db");
        fill(live, 10, 20000);
    }
    std::atomic<bool> stop{false};
    std::atomic<int> commits{0};
    std::thread writer([&] {
        Database db(dir / "stagehub.db");
        auto beat = db.prepare(
            "INSERT INTO heartbeats (at_ms, viewer, kind, target, position_ms, played_ms) "
            "VALUES (1, 'w', 'live', 'salen', 0, 1)");
        auto change = db.prepare(
            "INSERT INTO change_log (event_id, at, actor, summary) VALUES ('dagen', 1, 'w', 'w')");
        while (!stop) {
            Transaction tx(db);
            beat.run();
            change.run();
            tx.commit();
            ++commits;
        }
    });
    while (commits < 20)
        std::this_thread::yield();
    const int before = commits;
    BackupOptions slow;
    slow.pages_per_step = 4;
    slow.pause = std::chrono::milliseconds{1};
    // Bounded: were the copy to start over at each commit, it would finish only once the
    // writer stops, and the test says so instead of hanging.
    auto copying = std::async(std::launch::async, [&] {
        return backup_database(dir / "stagehub.db", dir / "copy.db", slow);
    });
    const bool finished = copying.wait_for(std::chrono::seconds{20}) == std::future_status::ready;
    const int during = commits - before;
    stop = true;
    writer.join();
    const auto summary = copying.get();
    EXPECT_TRUE(finished) << "the backup did not finish while the writer committed";
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_GT(during, 20) << "the writer should have committed while the copy was taken";
    Database copy(dir / "copy.db");
    const int64_t beats = count(copy, "SELECT count(*) FROM heartbeats WHERE viewer = 'w'");
    const int64_t changes = count(copy, "SELECT count(*) FROM change_log WHERE actor = 'w'");
    EXPECT_EQ(beats, changes);
    EXPECT_GE(beats, before);
    EXPECT_EQ(summary->heartbeats, 20000 + beats);
    std::cout << "copied while " << during << " transactions committed; the snapshot holds "
              << beats << " of them\n";
}

class DatabaseRestore : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::create_directories(data_);
        Database live(data_ / "stagehub.db");
        fill(live, 2, 7);
        live.execute("UPDATE events SET title = 'Live'");
    }

    // The backup to restore: the same shape, other content.
    fs::path make_backup(int sessions) {
        const fs::path other = dir_ / "other";
        fs::create_directories(other);
        {
            Database db(other / "stagehub.db");
            fill(db, sessions, 3);
            db.execute("UPDATE events SET title = 'Backed up'");
        }
        const auto made = backup_database(other / "stagehub.db", dir_ / "backup.db");
        EXPECT_TRUE(made);
        return dir_ / "backup.db";
    }

    void expect_live_untouched(const std::string& bytes_before) {
        EXPECT_EQ(read_text_file(data_ / "stagehub.db"), bytes_before);
        Database live(data_ / "stagehub.db");
        EXPECT_EQ(count(live, "SELECT count(*) FROM events WHERE title = 'Live'"), 1);
        size_t entries = 0;
        for (const auto& entry : fs::directory_iterator(data_)) {
            (void)entry;
            ++entries;
        }
        EXPECT_LE(entries, 4u) << "stagehub.db, its -wal and -shm, stagehub.lock: nothing else";
    }

    TempDir dir_;
    fs::path data_ = dir_ / "data";
};

TEST_F(DatabaseRestore, PutsTheBackupInPlaceAndKeepsThePreviousDatabase) {
    const fs::path backup = make_backup(5);
    // A server killed with -9 leaves its last commits in stagehub.db-wal: they belong to
    // the previous database, and must neither be lost nor replayed into the restored one.
    Database crashed(data_ / "stagehub.db");
    crashed.execute("PRAGMA wal_autocheckpoint=0; UPDATE events SET title = 'In the WAL';");
    ASSERT_TRUE(fs::exists(data_ / "stagehub.db-wal"));
    const fs::path frozen = dir_ / "frozen";
    fs::create_directories(frozen);
    for (const char* name : {"stagehub.db", "stagehub.db-wal", "stagehub.db-shm"})
        fs::copy_file(data_ / name, frozen / name);
    const fs::path crashed_data = dir_ / "crashed";
    fs::rename(frozen, crashed_data);

    const auto report = restore_database(backup, crashed_data);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->restored.sessions, 5);
    EXPECT_EQ(report->restored.schema_version, latest_schema_version());
    ASSERT_TRUE(report->previous);
    EXPECT_TRUE(report->previous->filename().string().starts_with("stagehub.db.before-restore-"))
        << *report->previous;
    EXPECT_FALSE(fs::exists(crashed_data / "stagehub.db-wal"));
    EXPECT_FALSE(fs::exists(crashed_data / "stagehub.db-shm"));
    {
        Database restored(crashed_data / "stagehub.db");
        EXPECT_EQ(count(restored, "SELECT count(*) FROM events WHERE title = 'Backed up'"), 1);
        EXPECT_EQ(count(restored, "SELECT count(*) FROM sessions"), 5);
    }
    Database previous(*report->previous);
    EXPECT_EQ(count(previous, "SELECT count(*) FROM events WHERE title = 'In the WAL'"), 1);
    EXPECT_EQ(count(previous, "SELECT count(*) FROM sessions"), 2);
}

// A live database too damaged to open keeps its WAL: both go aside together, and the
// restored file does not meet a WAL that is not its own.
TEST_F(DatabaseRestore, ADamagedLiveDatabaseGoesAsideWithItsWal) {
    const fs::path backup = make_backup(4);
    std::ofstream(data_ / "stagehub.db", std::ios::trunc) << "damaged beyond opening";
    std::ofstream(data_ / "stagehub.db-wal") << "its write-ahead log";
    const auto report = restore_database(backup, data_);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_TRUE(report->previous);
    EXPECT_EQ(read_text_file(*report->previous), "damaged beyond opening");
    EXPECT_EQ(read_text_file(report->previous->string() + "-wal"), "its write-ahead log");
    EXPECT_FALSE(fs::exists(data_ / "stagehub.db-wal"));
    Database restored(data_ / "stagehub.db");
    EXPECT_EQ(count(restored, "SELECT count(*) FROM sessions"), 4);
}

TEST_F(DatabaseRestore, RefusesACorruptFileWithoutTouchingTheLiveDatabase) {
    const std::string before = read_text_file(data_ / "stagehub.db");
    std::string damaged = read_text_file(make_backup(40));
    for (size_t at = 4096; at < damaged.size(); at += 97)
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    std::ofstream(dir_ / "damaged.db", std::ios::binary) << damaged;
    const auto refused = restore_database(dir_ / "damaged.db", data_);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::invalid);
    EXPECT_NE(refused.error().message.find("live database is untouched"), std::string::npos)
        << refused.error().message;
    expect_live_untouched(before);

    std::ofstream(dir_ / "notes.txt") << "not a database at all, but long enough to look like one";
    const auto text = restore_database(dir_ / "notes.txt", data_);
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().code, ErrorCode::invalid);
    expect_live_untouched(before);
}

TEST_F(DatabaseRestore, RefusesWhatIsNotAStagehubDatabaseOrIsOfANewerOne) {
    const std::string before = read_text_file(data_ / "stagehub.db");
    {
        Database other(dir_ / "other.db");
        other.execute("CREATE TABLE notes (text TEXT)");
    }
    const auto foreign = restore_database(dir_ / "other.db", data_);
    ASSERT_FALSE(foreign);
    EXPECT_NE(foreign.error().message.find("not a stagehub database"), std::string::npos);

    const fs::path backup = make_backup(1);
    {
        Database newer(backup);
        newer.execute("PRAGMA user_version = 999");
    }
    const auto future = restore_database(backup, data_);
    ASSERT_FALSE(future);
    EXPECT_EQ(future.error().code, ErrorCode::bad_state);
    EXPECT_NE(future.error().message.find("schema version 999"), std::string::npos);
    expect_live_untouched(before);
}

TEST_F(DatabaseRestore, RefusesWhileAServerHoldsTheDataFolder) {
    const fs::path backup = make_backup(1);
    const std::string before = read_text_file(data_ / "stagehub.db");
    {
        auto held = DataFolderLock::acquire(data_);
        ASSERT_TRUE(held);
        const auto refused = restore_database(backup, data_);
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code, ErrorCode::bad_state);
        EXPECT_NE(refused.error().message.find("stop it first"), std::string::npos);
        expect_live_untouched(before);
    }
    EXPECT_TRUE(restore_database(backup, data_)) << "the lock goes with its holder";
}

TEST_F(DatabaseRestore, MigratesABackupOfAnOlderSchema) {
    {
        Database old(dir_ / "old.db");
        migrate_to(old, 3);
        old.execute(
            "INSERT INTO events (id, title) VALUES ('gammal', 'Gammal');"
            "PRAGMA journal_mode=DELETE;");
    }
    const auto report = restore_database(dir_ / "old.db", data_);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->schema_version_of_file, 3);
    EXPECT_EQ(report->restored.schema_version, latest_schema_version());
    Database restored(data_ / "stagehub.db");
    EXPECT_EQ(count(restored, "SELECT count(*) FROM events WHERE id = 'gammal'"), 1);
    EXPECT_EQ(count(restored, "SELECT count(*) FROM heartbeats"), 0);
}

}  // namespace
}  // namespace stagehub::schedule
