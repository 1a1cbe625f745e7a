// The staff report of an event (docs/STATISTICS.md) on a real SQLite file: the per-minute
// series, several stages as one, the event's local days (also when the clocks change), the
// spans whose audience the report shows, the report built from live and replay heartbeats and
// check-ins, and compaction, after which every figure must read as it did before.
//
// Every figure is worked out by hand in the comments. The rules are the defaults: a heartbeat
// vouches for 15 s, a silence over 45 s is leaving, a replay view needs 30 s of playback.
#include "schedule/attendance/audience_report.hpp"

#include <gtest/gtest.h>

#include <iomanip>
#include <ostream>
#include <sstream>

#include "schedule/attendance/heartbeat_store.hpp"
#include "schedule/database.hpp"
#include "schedule/migrations.hpp"
#include "schedule/programme_store.hpp"
#include "temp_dir.hpp"

namespace stagehub::attendance {

// For gtest's messages (internal linkage: other test files may print these their own way).
static std::ostream& operator<<(std::ostream& out, const Audience& a) {
    return out << a.viewers << " viewers, " << a.watch_time.count() << " ms, peak "
               << a.peak_concurrent;
}

static std::ostream& operator<<(std::ostream& out, const MinuteFigures& m) {
    return out << "{minute " << m.minute.time_since_epoch().count() << ", peak " << m.peak << ", "
               << m.viewers << " viewers, " << m.watch_time.count() << " ms}";
}

namespace {

using namespace std::chrono_literals;
using schedule::Database;
using stagehub::testing::TempDir;

// Wall-clock time in Stockholm on a day of May 2026 (summer time, UTC+2).
TimePoint may(unsigned day, int h, int m, int s = 0) {
    const std::chrono::sys_days date{std::chrono::year{2026} / std::chrono::May /
                                     std::chrono::day{day}};
    return TimePoint{date} + std::chrono::hours{h - 2} + std::chrono::minutes{m} +
           std::chrono::seconds{s};
}

Instant instant(TimePoint t) {
    return std::chrono::floor<Seconds>(t);
}

// Live beats every 15 s from `first` to `last`, both included.
std::vector<Heartbeat> live(const std::string& viewer, const std::string& stage, TimePoint first,
                            TimePoint last) {
    std::vector<Heartbeat> beats;
    for (TimePoint t = first; t <= last; t += 15s)
        beats.push_back({t, viewer, ViewingKind::live, stage, Millis{0}, 15s});
    return beats;
}

// `count` replay beats 15 s apart from `first`, each after 15 s of playback from `position`.
std::vector<Heartbeat> replay(const std::string& viewer, const std::string& session,
                              TimePoint first, Millis position, int count) {
    std::vector<Heartbeat> beats;
    for (int i = 0; i < count; ++i) {
        beats.push_back(
            {first + 15s * i, viewer, ViewingKind::replay, session, position + 15s * (i + 1), 15s});
    }
    return beats;
}

schedule::Stage stage(const std::string& id) {
    schedule::Stage s;
    s.id = id;
    s.name = id;
    return s;
}

schedule::Session session(const std::string& id, const std::string& stage_id,
                          schedule::SessionKind kind, TimePoint start, Seconds duration) {
    schedule::Session s;
    s.id = id;
    s.stage_id = stage_id;
    s.kind = kind;
    s.title = id;
    s.start = instant(start);
    s.duration = duration;
    return s;
}

schedule::Programme programme(const std::string& event_id, const std::string& zone) {
    schedule::Programme p;
    p.event.id = event_id;
    p.event.title = event_id;
    p.event.time_zone = zone;
    return p;
}

// The theme day of most tests: 2026-05-12, 08:00–17:00 in Stockholm. On stage A a talk
// 09:00–09:20 and a panel 09:20–09:40; on stage B a study visit 09:00–09:40. In programme
// order (start, stage): oppning, studiebesok, samtal.
schedule::Programme theme_day() {
    schedule::Programme p = programme("temadag", "Europe/Stockholm");
    p.event.days.push_back({instant(may(12, 8, 0)), instant(may(12, 17, 0))});
    p.stages = {stage("sal-a"), stage("sal-b")};
    p.sessions = {
        session("oppning", "sal-a", schedule::SessionKind::talk, may(12, 9, 0), 20min),
        session("samtal", "sal-a", schedule::SessionKind::panel, may(12, 9, 20), 20min),
        session("studiebesok", "sal-b", schedule::SessionKind::study_visit, may(12, 9, 0), 40min),
    };
    p.sort_sessions();
    return p;
}

std::string describe(const ReplayReport& r) {
    std::ostringstream out;
    out << std::setprecision(17) << r.views << " views, " << r.watch_time.count()
        << " ms, completion " << r.completion;
    return out.str();
}

// Every figure of a report but `compacted_before`, one per line, so that two reports compare
// as text and a difference shows where it is.
std::string describe(const EventReport& r) {
    std::ostringstream out;
    for (const DayReport& d : r.days) {
        out << "day " << d.day << ": " << d.in_person << " in person; live " << d.live
            << "; replay " << d.replay_views << " views, " << d.replay_watch_time.count()
            << " ms\n";
    }
    for (const StageDayReport& s : r.stage_days)
        out << "stage " << s.stage_id << " on " << s.day << ": live " << s.live << "\n";
    for (const SessionReport& s : r.sessions) {
        out << "session " << s.session_id << " on " << s.day << ": in person "
            << (s.in_person ? std::to_string(*s.in_person) : std::string("-")) << "; live "
            << s.live << "; replay " << describe(s.replay) << "\n";
    }
    for (const auto& [day, count] : r.in_person.per_day)
        out << "checked in on " << day << ": " << count << "\n";
    for (const auto& [id, count] : r.in_person.per_session)
        out << "present at " << id << ": " << count << "\n";
    out << "registered " << r.in_person.registered << ", in person "
        << r.in_person.registered_in_person << ", people " << r.in_person.people << "\n";
    out << "event: live " << r.live << "; replay " << r.replay_views << " views, "
        << r.replay_watch_time.count() << " ms\n";
    return out.str();
}

const CountingRules kRules;

// ---------------------------------------------------------------------------------------------
// per_minute and united: pure functions over watching intervals.

TEST(PerMinute, FiguresOfEachMinuteSomeoneWatched) {
    Watching watching;
    watching["anna"] = {{may(12, 9, 0, 10), may(12, 9, 2, 40)}};
    watching["bo"] = {{may(12, 9, 1, 0), may(12, 9, 1, 30)}};
    // Hours later: an interval ending exactly at 13:06 does not touch 13:06; one starting
    // exactly at 13:10 belongs to 13:10.
    watching["cilla"] = {{may(12, 13, 0, 0), may(12, 13, 0, 30)},
                         {may(12, 13, 5, 30), may(12, 13, 6, 0)}};
    watching["doris"] = {{may(12, 13, 10, 0), may(12, 13, 10, 20)}};

    const std::vector<MinuteFigures> expected = {
        {may(12, 9, 0), 1, 1, 50s},        // anna 09:00:10–09:01
        {may(12, 9, 1), 2, 2, 60s + 30s},  // anna all of it, bo 09:01:00–09:01:30
        {may(12, 9, 2), 1, 1, 40s},        // anna until 09:02:40
        {may(12, 13, 0), 1, 1, 30s},       // nothing for the hours between
        {may(12, 13, 5), 1, 1, 30s},       // cilla's second stretch; 13:06 not at all
        {may(12, 13, 10), 1, 1, 20s},
    };
    EXPECT_EQ(per_minute(watching, may(12, 0, 0), may(13, 0, 0)), expected);

    // A span that cuts watching: anna runs into 09:01; the last minute ends at 09:02:30.
    EXPECT_EQ(per_minute(watching, may(12, 9, 1), may(12, 9, 2, 30)),
              (std::vector<MinuteFigures>{{may(12, 9, 1), 2, 2, 90s}, {may(12, 9, 2), 1, 1, 30s}}));

    // Ten years with two minutes of watching: the empty minutes are jumped, not walked.
    Watching sparse;
    sparse["erik"] = {
        {may(12, 9, 0), may(12, 9, 0, 15)},
        {may(12, 9, 0) + std::chrono::days{3650}, may(12, 9, 1) + std::chrono::days{3650}}};
    EXPECT_EQ(per_minute(sparse, may(12, 0, 0), may(12, 0, 0) + std::chrono::days{3660}),
              (std::vector<MinuteFigures>{{may(12, 9, 0), 1, 1, 15s},
                                          {may(12, 9, 0) + std::chrono::days{3650}, 1, 1, 60s}}));
    EXPECT_TRUE(per_minute({}, may(12, 0, 0), may(13, 0, 0)).empty());
}

TEST(PerMinute, AViewerWhoLeavesAndComesBackWithinAMinuteIsOneViewerOfIt) {
    // Anna's phone drops out for 40 s inside 10:00 (two intervals, as a 55 s silence between
    // heartbeats gives); Bo watches in her gap.
    Watching watching;
    watching["anna"] = {{may(12, 10, 0, 0), may(12, 10, 0, 10)},
                        {may(12, 10, 0, 50), may(12, 10, 1, 5)}};
    watching["bo"] = {{may(12, 10, 0, 20), may(12, 10, 0, 40)}};
    EXPECT_EQ(per_minute(watching, may(12, 10, 0), may(12, 11, 0)),
              (std::vector<MinuteFigures>{
                  // never two at once; two viewers (not three); 10 + 20 + 10 s
                  {may(12, 10, 0), 1, 2, 40s},
                  {may(12, 10, 1), 1, 1, 5s},
              }));
}

TEST(United, AViewerOnTwoStagesAtOnceCountsOnce) {
    Watching a;
    a["vera"] = {{may(12, 9, 0), may(12, 9, 10)}};
    a["wilma"] = {{may(12, 9, 0), may(12, 9, 5)}};
    a["yngve"] = {{may(12, 9, 30), may(12, 9, 31)}};
    Watching b;
    b["vera"] = {{may(12, 9, 5), may(12, 9, 15)}, {may(12, 9, 20), may(12, 9, 25)}};
    b["xerxes"] = {{may(12, 9, 12), may(12, 9, 14)}};
    b["yngve"] = {{may(12, 9, 31), may(12, 9, 32)}};  // touches stage A's: one stretch

    const Watching all = united({&a, &b});
    EXPECT_EQ(all.at("vera"), (std::vector<Interval>{{may(12, 9, 0), may(12, 9, 15)},
                                                     {may(12, 9, 20), may(12, 9, 25)}}));
    EXPECT_EQ(all.at("wilma"), a.at("wilma"));
    EXPECT_EQ(all.at("xerxes"), b.at("xerxes"));
    EXPECT_EQ(all.at("yngve"), (std::vector<Interval>{{may(12, 9, 30), may(12, 9, 32)}}));

    // 09:07: vera has both stages open; she is one viewer, not two.
    EXPECT_EQ(concurrent_at(a, may(12, 9, 7)) + concurrent_at(b, may(12, 9, 7)), 2u);
    EXPECT_EQ(concurrent_at(all, may(12, 9, 7)), 1u);
    EXPECT_EQ(concurrent_at(all, may(12, 9, 12, 30)), 2u) << "vera and xerxes";

    // Watch time of the union: vera 15 + 5 min, wilma 5, xerxes 2, yngve 2 = 29 min, not the
    // 10 + 5 + 1 + 15 + 2 + 1 = 34 of the stages added up. Peak 2: vera with wilma, then
    // with xerxes.
    EXPECT_EQ(audience_of(all, may(12, 9, 0), may(12, 10, 0)), (Audience{4, 29min, 2}));

    // The per-minute series of the union: vera's 09:07 is one viewer for 60 s.
    const auto minutes = per_minute(all, may(12, 9, 7), may(12, 9, 8));
    EXPECT_EQ(minutes, (std::vector<MinuteFigures>{{may(12, 9, 7), 1, 1, 60s}}));
}

// ---------------------------------------------------------------------------------------------
// local_days and audience_spans: the calendar of an event.

TEST(LocalDays, TheDayTheClocksGoBackHas25HoursAndTheDayTheyGoForward23) {
    schedule::Programme p = programme("hostlov", "Europe/Stockholm");
    // 2026-10-25: 03:00 summer time becomes 02:00 winter time. 2026-03-29: 02:00 becomes 03:00.
    const TimePoint oct25_midnight{
        std::chrono::sys_days{std::chrono::year{2026} / std::chrono::October / 24} +
        22h};  // 00:00 CEST
    const TimePoint mar29_midnight{
        std::chrono::sys_days{std::chrono::year{2026} / std::chrono::March / 28} +
        23h};  // 00:00 CET
    p.event.days.push_back({instant(mar29_midnight + 10h), instant(mar29_midnight + 15h)});
    p.event.days.push_back({instant(oct25_midnight + 10h), instant(oct25_midnight + 16h)});

    const auto days = local_days(p);
    ASSERT_EQ(days.size(), 2u);
    EXPECT_EQ(days[0].date, "2026-03-29");
    EXPECT_EQ(days[0].from, mar29_midnight);
    EXPECT_EQ(days[0].to - days[0].from, 23h);
    EXPECT_EQ(days[1].date, "2026-10-25");
    EXPECT_EQ(days[1].from, oct25_midnight);
    EXPECT_EQ(days[1].to - days[1].from, 25h) << "midnight 00:00 CEST to midnight 00:00 CET";

    // The stage's day and the event's day span the same 25 hours.
    p.stages = {stage("sal")};
    for (const AudienceSpan& span : audience_spans(p)) {
        if (span.key == "day:hostlov:2026-10-25" || span.key == "stage-day:sal:2026-10-25") {
            EXPECT_EQ(span.from, oct25_midnight) << span.key;
            EXPECT_EQ(span.to, oct25_midnight + 25h) << span.key;
        }
    }
}

TEST(LocalDays, ADayWhoseMidnightTheClocksSkipStartsWhenTheyJump) {
    // Chile: at 24:00 on Saturday 2026-09-05 the clocks jump to 01:00 on Sunday; 00:00 of the
    // 6th never happens. Its day starts at the jump, 04:00 UTC, and has 23 hours.
    schedule::Programme p = programme("foro", "America/Santiago");
    const TimePoint jump{
        std::chrono::sys_days{std::chrono::year{2026} / std::chrono::September / 6} + 4h};
    p.event.days.push_back({instant(jump - 6h), instant(jump - 2h)});   // Sat 18:00–22:00 (-04)
    p.event.days.push_back({instant(jump + 9h), instant(jump + 13h)});  // Sun 10:00–14:00 (-03)

    const auto days = local_days(p);
    ASSERT_EQ(days.size(), 2u);
    EXPECT_EQ(days[0].date, "2026-09-05");
    EXPECT_EQ(days[0].from, jump - 24h);
    EXPECT_EQ(days[0].to, jump);
    EXPECT_EQ(days[1].date, "2026-09-06");
    EXPECT_EQ(days[1].from, jump);
    EXPECT_EQ(days[1].to - days[1].from, 23h);
}

TEST(AudienceSpans, SessionsThenEachDaysStagesAndDayThenTheEvent) {
    schedule::Programme p = theme_day();
    // A session on a second date outside the event's days makes a day of its own; a cancelled
    // session has no audience.
    p.sessions.push_back(
        session("extra", "sal-b", schedule::SessionKind::workshop, may(13, 10, 0), 30min));
    p.sessions.push_back(
        session("installt", "sal-a", schedule::SessionKind::talk, may(12, 11, 0), 30min));
    p.sessions.back().cancelled = true;
    p.sessions.push_back(
        session("sen", "sal-a", schedule::SessionKind::talk, may(12, 10, 0), 30min));
    p.sessions.back().actual_start = instant(may(12, 10, 5));
    p.sessions.back().actual_end = instant(may(12, 10, 50));
    p.sort_sessions();

    const auto days = local_days(p);
    ASSERT_EQ(days.size(), 2u);
    EXPECT_EQ(days[0].date, "2026-05-12");
    EXPECT_EQ(days[0].from, may(12, 0, 0));
    EXPECT_EQ(days[0].to, may(13, 0, 0));
    EXPECT_EQ(days[1].date, "2026-05-13");

    std::vector<std::string> keys;
    for (const AudienceSpan& span : audience_spans(p)) {
        keys.push_back(span.key);
        if (span.key == "session:sen") {
            EXPECT_EQ(span.stages, std::vector<std::string>{"sal-a"});
            EXPECT_EQ(span.from, may(12, 10, 5)) << "the actual times, not the plan";
            EXPECT_EQ(span.to, may(12, 10, 50));
        } else if (span.key == "day:temadag:2026-05-13") {
            EXPECT_EQ(span.stages, (std::vector<std::string>{"sal-a", "sal-b"}));
            EXPECT_EQ(span.from, may(13, 0, 0));
            EXPECT_EQ(span.to, may(14, 0, 0));
        } else if (span.key == "event:temadag") {
            EXPECT_EQ(span.stages, (std::vector<std::string>{"sal-a", "sal-b"}));
            EXPECT_EQ(span.from, may(12, 0, 0));
            EXPECT_EQ(span.to, may(14, 0, 0));
        }
    }
    EXPECT_EQ(keys, (std::vector<std::string>{
                        "session:oppning",
                        "session:studiebesok",
                        "session:samtal",
                        "session:sen",
                        "session:extra",
                        "stage-day:sal-a:2026-05-12",
                        "stage-day:sal-b:2026-05-12",
                        "day:temadag:2026-05-12",
                        "stage-day:sal-a:2026-05-13",
                        "stage-day:sal-b:2026-05-13",
                        "day:temadag:2026-05-13",
                        "event:temadag",
                    }));
}

// ---------------------------------------------------------------------------------------------
// build_report, stage_minutes and compact_event on a real database.

class AudienceReportTest : public ::testing::Test {
  protected:
    void SetUp() override { schedule::migrate(db); }

