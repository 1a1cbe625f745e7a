// A replay's own caption tracks over the real server (docs/CAPTIONS.md, "Replays"): files
// shaped like what real tools write are read, with times relative to the replay; bad ones
// are refused naming the line; the editor's whole-track replace, complete, download and
// drop; and nobody but the event's organisers reaches any of it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "net_client.hpp"
#include "recorded_replay.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::HttpReply;

std::string file_text(const std::string& name) {
    std::ifstream in(std::string(STAGEHUB_TEST_DATA) + "/captions/" + name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class ReplayCaptionApiTest : public ::testing::Test {
  protected:
    RunningServer server{1.0, [](Options& o) { o.live_grace = 0s; }};
    std::string organiser = server.token(Role::organiser, "Anna Berg", kReplayEvent);
    const std::string captions = session_path(kReplaySession) + "/captions";

    HttpReply upload(const std::string& language, const std::string& body, const std::string& type,
                     const std::string& bearer, const std::string& query = "") {
        return stagehub::testing::http_request(
            server.port, "PUT", captions + "/" + language + query, body, type, bearer);
    }
};

TEST_F(ReplayCaptionApiTest, FilesOfRealToolsBecomeTheReplaysOwnTrack) {
    record_welcome(server, organiser);
    // Subtitle Edit / YouTube: SRT with a byte order mark and CRLF, sent as a plain file.
    const HttpReply srt =
        upload("sv", file_text("subtitle_edit.srt"), "application/octet-stream", organiser);
    ASSERT_EQ(srt.status, 200) << srt.body;
    const json sv = json::parse(srt.body);
    EXPECT_TRUE(sv["own"]);
    EXPECT_TRUE(sv["complete"]) << "an uploaded file is the finished track";
    ASSERT_EQ(sv["cues"].size(), 3u);
    EXPECT_EQ(sv["cues"][0]["start_ms"], 500) << "relative to the replay's start, as written";
    EXPECT_EQ(sv["cues"][0]["end_ms"], 1800);
    EXPECT_EQ(sv["cues"][0]["text"], "Välkommen till\nTillsammans för förnyelse!");
    EXPECT_EQ(sv["cues"][2]["start_ms"], 3300);

    // Amara / Aegisub: WebVTT with a header, STYLE and NOTE blocks, ids and cue settings.
    const HttpReply vtt = upload("en", file_text("aegisub_amara.vtt"), "text/vtt", organiser);
    ASSERT_EQ(vtt.status, 200) << vtt.body;
    const json en = json::parse(vtt.body);
    ASSERT_EQ(en["cues"].size(), 3u);
    EXPECT_EQ(en["cues"][1]["start_ms"], 1800) << "a short mm:ss.ttt timestamp";
    EXPECT_EQ(en["cues"][2]["end_ms"], 5200);

    // Both listed; the file comes back in either format.
    const json list = json::parse(server.call("GET", captions, organiser).body);
    EXPECT_EQ(list["tracks"].size(), 2u) << list.dump();
    EXPECT_EQ(list["deadline"]["status"], "complete");
    const HttpReply as_vtt = server.call("GET", captions + "/sv?format=vtt", organiser);
    ASSERT_EQ(as_vtt.status, 200);
    EXPECT_EQ(as_vtt.body.rfind("WEBVTT", 0), 0u);
    EXPECT_NE(as_vtt.body.find("00:00:00.500 --> 00:00:01.800"), std::string::npos) << as_vtt.body;
    const HttpReply as_srt = server.call("GET", captions + "/sv?format=srt", organiser);
    ASSERT_EQ(as_srt.status, 200);
    EXPECT_NE(as_srt.body.find("00:00:01,900 --> 00:00:03,250"), std::string::npos) << as_srt.body;

    // The console's editor replaces the whole track; it stays as complete as it was unless
    // it says otherwise.
    json edited = sv;
    edited["cues"][0]["text"] = "Välkomna!";
    edited["cues"][1]["start_ms"] = 2000;
    edited["complete"] = false;
    const HttpReply patched = server.call("PATCH", captions + "/sv", organiser, edited);
    ASSERT_EQ(patched.status, 200) << patched.body;
    const json after = json::parse(patched.body);
    EXPECT_EQ(after["cues"][0]["text"], "Välkomna!");
    EXPECT_EQ(after["cues"][1]["start_ms"], 2000);
    EXPECT_EQ(after["cues"][1]["source"], "edit");
    EXPECT_FALSE(after["complete"]);
    const HttpReply marked =
        server.call("POST", captions + "/sv/complete", organiser, {{"complete", true}});
    ASSERT_EQ(marked.status, 200) << marked.body;
    EXPECT_TRUE(json::parse(marked.body)["complete"]);

    // Descriptions are a track of their own.
    const HttpReply described =
        upload("sv", "WEBVTT\n\n00:01.000 --> 00:02.500\nEn scen med blå ljus.\n", "text/vtt",
               organiser, "?kind=descriptions");
    ASSERT_EQ(described.status, 200) << described.body;
    EXPECT_EQ(json::parse(described.body)["kind"], "descriptions");
    EXPECT_EQ(json::parse(server.call("GET", captions + "/sv", organiser).body)["cues"].size(), 3u);

    // The organiser's replay listing tells the captions' state and the days left.
    const json replay =
        json::parse(server.call("GET", "/api/v1/replays/valkommen", organiser).body);
    EXPECT_EQ(replay["captions"]["status"], "complete") << replay.dump();
    EXPECT_EQ(replay["captions"]["days_left"], 14);
    EXPECT_FALSE(
        json::parse(server.call("GET", "/api/v1/replays/valkommen").body).contains("captions"))
        << "the public does not see the organisers' bookkeeping";

    // Staff statistics count the replay as captioned (no views yet: no share).
    const std::string staff = server.token(Role::staff, "Sam Staff", kReplayEvent);
    const HttpReply stats =
        server.call("GET", std::string("/api/v1/stats/events/") + kReplayEvent, staff);
    ASSERT_EQ(stats.status, 200) << stats.body;
    const json report = json::parse(stats.body);
    EXPECT_EQ(report["totals"]["replay_views_captioned"], 0);
    EXPECT_TRUE(report["totals"]["replay_captioned_share"].is_null());
    size_t captioned = 0;
    for (const json& row : report["sessions"]) {
        EXPECT_EQ(row["replay_captioned"], row["session"] == "valkommen") << row["session"];
        captioned += row["replay_captioned"].get<bool>() ? 1 : 0;
    }
    EXPECT_EQ(captioned, 1u);
    const HttpReply csv = server.call(
        "GET", std::string("/api/v1/stats/events/") + kReplayEvent + "/sessions.csv", staff);
    EXPECT_NE(csv.body.find("replay_captioned"), std::string::npos);
}

TEST_F(ReplayCaptionApiTest, BadFilesAreRefusedNamingTheLine) {
    record_welcome(server, organiser);
    const HttpReply arrow =
        upload("sv", file_text("broken_arrow.srt"), "application/x-subrip", organiser);
    ASSERT_EQ(arrow.status, 422) << arrow.body;
    const json error = json::parse(arrow.body)["error"];
    EXPECT_NE(error["message"].get<std::string>().find("line 6"), std::string::npos)
        << error["message"];
    const HttpReply time = upload("sv", file_text("broken_time.vtt"), "text/vtt", organiser);
    ASSERT_EQ(time.status, 422) << time.body;
    EXPECT_NE(time.body.find("line 6"), std::string::npos) << time.body;
    EXPECT_EQ(upload("sv", "\xff\xfe not text", "text/vtt", organiser).status, 422);
    EXPECT_EQ(upload("sv", std::string(2u << 20, 'x') + "y", "text/vtt", organiser).status, 413);
    EXPECT_EQ(upload("s%20v", "WEBVTT\n", "text/vtt", organiser).status, 400);
    EXPECT_EQ(upload("sv", "WEBVTT\n", "text/vtt", organiser, "?kind=chapters").status, 400);
    const HttpReply backwards = server.call(
        "PATCH", captions + "/sv", organiser,
        {{"cues", json::array({{{"start_ms", 2000}, {"end_ms", 1000}, {"text", "x"}}})}});
    EXPECT_EQ(backwards.status, 400) << backwards.body;
    EXPECT_NE(backwards.body.find("cues[0]"), std::string::npos) << backwards.body;
    // Nothing was stored by any of them.
    EXPECT_EQ(json::parse(server.call("GET", captions, organiser).body)["tracks"].size(), 0u);
    // A long file fits (above the 1 MiB every other request is held to) ... Long cues, so
    // that the file is large without being 15,000 cues (which took 8 s to store and answer
    // under ASan, whose every allocation unwinds the whole stack).
    std::string long_file = "WEBVTT\n\n";
    std::string long_text;
    while (long_text.size() < 1500)
        long_text += "En rad text som fyller filen till \u00f6ver en megabyte. ";
    for (int i = 0; i < 800; ++i)
        long_file +=
            "00:00:0" + std::to_string(i % 2) + ".000 --> 00:00:03.000\n" + long_text + "\n\n";
    ASSERT_GT(long_file.size(), 1u << 20);
    const HttpReply long_upload = upload("sv", long_file, "text/vtt", organiser);
    EXPECT_EQ(long_upload.status, 200) << long_upload.body.substr(0, 300);
    // ... but the larger limit is the caption routes' alone.
    EXPECT_EQ(stagehub::testing::http_request(server.port, "POST", "/api/v1/heartbeats",
                                              std::string((1u << 20) + 10, ' '), "application/json")
                  .status,
              413);
}

TEST_F(ReplayCaptionApiTest, OnlyTheEventsOrganisersReachTheTracks) {
    record_welcome(server, organiser);
    const std::string other = server.token(Role::organiser, "Other", "another-event");
    const std::string staff = server.token(Role::staff, "Sam Staff", kReplayEvent);
    const std::string vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nHej\n";
    EXPECT_EQ(upload("sv", vtt, "text/vtt", "").status, 401);
    EXPECT_EQ(upload("sv", vtt, "text/vtt", other).status, 403);
    EXPECT_EQ(upload("sv", vtt, "text/vtt", staff).status, 403);
    ASSERT_EQ(upload("sv", vtt, "text/vtt", organiser).status, 200);
    for (const std::string& bearer : {std::string(), other}) {
        EXPECT_NE(server.call("GET", captions, bearer).status, 200);
        EXPECT_NE(server.call("GET", captions + "/sv", bearer).status, 200);
        EXPECT_NE(server.call("GET", captions + "/sv?format=vtt", bearer).status, 200);
        EXPECT_NE(server.call("DELETE", captions + "/sv", bearer).status, 200);
        EXPECT_NE(server.call("POST", captions + "/sv/complete", bearer).status, 200);
    }
    // Another event's path to this session is no way in either.
    const std::string sideways = "/api/v1/events/another-event/sessions/valkommen/captions/sv";
    EXPECT_NE(server.call("GET", sideways, other).status, 200);
    // A session without a replay has nothing to caption.
    EXPECT_EQ(server.call("GET", session_path("mata-innovation") + "/captions", organiser).status,
              404);
    // Dropped: back to the live captions (none here).
    const HttpReply dropped = server.call("DELETE", captions + "/sv", organiser);
    ASSERT_EQ(dropped.status, 200) << dropped.body;
    EXPECT_FALSE(json::parse(dropped.body)["own"]);
    EXPECT_EQ(json::parse(server.call("GET", captions, organiser).body)["tracks"].size(), 0u);
}

}  // namespace
}  // namespace stagehub::server
