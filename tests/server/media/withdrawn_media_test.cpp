// Withdrawn recordings are gone: once a segment has left the live window it is served only
// under the replay rules (hidden, not allowed, unpublished → 404), its poster likewise, with
// cache headers that let a withdrawal take effect at the next request; and an organiser's
// erasure removes the files, the rows and the poster, logged in the change log.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "net_client.hpp"
#include "pipelines/segment_archive.hpp"
#include "running_server.hpp"
#include "schedule/database.hpp"
#include "schedule/instant.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::HttpReply;

constexpr const char* kEvent = "tillsammans-for-fornyelse";

class WithdrawnMediaTest : public ::testing::Test {
  protected:
    // No grace after the live window: the test's segments are minutes old at once.
    RunningServer server{1.0, [](Options& o) { o.live_grace = 0s; }};
    std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent);

    HttpReply call(const std::string& method, const std::string& target,
                   const std::string& bearer = "", const json& body = nullptr) {
        return server.call(method, target, bearer, body);
    }
    static std::string session_path(const std::string& id) {
        return std::string("/api/v1/events/") + kEvent + "/sessions/" + id;
    }

    // Segments of every rendition covering [from, from + count s), one a second, on disk and
    // indexed, as the broadcast leaves them. Returns their URLs and starts.
    std::vector<std::pair<std::string, Instant>> archive(Instant from, unsigned count,
                                                         const std::string& run) {
        schedule::Database db(server.dir / "stagehub.db");
        pipelines::SegmentArchive archive(db, server.dir / "media/live");
        std::vector<std::pair<std::string, Instant>> urls;
        for (const std::string rendition : {"source", "audio"}) {
            const auto dir = server.dir / "media/live/stora-salen" / rendition;
            std::filesystem::create_directories(dir);
            for (unsigned i = 0; i < count; ++i) {
                pipelines::ClosedSegment segment;
                segment.run_id = run;
                segment.rendition = rendition;
                segment.index = i;
                const std::string name = "seg-" + run + "-" + std::to_string(i) + ".ts";
                segment.path = dir / name;
                std::ofstream(segment.path) << "not decoded by this test";
                segment.started_at = from + i * 1s;
                segment.duration_s = 1.0;
                archive.add("stora-salen", segment);
                urls.emplace_back("/live/stora-salen/" + rendition + "/" + name, from + i * 1s);
            }
        }
        return urls;
    }
};

std::string cache_of(const HttpReply& reply) {
    const auto it = reply.headers.find("cache-control");
    return it == reply.headers.end() ? "" : it->second;
}

