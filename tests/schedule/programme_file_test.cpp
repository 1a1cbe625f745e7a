#include "schedule/programme_file.hpp"

#include <gtest/gtest.h>

#include <set>

namespace stagehub::schedule {
namespace {

TEST(ProgrammeFile, ReadsTheDemoThemeDay) {
    auto demo = read_programme_file(STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json");
    ASSERT_TRUE(demo.ok()) << demo.error().message;
    EXPECT_EQ(demo->event.title, "Tillsammans för förnyelse");
    EXPECT_EQ(demo->event.time_zone, "Europe/Stockholm");
    int talks = 0, panels = 0, breaks = 0;
    std::set<std::string> speakers;
    std::set<std::string> themes;
    for (const Session& s : demo->sessions) {
        talks += s.kind == SessionKind::talk;
        panels += s.kind == SessionKind::panel;
        breaks += s.kind == SessionKind::break_;
        if (s.kind == SessionKind::talk) {
            themes.insert(s.theme);
            for (const auto& p : s.people)
                speakers.insert(p.person_id);
        }
    }
    // The seed theme day: 15 short talks by about twenty staff, in four themes, each block
    // followed by a panel with those who spoke, and a lunch break.
    EXPECT_EQ(talks, 15);
    EXPECT_EQ(panels, 4);
    EXPECT_GE(breaks, 1);
    EXPECT_GE(speakers.size(), 18u);
    EXPECT_EQ(themes.size(), 4u);
    // Panels: moderator first, then the block's speakers in a set order.
    for (const Session& s : demo->sessions) {
        if (s.kind != SessionKind::panel)
            continue;
        ASSERT_GE(s.people.size(), 3u) << s.id;
        EXPECT_EQ(s.people.front().role, PersonRole::moderator) << s.id;
        for (size_t i = 1; i < s.people.size(); ++i)
            EXPECT_EQ(s.people[i].role, PersonRole::panelist);
    }
    // Sorted by start.
    for (size_t i = 1; i < demo->sessions.size(); ++i) {
        EXPECT_LE(demo->sessions[i - 1].start, demo->sessions[i].start);
    }
}

TEST(ProgrammeFile, ListsEveryProblemWithItsLocation) {
    const auto result = parse_programme_file(R"({
        "format": "stagehub-programme/1",
        "event": {"id": "e"},
        "stages": [{"id": "s", "name": "S"}],
        "sessions": [
            {"id": "x", "stage": "s", "kind": "lecture", "title": "T",
             "start": "2026-05-12T09:00:00", "duration_minutes": 20},
            {"id": "y", "stage": "s", "kind": "talk", "title": "U",
             "start": "2026-05-12T10:00:00Z", "duration_minutes": -5,
             "people": [{"person": "p", "role": "host"}]}
        ]})");
    ASSERT_FALSE(result.ok());
    const std::string& m = result.error().message;
    EXPECT_EQ(result.error().code, "invalid_programme");
    EXPECT_NE(m.find("event.title: missing"), std::string::npos) << m;
    EXPECT_NE(m.find("sessions[0].kind: 'lecture'"), std::string::npos) << m;
    EXPECT_NE(m.find("sessions[0].start:"), std::string::npos) << m;
    EXPECT_NE(m.find("sessions[1].duration_minutes"), std::string::npos) << m;
    EXPECT_NE(m.find("sessions[1].people[0].role: 'host'"), std::string::npos) << m;
}

TEST(ProgrammeFile, RejectsNonJsonAndWrongFormat) {
    EXPECT_FALSE(parse_programme_file("{not json").ok());
    EXPECT_FALSE(parse_programme_file("[]").ok());
    const auto wrong = parse_programme_file(R"({"format": "frab", "event": {"id":"e","title":"t"},
        "stages": [], "sessions": []})");
    ASSERT_FALSE(wrong.ok());
    EXPECT_NE(wrong.error().message.find("format"), std::string::npos);
    const auto missing = read_programme_file("/nonexistent/programme.json");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("/nonexistent/programme.json"), std::string::npos);
}

TEST(ProgrammeFile, RetimingKeepsOrderGapsAndBoundaries) {
    auto p = read_programme_file(STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json");
    ASSERT_TRUE(p.ok());
    const Instant launch = *parse_instant("2026-11-22T10:00:00Z");
    const Programme fast = retimed(*p, launch, 10.0);
    ASSERT_EQ(fast.sessions.size(), p->sessions.size());
    EXPECT_EQ(fast.sessions.front().start, launch);
    for (size_t i = 0; i < fast.sessions.size(); ++i) {
        const auto original = p->sessions[i].duration.count();
        EXPECT_NEAR(fast.sessions[i].duration.count(), original / 10.0, 1.0) << fast.sessions[i].id;
        if (i > 0 && p->sessions[i - 1].planned_end() == p->sessions[i].start) {
            EXPECT_EQ(fast.sessions[i - 1].planned_end(), fast.sessions[i].start)
                << "back to back stays";
        }
    }
    // A 20-minute talk becomes 2 minutes at speed 10.
    EXPECT_EQ(fast.find_session("idesslussen")->duration, Seconds{120});
}

}  // namespace
}  // namespace stagehub::schedule
