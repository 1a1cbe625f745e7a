#include "schedule/now_next.hpp"

#include <gtest/gtest.h>

#include "schedule/programme_file.hpp"

namespace stagehub::schedule {
namespace {

Instant at(const char* text) {
    return *parse_instant(text);
}

Programme two_stages() {
    auto p = read_programme_file(STAGEHUB_TEST_DATA "/two_stages.json");
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return *p;
}

struct Case {
    const char* stage;
    const char* time;
    const char* now;   // "" = nothing on
    const char* next;  // "" = nothing after
};

// Boundaries are half-open: a session is on from its start up to, not including, its end.
TEST(NowNext, AtAndAroundBoundaries) {
    const Programme p = two_stages();
    const Case cases[] = {
        {"sal-a", "2026-05-12T06:59:59Z", "", "a1"},    // one second before the day
        {"sal-a", "2026-05-12T07:00:00Z", "a1", "a2"},  // first second of a1
        {"sal-a", "2026-05-12T07:19:59Z", "a1", "a2"},  // last second of a1
        {"sal-a", "2026-05-12T07:20:00Z", "a2", "a3"},  // back to back: a2 starts as a1 ends
        {"sal-a", "2026-05-12T07:50:00Z", "", "a3"},    // gap between a2 and lunch
        {"sal-a", "2026-05-12T08:30:00Z", "a3", ""},    // lunch, nothing after
        {"sal-a", "2026-05-12T09:00:00Z", "", ""},      // after the day
        {"sal-b", "2026-05-12T07:10:00Z", "b1", ""},    // stages are independent
        {"sal-b", "2026-05-12T07:15:00Z", "", ""},
        {"no-such-stage", "2026-05-12T07:10:00Z", "", ""},
    };
    for (const Case& c : cases) {
        const NowNext nn = now_and_next(p, c.stage, at(c.time));
        EXPECT_EQ(nn.now ? nn.now->id : "", c.now) << c.stage << " at " << c.time;
        EXPECT_EQ(nn.next ? nn.next->id : "", c.next) << c.stage << " at " << c.time;
    }
}

TEST(NowNext, IgnoresInputOrderOfSessions) {
    Programme p = two_stages();
    std::reverse(p.sessions.begin(), p.sessions.end());
    const NowNext nn = now_and_next(p, "sal-a", at("2026-05-12T06:00:00Z"));
    ASSERT_NE(nn.next, nullptr);
    EXPECT_EQ(nn.next->id, "a1");
}

TEST(NowTracker, ReportsEachStageOnceThenOnlyChanges) {
    const Programme p = two_stages();
    NowTracker tracker;
    EXPECT_EQ(tracker.update(p, at("2026-05-12T07:00:00Z")),
              (std::vector<std::string>{"sal-a", "sal-b"}));
    EXPECT_TRUE(tracker.update(p, at("2026-05-12T07:10:00Z")).empty());
    // b1 ends at 07:15 on sal-b; a1 is still on at sal-a.
    EXPECT_EQ(tracker.update(p, at("2026-05-12T07:15:00Z")), (std::vector<std::string>{"sal-b"}));
    EXPECT_EQ(tracker.update(p, at("2026-05-12T07:20:00Z")), (std::vector<std::string>{"sal-a"}));
    tracker.invalidate("sal-b");
    EXPECT_EQ(tracker.update(p, at("2026-05-12T07:21:00Z")), (std::vector<std::string>{"sal-b"}));
}

}  // namespace
}  // namespace stagehub::schedule
