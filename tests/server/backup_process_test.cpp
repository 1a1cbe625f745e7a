// `stagehub backup` and `stagehub restore` with the real executable, as an operator runs
// them: a backup taken while the server ingests heartbeats and an organiser edits, restored
// into a fresh data folder, holds every row acknowledged before the backup began and is one
// consistent snapshot; restore refuses while the server runs and refuses a damaged file.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "media_probe.hpp"  // read_text_file: the bytes as they are, on Linux
#include "net_client.hpp"
#include "schedule/database.hpp"
#include "schedule/migrations.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace stagehub::testing;
using Clock = std::chrono::steady_clock;

constexpr const char* kEvent = "tillsammans-for-fornyelse";

struct CommandRun {
    int status = -1;
    std::string output;
};

// Runs a stagehub command to its end (bounded) and returns its exit code and output.
CommandRun stagehub(const std::vector<std::string>& args, const fs::path& log) {
    std::vector<std::string> argv{STAGEHUB_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess child(argv, log);
    const auto status = child.wait_exit(60s);
    return CommandRun{status.value_or(-1), child.log()};
}

std::vector<std::string> column(stagehub::schedule::Database& db, const std::string& sql) {
    std::vector<std::string> rows;
    auto query = db.prepare(sql);
    while (query.step())
        rows.push_back(query.column_text(0));
    return rows;
}

// The port of a server's "serving on http://127.0.0.1:PORT/" line.
int port_in(const std::string& log) {
    const size_t colon = log.find(':', log.find("http://127.0.0.1") + 8);
    return std::stoi(log.substr(colon + 1));
}

struct Acknowledged {
    Clock::time_point at;
    std::string key;  // the heartbeat's viewer, the edit's title
    int64_t revision = 0;
};

TEST(BackupProcess, ABackupDuringIngestAndEditsRestoresEveryAcknowledgedRow) {
    TempDir dir;
    const std::string data = (dir / "data").string();
    const std::string programme = STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json";
    ASSERT_EQ(stagehub({"import", programme, "--data", data}, dir / "import.log").status, 0);
    const CommandRun admin = stagehub({"admin", "create-organiser", "--name", "Säkerhetskopia",
                                       "--event", kEvent, "--data", data},
                                      dir / "admin.log");
    ASSERT_EQ(admin.status, 0) << admin.output;
    const size_t token_at = admin.output.find("):\n");
    ASSERT_NE(token_at, std::string::npos) << admin.output;
    const std::string token =
        admin.output.substr(token_at + 3, admin.output.find('\n', token_at + 3) - token_at - 3);

    ChildProcess server(
        {STAGEHUB_BIN, "serve", "--data", data, "--port", "0", "--web", STAGEHUB_WEB_DIR,
         "--no-broadcast", "--limit-new-viewers", "0", "--demo", programme},
        dir / "server.log");
    ASSERT_TRUE(server.wait_for_log("serving on http://127.0.0.1:", 30s)) << server.log();
    const int port = port_in(server.log());

    // Heartbeats from eight senders (each beat a viewer of its own), and an organiser who
    // renames the opening again and again; each remembers what got its 200 and when.
    std::mutex mutex;
    std::vector<Acknowledged> beats;
    std::vector<Acknowledged> edits;
    std::atomic<bool> stop{false};
    std::vector<std::thread> senders;
    for (int s = 0; s < 8; ++s) {
        senders.emplace_back([&, s] {
            for (int i = 0; !stop; ++i) {
                const std::string viewer = "backup-" + std::to_string(s) + "-" + std::to_string(i);
                const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch());
                const nlohmann::json beat = {{"viewer", viewer},
                                             {"stage", "stora-salen"},
                                             {"position", 1},
                                             {"sent_at", now.count()}};
                const HttpReply reply = http_request(port, "POST", "/api/v1/heartbeats",
                                                     beat.dump(), "application/json");
                if (reply.status == 200) {
                    std::lock_guard hold(mutex);
                    beats.push_back({Clock::now(), viewer, 0});
                }
            }
        });
    }
    senders.emplace_back([&] {
        for (int i = 0; !stop; ++i) {
            const std::string title = "Välkommen, version " + std::to_string(i);
            const HttpReply reply = http_request(
                port, "PATCH", std::string("/api/v1/events/") + kEvent + "/sessions/valkommen",
                nlohmann::json{{"title", title}}.dump(), "application/json", token);
            ASSERT_EQ(reply.status, 200) << reply.body;
            const int64_t revision = nlohmann::json::parse(reply.body)["revision"];
            std::lock_guard hold(mutex);
            edits.push_back({Clock::now(), title, revision});
        }
    });
    const auto counts = [&] {
        std::lock_guard hold(mutex);
        return std::pair(beats.size(), edits.size());
    };
    const auto deadline = Clock::now() + 20s;
    while ((counts().first < 300 || counts().second < 10) && Clock::now() < deadline)
        std::this_thread::sleep_for(20ms);

    const Clock::time_point backup_began = Clock::now();
    const CommandRun backup = stagehub(
        {"backup", "--to", (dir / "backup.db").string(), "--data", data}, dir / "backup.log");
    const std::chrono::duration<double> backup_took = Clock::now() - backup_began;
    const auto [beats_during, edits_during] = counts();
    std::this_thread::sleep_for(300ms);
    // While it serves: a second backup may not overwrite the first, and restore refuses.
    const std::string first_backup = read_text_file(dir / "backup.db");
    const CommandRun again = stagehub(
        {"backup", "--to", (dir / "backup.db").string(), "--data", data}, dir / "again.log");
    const CommandRun restore_live =
        stagehub({"restore", "--from", (dir / "backup.db").string(), "--data", data},
                 dir / "restore-live.log");
    stop = true;
    for (auto& sender : senders)
        sender.join();

    ASSERT_EQ(backup.status, 0) << backup.output;
    EXPECT_NE(backup.output.find("schema version " +
                                 std::to_string(stagehub::schedule::latest_schema_version())),
              std::string::npos)
        << backup.output;
    EXPECT_NE(backup.output.find(" heartbeats"), std::string::npos) << backup.output;
    EXPECT_EQ(again.status, 1) << again.output;
    EXPECT_NE(again.output.find("exists"), std::string::npos) << again.output;
    EXPECT_NE(again.output.find("--force"), std::string::npos) << again.output;
    EXPECT_EQ(read_text_file(dir / "backup.db"), first_backup);
    EXPECT_EQ(restore_live.status, 1) << restore_live.output;
    EXPECT_NE(restore_live.output.find("stop it first"), std::string::npos) << restore_live.output;
    for (const auto& entry : fs::directory_iterator(dir / "data"))
        EXPECT_FALSE(entry.path().filename().string().starts_with("stagehub.db.before-restore"));
    EXPECT_GT(beats.size(), beats_during) << "heartbeats kept coming after the backup";

    const std::string fresh = (dir / "fresh").string();
    const CommandRun restore = stagehub(
        {"restore", "--from", (dir / "backup.db").string(), "--data", fresh}, dir / "restore.log");
    ASSERT_EQ(restore.status, 0) << restore.output;
    EXPECT_NE(restore.output.find("there was no database before"), std::string::npos)
        << restore.output;

    stagehub::schedule::Database copy(dir / "fresh" / "stagehub.db");
    EXPECT_EQ(column(copy, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    const auto stored = column(copy, "SELECT viewer FROM heartbeats WHERE viewer LIKE 'backup-%'");
    const std::set<std::string> stored_viewers(stored.begin(), stored.end());
    size_t before = 0, missing = 0;
    for (const Acknowledged& beat : beats) {
        if (beat.at < backup_began) {
            ++before;
            missing += stored_viewers.contains(beat.key) ? 0 : 1;
        }
    }
    EXPECT_EQ(missing, 0u) << "of " << before << " heartbeats answered before the backup began";
    EXPECT_GE(before, 300u);

    // One snapshot: the change log ends at some revision R, holds every edit acknowledged
    // before the backup began, and the opening's title is the one the last edit up to R gave.
    const int64_t snapshot = std::stoll(column(copy, "SELECT max(revision) FROM change_log").at(0));
    const auto revisions = column(copy, "SELECT revision FROM change_log");
    const std::set<std::string> logged(revisions.begin(), revisions.end());
    std::string title_at_snapshot;
    for (const Acknowledged& edit : edits) {
        if (edit.at < backup_began) {
            EXPECT_LE(edit.revision, snapshot) << edit.key;
            EXPECT_TRUE(logged.contains(std::to_string(edit.revision))) << edit.key;
        }
        if (edit.revision <= snapshot)
            title_at_snapshot = edit.key;  // edits are sequential: their revisions ascend
    }
    ASSERT_FALSE(title_at_snapshot.empty());
    EXPECT_EQ(column(copy, "SELECT title FROM sessions WHERE id = 'valkommen'").at(0),
              title_at_snapshot);
    std::cout << "backup took " << backup_took.count() << " s while " << beats.size() - beats_during
              << " heartbeats and " << edits.size() - edits_during
              << " edits were answered after it; the copy holds " << stored_viewers.size()
              << " heartbeats (" << before << " answered before it began), revision " << snapshot
              << "\n";

    ASSERT_TRUE(server.terminate(30s)) << server.log();

    // A server on the restored folder serves the programme as the snapshot had it.
    {
        ChildProcess restored_server({STAGEHUB_BIN, "serve", "--data", fresh, "--port", "0",
                                      "--web", STAGEHUB_WEB_DIR, "--no-broadcast"},
                                     dir / "restored-server.log");
        ASSERT_TRUE(restored_server.wait_for_log("serving on http://127.0.0.1:", 30s))
            << restored_server.log();
        const HttpReply reply =
            http_get(port_in(restored_server.log()), std::string("/api/v1/events/") + kEvent);
        ASSERT_EQ(reply.status, 200) << reply.body;
        const auto served = nlohmann::json::parse(reply.body);
        EXPECT_EQ(served["revision"], snapshot);
        std::string served_title;
        for (const auto& session : served["event"]["sessions"]) {
            if (session["id"] == "valkommen")
                served_title = session["title"];
        }
        EXPECT_EQ(served_title, title_at_snapshot) << reply.body.substr(0, 2000);
        EXPECT_TRUE(restored_server.terminate(30s));
    }

    // A damaged backup is refused and the stopped server's database is left as it was.
    std::string damaged = first_backup;
    for (size_t at = 8192; at < damaged.size(); at += 101)
        damaged[at] = static_cast<char>(damaged[at] ^ 0x3c);
    std::ofstream(dir / "damaged.db", std::ios::binary) << damaged;
    const std::string live = read_text_file(dir / "data" / "stagehub.db");
    const CommandRun refused = stagehub(
        {"restore", "--from", (dir / "damaged.db").string(), "--data", data}, dir / "refused.log");
    EXPECT_EQ(refused.status, 1) << refused.output;
    EXPECT_NE(refused.output.find("not an intact SQLite database"), std::string::npos)
        << refused.output;
    EXPECT_EQ(read_text_file(dir / "data" / "stagehub.db"), live);

    // Stopped, the server's folder takes the backup and keeps what it replaces.
    const CommandRun restored = stagehub(
        {"restore", "--from", (dir / "backup.db").string(), "--data", data}, dir / "restored.log");
    EXPECT_EQ(restored.status, 0) << restored.output;
    EXPECT_NE(restored.output.find("stagehub.db.before-restore-"), std::string::npos)
        << restored.output;
}

}  // namespace

namespace {

// The lock restore relies on: a server holds its data folder for as long as it runs, so a
// second one (a unit started twice, a test left running) is refused instead of sharing it.
TEST(BackupProcess, ASecondServerOnTheSameDataFolderIsRefused) {
    TempDir dir;
    const std::string data = (dir / "data").string();
    const std::vector<std::string> serve = {STAGEHUB_BIN, "serve",          "--data",
                                            data,         "--port",         "0",
                                            "--web",      STAGEHUB_WEB_DIR, "--no-broadcast"};
    ChildProcess first(serve, dir / "first.log");
    ASSERT_TRUE(first.wait_for_log("serving on", 30s)) << first.log();
    ChildProcess second(serve, dir / "second.log");
    EXPECT_EQ(second.wait_exit(30s), 1) << second.log();
    EXPECT_NE(second.log().find("pid " + std::to_string(first.pid())), std::string::npos)
        << second.log();
    EXPECT_NE(second.log().find("stagehub.lock"), std::string::npos) << second.log();
    EXPECT_TRUE(first.running());
    ASSERT_TRUE(first.terminate(30s)) << first.log();
    ChildProcess after(serve, dir / "after.log");
    EXPECT_TRUE(after.wait_for_log("serving on", 30s)) << "the lock went with the first server:\n"
                                                       << after.log();
}

}  // namespace
