#include "server/broadcast/lower_third.hpp"

#include <gtest/gtest.h>

#include "schedule/programme_file.hpp"

namespace stagehub::server {
namespace {

schedule::Programme fixture() {
    return *schedule::read_programme_file(STAGEHUB_TEST_DATA "/two_stages.json");
}

TEST(LowerThird, TalkShowsTitleAndSpeakers) {
    const auto p = fixture();
    const auto text = lower_third_for(
        p, schedule::now_and_next(p, "sal-a", *parse_instant("2026-05-12T07:05:00Z")));
    EXPECT_EQ(text.title, "Tjänstedesign <på riktigt>");
    EXPECT_EQ(text.subtitle, "Ann Öberg");
}

TEST(LowerThird, PanelListsPeopleInPanelOrderWithTheModerator) {
    const auto p = fixture();
    const auto text = lower_third_for(
        p, schedule::now_and_next(p, "sal-a", *parse_instant("2026-05-12T07:25:00Z")));
    EXPECT_EQ(text.title, "Panel");
    EXPECT_EQ(text.subtitle, "Cia Lind (moderator) · Bo Åström · Ann Öberg");
}

TEST(LowerThird, GapsAndBreaksAnnounceWhatIsNextInLocalTime) {
    const auto p = fixture();
    // 07:55Z is 09:55 in Stockholm (CEST); lunch starts 10:00 local.
    const auto gap = lower_third_for(
        p, schedule::now_and_next(p, "sal-a", *parse_instant("2026-05-12T07:55:00Z")));
    EXPECT_EQ(gap.title, "Innovationsdag i Piteå & Luleå");
    EXPECT_EQ(gap.subtitle, "Nästa: Lunch, 10:00");
    const auto lunch = lower_third_for(
        p, schedule::now_and_next(p, "sal-a", *parse_instant("2026-05-12T08:30:00Z")));
    EXPECT_EQ(lunch.title, "Lunch");
    EXPECT_EQ(lunch.subtitle, "");
}

TEST(LowerThird, TheSlateSaysRightBackInTheEventsLanguageAndWhatViewersWaitFor) {
    auto p = fixture();
    // During a talk: the talk the viewer is missing.
    const auto during =
        slate_for(p, schedule::now_and_next(p, "sal-a", *parse_instant("2026-05-12T07:05:00Z")));
    EXPECT_EQ(during.title, "Vi är strax tillbaka");
    EXPECT_EQ(during.subtitle, "Tjänstedesign <på riktigt>");
    // In a gap: the next session, at its local time.
    const auto gap =
        slate_for(p, schedule::now_and_next(p, "sal-a", *parse_instant("2026-05-12T07:55:00Z")));
    EXPECT_EQ(gap.subtitle, "Nästa: 10:00 Lunch");
    p.event.languages = {"nb"};
    EXPECT_EQ(slate_for(p, {}).title, "Vi er straks tilbake");
    p.event.languages = {"en"};
    EXPECT_EQ(slate_for(p, {}).title, "We'll be right back");
    EXPECT_EQ(slate_for(p, {}).subtitle, "");
}

TEST(LowerThird, LocalTimeFollowsDaylightSavingAndFallsBackToUtc) {
    EXPECT_EQ(local_clock_time(*parse_instant("2026-01-15T08:30:00Z"), "Europe/Stockholm"),
              "09:30");
    EXPECT_EQ(local_clock_time(*parse_instant("2026-07-15T08:30:00Z"), "Europe/Oslo"), "10:30");
    EXPECT_EQ(local_clock_time(*parse_instant("2026-07-15T08:30:00Z"), "Not/AZone"), "08:30");
}

}  // namespace
}  // namespace stagehub::server
