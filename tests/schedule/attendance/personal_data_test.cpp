// One person's data on a real SQLite file: the export finds their registrations, check-ins
// and presence in two events and nothing of anyone else; erasure anonymises them while the
// staff report's in-person figures stay what they were; the audit names nobody in clear
// text; retention anonymises exactly the events ended long enough ago.
#include "schedule/attendance/personal_data.hpp"

#include <gtest/gtest.h>

#include "schedule/attendance/audience_report.hpp"
#include "schedule/migrations.hpp"
#include "schedule/programme_store.hpp"
#include "small_event.hpp"
#include "temp_dir.hpp"

namespace stagehub::attendance {
namespace {

using namespace std::chrono_literals;
using schedule::Database;
using stagehub::testing::kNineOnTheDay;
using stagehub::testing::small_event;
using stagehub::testing::TempDir;

// echo -n anna@example.se | sha256sum
constexpr const char* kAnnaHash =
    "email-sha256:f2a216c0b7bc0f42c605b87b114643d49ee41a2e5bb05c6040a16493c5bc073c";

TimePoint at(int days_later, Millis since_nine) {
    return TimePoint{std::chrono::seconds{kNineOnTheDay + days_later * 86'400}} + since_nine;
}

class PersonalDataTest : public ::testing::Test {
  protected:
    void SetUp() override {
        schedule::migrate(db);
        schedule::ProgrammeStore store(db);
        for (const auto& p : {small_event("dag", "s", 0), small_event("annan", "t", 30)}) {
            ASSERT_TRUE(store.replace_event(p, "test").ok());
            programmes.push_back(p);
        }
        // Anna in both events (her email typed differently the second time), Bo in the first.
        anna_dag = add("dag", "Anna Berg", "anna@example.se", 0);
        anna_annan = add("annan", "Anna Berg", " Anna@Example.SE ", 30);
        bo = add("dag", "Bo Ek", "bo@example.se", 0);
        admit("dag", anna_dag, "2026-05-12", "s1", 0);
        admit("dag", bo, "2026-05-12", "s1", 0);
        ASSERT_TRUE(registrations.check_in_walk_in("dag", "2026-05-12", at(0, 2min), "door"));
        admit("annan", anna_annan, "2026-06-11", "t2", 30);
    }

    Registration add(const std::string& event_id, const std::string& name, const std::string& email,
                     int days_later) {
        auto r = registrations.register_attendee(event_id, name, email, RegistrationMode::in_person,
                                                 at(days_later, -24h));
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? *r : Registration{};
    }

    void admit(const std::string& event_id, const Registration& r, const std::string& day,
               const std::string& session, int days_later) {
        ASSERT_TRUE(registrations.check_in(event_id, r.code, day, at(days_later, 1min), "door"));
        ASSERT_TRUE(registrations.mark_present(session, r.code, 0, at(days_later, 3min)));
    }

    DataSubject email(const std::string& text) {
        auto subject = subject_by_email(text);
        EXPECT_TRUE(subject.ok());
        return subject.ok() ? *subject : DataSubject{};
    }

    int64_t rows(const std::string& sql) {
        auto query = db.prepare(sql);
        return query.step() ? query.column_int(0) : -1;
    }

    // What the staff page and `stagehub stats` show of people who came.
    struct InPersonFigures {
        InPersonCounts counts;
        std::vector<int64_t> per_day;
        std::vector<std::optional<int64_t>> per_session;
        bool operator==(const InPersonFigures& o) const {
            return counts.per_day == o.counts.per_day &&
                   counts.per_session == o.counts.per_session &&
                   counts.registered == o.counts.registered &&
                   counts.registered_in_person == o.counts.registered_in_person &&
                   counts.people == o.counts.people && per_day == o.per_day &&
                   per_session == o.per_session;
        }
    };
    InPersonFigures figures(const schedule::Programme& programme) {
        const EventReport report = build_report(db, programme, CountingRules{});
        InPersonFigures f{report.in_person, {}, {}};
        for (const DayReport& d : report.days)
            f.per_day.push_back(d.in_person);
        for (const SessionReport& s : report.sessions)
            f.per_session.push_back(s.in_person);
        return f;
    }

    TempDir dir;
    Database db{dir / "stagehub.db"};
    RegistrationStore registrations{db};
    std::vector<schedule::Programme> programmes;
    Registration anna_dag, anna_annan, bo;
};

TEST_F(PersonalDataTest, SubjectsAreReadTrimmedAndCaseInsensitively) {
    EXPECT_EQ(email("  Anna@EXAMPLE.se ").value, "anna@example.se");
    EXPECT_EQ(email("anna@example.se").audit_label(), kAnnaHash);
    EXPECT_FALSE(subject_by_email("").ok()) << "an empty email would match every walk-up";
    EXPECT_FALSE(subject_by_email("   ").ok());
    EXPECT_FALSE(subject_by_email("anna").ok());
    auto code = subject_by_code("k7qf-3m");
    ASSERT_TRUE(code.ok());
    EXPECT_EQ(code->value, "K7QF3M");
    EXPECT_EQ(code->audit_label(), "code:K7QF3M");
    EXPECT_FALSE(subject_by_code("K7QF3O").ok());
}

TEST_F(PersonalDataTest, ExportFindsOnePersonInEveryEventAndNobodyElse) {
    const PersonalData data =
        export_personal_data(db, email("ANNA@example.se"), at(200, 0ms), "cli");
    ASSERT_EQ(data.registrations.size(), 2u);
    EXPECT_EQ(data.registrations[0].registration, anna_dag);
    EXPECT_EQ(data.registrations[0].event_title, "Event dag");
    ASSERT_EQ(data.registrations[0].check_ins.size(), 1u);
    EXPECT_EQ(data.registrations[0].check_ins[0].day, "2026-05-12");
    ASSERT_EQ(data.registrations[0].presence.size(), 1u);
    EXPECT_EQ(data.registrations[0].presence[0].session_id, "s1");
    EXPECT_EQ(data.registrations[1].registration, anna_annan);
    EXPECT_EQ(data.registrations[1].presence.at(0).session_id, "t2");

    const std::string text =
        personal_data_json(email("anna@example.se"), data, at(200, 0ms)).dump();
    EXPECT_EQ(text.find("Bo Ek"), std::string::npos) << text;
    EXPECT_EQ(text.find("bo@example.se"), std::string::npos) << text;
    EXPECT_EQ(text.find(bo.code), std::string::npos) << text;
    EXPECT_NE(text.find(anna_annan.code), std::string::npos) << text;

    // By code: that registration only.
    auto by_code = subject_by_code(anna_annan.code);
    ASSERT_TRUE(by_code.ok());
    const PersonalData one = export_personal_data(db, *by_code, at(200, 0ms), "cli");
    ASSERT_EQ(one.registrations.size(), 1u);
    EXPECT_EQ(one.registrations[0].registration, anna_annan);

    EXPECT_EQ(rows("SELECT count(*) FROM privacy_audit WHERE action = 'export' AND "
                   "registrations = 2 AND check_ins = 2 AND presence = 2 AND subject = '" +
                   std::string(kAnnaHash) + "'"),
              1);
}

TEST_F(PersonalDataTest, ExportListsProgrammePeopleOfTheSameName) {
    schedule::Programme p = programmes[0];
    p.people.push_back({"anna-berg", "Anna Berg", "Kommunen"});
    p.sessions[1].people.push_back({"anna-berg", schedule::PersonRole::speaker});
    schedule::ProgrammeStore store(db);
    ASSERT_TRUE(store.replace_event(p, "test").ok());
    const PersonalData data = export_personal_data(db, email("anna@example.se"), at(1, 0ms), "cli");
    ASSERT_EQ(data.programme_people.size(), 1u);
    EXPECT_EQ(data.programme_people[0].person_id, "anna-berg");
    EXPECT_EQ(data.programme_people[0].sessions, std::vector<std::string>{"dag/s2"});
}

TEST_F(PersonalDataTest, ErasureAnonymisesEveryEventAndTheFiguresStay) {
    const InPersonFigures before_dag = figures(programmes[0]);
    const InPersonFigures before_annan = figures(programmes[1]);
    ASSERT_EQ(before_dag.counts.people, 3);  // Anna, Bo and a walk-in
    ASSERT_EQ(before_dag.counts.per_session.at("s1"), 2);

    const Anonymised done = erase_personal_data(db, email(" anna@EXAMPLE.se"), at(200, 0ms), "cli");
    EXPECT_EQ(done.registrations, 2);
    EXPECT_EQ(done.check_ins, 2);
    EXPECT_EQ(done.presence, 2);

    EXPECT_EQ(rows("SELECT count(*) FROM registrations WHERE lower(email) LIKE '%anna%' OR "
                   "name LIKE '%Anna%'"),
              0);
    EXPECT_FALSE(registrations.find_by_code(anna_dag.code).has_value());
    EXPECT_FALSE(registrations.check_in("dag", anna_dag.code, "2026-05-12", at(0, 9min), "door"))
        << "an erased code must not check anyone in";
    EXPECT_TRUE(export_personal_data(db, email("anna@example.se"), at(200, 0ms), "cli")
                    .registrations.empty());
    // The organisers' list no longer shows her; Bo is untouched.
    const auto listed = registrations.list("dag");
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].registration, bo);

    EXPECT_EQ(figures(programmes[0]), before_dag);
    EXPECT_EQ(figures(programmes[1]), before_annan);

    EXPECT_EQ(rows("SELECT count(*) FROM privacy_audit WHERE action = 'erase' AND "
                   "registrations = 2 AND actor = 'cli' AND subject = '" +
                   std::string(kAnnaHash) + "'"),
              1);
    EXPECT_EQ(rows("SELECT count(*) FROM privacy_audit WHERE subject LIKE '%anna%' OR "
                   "subject LIKE '%example%'"),
              0);

    // A second erasure finds nothing and says so.
    EXPECT_EQ(erase_personal_data(db, email("anna@example.se"), at(201, 0ms), "cli").registrations,
              0);
}

TEST_F(PersonalDataTest, ErasureByCodeTakesThatRegistrationOnly) {
    auto subject = subject_by_code(bo.code);
    ASSERT_TRUE(subject.ok());
    EXPECT_EQ(erase_personal_data(db, *subject, at(1, 0ms), "cli").registrations, 1);
    EXPECT_EQ(rows("SELECT count(*) FROM registrations WHERE anonymised_ms IS NULL"), 2);
    EXPECT_EQ(rows("SELECT count(*) FROM privacy_audit WHERE subject = 'code:" + bo.code + "'"), 1);
}

TEST_F(PersonalDataTest, EventEndIsItsLastSessionHeld) {
    EXPECT_EQ(event_end(programmes[0]), at(0, 1h + 30min));
    schedule::Programme p = programmes[0];
    p.sessions[1].cancelled = true;
    EXPECT_EQ(event_end(p), at(0, 30min));
    p.sessions[0].actual_end = Instant{std::chrono::seconds{kNineOnTheDay + 3000}};
    EXPECT_EQ(event_end(p), at(0, 50min));
    EXPECT_EQ(event_end(schedule::Programme{}), std::nullopt);
}

TEST_F(PersonalDataTest, RetentionAnonymisesExactlyTheEventsEndedLongEnoughAgo) {
    const InPersonFigures before = figures(programmes[0]);
    const TimePoint dag_over = at(0, 1h + 30min) + std::chrono::days{90};

    // A millisecond short of 90 days after "dag" ended: nothing.
    EXPECT_TRUE(apply_registration_retention(db, programmes, dag_over - 1ms, std::chrono::days{90})
                    .empty());
    EXPECT_EQ(rows("SELECT count(*) FROM registrations WHERE anonymised_ms IS NULL"), 3);

    const auto runs = apply_registration_retention(db, programmes, dag_over, std::chrono::days{90});
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].event_id, "dag");
    EXPECT_EQ(runs[0].anonymised.registrations, 2);
    EXPECT_EQ(runs[0].anonymised.check_ins, 2);
    EXPECT_EQ(runs[0].anonymised.presence, 2);
    EXPECT_EQ(rows("SELECT count(*) FROM registrations WHERE event_id = 'dag' AND "
                   "(name != '' OR email != '' OR anonymised_ms IS NULL)"),
              0);
    // "annan" ended 30 days later: still whole.
    EXPECT_EQ(rows("SELECT count(*) FROM registrations WHERE event_id = 'annan' AND "
                   "name = 'Anna Berg' AND anonymised_ms IS NULL"),
              1);
    EXPECT_EQ(figures(programmes[0]), before);
    EXPECT_EQ(rows("SELECT count(*) FROM privacy_audit WHERE action = 'retention' AND "
                   "subject = 'event:dag' AND registrations = 2"),
              1);

    // The next hour: nothing left to do, and no audit row for nothing.
    EXPECT_TRUE(
        apply_registration_retention(db, programmes, dag_over + 1h, std::chrono::days{90}).empty());
    EXPECT_EQ(rows("SELECT count(*) FROM privacy_audit"), 1);
}

}  // namespace
}  // namespace stagehub::attendance