    void save(const schedule::Programme& p) {
        const auto saved = schedule::ProgrammeStore(db).replace_event(p, "test");
        ASSERT_TRUE(saved.ok()) << (saved.ok() ? "" : saved.error().message);
    }

    void add(const std::vector<Heartbeat>& beats) {
        schedule::Transaction tx(db);
        insert_heartbeats(db, beats);
        tx.commit();
    }

    // The theme day's audience, worked out in ThemeDayReport.
    void script_theme_day() {
        save(theme_day());
        // Live, stage A. Vera 08:59:50–09:30:05 without a break: [08:59:50, 09:30:20).
        add(live("vera", "sal-a", may(12, 8, 59, 50), may(12, 9, 30, 5)));
        // Wilma 09:05–09:10, a 60 s silence (over 45 s: she left), 09:11–09:25:
        // [09:05:00, 09:10:15) and [09:11:00, 09:25:15).
        add(live("wilma", "sal-a", may(12, 9, 5), may(12, 9, 10)));
        add(live("wilma", "sal-a", may(12, 9, 11), may(12, 9, 25)));
        // Live, stage B. Xerxes 09:00:00–09:29:45: [09:00:00, 09:30:00).
        add(live("xerxes", "sal-b", may(12, 9, 0), may(12, 9, 29, 45)));
        // Yngve has both open: A [09:06:00, 09:08:15), B [09:07:00, 09:09:15).
        add(live("yngve", "sal-a", may(12, 9, 6), may(12, 9, 8)));
        add(live("yngve", "sal-b", may(12, 9, 7), may(12, 9, 9)));

        // Replays, 15 s of playback a beat.
        // The talk: anna 30 s in the afternoon (a view, exactly at the rule) and 60 s more
        // later that day (no second view; furthest 60 s); 30 s the next day from 10:00 in (a
        // view again, furthest 630 s).
        add(replay("anna", "oppning", may(12, 14, 0), 0s, 2));
        add(replay("anna", "oppning", may(12, 16, 0), 0s, 4));
        add(replay("anna", "oppning", may(13, 10, 0), 10min, 2));
        // Bo 15 s: no view, but watch time.
        add(replay("bo", "oppning", may(12, 15, 0), 0s, 1));
        // Cilla the next day: 45 s at the end, positions up to 1205 s of a 1200 s talk.
        add(replay("cilla", "oppning", may(13, 11, 0), 1160s, 3));
        // The panel: bo 15 + 14 s = 29 s, no view; doris 30 s, a view reaching 30 s.
        add(replay("bo", "samtal", may(12, 15, 10), 0s, 1));
        add({{may(12, 15, 10, 15), "bo", ViewingKind::replay, "samtal", 29s, 14s}});
        add(replay("doris", "samtal", may(12, 15, 20), 0s, 2));

        // In person: Anna and Bo (in person) and Cilla (web) registered; Anna twice and Bo
        // at the door, one walk-in: 3 that day. Anna, Cilla (no door check-in) and a walk-in
        // present at the study visit.
        RegistrationStore registrations(db);
        const auto anna = registrations.register_attendee(
            "temadag", "Anna", "", RegistrationMode::in_person, may(1, 9, 0));
        const auto bo = registrations.register_attendee("temadag", "Bo", "",
                                                        RegistrationMode::in_person, may(1, 9, 0));
        const auto cilla = registrations.register_attendee("temadag", "Cilla", "",
                                                           RegistrationMode::web, may(1, 9, 0));
        ASSERT_TRUE(anna.ok() && bo.ok() && cilla.ok());
        ASSERT_TRUE(
            registrations.check_in("temadag", anna->code, "2026-05-12", may(12, 8, 30), "door")
                .ok());
        ASSERT_TRUE(
            registrations.check_in("temadag", bo->code, "2026-05-12", may(12, 8, 40), "door").ok());
        ASSERT_TRUE(
            registrations.check_in_walk_in("temadag", "2026-05-12", may(12, 8, 50), "door").ok());
        const auto again =
            registrations.check_in("temadag", anna->code, "2026-05-12", may(12, 9, 10), "door");
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(again->status, Admission::Status::already);
        ASSERT_TRUE(registrations.mark_present("studiebesok", anna->code, 0, may(12, 9, 0)).ok());
        ASSERT_TRUE(registrations.mark_present("studiebesok", cilla->code, 0, may(12, 9, 1)).ok());
        ASSERT_TRUE(registrations.mark_present_walk_in("studiebesok", 0, may(12, 9, 2)).ok());
    }

