// The live playlist that outlives pipeline runs: sequence numbers never go back, each new
// run is a discontinuity, and a restarted server continues the file it finds.
#include "pipelines/live_playlist.hpp"

#include <gtest/gtest.h>

#include "media_probe.hpp"
#include "temp_dir.hpp"

namespace stagehub::pipelines {
namespace {

using stagehub::testing::playlist_durations;
using stagehub::testing::playlist_segments;
using stagehub::testing::read_text_file;
using stagehub::testing::TempDir;

int64_t media_sequence(const std::string& playlist) {
    const size_t at = playlist.find("#EXT-X-MEDIA-SEQUENCE:");
    return at == std::string::npos ? -1 : std::stoll(playlist.substr(at + 22));
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
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
    EXPECT_EQ(count(text, "#EXT-X-DISCONTINUITY"), 0u);

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
    EXPECT_EQ(count(text, "#EXT-X-DISCONTINUITY\n"), 0u) << text;
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
    EXPECT_EQ(count(text, "#EXT-X-DISCONTINUITY\n"), 1u) << text;
    EXPECT_LT(text.find("seg-a-6.ts"), text.find("#EXT-X-DISCONTINUITY\n"));
}

}  // namespace
}  // namespace stagehub::pipelines
