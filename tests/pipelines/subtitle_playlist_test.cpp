// The subtitle group of a master and the subtitle media playlists that mirror a video
// rendition's (pipelines/subtitle_playlist.hpp), checked line by line.
#include "pipelines/subtitle_playlist.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <vector>

#include "pipelines/live_playlist.hpp"
#include "pipelines/master_playlist.hpp"
#include "pipelines/ts_first_pts.hpp"
#include "temp_dir.hpp"

namespace stagehub::pipelines {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::vector<RenditionInfo> ladder() {
    return {RenditionInfo{"source", false, 1280, 720, 25.0, "avc1.640028,mp4a.40.2", 3'000'000},
            RenditionInfo{"360p", false, 640, 360, 25.0, "avc1.64001f,mp4a.40.2", 900'000},
            RenditionInfo{"audio", true, 0, 0, 0, "mp4a.40.2", 140'000}};
}

TEST(SubtitlePlaylist, AMasterGetsTheGroupBeforeItsVariantsAndEveryVariantNamesIt) {
    const std::string master = with_subtitles(
        master_playlist(ladder()), {{"sv", false}, {"en", false}, {"sv", true}}, "index.m3u8");
    const auto lines = lines_of(master);
    ASSERT_GE(lines.size(), 12u) << master;
    EXPECT_EQ(lines[0], "#EXTM3U");
    EXPECT_EQ(lines[3],
              "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"sv\",NAME=\"Svenska\","
              "AUTOSELECT=YES,DEFAULT=NO,URI=\"subs/sv/index.m3u8\"");
    EXPECT_EQ(lines[4],
              "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"en\",NAME=\"English\","
              "AUTOSELECT=YES,DEFAULT=NO,URI=\"subs/en/index.m3u8\"");
    EXPECT_EQ(
        lines[5],
        "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"sv\",NAME=\"Svenska – "
        "syntolkning\",AUTOSELECT=YES,DEFAULT=NO,"
        "CHARACTERISTICS=\"public.accessibility.describes-video\",URI=\"desc/sv/index.m3u8\"");
    int variants = 0;
    for (size_t i = 6; i < lines.size(); ++i) {
        if (lines[i].starts_with("#EXT-X-STREAM-INF:")) {
            ++variants;
            EXPECT_TRUE(lines[i].ends_with(",SUBTITLES=\"subs\"")) << lines[i];
        } else {
            EXPECT_FALSE(lines[i].starts_with("#EXT-X-MEDIA")) << lines[i];
        }
    }
    EXPECT_EQ(variants, 3);
    EXPECT_TRUE(master.ends_with("audio/index.m3u8\n")) << master;
    // No tracks: the master as written.
    EXPECT_EQ(with_subtitles(master_playlist(ladder()), {}), master_playlist(ladder()));
}

TEST(SubtitlePlaylist, AReplayMasterNamesItsOwnPlaylistFile) {
    const std::string master = with_subtitles(master_playlist(ladder(), "playlist.m3u8"),
                                              {{"nb", false}}, "playlist.m3u8");
    EXPECT_NE(master.find("NAME=\"Norsk bokmål\",AUTOSELECT=YES,DEFAULT=NO,"
                          "URI=\"subs/nb/playlist.m3u8\"\n"),
              std::string::npos)
        << master;
    EXPECT_NE(master.find("\nsource/playlist.m3u8\n"), std::string::npos) << master;
}

TEST(SubtitlePlaylist, TrackNamesAndLanguageTags) {
    EXPECT_EQ(subtitle_name({"en", true}), "English – audio description");
    EXPECT_EQ(subtitle_name({"xx-Latn", false}), "xx-Latn");
    EXPECT_TRUE(is_language_tag("sv"));
    EXPECT_TRUE(is_language_tag("zh-Hant-TW"));
    EXPECT_FALSE(is_language_tag("s"));
    EXPECT_FALSE(is_language_tag("sv\""));
    EXPECT_FALSE(is_language_tag("../sv"));
    EXPECT_FALSE(is_language_tag(std::string(36, 'a')));
    EXPECT_EQ(subtitle_folder(false), "subs");
    EXPECT_EQ(subtitle_folder(true), "desc");
}

TEST(SubtitlePlaylist, TheLivePlaylistIsMirroredEntryForEntryWithVttSegments) {
    stagehub::testing::TempDir dir;
    LivePlaylist video(dir / "index.m3u8", 2, 3);
    const auto t0 =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(1'795'000'000'000));
    video.add("seg-aa-0.ts", 2.0, "aa", false, t0);
    video.add("seg-aa-1.ts", 2.0, "aa", false, t0 + std::chrono::seconds(2));
    video.add("seg-bb-0.ts", 1.96, "bb", false, t0 + std::chrono::seconds(9));
    video.add("seg-bb-1.ts", 2.04, "bb", true, t0 + std::chrono::seconds(11));
    const std::string subs = vtt_media_playlist(video.text());
    const auto v = lines_of(video.text());
    const auto s = lines_of(subs);
    ASSERT_EQ(v.size(), s.size()) << subs;
    int segments = 0;
    for (size_t i = 0; i < v.size(); ++i) {
        if (v[i].starts_with("#")) {
            EXPECT_EQ(s[i], v[i]);  // sequence numbers, discontinuities, durations, dates
        } else {
            ++segments;
            EXPECT_EQ(s[i], v[i].substr(0, v[i].size() - 3) + ".vtt");
        }
    }
    EXPECT_EQ(segments, 3);
    EXPECT_NE(subs.find("#EXT-X-MEDIA-SEQUENCE:1\n"), std::string::npos) << subs;
    EXPECT_NE(subs.find("#EXT-X-DISCONTINUITY\n"), std::string::npos) << subs;
    EXPECT_NE(subs.find("\nseg-bb-1.vtt\n"), std::string::npos) << subs;
    EXPECT_EQ(vtt_segment_name("salen/source/seg-ab12-7.ts"), "seg-ab12-7.vtt");
}

TEST(TsFirstPts, BytesThatAreNotATransportStreamHaveNone) {
    EXPECT_FALSE(ts_first_pts(std::span<const uint8_t>{}).has_value());
    const std::vector<uint8_t> text(4000, 'x');
    EXPECT_FALSE(ts_first_pts(text).has_value());
    // Sync bytes but no PAT, PMT or PES: nothing to read a PTS from.
    std::vector<uint8_t> empty_packets(188 * 4, 0xFF);
    for (size_t at = 0; at < empty_packets.size(); at += 188) {
        empty_packets[at] = 0x47;
        empty_packets[at + 1] = 0x1F;  // PID 0x1FFF, null packets
        empty_packets[at + 3] = 0x10;
    }
    EXPECT_FALSE(ts_first_pts(empty_packets).has_value());
    EXPECT_FALSE(ts_first_pts(std::filesystem::path("/nonexistent/seg.ts")).has_value());
}

}  // namespace
}  // namespace stagehub::pipelines
