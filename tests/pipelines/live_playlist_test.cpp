// The live playlist that outlives pipeline runs: sequence numbers never go back, each new
// run is a discontinuity, and a restarted server continues the file it finds.
#include "pipelines/live_playlist.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "media_probe.hpp"
#include "temp_dir.hpp"
#include "text_count.hpp"

namespace stagehub::pipelines {
namespace {

using stagehub::testing::occurrences;
using stagehub::testing::playlist_durations;
using stagehub::testing::playlist_segments;
using stagehub::testing::read_text_file;
using stagehub::testing::TempDir;

int64_t media_sequence(const std::string& playlist) {
    const size_t at = playlist.find("#EXT-X-MEDIA-SEQUENCE:");
    return at == std::string::npos ? -1 : std::stoll(playlist.substr(at + 22));
}

TEST(LivePlaylist, SlidesItsWindowAndKeepsCountingAcrossRuns) {
    TempDir dir;
    LivePlaylist playlist(dir / "index.m3u8", 2, 3);
    for (int i = 0; i < 4; ++i)
        playlist.add("seg-a-" + std::to_string(i) + ".ts", 2.0, "a");
    std::string text = read_text_file(dir / "index.m3u8");
    EXPECT_EQ(media_sequence(text), 1);
    EXPECT_EQ(playlist_segments(text),
              (std::vector<std::string>{"seg-a-1.ts", "seg-a-2.ts", "seg-a-3.ts"}));
    EXPECT_EQ(occurrences(text, "#EXT-X-DISCONTINUITY"), 0u);

    // The pipeline restarted: a new run, whose timestamps start over.
    playlist.add("seg-b-0.ts", 1.5, "b");
    text = read_text_file(dir / "index.m3u8");
    EXPECT_EQ(media_sequence(text), 2) << "never back to 0";
    EXPECT_LT(text.find("seg-a-3.ts"), text.find("#EXT-X-DISCONTINUITY\n"));
    EXPECT_LT(text.find("#EXT-X-DISCONTINUITY\n"), text.find("seg-b-0.ts"));
    EXPECT_EQ(playlist_durations(text).back(), 1.5);

    // When the discontinuity leaves the window, the discontinuity sequence counts it.
    for (int i = 1; i <= 3; ++i)
        playlist.add("seg-b-" + std::to_string(i) + ".ts", 2.0, "b");
    text = read_text_file(dir / "index.m3u8");
    EXPECT_EQ(occurrences(text, "#EXT-X-DISCONTINUITY\n"), 0u) << text;
    EXPECT_NE(text.find("#EXT-X-DISCONTINUITY-SEQUENCE:1\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("#EXT-X-ENDLIST"), std::string::npos);
    playlist.end();
    EXPECT_TRUE(read_text_file(dir / "index.m3u8").ends_with("#EXT-X-ENDLIST\n"));
}

TEST(LivePlaylist, ARestartedServerContinuesTheFileItFinds) {
    TempDir dir;
    {
        LivePlaylist before(dir / "index.m3u8", 2, 5);
        for (int i = 0; i < 7; ++i)
            before.add("seg-a-" + std::to_string(i) + ".ts", 2.0, "a");
    }  // killed: no end()
    LivePlaylist after(dir / "index.m3u8", 2, 5);
    after.resume();
    EXPECT_EQ(after.next_sequence(), 7);
    after.add("seg-b-0.ts", 2.0, "b");
    const std::string text = read_text_file(dir / "index.m3u8");
    EXPECT_EQ(media_sequence(text), 3);
    EXPECT_EQ(playlist_segments(text).back(), "seg-b-0.ts");
    EXPECT_EQ(occurrences(text, "#EXT-X-DISCONTINUITY\n"), 1u) << text;
    EXPECT_LT(text.find("seg-a-6.ts"), text.find("#EXT-X-DISCONTINUITY\n"));
}

// #EXT-X-PROGRAM-DATE-TIME before every segment, after its discontinuity: the wall-clock
// time of the segment's first frame, UTC with milliseconds (RFC 8216 4.3.2.6).
TEST(LivePlaylist, DatesEverySegmentWithItsFirstFrame) {
    using namespace std::chrono;
    TempDir dir;
    LivePlaylist playlist(dir / "index.m3u8", 2, 5);
    const system_clock::time_point start =
        sys_days{year{2026} / November / 22} + 9h + 30min + 250ms;
    playlist.add("seg-a-0.ts", 2.0, "a", false, start);
    playlist.add("seg-a-1.ts", 2.0, "a", false, start + 2s);
    playlist.add("seg-b-0.ts", 1.5, "b", false, start + 10s - 245ms);
    EXPECT_EQ(read_text_file(dir / "index.m3u8"),
              "#EXTM3U\n"
              "#EXT-X-VERSION:3\n"
              "#EXT-X-TARGETDURATION:2\n"
              "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n"
              "#EXT-X-MEDIA-SEQUENCE:0\n"
              "#EXT-X-PROGRAM-DATE-TIME:2026-11-22T09:30:00.250Z\n"
              "#EXTINF:2.000,\n"
              "seg-a-0.ts\n"
              "#EXT-X-PROGRAM-DATE-TIME:2026-11-22T09:30:02.250Z\n"
              "#EXTINF:2.000,\n"
              "seg-a-1.ts\n"
              "#EXT-X-DISCONTINUITY\n"
              "#EXT-X-PROGRAM-DATE-TIME:2026-11-22T09:30:10.005Z\n"
              "#EXTINF:1.500,\n"
              "seg-b-0.ts\n");

    // A restarted server keeps the dates of the window it continues.
    LivePlaylist after(dir / "index.m3u8", 2, 5);
    after.resume();
    after.add("seg-c-0.ts", 2.0, "c", false, start + 20s);
    const std::string text = read_text_file(dir / "index.m3u8");
    EXPECT_NE(
        text.find(
            "#EXT-X-PROGRAM-DATE-TIME:2026-11-22T09:30:00.250Z\n#EXTINF:2.000,\nseg-a-0.ts\n"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-11-22T09:30:20.250Z\n"
                        "#EXTINF:2.000,\nseg-c-0.ts\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(occurrences(text, "#EXT-X-PROGRAM-DATE-TIME:"), 4u) << text;
}

// Called as a segment closes without its start: it started its duration and one more
// segment (the next one's first GOP, which splitmuxsink holds before closing) before now.
TEST(LivePlaylist, WithoutAStartTheSegmentEndsNow) {
    using namespace std::chrono;
    TempDir dir;
    LivePlaylist playlist(dir / "index.m3u8", 2, 5);
    const auto ms_now = [] {
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    };
    const int64_t before = ms_now();
    playlist.add("seg-a-0.ts", 2.0, "a");
    const int64_t after = ms_now();
    const std::string text = read_text_file(dir / "index.m3u8");
    const size_t at = text.find("#EXT-X-PROGRAM-DATE-TIME:");
    ASSERT_NE(at, std::string::npos) << text;
    const auto starts = LivePlaylist::parse_program_date_time(text.substr(at + 25, 24));
    ASSERT_TRUE(starts.has_value()) << text;
    EXPECT_GE(*starts, before - 2000 - 2000 - 1);
    EXPECT_LE(*starts, after - 2000 - 2000 + 1);
}

TEST(LivePlaylist, ProgramDateTimeRoundTrips) {
    EXPECT_EQ(LivePlaylist::program_date_time(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(LivePlaylist::program_date_time(1795500000123), "2026-11-24T06:00:00.123Z");
    EXPECT_EQ(LivePlaylist::program_date_time(-1), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(LivePlaylist::parse_program_date_time("2026-11-24T06:00:00.123Z"), 1795500000123);
    EXPECT_EQ(LivePlaylist::parse_program_date_time("2026-11-24T06:00:00Z"), 1795500000000);
    EXPECT_EQ(LivePlaylist::parse_program_date_time("2026-11-24T06:00:00.5Z"), 1795500000500);
    EXPECT_EQ(LivePlaylist::parse_program_date_time("2026-11-24T06:00:00.123"), std::nullopt);
    EXPECT_EQ(LivePlaylist::parse_program_date_time("yesterday"), std::nullopt);
}

}  // namespace
}  // namespace stagehub::pipelines