TEST_F(WithdrawnMediaTest, ARecordingIsServedOnlyUnderTheReplayRulesThenErasedForGood) {
    std::this_thread::sleep_for(2100ms);  // the welcome has run two seconds
    ASSERT_EQ(call("POST", session_path("valkommen") + "/end-now", organiser).status, 200);
    const json welcome = json::parse(call("GET", session_path("valkommen")).body);
    const Instant start = *parse_instant(welcome["start"].get<std::string>());
    const Instant end = *parse_instant(welcome["end"].get<std::string>());
    // The poster first: the clock would otherwise try to make one of the fake segments.
    const auto poster = server.dir / "media/posters/valkommen.jpg";
    std::ofstream(poster) << "a poster";
    // Long ago, on the same stage, in no session: archived but nobody's replay.
    const auto stray = archive(start - 3600s, 2, "old");
    // From a second before the session to its end, all closed by now: past the live window.
    const auto seconds = static_cast<unsigned>((end - start).count());
    const auto urls = archive(start - 1s, seconds + 1, "run");
    std::this_thread::sleep_for(1s);
    std::ofstream(server.dir / "media/live/stora-salen/index.m3u8") << "#EXTM3U\n";

    const std::string middle = urls[2].first;
    const auto status = [&](const std::string& url, const std::string& bearer = "") {
        return call("GET", url, bearer).status;
    };
    // A public replay: its segments and poster, revalidated by every cache each time.
    ASSERT_EQ(status("/api/v1/replays/valkommen/playlist.m3u8"), 200);
    const HttpReply segment = call("GET", middle);
    ASSERT_EQ(segment.status, 200) << segment.body;
    EXPECT_EQ(cache_of(segment), "public, no-cache")
        << "a replay may be withdrawn: never immutable";
    EXPECT_EQ(status("/live/stora-salen/audio/seg-run-2.ts"), 200) << "every rendition";
    EXPECT_EQ(status("/posters/valkommen.jpg"), 200);
    EXPECT_EQ(status("/live/stora-salen/index.m3u8"), 200) << "a published stage's playlist";
    EXPECT_EQ(cache_of(call("GET", "/live/stora-salen/index.m3u8")), "no-store");
    EXPECT_EQ(status(stray[0].first), 404) << "a segment in nobody's replay, past the window";

    // Hidden: gone for the public, there for its organisers and never stored by a cache.
    const std::string replay = session_path("valkommen") + "/replay";
    ASSERT_EQ(call("PATCH", replay, organiser, {{"hidden", true}}).status, 200);
    EXPECT_EQ(status(middle), 404);
    EXPECT_EQ(status("/posters/valkommen.jpg"), 404);
    const HttpReply as_organiser = call("GET", middle, organiser);
    EXPECT_EQ(as_organiser.status, 200);
    EXPECT_EQ(cache_of(as_organiser), "private, no-store");
    const std::string other = server.token(Role::organiser, "Other", "another-event");
    EXPECT_EQ(status(middle, other), 404) << "another event's organiser is the public here";
    ASSERT_EQ(call("PATCH", replay, organiser, {{"hidden", false}}).status, 200);
    EXPECT_EQ(status(middle), 200);

    // Trimmed away: a segment no longer in the replay is not served as part of it.
    ASSERT_EQ(call("PATCH", replay, organiser, {{"trim_out_seconds", 1000}}).status, 200)
        << "a trim longer than the session leaves no replay";
    EXPECT_EQ(status(middle), 404);
    ASSERT_EQ(call("PATCH", replay, organiser, {{"trim_out_seconds", 0}}).status, 200);

    // Replays turned off for the session.
    ASSERT_EQ(
        call("PATCH", session_path("valkommen"), organiser, {{"replay_allowed", false}}).status,
        200);
    EXPECT_EQ(status(middle), 404);
    EXPECT_EQ(status("/posters/valkommen.jpg"), 404);
    ASSERT_EQ(
        call("PATCH", session_path("valkommen"), organiser, {{"replay_allowed", true}}).status,
        200);
    EXPECT_EQ(status(middle), 200);

    // The event unpublished: its stage's playlist, segments and posters with it.
    const std::string event = std::string("/api/v1/events/") + kEvent;
    ASSERT_EQ(call("PATCH", event, organiser, {{"published", false}}).status, 200);
    EXPECT_EQ(status(middle), 404);
    EXPECT_EQ(status("/posters/valkommen.jpg"), 404);
    EXPECT_EQ(status("/live/stora-salen/index.m3u8"), 404);
    EXPECT_EQ(status("/live/stora-salen/index.m3u8", organiser), 200) << "its organisers preview";
    ASSERT_EQ(call("PATCH", event, organiser, {{"published", true}}).status, 200);
    EXPECT_EQ(status(middle), 200);

    // Captions said during the talk, and one said long after it on the same stage.
    const auto ms = [](Instant at) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
    };
    {
        schedule::Database db(server.dir / "stagehub.db");
        auto cue = db.prepare(
            "INSERT INTO caption_cues (event_id, stage_id, language, kind, start_ms, end_ms, "
            "text, source) VALUES (?, 'stora-salen', 'sv', 'captions', ?, ?, ?, 'live')");
        cue.bind(1, kEvent).bind(2, ms(start) + 500).bind(3, ms(start) + 2500).bind(4, "under");
        cue.run();
        cue.reset();
        cue.bind(1, kEvent)
            .bind(2, ms(end) + 3'600'000)
            .bind(3, ms(end) + 3'602'000)
            .bind(4, "sen");
        cue.run();
    }

    // Erasure: organisers of the event only.
    const std::string recording = session_path("valkommen") + "/recording";
    EXPECT_EQ(call("DELETE", recording).status, 401);
    EXPECT_EQ(call("DELETE", recording, other).status, 403);
    const HttpReply erased = call("DELETE", recording, organiser);
    ASSERT_EQ(erased.status, 200) << erased.body;
    // Every segment that overlaps the session goes, of every rendition (one that straddles
    // its start or end too); the others are nobody's replay now, still on disk but not served.
    size_t overlapping = 0;
    for (const auto& [url, starts] : urls) {
        const bool its = starts < end && starts + 1s > start;
        overlapping += its ? 1 : 0;
        EXPECT_EQ(std::filesystem::exists(server.dir / "media" / url.substr(1)), !its) << url;
        EXPECT_EQ(status(url), 404) << url;
        EXPECT_EQ(status(url, organiser), 404) << url;
    }
    EXPECT_EQ(overlapping, 2u * seconds);
    EXPECT_EQ(json::parse(erased.body)["erased_segments"], overlapping);
    EXPECT_EQ(json::parse(erased.body)["erased_poster"], true);
    EXPECT_EQ(json::parse(erased.body)["erased_caption_cues"], 1) << "the words went too";
    EXPECT_FALSE(std::filesystem::exists(poster));
    EXPECT_EQ(status("/posters/valkommen.jpg", organiser), 404);
    EXPECT_EQ(status("/api/v1/replays/valkommen", organiser), 404);
    EXPECT_EQ(status("/api/v1/replays/valkommen/playlist.m3u8", organiser), 404);
    for (const auto& [url, starts] : stray)
        EXPECT_TRUE(std::filesystem::exists(server.dir / "media" / url.substr(1))) << "not its";
    {
        schedule::Database db(server.dir / "stagehub.db");
        schedule::Statement rows = db.prepare("SELECT COUNT(*) FROM segments WHERE run_id = 'run'");
        ASSERT_TRUE(rows.step());
        EXPECT_EQ(rows.column_int(0), static_cast<int64_t>(urls.size() - overlapping))
            << "the archive rows went with the files";
        schedule::Statement edits =
            db.prepare("SELECT COUNT(*) FROM replay_edits WHERE session_id = 'valkommen'");
        ASSERT_TRUE(edits.step());
        EXPECT_EQ(edits.column_int(0), 0);
        schedule::Statement cues = db.prepare("SELECT text FROM caption_cues");
        ASSERT_TRUE(cues.step());
        EXPECT_EQ(cues.column_text(0), "sen") << "only the talk's captions went";
        EXPECT_FALSE(cues.step());
    }
    // Who, what, when: in the change log.
    const json changes = json::parse(call("GET", event + "/changes", organiser).body)["changes"];
    ASSERT_FALSE(changes.empty());
    const json& last = changes.back();
    EXPECT_EQ(last["operation"], "erase_recording");
    EXPECT_EQ(last["sessions"], json::array({"valkommen"}));
    EXPECT_NE(last["actor"].get<std::string>().find("Anna Berg"), std::string::npos);
    EXPECT_TRUE(parse_instant(last["at"].get<std::string>()).ok());
}

