#include "schedule/live_operations.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "schedule/validation.hpp"

namespace stagehub::schedule {
namespace {

// A theme day on 12 May 2026 in Stockholm (CEST, UTC+2), open 08:00–17:00 local. Tests write
// local wall-clock times, as the organiser reads them.
Instant at(const char* hh_mm) {
    std::string text = "2026-05-12T";
    text.append(hh_mm).append(":00+02:00");
    return *parse_instant(text);
}

Seconds minutes(int count) {
    return Seconds{count * 60};
}

Session session(const char* id, const char* stage, const char* start, int length,
                std::vector<std::string> people = {}) {
    Session s;
    s.id = id;
    s.title = "Pass ";
    s.title.append(id);
    s.stage_id = stage;
    s.start = at(start);
    s.duration = minutes(length);
    for (std::string& person : people)
        s.people.push_back({std::move(person), PersonRole::speaker});
    return s;
}

Session break_session(const char* id, const char* title, const char* start, int length) {
    Session s = session(id, "stora", start, length);
    s.kind = SessionKind::break_;
    s.title = title;
    return s;
}

Session cancelled(Session s) {
    s.cancelled = true;
    return s;
}

Session titled(Session s, const char* title) {
    s.title = title;
    return s;
}

Stage stage(const char* id, const char* name) {
    Stage s;
    s.id = id;
    s.name = name;
    return s;
}

Person person(const char* id, const char* name) {
    Person p;
    p.id = id;
    p.name = name;
    return p;
}

// One event, one day, two stages, four people; the sessions are the test's.
Programme programme(std::vector<Session> sessions) {
    Programme p;
    p.event.id = "temadag";
    p.event.title = "Temadag: Tillsammans för förnyelse";
    p.event.days = {EventDay{at("08:00"), at("17:00")}};
    p.stages = {stage("stora", "Stora salen"), stage("lilla", "Lilla salen")};
    p.people = {person("ann", "Ann Öberg"), person("bo", "Bo Åström"), person("cia", "Cia Lind"),
                person("dan", "Dan Ek")};
    p.sessions = std::move(sessions);
    p.sort_sessions();
    const auto problems = validate(p);
    EXPECT_TRUE(problems.empty()) << problems.front().message;
    return p;
}

// Where a session is after an operation, at its effective times.
struct Timing {
    const char* id;
    const char* stage;
    const char* start;
    int length;  // minutes, effective
};

void expect_timings(const Outcome& outcome, const std::vector<Timing>& expected) {
    for (const Timing& t : expected) {
        const Session* s = outcome.programme.find_session(t.id);
        ASSERT_NE(s, nullptr) << t.id;
        EXPECT_EQ(s->stage_id, t.stage) << t.id;
        EXPECT_EQ(format_instant(s->effective_start()), format_instant(at(t.start))) << t.id;
        EXPECT_EQ(s->effective_end() - s->effective_start(), minutes(t.length)) << t.id;
    }
    EXPECT_TRUE(std::is_sorted(outcome.programme.sessions.begin(), outcome.programme.sessions.end(),
                               [](const Session& a, const Session& b) {
                                   return std::tie(a.start, a.stage_id) <
                                          std::tie(b.start, b.stage_id);
                               }))
        << "sessions are kept sorted";
    EXPECT_TRUE(validate(outcome.programme).empty());
}

bool mentions(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(LiveOperations, CascadeModeNames) {
    EXPECT_EQ(cascade_mode_from_string("shift_all"), CascadeMode::shift_all);
    EXPECT_EQ(cascade_mode_from_string("absorb_into_breaks"), CascadeMode::absorb_into_breaks);
    EXPECT_EQ(cascade_mode_from_string("absorb"), std::nullopt);
    EXPECT_EQ(cascade_mode_from_string(""), std::nullopt);
    EXPECT_EQ(to_string(CascadeMode::absorb_into_breaks), "absorb_into_breaks");
}

// ---- Delay and its cascade ----

struct DelayCase {
    const char* name;
    std::vector<Session> lineup;
    const char* now;
    const char* delayed;
    int by;  // minutes
    CascadeMode mode;
    std::vector<Timing> expected;
    std::vector<std::string> changed;  // exactly these, in programme order
};

TEST(LiveOperations, DelayCascadesDownTheStage) {
    const auto shift = CascadeMode::shift_all;
    const auto absorb = CascadeMode::absorb_into_breaks;
    const DelayCase cases[] = {
        {"a free gap absorbs a short delay",
         {session("s1", "stora", "09:00", 30), session("s2", "stora", "09:45", 30)},
         "08:30",
         "s1",
         10,
         shift,
         {{"s1", "stora", "09:10", 30}, {"s2", "stora", "09:45", 30}},
         {"s1"}},
        {"later sessions are pushed exactly as far as needed, other stages never",
         {session("s1", "stora", "09:00", 30), session("s2", "stora", "09:35", 30),
          session("s3", "stora", "10:05", 30), session("s4", "stora", "10:50", 30),
          session("l1", "lilla", "09:30", 60)},
         "08:30",
         "s1",
         20,
         shift,
         {{"s1", "stora", "09:20", 30},
          {"s2", "stora", "09:50", 30},  // the 5 min gap took 5 of the 20
          {"s3", "stora", "10:20", 30},
          {"s4", "stora", "10:50", 30},  // s3 now ends exactly as s4 starts
          {"l1", "lilla", "09:30", 60}},
         {"s1", "s2", "s3"}},
        {"a delay in the middle leaves the earlier sessions alone",
         {session("s1", "stora", "09:00", 30), session("s2", "stora", "09:30", 30),
          session("s3", "stora", "10:00", 30)},
         "08:30",
         "s2",
         10,
         shift,
         {{"s1", "stora", "09:00", 30}, {"s2", "stora", "09:40", 30}, {"s3", "stora", "10:10", 30}},
         {"s2", "s3"}},
        {"shift_all moves a break like any session",
         {session("s1", "stora", "09:00", 30), break_session("fika", "Fika", "09:30", 15),
          session("s2", "stora", "09:45", 30), session("s3", "stora", "10:15", 30)},
         "08:30",
         "s1",
         20,
         shift,
         {{"s1", "stora", "09:20", 30},
          {"fika", "stora", "09:50", 15},
          {"s2", "stora", "10:05", 30},
          {"s3", "stora", "10:35", 30}},
         {"s1", "fika", "s2", "s3"}},
        {"absorb: the same break shrinks to 5 min and passes on the rest",
         {session("s1", "stora", "09:00", 30), break_session("fika", "Fika", "09:30", 15),
          session("s2", "stora", "09:45", 30), session("s3", "stora", "10:15", 30)},
         "08:30",
         "s1",
         20,
         absorb,
         {{"s1", "stora", "09:20", 30},
          {"fika", "stora", "09:50", 5},  // absorbed 10 of the 20
          {"s2", "stora", "09:55", 30},
          {"s3", "stora", "10:25", 30}},
         {"s1", "fika", "s2", "s3"}},
        {"absorb: a long break takes the whole delay and keeps its end",
         {session("s1", "stora", "09:00", 30), break_session("lunch", "Lunch", "09:30", 60),
          session("s2", "stora", "10:30", 30)},
         "08:30",
         "s1",
         20,
         absorb,
         {{"s1", "stora", "09:20", 30},
          {"lunch", "stora", "09:50", 40},
          {"s2", "stora", "10:30", 30}},
         {"s1", "lunch"}},
        {"absorb: a gap before the break absorbs first",
         {session("s1", "stora", "09:00", 30), break_session("lunch", "Lunch", "09:40", 30),
          session("s2", "stora", "10:10", 30)},
         "08:30",
         "s1",
         20,
         absorb,
         {{"s1", "stora", "09:20", 30},
          {"lunch", "stora", "09:50", 20},
          {"s2", "stora", "10:10", 30}},
         {"s1", "lunch"}},
        {"absorb: a break shorter than 5 min is not shrunk, it moves whole",
         {session("s1", "stora", "09:00", 30), break_session("paus", "Paus", "09:30", 3),
          session("s2", "stora", "09:33", 30)},
         "08:30",
         "s1",
         5,
         absorb,
         {{"s1", "stora", "09:05", 30},
          {"paus", "stora", "09:35", 3},
          {"s2", "stora", "09:38", 30}},
         {"s1", "paus", "s2"}},
        {"a cancelled session neither moves nor blocks",
         {session("s1", "stora", "09:00", 30), cancelled(session("s2", "stora", "09:30", 30)),
          session("s3", "stora", "10:00", 30)},
         "08:30",
         "s1",
         20,
         shift,
         {{"s1", "stora", "09:20", 30}, {"s2", "stora", "09:30", 30}, {"s3", "stora", "10:00", 30}},
         {"s1"}},
        {"a live session runs longer and pushes the next",
         {session("s1", "stora", "09:00", 30), session("s2", "stora", "09:30", 30),
          session("s3", "stora", "10:15", 30)},
         "09:10",
         "s1",
         15,
         shift,
         {{"s1", "stora", "09:00", 45}, {"s2", "stora", "09:45", 30}, {"s3", "stora", "10:15", 30}},
         {"s1", "s2"}},
    };
    for (const DelayCase& c : cases) {
        SCOPED_TRACE(c.name);
        const Programme p = programme(c.lineup);
        const auto outcome = delay_session(p, c.delayed, minutes(c.by), c.mode, at(c.now));
        ASSERT_TRUE(outcome.ok()) << outcome.error().message;
        expect_timings(*outcome, c.expected);
        EXPECT_EQ(outcome->changed, c.changed);
    }
}

TEST(LiveOperations, DelayOfALiveSessionGrowsItsDurationNotItsStart) {
    const Programme p = programme({session("s1", "stora", "09:00", 30)});
    const auto outcome = delay_session(p, "s1", minutes(10), CascadeMode::shift_all, at("09:20"));
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    const Session& s = *outcome->programme.find_session("s1");
    EXPECT_EQ(s.start, at("09:00"));
    EXPECT_EQ(s.duration, minutes(40));
    EXPECT_EQ(s.state_at(at("09:35")), SessionState::live);
    EXPECT_EQ(outcome->summary, "extended live 'Pass s1' by 10 min");
}

TEST(LiveOperations, DelaySummaryNamesWhatMovedAndWhatABreakAbsorbed) {
    const Programme p = programme(
        {titled(session("s1", "stora", "09:00", 30), "Välkommen"),
         session("s2", "stora", "09:30", 30), session("s3", "stora", "10:00", 30),
         break_session("lunch", "Lunch", "10:30", 10), session("s4", "stora", "10:40", 30)});
    const auto outcome =
        delay_session(p, "s1", minutes(10), CascadeMode::absorb_into_breaks, at("08:30"));
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    expect_timings(*outcome, {{"lunch", "stora", "10:40", 5}, {"s4", "stora", "10:45", 30}});
    EXPECT_EQ(outcome->summary,
              "delayed 'Välkommen' by 10 min; 4 later sessions on Stora salen shifted, break "
              "'Lunch' absorbed 5 min");
}

// ---- Start now, end now ----

struct StartCase {
    const char* name;
    const char* now;
    const char* started;
    CascadeMode mode;
    std::vector<Timing> expected;
    std::vector<std::string> changed;
    const char* summary;
};

TEST(LiveOperations, StartNowRecordsTheStartAndCascadesOnlyWhenLate) {
    const Programme p =
        programme({session("s1", "stora", "09:00", 30), session("s2", "stora", "09:30", 30),
                   break_session("lunch", "Lunch", "10:00", 60),
                   session("s3", "stora", "11:00", 30), session("l1", "lilla", "09:30", 60)});
    const StartCase cases[] = {
        {"early, while the previous one is live: that one ends now, nothing else moves",
         "09:25",
         "s2",
         CascadeMode::shift_all,
         {{"s1", "stora", "09:00", 25},
          {"s2", "stora", "09:25", 30},
          {"lunch", "stora", "10:00", 60}},
         {"s1", "s2"},
         "started 'Pass s2' at 09:25, 5 min early; ended 'Pass s1'"},
        {"on time",
         "09:30",
         "s2",
         CascadeMode::shift_all,
         {{"s1", "stora", "09:00", 30},
          {"s2", "stora", "09:30", 30},
          {"lunch", "stora", "10:00", 60}},
         {"s2"},
         "started 'Pass s2' at 09:30, on time"},
        {"late: the planned start passed while s1 ran over; later sessions are pushed",
         "09:40",
         "s2",
         CascadeMode::shift_all,
         {{"s1", "stora", "09:00", 30},
          {"s2", "stora", "09:40", 30},
          {"lunch", "stora", "10:10", 60},
          {"s3", "stora", "11:10", 30},
          {"l1", "lilla", "09:30", 60}},
         {"s2", "lunch", "s3"},
         "started 'Pass s2' at 09:40, 10 min late; 2 later sessions on Stora salen shifted"},
        {"late, absorbing into breaks: lunch takes it",
         "09:40",
         "s2",
         CascadeMode::absorb_into_breaks,
         {{"s2", "stora", "09:40", 30},
          {"lunch", "stora", "10:10", 50},
          {"s3", "stora", "11:00", 30}},
         {"s2", "lunch"},
         "started 'Pass s2' at 09:40, 10 min late; break 'Lunch' absorbed 10 min"},
    };
    for (const StartCase& c : cases) {
        SCOPED_TRACE(c.name);
        const auto outcome = start_now(p, c.started, at(c.now), c.mode);
        ASSERT_TRUE(outcome.ok()) << outcome.error().message;
        expect_timings(*outcome, c.expected);
        EXPECT_EQ(outcome->changed, c.changed);
        EXPECT_EQ(outcome->summary, c.summary);
        const Session& started = *outcome->programme.find_session(c.started);
        EXPECT_EQ(started.actual_start, at(c.now));
        EXPECT_EQ(started.state_at(at(c.now)), SessionState::live);
    }
}

TEST(LiveOperations, StartNowEndsThePreviousWithAnExplicitRecord) {
    const Programme p =
        programme({session("s1", "stora", "09:00", 30), session("s2", "stora", "09:30", 30)});
    const auto outcome = start_now(p, "s2", at("09:25"), CascadeMode::shift_all);
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    const Session& previous = *outcome->programme.find_session("s1");
    EXPECT_EQ(previous.actual_start, at("09:00"));
    EXPECT_EQ(previous.actual_end, at("09:25"));
    EXPECT_EQ(previous.state_at(at("09:25")), SessionState::ended);
}

TEST(LiveOperations, EndNowEndsALiveSessionAndMovesNothingElse) {
    const Programme p =
        programme({session("s1", "stora", "09:00", 30), session("s2", "stora", "09:30", 30)});
    const auto outcome = end_now(p, "s1", at("09:20"));
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    const Session& s = *outcome->programme.find_session("s1");
    EXPECT_EQ(s.actual_start, at("09:00"));
    EXPECT_EQ(s.actual_end, at("09:20"));
    EXPECT_EQ(s.duration, minutes(30));  // the plan stays as it was
    expect_timings(*outcome, {{"s1", "stora", "09:00", 20}, {"s2", "stora", "09:30", 30}});
    EXPECT_EQ(outcome->changed, std::vector<std::string>{"s1"});
    EXPECT_EQ(outcome->summary, "ended 'Pass s1' at 09:20, 10 min before its planned end");
}

// ---- Swap ----

struct SwapCase {
    const char* name;
    std::vector<Session> lineup;
    const char* a;
    const char* b;
    std::vector<Timing> expected;
    std::vector<std::string> changed;
};

TEST(LiveOperations, SwapKeepsTheBlockOnOneStageAndExchangesAcrossStages) {
    const SwapCase cases[] = {
        {"adjacent on one stage: the later takes the start, the earlier ends at the block end",
         {session("s1", "stora", "09:00", 30), session("s2", "stora", "09:30", 20),
          session("s3", "stora", "09:50", 30)},
         "s1",
         "s2",
         {{"s2", "stora", "09:00", 20}, {"s1", "stora", "09:20", 30}, {"s3", "stora", "09:50", 30}},
         {"s2", "s1"}},
        {"one session between shifts by the difference; the block keeps start and end",
         {session("s1", "stora", "09:00", 20), session("s2", "stora", "09:20", 30),
          session("s3", "stora", "09:50", 40), session("s4", "stora", "10:30", 30)},
         "s3",  // given later-first: the order of the arguments does not matter
         "s1",
         {{"s3", "stora", "09:00", 40},
          {"s2", "stora", "09:40", 30},
          {"s1", "stora", "10:10", 20},
          {"s4", "stora", "10:30", 30}},
         {"s3", "s2", "s1"}},
        {"across stages: stage and start are exchanged, durations kept",
         {session("s1", "stora", "09:00", 30, {"ann"}), session("l1", "lilla", "09:30", 45, {"bo"}),
          session("s2", "stora", "10:00", 30)},
         "s1",
         "l1",
         {{"l1", "stora", "09:00", 45}, {"s1", "lilla", "09:30", 30}, {"s2", "stora", "10:00", 30}},
         {"l1", "s1"}},
    };
    for (const SwapCase& c : cases) {
        SCOPED_TRACE(c.name);
        const Programme p = programme(c.lineup);
        const auto outcome = swap_sessions(p, c.a, c.b, at("08:30"));
        ASSERT_TRUE(outcome.ok()) << outcome.error().message;
        expect_timings(*outcome, c.expected);
        EXPECT_EQ(outcome->changed, c.changed);
    }
}

// ---- Move, cancel, restore ----

TEST(LiveOperations, CancelFreesTheSlotForAMove) {
    const Programme p = programme(
        {session("s1", "stora", "09:00", 30), session("s2", "stora", "10:00", 30, {"ann"})});
    const auto refused = move_session(p, "s2", "stora", at("09:00"), at("08:30"));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "overlap");

    const auto cancelled_s1 = cancel_session(p, "s1", at("08:30"));
    ASSERT_TRUE(cancelled_s1.ok()) << cancelled_s1.error().message;
    EXPECT_TRUE(cancelled_s1->programme.find_session("s1")->cancelled);
    EXPECT_EQ(cancelled_s1->changed, std::vector<std::string>{"s1"});
    EXPECT_EQ(cancelled_s1->summary, "cancelled 'Pass s1' (Stora salen, 09:00)");

    const auto moved =
        move_session(cancelled_s1->programme, "s2", "stora", at("09:00"), at("08:30"));
    ASSERT_TRUE(moved.ok()) << moved.error().message;
    expect_timings(*moved, {{"s2", "stora", "09:00", 30}});
    EXPECT_EQ(moved->changed, std::vector<std::string>{"s2"});
    EXPECT_EQ(moved->summary, "moved 'Pass s2' to Stora salen at 09:00");
}

TEST(LiveOperations, MoveKeepsTheDurationAndMayCrossStages) {
    const Programme p = programme({session("s1", "stora", "09:00", 30, {"ann"})});
    const auto outcome = move_session(p, "s1", "lilla", at("13:15"), at("08:30"));
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    expect_timings(*outcome, {{"s1", "lilla", "13:15", 30}});
    EXPECT_EQ(outcome->summary, "moved 'Pass s1' to Lilla salen at 13:15");
}

TEST(LiveOperations, ACancelledSessionCanBeMovedAndThenRestored) {
    const Programme p = programme(
        {cancelled(session("s1", "stora", "09:00", 30)), session("s2", "stora", "09:00", 30)});
    const auto moved = move_session(p, "s1", "lilla", at("11:00"), at("08:30"));
    ASSERT_TRUE(moved.ok()) << moved.error().message;
    EXPECT_TRUE(moved->programme.find_session("s1")->cancelled);
    EXPECT_EQ(moved->summary, "moved 'Pass s1' to Lilla salen at 11:00 (still cancelled)");
    const auto restored = restore_session(moved->programme, "s1");
    ASSERT_TRUE(restored.ok()) << restored.error().message;
    EXPECT_FALSE(restored->programme.find_session("s1")->cancelled);
    EXPECT_EQ(restored->changed, std::vector<std::string>{"s1"});
    EXPECT_EQ(restored->summary, "restored 'Pass s1' (Lilla salen, 11:00)");
}

// ---- Panel order ----

Programme panel_programme() {
    Session panel = session("panel", "stora", "10:00", 45);
    panel.kind = SessionKind::panel;
    panel.people = {{"cia", PersonRole::moderator},
                    {"bo", PersonRole::panelist},
                    {"ann", PersonRole::panelist}};
    return programme({panel});
}

TEST(LiveOperations, ReorderPanelKeepsEachPersonsRole) {
    const Programme p = panel_programme();
    const auto outcome = reorder_panel(p, "panel", {"ann", "cia", "bo"});
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    const std::vector<SessionPerson> expected{{"ann", PersonRole::panelist},
                                              {"cia", PersonRole::moderator},
                                              {"bo", PersonRole::panelist}};
    EXPECT_EQ(outcome->programme.find_session("panel")->people, expected);
    EXPECT_EQ(outcome->changed, std::vector<std::string>{"panel"});
    EXPECT_EQ(outcome->summary,
              "reordered the people of 'Pass panel': Ann Öberg, Cia Lind, Bo Åström");
}

TEST(LiveOperations, ReorderPanelToTheSameOrderChangesNothing) {
    const Programme p = panel_programme();
    const auto outcome = reorder_panel(p, "panel", {"cia", "bo", "ann"});
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_TRUE(outcome->changed.empty());
    EXPECT_EQ(outcome->programme, p);
}

struct PanelOrderCase {
    const char* name;
    std::vector<std::string> order;
    std::vector<std::string> mentioned;
};

TEST(LiveOperations, ReorderPanelRefusesAnythingButAPermutation) {
    const Programme p = panel_programme();
    const Programme before = p;
    const PanelOrderCase cases[] = {
        {"someone left out", {"cia", "bo"}, {"missing: 'ann'"}},
        {"someone not in the panel", {"cia", "bo", "ann", "dan"}, {"not in the session: 'dan'"}},
        {"someone twice", {"cia", "bo", "bo", "ann"}, {"listed more than once: 'bo'"}},
        {"all three at once",
         {"cia", "cia", "nobody"},
         {"missing: 'bo', 'ann'", "not in the session: 'nobody'", "listed more than once: 'cia'"}},
    };
    for (const PanelOrderCase& c : cases) {
        SCOPED_TRACE(c.name);
        const auto outcome = reorder_panel(p, "panel", c.order);
        ASSERT_FALSE(outcome.ok());
        EXPECT_EQ(outcome.error().code, "bad_panel_order");
        EXPECT_TRUE(mentions(outcome.error().message, "'panel' (Pass panel)"))
            << outcome.error().message;
        for (const std::string& part : c.mentioned)
            EXPECT_TRUE(mentions(outcome.error().message, part)) << outcome.error().message;
    }
    EXPECT_EQ(p, before);
}

// ---- Refusals ----

using Operation = std::function<Result<Outcome>(const Programme&)>;

struct RefusalCase {
    const char* name;
    std::vector<Session> lineup;
    Operation operation;
    const char* code;
    std::vector<std::string> mentioned;  // parts of the message the organiser needs
};

// Every refusal returns a code a client can act on and a message that names the session(s)
// by id and title; the programme handed in stays as it was.
TEST(LiveOperations, RefusalsNameTheSessionsAndChangeNothing) {
    const auto shift = CascadeMode::shift_all;
    const std::vector<Session> day{
        session("s1", "stora", "09:00", 30, {"ann"}), session("s2", "stora", "09:30", 30, {"bo"}),
        session("s3", "stora", "10:00", 30, {"ann"}), session("l1", "lilla", "10:00", 30, {"bo"}),
        cancelled(session("gone", "lilla", "09:00", 30))};
    const RefusalCase cases[] = {
        // Unknown things.
        {"delay of an unknown session",
         day,
         [&](const Programme& p) {
             return delay_session(p, "nope", minutes(5), shift, at("08:30"));
         },
         "not_found",
         {"'nope'"}},
        {"move to an unknown stage",
         day,
         [](const Programme& p) {
             return move_session(p, "s1", "aulan", at("11:00"), at("08:30"));
         },
         "unknown_stage",
         {"'aulan'", "'s1' (Pass s1)"}},
        // Bad arguments.
        {"a delay of zero",
         day,
         [&](const Programme& p) { return delay_session(p, "s1", Seconds{0}, shift, at("08:30")); },
         "bad_field",
         {"'s1' (Pass s1)", "longer than zero"}},
        {"a negative delay",
         day,
         [&](const Programme& p) {
             return delay_session(p, "s1", minutes(-5), shift, at("08:30"));
         },
         "bad_field",
         {"'s1' (Pass s1)", "minus 5 min"}},
        {"a delay over 12 h",
         day,
         [&](const Programme& p) {
             return delay_session(p, "s1", Seconds{12 * 3600 + 1}, shift, at("08:30"));
         },
         "bad_field",
         {"'s1' (Pass s1)", "at most 12 h"}},
        {"a swap with itself",
         day,
         [](const Programme& p) { return swap_sessions(p, "s1", "s1", at("08:30")); },
         "bad_field",
         {"'s1' (Pass s1)", "itself"}},
        {"a move into the past",
         day,
         [](const Programme& p) {
             return move_session(p, "s3", "stora", at("09:00"), at("09:40"));
         },
         "bad_field",
         {"'s3' (Pass s3)", "already passed"}},
        // Wrong state.
        {"delay of an ended session",
         day,
         [&](const Programme& p) { return delay_session(p, "s1", minutes(5), shift, at("09:45")); },
         "bad_state",
         {"'s1' (Pass s1) has already ended", "scheduled or live can be delayed"}},
        {"delay of a cancelled session",
         day,
         [&](const Programme& p) {
             return delay_session(p, "gone", minutes(5), shift, at("08:30"));
         },
         "bad_state",
         {"'gone' (Pass gone) is cancelled"}},
        {"start of a session already started",
         day,
         [&](const Programme& p) {
             auto started = start_now(p, "s1", at("08:55"), shift);
             return started ? start_now(started->programme, "s1", at("09:05"), shift) : started;
         },
         "bad_state",
         {"'s1' (Pass s1) is live"}},
        {"start of an ended session",
         day,
         [&](const Programme& p) { return start_now(p, "s1", at("09:45"), shift); },
         "bad_state",
         {"'s1' (Pass s1) has already ended"}},
        {"start of a cancelled session",
         day,
         [&](const Programme& p) { return start_now(p, "gone", at("08:30"), shift); },
         "bad_state",
         {"'gone' (Pass gone) is cancelled", "restored"}},
        {"end of a session not started yet",
         day,
         [](const Programme& p) { return end_now(p, "s2", at("09:10")); },
         "bad_state",
         {"'s2' (Pass s2) has not started yet", "only a live session"}},
        {"end of an ended session",
         day,
         [](const Programme& p) { return end_now(p, "s1", at("09:30")); },
         "bad_state",
         {"'s1' (Pass s1) has already ended"}},
        {"swap of a started session",
         day,
         [](const Programme& p) { return swap_sessions(p, "s2", "s1", at("09:10")); },
         "bad_state",
         {"'s1' (Pass s1) is live", "have not started"}},
        {"swap of a cancelled session",
         day,
         [](const Programme& p) { return swap_sessions(p, "s1", "gone", at("08:30")); },
         "bad_state",
         {"'gone' (Pass gone) is cancelled"}},
        {"move of a live session",
         day,
         [](const Programme& p) {
             return move_session(p, "s1", "lilla", at("11:00"), at("09:10"));
         },
         "bad_state",
         {"'s1' (Pass s1) is live"}},
        {"cancel of a live session",
         day,
         [](const Programme& p) { return cancel_session(p, "s1", at("09:10")); },
         "bad_state",
         {"'s1' (Pass s1) is live", "end_now"}},
        {"cancel twice",
         day,
         [](const Programme& p) { return cancel_session(p, "gone", at("08:30")); },
         "bad_state",
         {"'gone' (Pass gone) is cancelled"}},
        {"restore of a session that is not cancelled",
         day,
         [](const Programme& p) { return restore_session(p, "s1"); },
         "bad_state",
         {"'s1' (Pass s1) is not cancelled"}},
        // Refused by the programme's rules after applying.
        {"a delay pushing a later session past the end of the day",
         {session("k1", "stora", "16:00", 30), session("k2", "stora", "16:30", 25)},
         [&](const Programme& p) {
             return delay_session(p, "k1", minutes(20), shift, at("08:30"));
         },
         "outside_event_days",
         {"'k2' (Pass k2)", "16:50", "17:15"}},
        {"a delay of the last session past the end of the day",
         {session("k1", "stora", "16:30", 30)},
         [&](const Programme& p) { return delay_session(p, "k1", minutes(1), shift, at("16:40")); },
         "outside_event_days",
         {"'k1' (Pass k1)", "17:01"}},
        {"a delay that double-books a person on another stage",
         day,
         [&](const Programme& p) {
             return delay_session(p, "s1", minutes(10), shift, at("08:30"));
         },
         "person_double_booked",
         {"'bo'", "'s2' (Pass s2)", "'l1' (Pass l1)"}},
        {"a move to another stage that double-books a person",
         day,
         [](const Programme& p) {
             return move_session(p, "s3", "lilla", at("09:00"), at("08:30"));
         },
         "person_double_booked",
         {"'ann'", "'s1' (Pass s1)", "'s3' (Pass s3)"}},
        {"a move into an overlap",
         day,
         [](const Programme& p) {
             return move_session(p, "s3", "stora", at("09:15"), at("08:30"));
         },
         "overlap",
         {"'s1' (Pass s1)", "'s3' (Pass s3)", "stora"}},
        {"a restore into a slot taken meanwhile",
         day,
         [](const Programme& p) {
             auto moved = move_session(p, "s2", "lilla", at("09:00"), at("08:30"));
             return moved ? restore_session(moved->programme, "gone") : moved;
         },
         "overlap",
         {"'gone' (Pass gone)", "'s2' (Pass s2)", "lilla"}},
        {"a swap across stages whose lengths then collide",
         {session("s1", "stora", "09:00", 60), session("s2", "stora", "10:00", 30),
          session("l1", "lilla", "09:30", 30), session("l2", "lilla", "10:00", 30)},
         [](const Programme& p) { return swap_sessions(p, "s1", "l1", at("08:30")); },
         "overlap",
         {"'s1' (Pass s1)", "'l2' (Pass l2)", "lilla"}},
        {"starting a later session early over a scheduled one",
         day,
         [&](const Programme& p) { return start_now(p, "s3", at("09:10"), shift); },
         "overlap",
         {"'s2' (Pass s2)", "'s3' (Pass s3)"}},
    };
    for (const RefusalCase& c : cases) {
        SCOPED_TRACE(c.name);
        const Programme p = programme(c.lineup);
        const Programme before = p;
        const auto outcome = c.operation(p);
        ASSERT_FALSE(outcome.ok()) << outcome->summary;
        EXPECT_EQ(outcome.error().code, c.code) << outcome.error().message;
        for (const std::string& part : c.mentioned)
            EXPECT_TRUE(mentions(outcome.error().message, part)) << outcome.error().message;
        EXPECT_EQ(p, before);
    }
}

}  // namespace
}  // namespace stagehub::schedule
