// The free-space floor against the real server with the demo stage really broadcasting
// (docs/OPERATIONS.md, "Disk space"): below the floor the live playlist keeps getting new
// segments, none is archived for replays and those that left the playlist are deleted, the
// database keeps taking heartbeats and edits, health and the ops channel say so; above it
// again archiving resumes by itself. Once with the free-space figure set by the test, once
// on a real 64 MiB filesystem (tmpfs; skipped where this process may not mount).
#include <gst/gst.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <regex>
#include <thread>

#include "running_server.hpp"
#include "server/app/disk_floor.hpp"

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using stagehub::testing::http_get;
using stagehub::testing::WebsocketClient;
namespace fs = std::filesystem;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kStage = "stora-salen";
const std::string kPlaylist = std::string("/live/") + kStage + "/source/index.m3u8";

// Polls until `holds` (at most `within`); false, with a failure naming `what`, if never.
bool eventually(const std::function<bool()>& holds, const std::string& what,
                std::chrono::seconds within = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
        if (holds())
            return true;
        std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "not within " << within.count() << " s: " << what;
    return false;
}

json get_json(const RunningServer& server, const std::string& path, const std::string& token = "") {
    const auto reply = server.call("GET", path, token);
    return reply.status == 200 ? json::parse(reply.body, nullptr, false) : json(nullptr);
}

// The source rendition's segments in the replay archive.
int64_t archived(const RunningServer& server) {
    schedule::Database db(server.data_dir / "stagehub.db");
    auto count = db.prepare("SELECT count(*) FROM segments WHERE stage_id = ? AND rendition = ?");
    count.bind(1, kStage).bind(2, "source");
    return count.step() ? count.column_int(0) : -1;
}

// The live playlist's newest segment: its media sequence number and file name.
struct Newest {
    int64_t sequence = -1;
    std::string file;
};
Newest newest_listed(const RunningServer& server) {
    const auto reply = http_get(server.port, kPlaylist);
    std::smatch m;
    if (reply.status != 200 ||
        !std::regex_search(reply.body, m, std::regex("#EXT-X-MEDIA-SEQUENCE:(\\d+)")))
        return {};
    const int64_t first = std::stoll(m[1]);
    int64_t listed = 0;
    std::string last;
    const std::regex segment("(seg-[^\\s]+\\.ts)");
    for (auto it = std::sregex_iterator(reply.body.begin(), reply.body.end(), segment);
         it != std::sregex_iterator(); ++it, ++listed)
        last = (*it)[1];
    return {first + listed - 1, last};
}

// Source segment files on disk that the archive does not hold.
size_t unarchived_on_disk(const RunningServer& server) {
    schedule::Database db(server.data_dir / "stagehub.db");
    size_t count = 0;
    for (const auto& entry :
         fs::directory_iterator(server.data_dir / "media" / "live" / kStage / "source")) {
        if (entry.path().extension() != ".ts")
            continue;
        auto row = db.prepare("SELECT 1 FROM segments WHERE file = ?");
        row.bind(1, std::string(kStage) + "/source/" + entry.path().filename().string());
        count += row.step() ? 0 : 1;
    }
    return count;
}

// Reads the console until an ops `disk` message with that state arrives.
json heard_disk(WebsocketClient& console, const std::string& state) {
    for (int i = 0; i < 100; ++i) {
        const auto message = console.receive(100ms);
        if (!message)
            continue;
        const json m = json::parse(*message, nullptr, false);
        if (m.value("channel", "") == "ops" && m.value("type", "") == "disk" &&
            m.value("state", "") == state)
            return m;
    }
    ADD_FAILURE() << "no ops message {type: disk, state: " << state << "}";
    return nullptr;
}

std::string public_disk_state(const RunningServer& server) {
    const json health = get_json(server, "/api/v1/health");
    return health.is_object() && health.contains("disk") ? health["disk"].value("state", "") : "";
}

void broadcasting(Options& options) {
    options.broadcast = true;
    options.segment_seconds = 1;
    options.disk_check_every = 100ms;
    options.live_grace = 1s;  // a segment that left the playlist goes a second after its end
}

class DiskFloorServerTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }

    // What holds while the disk is low, from the moment health says so: the live playlist
    // goes on (and its newest segment is served), the archive does not grow, segments that
    // left the playlist are deleted, heartbeats and edits are stored.
    static void live_goes_on_without_archiving(RunningServer& server,
                                               const std::string& organiser) {
        const int64_t archived_when_low = archived(server);
        const int64_t listed_when_low = newest_listed(server).sequence;
        ASSERT_GE(listed_when_low, 0);

        const auto beat =
            server.call("POST", "/api/v1/heartbeats", "",
                        {{"viewer", "viewer-disk-low-1"},
                         {"stage", kStage},
                         {"position", 1},
                         {"played", 1},
                         {"sent_at", std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count()}});
        EXPECT_EQ(beat.status, 200) << beat.body;
        const auto edit =
            server.call("PATCH", std::string("/api/v1/events/") + kEvent + "/sessions/idesslussen",
                        organiser, {{"title", "Idésslussen, skriven med lite disk"}});
        EXPECT_EQ(edit.status, 200) << edit.body;

        // Past the playlist's window (10 segments) and the grace: the first segments made
        // while low have left the playlist and may go.
        eventually([&] { return newest_listed(server).sequence >= listed_when_low + 14; },
                   "the live playlist lists 14 new segments");
        const Newest newest = newest_listed(server);
        EXPECT_EQ(
            http_get(server.port, "/live/" + std::string(kStage) + "/source/" + newest.file).status,
            200)
            << "the newest live segment is served";
        EXPECT_EQ(archived(server), archived_when_low) << "nothing archived while low";
        const size_t kept = unarchived_on_disk(server);
        EXPECT_LE(kept, 10u + 3u) << "live keeps its window and a grace, no more";
        EXPECT_LT(static_cast<int64_t>(kept), newest.sequence - listed_when_low)
            << "segments that left the playlist were deleted";
        EXPECT_EQ(
            get_json(server, std::string("/api/v1/events/") + kEvent + "/sessions/idesslussen")
                .value("title", ""),
            "Idésslussen, skriven med lite disk");
    }

    // Archiving resumed: new segments are archived, the first after the gap begins a new
    // picture (replays across the gap play through it).
    static void archiving_resumed(RunningServer& server, int64_t archived_before) {
        eventually([&] { return archived(server) > archived_before + 1; },
                   "new segments archived again");
        schedule::Database db(server.data_dir / "stagehub.db");
        auto first = db.prepare(
            "SELECT discontinuity FROM segments WHERE stage_id = ? AND rendition = 'source' "
            "ORDER BY starts_ms LIMIT 1 OFFSET ?");
        first.bind(1, kStage).bind(2, archived_before);
        ASSERT_TRUE(first.step());
        EXPECT_EQ(first.column_int(0), 1) << "the first archived segment after the gap";
    }
};

TEST_F(DiskFloorServerTest, BelowTheFloorLiveGoesOnArchivingStopsAndResumesAbove) {
    std::atomic<uint64_t> free{4096 * kMiB};
    RunningServer server(1.0, [&](Options& o) {
        broadcasting(o);
        o.disk_floor_mb = 1024;
        o.free_space = [&free] { return std::optional<uint64_t>(free.load()); };
    });
    const std::string organiser = server.token(Role::organiser, "Drift", kEvent);
    eventually([&] { return archived(server) >= 2; }, "the stage broadcasts and archives");
    EXPECT_EQ(get_json(server, "/api/v1/health")["disk"],
              json({{"state", "ok"}, {"archiving", true}}))
        << "the public health: the state, not the figures";

    WebsocketClient console(server.port, "/ws");
    console.send_text(json({{"type", "auth"}, {"token", organiser}}).dump());
    console.send_text(json({{"type", "subscribe"}, {"channels", {"ops"}}}).dump());

    free = 512 * kMiB;
    ASSERT_TRUE(eventually([&] { return public_disk_state(server) == "low"; }, "health says low"));
    EXPECT_EQ(get_json(server, "/api/v1/health")["disk"]["archiving"], false);
    const json low = heard_disk(console, "low");
    EXPECT_EQ(low["archiving"], false);
    EXPECT_EQ(low["free_bytes"], 512 * kMiB);
    EXPECT_EQ(low["floor_bytes"], 1024 * kMiB);
    const json staff_disk =
        get_json(server, std::string("/api/v1/events/") + kEvent + "/health", organiser)["disk"];
    EXPECT_EQ(staff_disk["free_bytes"], 512 * kMiB);
    EXPECT_EQ(staff_disk["state"], "low");
    // And /metrics (loopback here), for an alert on stagehub_disk_low.
    const std::string scraped = http_get(server.port, "/metrics").body;
    EXPECT_NE(scraped.find("\nstagehub_disk_low 1\n"), std::string::npos) << scraped;
    EXPECT_NE(scraped.find("\nstagehub_archiving 0\n"), std::string::npos) << scraped;
    EXPECT_NE(scraped.find("\nstagehub_disk_free_bytes 536870912\n"), std::string::npos);
    EXPECT_NE(scraped.find("\nstagehub_disk_low_events_total 1\n"), std::string::npos);

    live_goes_on_without_archiving(server, organiser);

    // A console that subscribes while the disk is low hears it at once.
    WebsocketClient late(server.port, "/ws");
    late.send_text(json({{"type", "auth"}, {"token", organiser}}).dump());
    late.send_text(json({{"type", "subscribe"}, {"channels", {"ops"}}}).dump());
    heard_disk(late, "low");

    // Still within the margin above the floor: still low (no flapping).
    free = 1100 * kMiB;
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(public_disk_state(server), "low");

    const int64_t archived_before = archived(server);
    free = 4096 * kMiB;
    ASSERT_TRUE(eventually([&] { return public_disk_state(server) == "ok"; }, "health says ok"));
    EXPECT_EQ(heard_disk(console, "ok")["archiving"], true);
    archiving_resumed(server, archived_before);
}