// Over a real broadcast of 1 s segments: a segment listed in the live playlist is public
// for the live window; one that has left it is nobody's replay while its session is on air
// (404, where it used to be served for ever), the replay's once the session ended, and gone
// again when the replay is hidden.
TEST(WithdrawnMediaOverBroadcast, ASegmentPastTheLiveWindowFollowsTheReplayRules) {
    gst_init(nullptr, nullptr);
    RunningServer server(1.0, [](Options& o) {
        o.broadcast = true;
        o.segment_seconds = 1;
        o.live_grace = 0s;
    });
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent);
    const auto get = [&](const std::string& url, const std::string& bearer = "") {
        return server.call("GET", url, bearer);
    };
    // Until three segments have left the window of ten.
    std::string playlist;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
        const HttpReply reply = get("/live/stora-salen/source/index.m3u8");
        const size_t at = reply.body.find("#EXT-X-MEDIA-SEQUENCE:");
        if (reply.status == 200 && at != std::string::npos &&
            std::stoll(reply.body.substr(at + 22)) >= 3) {
            playlist = reply.body;
            break;
        }
        std::this_thread::sleep_for(250ms);
    }
    ASSERT_FALSE(playlist.empty()) << "no segment left the live window within 60 s";
    std::string newest;
    std::istringstream lines(playlist);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.front() != '#')
            newest = line;
    }
    const HttpReply live = get("/live/stora-salen/source/" + newest);
    ASSERT_EQ(live.status, 200) << newest << ": " << live.body;
    EXPECT_EQ(cache_of(live), "public, max-age=30");

    std::string oldest;
    {
        schedule::Database db(server.dir / "stagehub.db");
        pipelines::SegmentArchive archive(db, server.dir / "media/live");
        for (const auto& segment : archive.of_stage("stora-salen")) {
            if (segment.rendition == "source") {
                oldest = "/live/" + segment.file;
                break;
            }
        }
    }
    ASSERT_FALSE(oldest.empty());
    ASSERT_EQ(playlist.find(oldest.substr(oldest.rfind('/') + 1)), std::string::npos);
    EXPECT_EQ(get(oldest).status, 404) << "past the live window, and no replay yet";

    const std::string session = std::string("/api/v1/events/") + kEvent + "/sessions/valkommen";
    ASSERT_EQ(server.call("POST", session + "/end-now", organiser).status, 200);
    HttpReply replayed;
    for (int i = 0; i < 80 && replayed.status != 200; ++i) {
        std::this_thread::sleep_for(250ms);
        replayed = get(oldest);
    }
    ASSERT_EQ(replayed.status, 200) << "the ended session's replay serves its segments";
    EXPECT_EQ(cache_of(replayed), "public, no-cache");

    ASSERT_EQ(server.call("PATCH", session + "/replay", organiser, {{"hidden", true}}).status, 200);
    EXPECT_EQ(get(oldest).status, 404) << "a hidden replay's segments are gone";
    EXPECT_EQ(get(oldest, organiser).status, 200);
}

}  // namespace
}  // namespace stagehub::server
