// Live WebVTT subtitle renditions over HTTP, with the demo stage really broadcasting 1 s
// segments: a cue stored at wall time T is in the WebVTT segment of the video segment whose
// window holds T, timed from that segment's first frame, with the X-TIMESTAMP-MAP naming the
// segment's first PTS as read back from the served .ts; the subtitle playlist mirrors the
// video playlist; the master lists the group (server/media/live_subtitles.hpp).
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <limits>
#include <optional>
#include <regex>
#include <span>
#include <sstream>
#include <thread>

#include "net_client.hpp"
#include "pipelines/live_playlist.hpp"
#include "pipelines/subtitle_playlist.hpp"
#include "running_server.hpp"
#include "schedule/captions/caption_store.hpp"
#include "schedule/captions/webvtt.hpp"
#include "schedule/database.hpp"
#include "ts_probe.hpp"

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using stagehub::testing::http_get;
using stagehub::testing::http_request;
using stagehub::testing::HttpReply;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kStage = "stora-salen";

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Entry {
    int64_t sequence = 0;
    std::string uri;
    int64_t starts_ms = 0;
    int64_t duration_ms = 0;
};

// A live media playlist's entries, numbered from its media sequence; none if it is not one.
std::vector<Entry> entries_of(const std::string& playlist) {
    std::vector<Entry> entries;
    if (!playlist.starts_with("#EXTM3U\n"))
        return entries;
    std::istringstream lines(playlist);
    int64_t sequence = 0;
    Entry next;
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("#EXT-X-MEDIA-SEQUENCE:")) {
            sequence = std::stoll(line.substr(22));
        } else if (line.starts_with("#EXT-X-PROGRAM-DATE-TIME:")) {
            next.starts_ms =
                pipelines::LivePlaylist::parse_program_date_time(line.substr(25)).value_or(0);
        } else if (line.starts_with("#EXTINF:")) {
            next.duration_ms = static_cast<int64_t>(std::stod(line.substr(8)) * 1000.0 + 0.5);
        } else if (!line.empty() && line[0] != '#') {
            next.sequence = sequence++;
            next.uri = line;
            entries.push_back(next);
            next = Entry{};
        }
    }
    return entries;
}

// True once the stage's top rendition lists a segment, false if not within `within`.
bool went_live(int port, const std::string& live, std::chrono::seconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (entries_of(http_get(port, live + "/source/index.m3u8").body).empty()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(100ms);
    }
    return true;
}

// The top rendition's entry whose window holds `at_ms`, once listed; an empty one if none is
// by `deadline`, with the playlist last read in `last`.
Entry segment_holding(int port, const std::string& live, int64_t at_ms,
                      std::chrono::steady_clock::time_point deadline, std::string& last) {
    for (;;) {
        last = http_get(port, live + "/source/index.m3u8").body;
        for (const Entry& e : entries_of(last)) {
            if (e.starts_ms <= at_ms && at_ms < e.starts_ms + e.duration_ms)
                return e;
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return Entry{};
        std::this_thread::sleep_for(100ms);
    }
}

captions::Cue live_cue(const std::string& language, captions::CueKind kind, int64_t start_ms,
                       std::string text) {
    captions::Cue cue;
    cue.event_id = kEvent;
    cue.stage_id = kStage;
    cue.language = language;
    cue.kind = kind;
    cue.start_ms = start_ms;
    cue.end_ms = start_ms + 2500;
    cue.text = std::move(text);
    return cue;
}

// The demo stage really broadcasting, in 1 s segments.
class LiveSubtitlesOverHttp : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }

    RunningServer server{1.0, [](Options& options) {
                             options.broadcast = true;
                             options.segment_seconds = 1;
                         }};
    const std::string live = std::string("/live/") + kStage;
};

