// The replay archive in a real SQLite file, and the VOD playlists cut from it.
#include <gtest/gtest.h>

#include <fstream>

#include "media_probe.hpp"
#include "pipelines/replay_playlist.hpp"
#include "pipelines/segment_archive.hpp"
#include "schedule/migrations.hpp"
#include "schedule/programme_file.hpp"
#include "schedule/programme_store.hpp"
#include "temp_dir.hpp"

namespace stagehub::pipelines {
namespace {

using namespace std::chrono_literals;
using stagehub::testing::playlist_durations;
using stagehub::testing::playlist_segments;
using stagehub::testing::TempDir;

const std::chrono::system_clock::time_point kNine =
    std::chrono::sys_days{std::chrono::year{2026} / 5 / 12} + 9h;

class ReplayArchiveTest : public ::testing::Test {
  protected:
    TempDir dir;
    schedule::Database db{dir / "stagehub.db"};
    SegmentArchive archive{db, dir / "live"};

    void SetUp() override {
        schedule::migrate(db);
        std::filesystem::create_directories(dir / "live/salen");
    }

    // A closed 2-second segment of `run` starting `offset` after nine, written to disk.
    ClosedSegment segment(const std::string& run, unsigned index, std::chrono::milliseconds offset,
                          double duration_s = 2.0) {
        ClosedSegment s;
        s.run_id = run;
        s.index = index;
        s.path = dir / "live/salen" / ("seg-" + run + "-" + std::to_string(index) + ".ts");
        std::ofstream(s.path) << std::string(1000 + index, 'x');
        s.started_at = kNine + offset;
        s.duration_s = duration_s;
        return s;
    }

