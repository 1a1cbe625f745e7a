// A replay's WebVTT subtitle renditions (server/api/replay_subtitles_api.hpp): the live cues
// of its window, re-timed to its segments, or its own track once it has one; its master
// lists the group; its playlist mirrors the replay's; and only those who may see the replay
// read its captions (hidden, another event's organiser).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "net_client.hpp"
#include "pipelines/segment_archive.hpp"
#include "running_server.hpp"
#include "schedule/captions/caption_store.hpp"
#include "schedule/captions/webvtt.hpp"
#include "schedule/database.hpp"
#include "schedule/instant.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::HttpReply;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kStage = "stora-salen";

int64_t ms_of(Instant at) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += what.size())
        ++n;
    return n;
}

TEST(ReplaySubtitles, AReplayCarriesTheLiveCuesOfItsWindowOrItsOwnTrackToItsReadersOnly) {
    RunningServer server{1.0, [](Options& o) { o.live_grace = 0s; }};
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent);
    const std::string other = server.token(Role::organiser, "Other", "another-event");
    const auto call = [&](const std::string& method, const std::string& target,
                          const std::string& bearer = "", const json& body = nullptr) {
        return server.call(method, target, bearer, body);
    };
    const std::string session = std::string("/api/v1/events/") + kEvent + "/sessions/valkommen";
    std::this_thread::sleep_for(4100ms);  // the welcome has run four seconds
    ASSERT_EQ(call("POST", session + "/end-now", organiser).status, 200);
    const json welcome = json::parse(call("GET", session).body);
    const Instant start = *parse_instant(welcome["start"].get<std::string>());
    const Instant end = *parse_instant(welcome["end"].get<std::string>());

    // Its recording: 1 s segments from a second before it to its end, two runs (a restart
    // after the first two), as the broadcast leaves them (not decoded here: no PTS).
    schedule::Database db(server.dir / "stagehub.db");
    {
        pipelines::SegmentArchive archive(db, server.dir / "media/live");
        const auto seconds = static_cast<unsigned>((end - start).count()) + 1;
        for (const std::string rendition : {"source", "audio"}) {
            const auto dir = server.dir / "media/live" / kStage / rendition;
            std::filesystem::create_directories(dir);
            for (unsigned i = 0; i < seconds; ++i) {
                pipelines::ClosedSegment segment;
                segment.run_id = i < 2 ? "one" : "two";
                segment.rendition = rendition;
                segment.index = i;
                segment.path = dir / ("seg-" + segment.run_id + "-" + std::to_string(i) + ".ts");
                std::ofstream(segment.path) << "not decoded by this test";
                segment.started_at = start - 1s + i * 1s;
                segment.duration_s = 1.0;
                archive.add(kStage, segment);
            }
        }
    }
    // A live cue 2.5 s into the session: in the segment that began at start + 2 s, 500 ms in.
    captions::CaptionStore store(db);
    captions::Cue cue;
    cue.event_id = kEvent;
    cue.stage_id = kStage;
    cue.language = "sv";
    cue.start_ms = ms_of(start) + 2500;
    cue.end_ms = cue.start_ms + 2000;
    cue.text = "Välkomna till temadagen";
    ASSERT_TRUE(store.add_live_cue(cue).ok());
    std::this_thread::sleep_for(1s);  // past the settle of a replay whose stage stopped

    const std::string replay = "/api/v1/replays/valkommen";
    const HttpReply master = call("GET", replay + "/playlist.m3u8");
    ASSERT_EQ(master.status, 200) << master.body;
    EXPECT_NE(master.body.find("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"sv\","
                               "NAME=\"Svenska\",AUTOSELECT=YES,DEFAULT=NO,"
                               "URI=\"subs/sv/playlist.m3u8\""),
              std::string::npos)
        << master.body;
    EXPECT_EQ(count_of(master.body, "#EXT-X-STREAM-INF:"),
              count_of(master.body, ",SUBTITLES=\"subs\"\n"))
        << master.body;
    EXPECT_EQ(master.body.find("desc/"), std::string::npos) << "no descriptions: none listed";

    // The playlist: the replay's segments one for one, the restart's discontinuity included.
    const std::string video = call("GET", replay + "/source/playlist.m3u8").body;
    const HttpReply subs = call("GET", replay + "/subs/sv/playlist.m3u8");
    ASSERT_EQ(subs.status, 200) << subs.body;
    EXPECT_EQ(count_of(subs.body, "#EXTINF:1.000,\n"), count_of(video, "#EXTINF:1.000,\n"));
    EXPECT_EQ(count_of(subs.body, "#EXT-X-DISCONTINUITY\n"), 1u) << subs.body;
    EXPECT_NE(subs.body.find("#EXT-X-ENDLIST"), std::string::npos);
    EXPECT_EQ(subs.headers.at("cache-control"), "public, max-age=5");
    EXPECT_NE(subs.body.find("\nseg-two-3.vtt\n"), std::string::npos) << subs.body;

    const std::string holder = replay + "/subs/sv/seg-two-3.vtt";
    const auto cues_at = [&](const std::string& url, const std::string& bearer = "") {
        const HttpReply reply = call("GET", url, bearer);
        EXPECT_EQ(reply.status, 200) << url << ": " << reply.body;
        auto parsed = captions::parse_webvtt(reply.body);
        EXPECT_TRUE(parsed.ok()) << reply.body;
        return parsed.ok() ? *parsed : std::vector<captions::TimedCue>{};
    };
    auto cues = cues_at(holder);
    ASSERT_EQ(cues.size(), 1u);
    EXPECT_EQ(cues[0].start_ms, 500);
    EXPECT_EQ(cues[0].end_ms, 2500) << "whole, although it ends in the next segment";
    EXPECT_EQ(cues[0].text, "Välkomna till temadagen");
    EXPECT_TRUE(cues_at(replay + "/subs/sv/seg-two-4.vtt").empty()) << "once, where it starts";
    EXPECT_TRUE(cues_at(replay + "/subs/en/seg-two-3.vtt").empty()) << "another language";

    // Its own track (an upload, an edit) replaces the live cues.
    captions::Cue own = cue;
    own.session_id = "valkommen";
    own.source = captions::CueSource::upload;
    own.start_ms = ms_of(start) + 2200;
    own.end_ms = own.start_ms + 1000;
    own.text = "Välkomna till temadagen!";
    ASSERT_TRUE(store
                    .replace_replay_track(kEvent, "valkommen", kStage, "sv",
                                          captions::CueKind::captions, {own}, true,
                                          ms_of(now_utc()))
                    .ok());
    cues = cues_at(holder);
    ASSERT_EQ(cues.size(), 1u);
    EXPECT_EQ(cues[0].start_ms, 200);
    EXPECT_EQ(cues[0].text, "Välkomna till temadagen!");

    // Hidden: its captions are its organisers' only, and no cache keeps them.
    ASSERT_EQ(call("PATCH", session + "/replay", organiser, {{"hidden", true}}).status, 200);
    for (const std::string& url : {replay + "/subs/sv/playlist.m3u8", holder}) {
        EXPECT_EQ(call("GET", url).status, 404) << url;
        EXPECT_EQ(call("GET", url, other).status, 404) << "another event's organiser: " << url;
        const HttpReply theirs = call("GET", url, organiser);
        EXPECT_EQ(theirs.status, 200) << url;
        EXPECT_EQ(theirs.headers.at("cache-control"), "private, no-store") << url;
    }
    ASSERT_EQ(call("PATCH", session + "/replay", organiser, {{"hidden", false}}).status, 200);

    // Nothing else answers there.
    for (const std::string bad : {"/subs/sv/seg-nope-1.vtt", "/cc/sv/playlist.m3u8",
                                  "/subs/s/playlist.m3u8", "/subs/sv/seg-two-3.ts"}) {
        EXPECT_EQ(call("GET", replay + bad).status, 404) << bad;
    }
    EXPECT_EQ(call("GET", "/api/v1/replays/idesslussen/subs/sv/playlist.m3u8").status, 404)
        << "a session not ended has no replay";
}

}  // namespace
}  // namespace stagehub::server
