// The free-space floor's state machine (server/app/disk_floor.hpp): low below the floor,
// ok again only a margin above it, no change on a failed look, off with a floor of 0; and
// the real statvfs figure of a real folder.
#include "server/app/disk_floor.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <vector>

namespace stagehub::server {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

TEST(DiskFloorTest, GoesLowBelowTheFloorAndOkOnlyAMarginAboveIt) {
    std::optional<uint64_t> free = 2000 * kMiB;
    DiskFloor floor(1000 * kMiB, [&] { return free; });
    EXPECT_EQ(floor.resume_at(1000 * kMiB), 1100 * kMiB) << "a tenth of the floor above it";

    struct Step {
        uint64_t free_mib;
        std::optional<DiskState> change;
        DiskState state;
        bool archiving;
    };
    const std::vector<Step> steps = {
        {2000, std::nullopt, DiskState::ok, true},
        {1000, std::nullopt, DiskState::ok, true},  // at the floor is not below it
        {999, DiskState::low, DiskState::low, false},
        {998, std::nullopt, DiskState::low, false},
        {1000, std::nullopt, DiskState::low, false},  // back at the floor: still low
        {1099, std::nullopt, DiskState::low, false},  // within the margin: still low
        {1100, DiskState::ok, DiskState::ok, true},
        {1050, std::nullopt, DiskState::ok, true},  // within the margin from above: still ok
        {10, DiskState::low, DiskState::low, false},
    };
    for (const Step& step : steps) {
        free = step.free_mib * kMiB;
        EXPECT_EQ(floor.check(), step.change) << step.free_mib << " MiB";
        EXPECT_EQ(floor.state(), step.state) << step.free_mib << " MiB";
        EXPECT_EQ(floor.archiving(), step.archiving) << step.free_mib << " MiB";
        EXPECT_EQ(floor.figures().free_bytes, free);
    }
    EXPECT_EQ(floor.figures().times_low, 2u);
    EXPECT_EQ(floor.figures().floor_bytes, 1000 * kMiB);
}

TEST(DiskFloorTest, AFailedLookKeepsTheState) {
    std::optional<uint64_t> free = 5 * kMiB;
    DiskFloor floor(10 * kMiB, [&] { return free; });
    EXPECT_EQ(floor.check(), DiskState::low);
    free = std::nullopt;
    EXPECT_EQ(floor.check(), std::nullopt);
    EXPECT_EQ(floor.state(), DiskState::low);
    EXPECT_FALSE(floor.archiving());
    EXPECT_EQ(floor.figures().free_bytes, std::nullopt) << "no figure rather than a stale one";
    EXPECT_EQ(floor.resume_at(10 * kMiB), 11 * kMiB) << "at least 1 MiB above a small floor";
}

TEST(DiskFloorTest, AFloorOfZeroIsOffAndAlwaysArchives) {
    std::optional<uint64_t> free = 0;
    DiskFloor floor(0, [&] { return free; });
    EXPECT_EQ(floor.state(), DiskState::off);
    EXPECT_EQ(floor.check(), std::nullopt);
    EXPECT_EQ(floor.state(), DiskState::off);
    EXPECT_TRUE(floor.archiving());
    const nlohmann::json public_view = disk_json(floor.figures(), false);
    EXPECT_EQ(public_view, nlohmann::json({{"state", "off"}, {"archiving", true}}))
        << "the public sees the state, not how full the disk is";
    EXPECT_EQ(disk_json(floor.figures(), true)["free_bytes"], 0);
}

TEST(DiskFloorTest, FreeSpaceOfARealFolderIsStatvfsAvailableBytes) {
    const auto free = free_bytes_at(std::filesystem::temp_directory_path());
    ASSERT_TRUE(free.has_value());
    const auto space = std::filesystem::space(std::filesystem::temp_directory_path());
    // Both f_bavail × f_frsize, a moment apart.
    EXPECT_NEAR(static_cast<double>(*free), static_cast<double>(space.available), 64.0 * kMiB);
    EXPECT_EQ(free_bytes_at("/no/such/folder/at/all"), std::nullopt);
}

}  // namespace
}  // namespace stagehub::server