// A real small filesystem: the data folder on a 64 MiB tmpfs, a ballast file leaving just
// above the floor, the broadcast's own segments taking it below; removing the ballast
// brings it back. statvfs, not a figure the test sets.
TEST_F(DiskFloorServerTest, OnARealSmallFilesystemArchivingStopsBeforeItIsFull) {
    stagehub::testing::TempDir mount_point;
    // CI and scripts/test run as root (they install packages), so there the mount must work
    // and a failure is a failure; only a developer's unprivileged run skips this one (the
    // injected-figure test above covers the same rules).
    if (::mount("tmpfs", mount_point.path().c_str(), "tmpfs", 0, "size=64m,mode=0700") != 0) {
        const int error = errno;
        ASSERT_NE(::geteuid(), 0u) << "root cannot mount a tmpfs: " << std::strerror(error);
        GTEST_SKIP() << "not root, so no tmpfs to mount: " << std::strerror(error);
    }
    struct Unmount {
        fs::path at;
        ~Unmount() { ::umount2(at.c_str(), MNT_DETACH); }
    } unmount{mount_point.path()};
    const fs::path data = mount_point.path() / "data";
    constexpr uint64_t kFloor = 24 * kMiB;
    {
        RunningServer server(1.0, [&](Options& o) {
            broadcasting(o);
            o.data_dir = data;
            o.disk_floor_mb = static_cast<int>(kFloor / kMiB);
        });
        const std::string organiser = server.token(Role::organiser, "Drift", kEvent);
        eventually([&] { return archived(server) >= 2; }, "the stage broadcasts and archives");
        ASSERT_EQ(public_disk_state(server), "ok");

        // Ballast up to half a MiB above the floor: the broadcast's segments cross it.
        const uint64_t free = free_bytes_at(data).value_or(0);
        ASSERT_GT(free, kFloor + kMiB);
        {
            std::ofstream ballast(mount_point.path() / "ballast", std::ios::binary);
            const std::string block(64 * 1024, 'x');
            for (uint64_t left = free - kFloor - kMiB / 2; left > 0;) {
                const uint64_t n = std::min<uint64_t>(left, block.size());
                ballast.write(block.data(), static_cast<std::streamsize>(n));
                left -= n;
            }
        }
        ASSERT_TRUE(eventually([&] { return public_disk_state(server) == "low"; },
                               "the broadcast's own segments take the disk below the floor"));
        live_goes_on_without_archiving(server, organiser);
        const uint64_t free_low = free_bytes_at(data).value_or(0);
        EXPECT_GT(free_low, kFloor - 4 * kMiB)
            << "live keeps a bounded amount: the disk does not fill";

        const int64_t archived_before = archived(server);
        fs::remove(mount_point.path() / "ballast");
        ASSERT_TRUE(eventually([&] { return public_disk_state(server) == "ok"; },
                               "removing the ballast brings the disk back above the floor"));
        archiving_resumed(server, archived_before);
    }
}

}  // namespace
}  // namespace stagehub::server