    static WallTime at(std::chrono::milliseconds offset) {
        return std::chrono::time_point_cast<Milliseconds>(kNine + offset);
    }
};

// The bytes per stage the metrics report: summed once, kept by add (a repeat adds nothing),
// summed again after retention.
TEST_F(ReplayArchiveTest, KeepsTheBytesOfEachStage) {
    archive.add("salen", segment("r1", 0, 0ms));
    EXPECT_EQ(archive.bytes_by_stage().at("salen"), 1000);
    archive.add("salen", segment("r1", 1, 2000ms));
    archive.add("salen", segment("r1", 1, 2000ms));
    archive.add("annan-sal", segment("r9", 5, 0ms));
    EXPECT_EQ(archive.bytes_by_stage().at("salen"), 2001);
    EXPECT_EQ(archive.bytes_by_stage().at("annan-sal"), 1005);
    SegmentArchive reopened{db, dir / "live"};
    EXPECT_EQ(reopened.bytes_by_stage(), archive.bytes_by_stage()) << "as the index sums it";
    EXPECT_EQ(archive.remove_older_than(at(2500ms)), 2);
    EXPECT_EQ(archive.bytes_by_stage().at("salen"), 1001);
    EXPECT_FALSE(archive.bytes_by_stage().contains("annan-sal"));
}

TEST_F(ReplayArchiveTest, FindsTheSegmentsThatOverlapAWindowInTimeOrder) {
    for (unsigned i = 0; i < 10; ++i)
        archive.add("salen", segment("r1", i, i * 2000ms));
    archive.add("annan-sal", segment("r9", 0, 0ms));
    // [3 s, 7 s) touches the segments starting at 2, 4 and 6 s.
    const auto found = archive.overlapping("salen", at(3000ms), at(7000ms), "");
    ASSERT_EQ(found.size(), 3u);
    EXPECT_EQ(found[0].starts, at(2000ms));
    EXPECT_EQ(found[2].starts, at(6000ms));
    EXPECT_EQ(found[0].file, "salen/seg-r1-1.ts") << "relative to the live folder";
    EXPECT_EQ(found[0].duration, 2000ms);
    EXPECT_EQ(found[0].bytes, 1001);
    // Back to back is not overlap: [4 s, 6 s) is one segment, not three.
    EXPECT_EQ(archive.overlapping("salen", at(4000ms), at(6000ms), "").size(), 1u);
    // Adding the same segment again changes nothing.
    archive.add("salen", segment("r1", 3, 6000ms));
    EXPECT_EQ(archive.of_stage("salen").size(), 10u);
}

TEST_F(ReplayArchiveTest, AReplayKeepsTheSegmentsMostlyInsideTheSessionSoItsLengthIsWithinOne) {
    for (unsigned i = 0; i < 10; ++i)
        archive.add("salen", segment("r1", i, i * 2000ms));
    // A session from 3.2 s to 12.9 s (9.7 s): segments [2,4) (40% inside) and [12,14) (45%)
    // are mostly outside; [4,6) … [10,12) stay: 8 s, within one segment of 9.7 s.
    const auto overlapping = archive.overlapping("salen", at(3200ms), at(12900ms), "");
    ASSERT_EQ(overlapping.size(), 6u);
    const auto kept = mostly_within(overlapping, at(3200ms), at(12900ms));
    ASSERT_EQ(kept.size(), 4u);
    EXPECT_EQ(kept.front().starts, at(4000ms));
    EXPECT_EQ(kept.back().ends(), at(12000ms));
    EXPECT_LE(std::chrono::abs(total_duration(kept) - 9700ms), 2000ms);
    // A window shorter than a segment keeps what overlaps it.
    EXPECT_EQ(mostly_within(archive.overlapping("salen", at(4500ms), at(5200ms), ""), at(4500ms),
                            at(5200ms))
                  .size(),
              1u);
}

TEST_F(ReplayArchiveTest, AVodPlaylistMarksEachNewRunAsADiscontinuity) {
    archive.add("salen", segment("r1", 0, 0ms));
    archive.add("salen", segment("r1", 1, 2000ms, 1.5));
    archive.add("salen", segment("r2", 0, 5000ms, 2.5));  // after a restart
    const auto segments = archive.overlapping("salen", at(0ms), at(10000ms), "");
    const std::string playlist = vod_playlist(segments, "/live/");
    EXPECT_NE(playlist.find("#EXT-X-PLAYLIST-TYPE:VOD\n"), std::string::npos) << playlist;
    EXPECT_NE(playlist.find("#EXT-X-TARGETDURATION:3\n"), std::string::npos)
        << "at least the longest segment, rounded up:\n"
        << playlist;
    EXPECT_EQ(playlist_segments(playlist),
              (std::vector<std::string>{"/live/salen/seg-r1-0.ts", "/live/salen/seg-r1-1.ts",
                                        "/live/salen/seg-r2-0.ts"}));
    EXPECT_EQ(playlist_durations(playlist), (std::vector<double>{2.0, 1.5, 2.5}));
    const size_t discontinuity = playlist.find("#EXT-X-DISCONTINUITY\n");
    ASSERT_NE(discontinuity, std::string::npos) << playlist;
    EXPECT_LT(playlist.find("seg-r1-1.ts"), discontinuity);
    EXPECT_GT(playlist.find("seg-r2-0.ts"), discontinuity);
    EXPECT_EQ(playlist.find("#EXT-X-DISCONTINUITY", discontinuity + 1), std::string::npos);
    EXPECT_TRUE(playlist.ends_with("#EXT-X-ENDLIST\n"));
    EXPECT_EQ(total_duration(segments), 6000ms);
}

TEST_F(ReplayArchiveTest, ReplayEditsAreKeptPerSessionAndGoWithIt) {
    auto programme = schedule::read_programme_file(STAGEHUB_TEST_DATA "/two_stages.json");
    ASSERT_TRUE(programme.ok());
    schedule::ProgrammeStore store(db);
    ASSERT_TRUE(store.replace_event(*programme, "test").ok());
    EXPECT_EQ(archive.edit_of("a1"), ReplayEdit{});
    archive.set_edit("a1", ReplayEdit{30s, 5s, true});
    EXPECT_EQ(archive.edit_of("a1"), (ReplayEdit{30s, 5s, true}));
    archive.set_edit("a1", ReplayEdit{0ms, 0ms, false});
    EXPECT_EQ(archive.edit_of("a1"), ReplayEdit{});
    // An edit of a session that does not exist is refused by the database.
    EXPECT_THROW(archive.set_edit("no-such-session", ReplayEdit{}), schedule::DatabaseError);
    archive.set_edit("a1", ReplayEdit{10s, 0ms, false});
    programme->sessions.erase(programme->sessions.begin());  // a1 is deleted
    ASSERT_TRUE(store.replace_event(*programme, "test").ok());
    EXPECT_EQ(archive.edit_of("a1"), ReplayEdit{}) << "the edit went with its session";
}

TEST_F(ReplayArchiveTest, RetentionRemovesOldSegmentsFromTheIndexAndTheDisk) {
    for (unsigned i = 0; i < 4; ++i)
        archive.add("salen", segment("r1", i, i * 2000ms));
    EXPECT_EQ(archive.remove_older_than(at(4500ms)), 2);
    EXPECT_FALSE(std::filesystem::exists(dir / "live/salen/seg-r1-0.ts"));
    EXPECT_FALSE(std::filesystem::exists(dir / "live/salen/seg-r1-1.ts"));
    EXPECT_TRUE(std::filesystem::exists(dir / "live/salen/seg-r1-2.ts"));
    EXPECT_EQ(archive.of_stage("salen").size(), 2u);
}

TEST_F(ReplayArchiveTest, OnlyFilesBelowTheLiveFolderAreIndexedOrDeleted) {
    // A segment a pipeline wrote elsewhere (a stage id that was a path) is not indexed...
    ClosedSegment stray = segment("r1", 0, 0ms);
    std::filesystem::create_directories(dir / "elsewhere");
    stray.path = dir / "elsewhere" / "seg-r1-0.ts";
    std::ofstream(stray.path) << "x";
    archive.add("/elsewhere", stray);
    EXPECT_TRUE(archive.of_stage("/elsewhere").empty());
    // ...and a row naming a file outside (an older database) never deletes that file.
    db.prepare(
          "INSERT INTO segments (stage_id, run_id, seq, file, starts_ms, duration_ms, bytes) "
          "VALUES ('salen', 'r0', 0, '../elsewhere/seg-r1-0.ts', 0, 1000, 1)")
        .run();
    EXPECT_EQ(archive.remove_older_than(at(0ms)), 1);
    EXPECT_TRUE(std::filesystem::exists(stray.path));
}

}  // namespace
}  // namespace stagehub::pipelines
