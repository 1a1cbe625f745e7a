#include "schedule/instant.hpp"

#include <gtest/gtest.h>

namespace stagehub {
namespace {

TEST(Instant, ParsesUtcAndOffsetsToTheSameInstant) {
    const auto utc = parse_instant("2019-10-08T06:30:00Z");
    const auto cest = parse_instant("2019-10-08T08:30:00+02:00");
    const auto no_seconds = parse_instant("2019-10-08T08:30+02:00");
    ASSERT_TRUE(utc.ok());
    ASSERT_TRUE(cest.ok());
    ASSERT_TRUE(no_seconds.ok());
    EXPECT_EQ(*utc, *cest);
    EXPECT_EQ(*utc, *no_seconds);
    EXPECT_EQ(format_instant(*cest), "2019-10-08T06:30:00Z");
}

TEST(Instant, NegativeOffsetsAndFractionsAreHandled) {
    const auto t = parse_instant("2019-10-08T01:30:00.750-05:00");
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(format_instant(*t), "2019-10-08T06:30:00Z");
}

TEST(Instant, RejectsTimesWithoutZoneAndImpossibleDates) {
    for (const char* bad : {"2019-10-08T08:30:00", "2019-02-30T08:30:00Z", "2019-10-08T25:00:00Z",
                            "08:30", "", "2019-10-08T08:30:00+02:00trailing", "2019-10-08"}) {
        const auto result = parse_instant(bad);
        EXPECT_FALSE(result.ok()) << bad;
        if (!result.ok()) {
            EXPECT_EQ(result.error().code, "bad_time");
            EXPECT_NE(result.error().message.find(bad), std::string::npos) << "names the input";
        }
    }
}

TEST(Instant, FormatsMilliseconds) {
    using namespace std::chrono;
    const auto t =
        sys_time<milliseconds>{*parse_instant("2026-11-22T10:00:00Z")} + milliseconds{45};
    EXPECT_EQ(format_instant_ms(t), "2026-11-22T10:00:00.045Z");
}

}  // namespace
}  // namespace stagehub