TEST_F(LiveSubtitlesOverHttp, ACueIsInTheSegmentWhoseWindowHoldsItTimedFromItsFirstFrame) {
    ASSERT_TRUE(went_live(server.port, live, 30s)) << "no live segment within 30 s";
    const auto deadline = std::chrono::steady_clock::now() + 30s;

    // Cues as the ingest stores them, at the moment they arrive; all at one instant, so the
    // one segment holding it holds all three (a description 100 ms later fell into the next
    // segment whenever `at` was in a segment's last 100 ms).
    schedule::Database db(server.dir / "stagehub.db");
    captions::CaptionStore store(db);
    const int64_t at = now_ms();
    ASSERT_TRUE(
        store.add_live_cue(live_cue("sv", captions::CueKind::captions, at, "Välkomna alla")).ok());
    ASSERT_TRUE(
        store.add_live_cue(live_cue("en", captions::CueKind::captions, at, "Welcome")).ok());
    ASSERT_TRUE(
        store.add_live_cue(live_cue("sv", captions::CueKind::descriptions, at, "En boll studsar"))
            .ok());

    // The video segment whose window holds `at`, once listed; its subtitle playlist then
    // lists it too, under the same media sequence number (a blocking reload waits for it).
    std::string video;
    const Entry holder = segment_holding(server.port, live, at, deadline + 10s, video);
    ASSERT_FALSE(holder.uri.empty())
        << "no segment holds " << pipelines::LivePlaylist::program_date_time(at) << " in\n"
        << video;
    const HttpReply subs = http_get(
        server.port, live + "/subs/sv/index.m3u8?_HLS_msn=" + std::to_string(holder.sequence + 1));
    ASSERT_EQ(subs.status, 200) << subs.body;
    EXPECT_EQ(subs.headers.at("content-type"), "application/vnd.apple.mpegurl");
    EXPECT_EQ(subs.headers.at("cache-control"), "no-store");
    const auto listed = entries_of(subs.body);
    ASSERT_FALSE(listed.empty()) << subs.body;
    EXPECT_GE(listed.back().sequence, holder.sequence + 1) << subs.body;
    // Entry for entry the video playlist's (fetched again: it may have moved on meanwhile).
    bool mirrored = false;
    for (int attempt = 0; attempt < 5 && !mirrored; ++attempt) {
        const std::string video_now = http_get(server.port, live + "/source/index.m3u8").body;
        const std::string subs_now = http_get(server.port, live + "/subs/sv/index.m3u8").body;
        mirrored = subs_now == pipelines::vtt_media_playlist(video_now);
    }
    EXPECT_TRUE(mirrored);
    const std::string vtt_name = pipelines::vtt_segment_name(holder.uri);
    bool in_subs = false;
    for (const Entry& e : listed)
        in_subs = in_subs || (e.uri == vtt_name && e.sequence == holder.sequence);
    EXPECT_TRUE(in_subs) << vtt_name << " as " << holder.sequence << " in\n" << subs.body;

    // The WebVTT segment: the cue, timed from the segment's first frame, mapped to its PTS.
    const HttpReply vtt = http_get(server.port, live + "/subs/sv/" + vtt_name);
    ASSERT_EQ(vtt.status, 200) << vtt.body;
    EXPECT_EQ(vtt.headers.at("content-type"), "text/vtt; charset=utf-8");
    const auto cues = captions::parse_webvtt(vtt.body);
    ASSERT_TRUE(cues.ok()) << cues.error().message << "\n" << vtt.body;
    ASSERT_EQ(cues->size(), 1u) << vtt.body;
    EXPECT_EQ(cues->front().start_ms, at - holder.starts_ms) << vtt.body;
    EXPECT_EQ(cues->front().end_ms, at + 2500 - holder.starts_ms) << vtt.body;
    EXPECT_EQ(cues->front().text, "Välkomna alla");
    const HttpReply ts = http_get(server.port, live + "/source/" + holder.uri);
    ASSERT_EQ(ts.status, 200);
    const auto pts =
        stagehub::testing::probe_ts(
            std::span(reinterpret_cast<const uint8_t*>(ts.body.data()), ts.body.size()))
            .first_video_pts;
    ASSERT_TRUE(pts.has_value());
    EXPECT_NE(
        vtt.body.find("X-TIMESTAMP-MAP=MPEGTS:" + std::to_string(*pts) + ",LOCAL:00:00:00.000\n"),
        std::string::npos)
        << vtt.body;
    std::printf("[ measured ] cue at +%lld ms into segment %s (PTS %lld)\n",
                static_cast<long long>(at - holder.starts_ms), holder.uri.c_str(),
                static_cast<long long>(*pts));

    // Descriptions beside it, under desc/; the segment before holds none of these cues.
    const HttpReply desc = http_get(server.port, live + "/desc/sv/" + vtt_name);
    ASSERT_EQ(desc.status, 200) << desc.body;
    const auto described = captions::parse_webvtt(desc.body);
    ASSERT_TRUE(described.ok()) << desc.body;
    ASSERT_EQ(described->size(), 1u) << desc.body;
    EXPECT_EQ(described->front().text, "En boll studsar");
    for (const Entry& e : listed) {
        if (e.sequence == holder.sequence - 1) {
            const auto before =
                captions::parse_webvtt(http_get(server.port, live + "/subs/sv/" + e.uri).body);
            ASSERT_TRUE(before.ok());
            EXPECT_TRUE(before->empty()) << e.uri;
        }
    }

    // The master, rewritten as segments come: the event's language, the one with cues, the
    // descriptions; every variant in the group.
    std::string master;
    const auto master_deadline = std::chrono::steady_clock::now() + 10s;
    while (master.find("desc/sv/index.m3u8") == std::string::npos &&
           std::chrono::steady_clock::now() < master_deadline) {
        master = http_get(server.port, live + "/index.m3u8").body;
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_NE(master.find("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"sv\",NAME="
                          "\"Svenska\",AUTOSELECT=YES,DEFAULT=NO,URI=\"subs/sv/index.m3u8\"\n"),
              std::string::npos)
        << master;
    EXPECT_NE(master.find("LANGUAGE=\"en\",NAME=\"English\""), std::string::npos) << master;
    EXPECT_NE(master.find("CHARACTERISTICS=\"public.accessibility.describes-video\","
                          "URI=\"desc/sv/index.m3u8\""),
              std::string::npos)
        << master;
    const std::regex variant("#EXT-X-STREAM-INF:[^\n]*");
    int variants = 0;
    for (auto it = std::sregex_iterator(master.begin(), master.end(), variant);
         it != std::sregex_iterator(); ++it, ++variants) {
        EXPECT_TRUE(it->str().ends_with(",SUBTITLES=\"subs\"")) << it->str();
    }
    EXPECT_GE(variants, 2) << master;

    // Nothing else answers below subs/ and desc/.
    for (const std::string bad :
         {"/subs/sv/seg-nope-1.vtt", "/subs/sv/seg-x.ts", "/subs/s/index.m3u8",
          "/subs/sv%22/index.m3u8", "/cc/sv/index.m3u8", "/subs/sv/x/index.m3u8"}) {
        EXPECT_EQ(http_get(server.port, live + bad).status, 404) << bad;
    }
}

// A description a captioner posts live (docs/CAPTIONS.md, "Ingest") is in the desc/ segment
// of the video segment whose window holds its stored start, and not in the captions'. The
// segment is found from the start the server stored, not from when the test thinks it sent.
TEST_F(LiveSubtitlesOverHttp, ADescriptionPostedLiveIsInItsDescSegment) {
    ASSERT_TRUE(went_live(server.port, live, 30s)) << "no live segment within 30 s";
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    const std::string captioner = server.token(Role::captioner, "Syntolk", kEvent);
    const HttpReply posted = http_request(server.port, "POST",
                                          std::string("/api/v1/events/") + kEvent + "/stages/" +
                                              kStage + "/captions?kind=descriptions",
                                          "Ridån går upp", "text/plain", captioner);
    ASSERT_EQ(posted.status, 201) << posted.body;

    schedule::Database db(server.dir / "stagehub.db");
    captions::CaptionStore store(db);
    const auto stored = store.live_cues(kStage, "sv", captions::CueKind::descriptions, 0,
                                        std::numeric_limits<int64_t>::max());
    ASSERT_EQ(stored.size(), 1u);
    const int64_t at = stored.front().start_ms;

    std::string video;
    const Entry holder = segment_holding(server.port, live, at, deadline + 20s, video);
    ASSERT_FALSE(holder.uri.empty())
        << "no segment holds " << pipelines::LivePlaylist::program_date_time(at) << " in\n"
        << video;
    const std::string vtt_name = pipelines::vtt_segment_name(holder.uri);
    const HttpReply desc = http_get(server.port, live + "/desc/sv/" + vtt_name);
    ASSERT_EQ(desc.status, 200) << desc.body;
    const auto described = captions::parse_webvtt(desc.body);
    ASSERT_TRUE(described.ok()) << desc.body;
    ASSERT_EQ(described->size(), 1u) << desc.body;
    EXPECT_EQ(described->front().text, "Ridån går upp");
    EXPECT_EQ(described->front().start_ms, at - holder.starts_ms) << desc.body;
    const HttpReply subs = http_get(server.port, live + "/subs/sv/" + vtt_name);
    ASSERT_EQ(subs.status, 200) << subs.body;
    const auto captioned = captions::parse_webvtt(subs.body);
    ASSERT_TRUE(captioned.ok()) << subs.body;
    EXPECT_TRUE(captioned->empty()) << "a description is no caption\n" << subs.body;
}

// A segment archived before migration 13 has no first PTS in its row: its WebVTT segment
// reads it from the .ts once and keeps it there, so the next request reads no file (shown
// by moving the file away) and answers the same.
TEST_F(LiveSubtitlesOverHttp, AFirstPtsReadFromDiskIsKeptInTheSegmentsRow) {
    schedule::Database db(server.dir / "stagehub.db");
    const auto pts_of = [&db](const std::string& file) {
        schedule::Statement read = db.prepare("SELECT first_pts FROM segments WHERE file = ?");
        read.bind(1, file);
        std::optional<int64_t> pts;
        if (read.step() && !read.column_is_null(0))
            pts = read.column_int(0);
        return pts;
    };
    // An archived segment of the top rendition, as the subtitle renditions follow it.
    std::string file;
    const auto deadline = std::chrono::steady_clock::now() + 40s;
    while (file.empty()) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no segment archived in 40 s";
        schedule::Statement first = db.prepare(
            "SELECT file FROM segments WHERE stage_id = ? AND rendition = 'source' "
            "AND first_pts IS NOT NULL ORDER BY starts_ms LIMIT 1");
        first.bind(1, kStage);
        if (first.step())
            file = first.column_text(0);
        else
            std::this_thread::sleep_for(200ms);
    }
    const int64_t pts = *pts_of(file);
    // As a database from before migration 13 has it.
    schedule::Statement forget = db.prepare("UPDATE segments SET first_pts = NULL WHERE file = ?");
    forget.bind(1, file);
    forget.run();
    ASSERT_FALSE(pts_of(file).has_value());

    const std::string vtt_url =
        live + "/subs/sv/" + pipelines::vtt_segment_name(file.substr(file.rfind('/') + 1));
    const HttpReply first = http_get(server.port, vtt_url);
    ASSERT_EQ(first.status, 200) << vtt_url << ": " << first.body;
    EXPECT_NE(first.body.find("X-TIMESTAMP-MAP=MPEGTS:" + std::to_string(pts) + ","),
              std::string::npos)
        << first.body;
    EXPECT_EQ(pts_of(file), pts) << "the PTS read from the file is kept in its row";

    const std::filesystem::path ts = server.dir / "media" / "live" / file;
    const std::filesystem::path away = ts.string() + ".away";
    std::filesystem::rename(ts, away);
    const HttpReply second = http_get(server.port, vtt_url);
    std::filesystem::rename(away, ts);
    ASSERT_EQ(second.status, 200) << second.body;
    EXPECT_EQ(second.body, first.body) << "answered from the row, without the file";
}

}  // namespace
}  // namespace stagehub::server