    std::vector<MinuteFigures> minutes(const schedule::Programme& p, const std::string& stage_id,
                                       TimePoint from, TimePoint to) {
        return stage_minutes(db, p, stage_id, from, to, kRules);
    }

    TempDir dir;
    Database db{dir / "stagehub.db"};
};

TEST_F(AudienceReportTest, ThemeDayReport) {
    script_theme_day();
    const EventReport report = build_report(db, theme_day(), kRules);

    EXPECT_EQ(report.compacted_before, TimePoint{});
    ASSERT_EQ(report.days.size(), 1u);
    const DayReport& day = report.days[0];
    EXPECT_EQ(day.day, "2026-05-12");
    EXPECT_EQ(day.in_person, 3) << "Anna, Bo, a walk-in; Anna's second scan counts nothing";
    // All stages, a viewer once: vera 1830 s, wilma 315 + 855 = 1170 s, xerxes 1800 s, yngve
    // on A or B [09:06:00, 09:09:15) = 195 s (not 135 + 135). Peak 4 at 09:07–09:08:15
    // (vera, wilma, xerxes, yngve: 5 if yngve counted twice).
    EXPECT_EQ(day.live, (Audience{4, 1830s + 1170s + 1800s + 195s, 4}));
    // The talk's 3 views and the panel's 1, all sessions of that day, whenever watched:
    // 180 + 59 s.
    EXPECT_EQ(day.replay_views, 4u);
    EXPECT_EQ(day.replay_watch_time, 239s);

    ASSERT_EQ(report.stage_days.size(), 2u);
    EXPECT_EQ(report.stage_days[0].stage_id, "sal-a");
    EXPECT_EQ(report.stage_days[0].day, "2026-05-12");
    // vera 1830 s, wilma 1170 s, yngve 135 s; peak 3 at 09:06–09:08:15.
    EXPECT_EQ(report.stage_days[0].live, (Audience{3, 1830s + 1170s + 135s, 3}));
    EXPECT_EQ(report.stage_days[1].stage_id, "sal-b");
    // xerxes 1800 s, yngve 135 s; peak 2 at 09:07–09:09:15.
    EXPECT_EQ(report.stage_days[1].live, (Audience{2, 1800s + 135s, 2}));

    ASSERT_EQ(report.sessions.size(), 3u);
    const SessionReport& talk = report.sessions[0];
    EXPECT_EQ(talk.session_id, "oppning");
    EXPECT_EQ(talk.day, "2026-05-12");
    EXPECT_EQ(talk.in_person, std::nullopt) << "no presence taken";
    // [09:00, 09:20): vera 1200 s; wilma 315 s + 09:11–09:20 540 s; yngve 135 s. Peak 3.
    EXPECT_EQ(talk.live, (Audience{3, 1200s + 855s + 135s, 3}));
    // Views: anna on the 12th (furthest 60 s), anna on the 13th (630 s), cilla (1200 s, capped
    // at the talk's length). Watch: anna 30 + 60 + 30, bo 15, cilla 45 = 180 s. Completion
    // (60 + 630 + 1200) / (3 × 1200) = 0.525.
    EXPECT_EQ(talk.replay.views, 3u) << describe(talk.replay);
    EXPECT_EQ(talk.replay.watch_time, 180s);
    EXPECT_DOUBLE_EQ(talk.replay.completion, 0.525);

    const SessionReport& visit = report.sessions[1];
    EXPECT_EQ(visit.session_id, "studiebesok");
    EXPECT_EQ(visit.in_person, 3) << "Anna, Cilla (present without a door check-in), a walk-in";
    // [09:00, 09:40) on B: xerxes 1800 s, yngve 135 s. Peak 2.
    EXPECT_EQ(visit.live, (Audience{2, 1800s + 135s, 2}));
    EXPECT_EQ(visit.replay.views, 0u);
    EXPECT_EQ(visit.replay.watch_time, 0s);
    EXPECT_EQ(visit.replay.completion, 0.0);

    const SessionReport& panel = report.sessions[2];
    EXPECT_EQ(panel.session_id, "samtal");
    // [09:20, 09:40): vera 09:20–09:30:20 620 s, wilma 09:20–09:25:15 315 s. Peak 2.
    EXPECT_EQ(panel.live, (Audience{2, 620s + 315s, 2}));
    // doris's view (furthest 30 s); bo's 29 s is none. Completion 30 / 1200.
    EXPECT_EQ(panel.replay.views, 1u);
    EXPECT_EQ(panel.replay.watch_time, 59s);
    EXPECT_DOUBLE_EQ(panel.replay.completion, 0.025);

    EXPECT_EQ(report.in_person.per_day, (std::map<std::string, int64_t>{{"2026-05-12", 3}}));
    EXPECT_EQ(report.in_person.per_session, (std::map<std::string, int64_t>{{"studiebesok", 3}}));
    EXPECT_EQ(report.in_person.registered, 3);
    EXPECT_EQ(report.in_person.registered_in_person, 2);
    EXPECT_EQ(report.in_person.people, 3) << "Anna, Bo and the walk-in; Cilla only present";

    // One day: the event's figures are the day's.
    EXPECT_EQ(report.live, day.live);
    EXPECT_EQ(report.replay_views, 4u);
    EXPECT_EQ(report.replay_watch_time, 239s);
}

TEST_F(AudienceReportTest, StageMinutes) {
    script_theme_day();
    const schedule::Programme p = theme_day();
    // Stage B: xerxes [09:00:00, 09:30:00), yngve [09:07:00, 09:09:15). 30 minutes; both in
    // 09:07 and 09:08 (120 s each) and 09:09 (60 + 15 s).
    const auto b = minutes(p, "sal-b", may(12, 0, 0), may(13, 0, 0));
    ASSERT_EQ(b.size(), 30u);
    EXPECT_EQ(b.front(), (MinuteFigures{may(12, 9, 0), 1, 1, 60s}));
    EXPECT_EQ(b[7], (MinuteFigures{may(12, 9, 7), 2, 2, 120s}));
    EXPECT_EQ(b[8], (MinuteFigures{may(12, 9, 8), 2, 2, 120s}));
    EXPECT_EQ(b[9], (MinuteFigures{may(12, 9, 9), 2, 2, 75s}));
    EXPECT_EQ(b[10], (MinuteFigures{may(12, 9, 10), 1, 1, 60s}));
    EXPECT_EQ(b.back(), (MinuteFigures{may(12, 9, 29), 1, 1, 60s}));
    Millis total{0};
    for (const MinuteFigures& m : b)
        total += m.watch_time;
    EXPECT_EQ(total, 1935s) << "the stage's day";

    // Stage A around wilma's absence: she left at 09:10:15 and came back at 09:11:00.
    const auto a = minutes(p, "sal-a", may(12, 9, 10), may(12, 9, 12));
    EXPECT_EQ(a, (std::vector<MinuteFigures>{{may(12, 9, 10), 2, 2, 60s + 15s},
                                             {may(12, 9, 11), 2, 2, 120s}}));
    // vera's first 10 s, from 08:59:50.
    EXPECT_EQ(minutes(p, "sal-a", may(12, 8, 0), may(12, 9, 0)),
              (std::vector<MinuteFigures>{{may(12, 8, 59), 1, 1, 10s}}));
}

TEST_F(AudienceReportTest, CompactionKeepsEveryFigure) {
    script_theme_day();
    const schedule::Programme p = theme_day();
    const EventReport before = build_report(db, p, kRules);
    const auto a_before = minutes(p, "sal-a", may(12, 0, 0), may(14, 0, 0));
    const auto b_before = minutes(p, "sal-b", may(12, 0, 0), may(14, 0, 0));
    ASSERT_EQ(heartbeat_count(db), 354);

    // A day after the event: everything before 2026-05-13 00:00 goes. Live: vera 122 beats,
    // wilma 21 + 57, xerxes 120, yngve 9 + 9 = 338, none within 90 s of midnight. Replay on
    // the 12th: anna 2 + 4, bo 1 + 1 + 1, doris 2 = 11. Anna's 2 and Cilla's 3 beats of the
    // 13th stay.
    EXPECT_EQ(compact_event(db, p, may(13, 12, 0), kRules), 338 + 11);
    EXPECT_EQ(heartbeat_count(db), 5);

    const EventReport after = build_report(db, p, kRules);
    EXPECT_EQ(after.compacted_before, may(13, 0, 0));
    EXPECT_EQ(describe(after), describe(before));
    EXPECT_EQ(minutes(p, "sal-a", may(12, 0, 0), may(14, 0, 0)), a_before);
    EXPECT_EQ(minutes(p, "sal-b", may(12, 0, 0), may(14, 0, 0)), b_before);

    // Again, the same day or later that day: the same cutoff, nothing to do.
    EXPECT_EQ(compact_event(db, p, may(13, 12, 0), kRules), 0);
    EXPECT_EQ(compact_event(db, p, may(13, 23, 59), kRules), 0);
    EXPECT_EQ(heartbeat_count(db), 5);
    EXPECT_EQ(describe(build_report(db, p, kRules)), describe(before));

    // Beats after the cutoff count raw, beside the frozen figures: a panel view on the 13th
    // (emil, 30 s, furthest 30 s) and a minute of live watching on stage A at 10:00.
    add(replay("emil", "samtal", may(13, 15, 0), 0s, 2));
    add(live("frida", "sal-a", may(13, 10, 0), may(13, 10, 0, 45)));
    const EventReport later = build_report(db, p, kRules);
    EXPECT_EQ(later.sessions[2].replay.views, 2u);
    EXPECT_EQ(later.sessions[2].replay.watch_time, 59s + 30s);
    EXPECT_DOUBLE_EQ(later.sessions[2].replay.completion, (30.0 + 30.0) / (2 * 1200.0));
    EXPECT_EQ(later.replay_views, 5u);
    EXPECT_EQ(later.days[0].live, before.days[0].live) << "the 13th is no day of the event";
    const auto a_later = minutes(p, "sal-a", may(12, 0, 0), may(14, 0, 0));
    ASSERT_EQ(a_later.size(), a_before.size() + 1);
    EXPECT_EQ(a_later.back(), (MinuteFigures{may(13, 10, 0), 1, 1, 60s}));

    // Compacting those too changes no figure.
    const std::string later_text = describe(later);
    EXPECT_EQ(compact_event(db, p, may(14, 12, 0), kRules), 5 + 2 + 4);
    EXPECT_EQ(heartbeat_count(db), 0);
    EXPECT_EQ(describe(build_report(db, p, kRules)), later_text);
    EXPECT_EQ(minutes(p, "sal-a", may(12, 0, 0), may(14, 0, 0)), a_later);
}

TEST_F(AudienceReportTest, WatchingAcrossTheCutoffMidnight) {
    // An evening that runs to 23:59; the late talk 23:00–23:59. Nils watches 23:50:05 to
    // 00:10:10 (beats), his phone silent 35 s across midnight (23:59:35 to 00:00:10: under
    // 45 s, so no break): one stretch [23:50:05, 00:10:25).
    schedule::Programme p = programme("kvall", "Europe/Stockholm");
    p.event.days.push_back({instant(may(12, 18, 0)), instant(may(12, 23, 59))});
    p.stages = {stage("sal-a")};
    p.sessions = {session("sent", "sal-a", schedule::SessionKind::talk, may(12, 23, 0), 59min)};
    save(p);
    add(live("nils", "sal-a", may(12, 23, 50, 5), may(12, 23, 59, 35)));  // 39 beats
    add(live("nils", "sal-a", may(13, 0, 0, 10), may(13, 0, 10, 10)));    // 41 beats

    const EventReport before = build_report(db, p, kRules);
    ASSERT_EQ(before.sessions.size(), 1u);
    EXPECT_EQ(before.sessions[0].live, (Audience{1, 535s, 1})) << "23:50:05–23:59:00";
    ASSERT_EQ(before.days.size(), 1u) << "the 13th is no day of the event";
    EXPECT_EQ(before.days[0].live, (Audience{1, 595s, 1})) << "23:50:05–24:00";
    EXPECT_EQ(before.live, (Audience{1, 595s, 1}))
        << "the 10 min 25 s after midnight are in no figure of the report";

    // The day's minutes add up to the day: 23:50 55 s, 23:51–23:59 60 s each (the silence
    // across midnight is watching, though the beat that ends it comes after midnight).
    const auto day = minutes(p, "sal-a", may(12, 0, 0), may(13, 0, 0));
    ASSERT_EQ(day.size(), 10u);
    EXPECT_EQ(day.front(), (MinuteFigures{may(12, 23, 50), 1, 1, 55s}));
    EXPECT_EQ(day.back(), (MinuteFigures{may(12, 23, 59), 1, 1, 60s}));
    Millis total{0};
    for (const MinuteFigures& m : day)
        total += m.watch_time;
    EXPECT_EQ(total, 595s);
    // After midnight: 00:00–00:09 60 s each, 00:10 25 s.
    const auto next = minutes(p, "sal-a", may(13, 0, 0), may(14, 0, 0));
    ASSERT_EQ(next.size(), 11u);
    EXPECT_EQ(next.front(), (MinuteFigures{may(13, 0, 0), 1, 1, 60s}));
    EXPECT_EQ(next.back(), (MinuteFigures{may(13, 0, 10), 1, 1, 25s}));

    // Cutoff at midnight: beats before 23:58:30 go (23:50:05 … 23:58:20, 34 of them); the 5
    // within the last 90 s (23:58:35 … 23:59:35) stay beside the 41 after midnight, so the
    // stretch after the cutoff still starts where it did.
    EXPECT_EQ(compact_event(db, p, may(13, 12, 0), kRules), 34);
    EXPECT_EQ(heartbeat_count(db), 5 + 41);
    EXPECT_EQ(describe(build_report(db, p, kRules)), describe(before));
    EXPECT_EQ(minutes(p, "sal-a", may(12, 0, 0), may(13, 0, 0)), day);
    EXPECT_EQ(minutes(p, "sal-a", may(13, 0, 0), may(14, 0, 0)), next);
    EXPECT_EQ(minutes(p, "sal-a", may(12, 23, 59), may(13, 0, 1)),
              (std::vector<MinuteFigures>{day.back(), next.front()}))
        << "a frozen minute, then a raw one";
}

TEST_F(AudienceReportTest, CompactingBetweenTheDaysOfAnEventKeepsItsViewers) {
    // Two days, one stage. Ulla watches both mornings, Tore the first, Siv the second: the
    // event has 3 viewers, not 4.
    schedule::Programme p = programme("vecka", "Europe/Stockholm");
    p.event.days.push_back({instant(may(12, 8, 0)), instant(may(12, 17, 0))});
    p.event.days.push_back({instant(may(13, 8, 0)), instant(may(13, 17, 0))});
    p.stages = {stage("sal-a")};
    p.sessions = {session("dag1", "sal-a", schedule::SessionKind::talk, may(12, 9, 0), 60min),
                  session("dag2", "sal-a", schedule::SessionKind::talk, may(13, 9, 0), 60min)};
    save(p);
    add(live("ulla", "sal-a", may(12, 9, 0), may(12, 9, 9, 45)));    // [09:00, 09:10)
    add(live("tore", "sal-a", may(12, 9, 30), may(12, 9, 34, 45)));  // [09:30, 09:35)
    add(live("ulla", "sal-a", may(13, 9, 0), may(13, 9, 9, 45)));
    add(live("siv", "sal-a", may(13, 9, 30), may(13, 9, 34, 45)));

    const EventReport before = build_report(db, p, kRules);
    EXPECT_EQ(before.live, (Audience{3, 600s + 300s + 600s + 300s, 1}));
    ASSERT_EQ(before.days.size(), 2u);
    EXPECT_EQ(before.days[0].live, (Audience{2, 900s, 1}));
    EXPECT_EQ(before.days[1].live, (Audience{2, 900s, 1}));

    // During the second day, with the first past its retention. The event's unique viewers
    // cannot be split at midnight (Ulla is in both halves), so nothing of the event is
    // frozen before all of it is past: the cutoff moves back to the event's first midnight
    // (only what came before it could go), and no figure changes.
    EXPECT_EQ(compact_event(db, p, may(13, 12, 0), kRules), 0);
    const EventReport during = build_report(db, p, kRules);
    EXPECT_EQ(during.compacted_before, may(12, 0, 0));
    EXPECT_EQ(describe(during), describe(before));
    EXPECT_EQ(heartbeat_count(db), 40 + 20 + 40 + 20);

    // Once the whole event is past, all of it goes, and the figures stay.
    EXPECT_EQ(compact_event(db, p, may(15, 0, 0), kRules), 120);
    const EventReport after = build_report(db, p, kRules);
    EXPECT_EQ(after.compacted_before, may(15, 0, 0));
    EXPECT_EQ(describe(after), describe(before));
}

TEST_F(AudienceReportTest, ReplayViewingDaysInAZoneHalfAnHourOffTheHour) {
    // Pune, UTC+5:30: local midnight falls at hh:30 UTC, inside a UTC hour. Petra plays the
    // first session's replay at 00:15 on the 13th (18:45 UTC on the 12th); Qasim the second's
    // 20 s at 23:40 on the 12th (18:10 UTC) and 20 s at 00:10 on the 13th (18:40 UTC): two
    // viewing days of 20 s each, no view.
    schedule::Programme p = programme("pune", "Asia/Kolkata");
    const TimePoint ten{std::chrono::sys_days{std::chrono::year{2026} / std::chrono::May / 12} +
                        4h + 30min};  // 10:00 IST
    p.stages = {stage("hall")};
    p.sessions = {session("first", "hall", schedule::SessionKind::talk, ten, 30min),
                  session("second", "hall", schedule::SessionKind::talk, ten + 1h, 30min)};
    const TimePoint utc_18{std::chrono::sys_days{std::chrono::year{2026} / std::chrono::May / 12} +
                           18h};
    save(p);
    add({{utc_18 + 45min, "petra", ViewingKind::replay, "first", 15s, 15s}});
    add({{utc_18 + 10min, "qasim", ViewingKind::replay, "second", 20s, 20s},
         {utc_18 + 40min, "qasim", ViewingKind::replay, "second", 40s, 20s}});

    const EventReport report = build_report(db, p, kRules);
    ASSERT_EQ(report.sessions.size(), 2u);
    EXPECT_EQ(report.sessions[0].day, "2026-05-12");
    EXPECT_EQ(report.sessions[0].replay.views, 0u);
    EXPECT_EQ(report.sessions[1].replay.views, 0u) << "23:40 and 00:10 are two viewing days";
    EXPECT_EQ(report.sessions[1].replay.watch_time, 40s);
}

}  // namespace
}  // namespace stagehub::attendance
