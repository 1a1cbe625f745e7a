// Segments kept for live only (the disk below its floor): each is deleted once it has left
// its playlist and the live grace after its end has passed, and not before.
#include "server/broadcast/live_only_segments.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "temp_dir.hpp"

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

pipelines::ClosedSegment segment_file(const std::filesystem::path& dir, const std::string& name,
                                      Clock::time_point starts) {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / name) << "ts";
    pipelines::ClosedSegment segment;
    segment.path = dir / name;
    segment.rendition = dir.filename().string();
    segment.started_at = starts;
    segment.duration_s = 2.0;
    return segment;
}

TEST(LiveOnlySegmentsTest, ASegmentGoesOnceUnlistedAndPastTheGraceAfterItsEnd) {
    stagehub::testing::TempDir dir;
    const Clock::time_point t0 = Clock::now();
    LiveOnlySegments kept;
    const auto a = segment_file(dir / "source", "seg-r-0.ts", t0);       // ends t0 + 2 s
    const auto b = segment_file(dir / "source", "seg-r-1.ts", t0 + 2s);  // ends t0 + 4 s
    const auto c = segment_file(dir / "audio", "seg-r-0.ts", t0);        // another rendition
    kept.add(a);
    kept.add(b);
    kept.add(c);
    std::set<std::string> listed = {"source/seg-r-1.ts", "audio/seg-r-0.ts"};
    const auto lists = [&](const std::string& rendition, const std::string& file) {
        return listed.contains(rendition + "/" + file);
    };

    // a left its playlist, but a player behind the edge may still ask for it.
    EXPECT_EQ(kept.sweep(lists, t0 + 5s, 5s), 0u);
    EXPECT_TRUE(std::filesystem::exists(a.path));
    EXPECT_TRUE(kept.holds("source", "seg-r-0.ts"));
    EXPECT_FALSE(kept.holds("audio", "seg-r-1.ts"));

    EXPECT_EQ(kept.sweep(lists, t0 + 7s, 5s), 1u) << "the grace after its end has passed";
    EXPECT_FALSE(std::filesystem::exists(a.path));
    EXPECT_FALSE(kept.holds("source", "seg-r-0.ts"));
    EXPECT_TRUE(std::filesystem::exists(b.path)) << "still listed";
    EXPECT_TRUE(std::filesystem::exists(c.path)) << "still listed in its own rendition";

    listed.clear();
    EXPECT_EQ(kept.sweep(lists, t0 + 60s, 0s), 2u);
    EXPECT_EQ(kept.size(), 0u);
    EXPECT_FALSE(std::filesystem::exists(b.path));
    EXPECT_FALSE(std::filesystem::exists(c.path));
}

TEST(LiveOnlySegmentsTest, AFileAlreadyGoneIsForgotten) {
    stagehub::testing::TempDir dir;
    LiveOnlySegments kept;
    const auto a = segment_file(dir / "source", "seg-r-0.ts", Clock::now() - 1h);
    kept.add(a);
    std::filesystem::remove(a.path);
    EXPECT_EQ(
        kept.sweep([](const std::string&, const std::string&) { return false; }, Clock::now(), 60s),
        1u);
    EXPECT_EQ(kept.size(), 0u);
}

}  // namespace
}  // namespace stagehub::server
