// Registrations, the door's check-in and presence at sessions, on a real SQLite file: codes
// (format, uniqueness, how typed input is read), one check-in per person and day, walk-ins,
// codes of other events, seats running out, and the figures the reports get.
#include "schedule/attendance/registrations.hpp"

#include <gtest/gtest.h>

#include <set>

#include "schedule/migrations.hpp"
#include "schedule/programme_store.hpp"
#include "small_event.hpp"
#include "temp_dir.hpp"

namespace stagehub::attendance {
namespace {

using namespace std::chrono_literals;
using schedule::Database;
using stagehub::testing::small_event;
using stagehub::testing::TempDir;

constexpr const char* kDay1 = "2026-05-12";
constexpr const char* kDay2 = "2026-05-13";

// 09:00 on the first day, Stockholm summer time, and an offset from it.
TimePoint at(Millis since_nine) {
    return TimePoint{Millis{1'778'569'200'000}} + since_nine;
}

class RegistrationsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        schedule::migrate(db);
        schedule::ProgrammeStore store(db);
        ASSERT_TRUE(store.replace_event(small_event("dag", "s"), "test").ok());
        ASSERT_TRUE(store.replace_event(small_event("annan", "t"), "test").ok());
    }

    Registration add(const std::string& name, RegistrationMode mode = RegistrationMode::in_person,
                     const std::string& event_id = "dag") {
        auto r = registrations.register_attendee(event_id, name, "", mode, at(0ms));
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? *r : Registration{};
    }

    TempDir dir;
    Database db{dir / "stagehub.db"};
    RegistrationStore registrations{db};
};

TEST_F(RegistrationsTest, CodesAreSixUnambiguousCharactersAndUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 500; ++i) {
        const Registration r = add("Person " + std::to_string(i));
        ASSERT_EQ(r.code.size(), kCodeLength) << r.code;
        for (const char c : r.code) {
            EXPECT_NE(kCodeAlphabet.find(c), std::string_view::npos) << r.code;
            EXPECT_EQ(std::string_view("0O1IL").find(c), std::string_view::npos) << r.code;
        }
        EXPECT_TRUE(seen.insert(r.code).second) << "code handed out twice: " << r.code;
    }
    EXPECT_EQ(kCodeAlphabet.size(), 31u);
}

TEST_F(RegistrationsTest, ACodeAlreadyTakenIsDrawnAgain) {
    std::vector<std::string> drawn = {"K7QF3M", "K7QF3M", "0OOOOO", "K7QF3N"};
    size_t next = 0;
    RegistrationStore forced(db, [&] { return drawn.at(next++); });
    auto first = forced.register_attendee("dag", "Ann", "", RegistrationMode::in_person, at(0ms));
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->code, "K7QF3M");
    // Taken, then not a code at all, then free.
    auto second = forced.register_attendee("dag", "Bo", "", RegistrationMode::web, at(0ms));
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->code, "K7QF3N");
    EXPECT_EQ(next, 4u);
}

TEST_F(RegistrationsTest, TypedCodesAreReadCaseInsensitivelyWithoutSpacesAndDashes) {
    EXPECT_EQ(normalise_code("K7QF3M"), "K7QF3M");
    EXPECT_EQ(normalise_code("k7qf-3m"), "K7QF3M");
    EXPECT_EQ(normalise_code(" k7q f3m "), "K7QF3M");
    EXPECT_EQ(normalise_code("K7-QF-3M"), "K7QF3M");
    EXPECT_EQ(normalise_code("K7QF3"), std::nullopt) << "too short";
    EXPECT_EQ(normalise_code("K7QF3MM"), std::nullopt) << "too long";
    EXPECT_EQ(normalise_code("K7QF3O"), std::nullopt) << "O is not in the alphabet";
    EXPECT_EQ(normalise_code("K7QF31"), std::nullopt) << "1 is not in the alphabet";
    EXPECT_EQ(normalise_code("K7QF3Ä"), std::nullopt);
    EXPECT_EQ(normalise_code(""), std::nullopt);

    const Registration r = add("Ann");
    std::string typed = r.code;
    for (char& c : typed)
        c = static_cast<char>(std::tolower(c));
    typed.insert(3, "-");
    const auto found = registrations.find_by_code(typed);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(*found, r);
}

TEST_F(RegistrationsTest, FieldsAreCheckedAndTrimmed) {
    auto r = registrations.register_attendee("dag", "  Åsa Öberg ", " asa@example.se ",
                                             RegistrationMode::web, at(5min));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->name, "Åsa Öberg");
    EXPECT_EQ(r->email, "asa@example.se");
    EXPECT_EQ(r->mode, RegistrationMode::web);
    EXPECT_EQ(r->created, at(5min));
    EXPECT_EQ(r->event_id, "dag");

    // The refusal of a registration; an accepted one reads as a refusal with no message.
    const auto error = [&](const std::string& name, const std::string& email) {
        auto bad =
            registrations.register_attendee("dag", name, email, RegistrationMode::web, at(0ms));
        return bad.ok() ? Error{ErrorCode::internal, ""} : bad.error();
    };
    EXPECT_EQ(error("", "").code, "invalid_registration");
    EXPECT_NE(error("  ", "").message.find("name"), std::string::npos);
    // 200 characters are fine, counted as characters, not bytes.
    std::string long_name;
    for (int i = 0; i < 200; ++i)
        long_name += "å";
    EXPECT_EQ(error(long_name, "").message, "");
    EXPECT_NE(error(long_name + "x", "").message.find("at most 200"), std::string::npos);
    for (const char* email : {"asa", "asa@", "@example.se", "a@b@example.se", "asa@example",
                              "asa@.se", "asa@example..se", "å sa@example.se"}) {
        const Error e = error("Åsa", email);
        EXPECT_EQ(e.code, "invalid_registration") << email;
        EXPECT_NE(e.message.find("email"), std::string::npos) << e.message;
    }
    EXPECT_EQ(error("Åsa", std::string(244, 'a') + "@example.se").code, "invalid_registration");
    EXPECT_EQ(registrations.register_attendee("nope", "Åsa", "", RegistrationMode::web, at(0ms))
                  .error()
                  .code,
              "not_found");
    EXPECT_EQ(registrations.list("dag").size(), 2u);
}

TEST_F(RegistrationsTest, ASecondScanTheSameDayIsAlreadyCheckedInAtTheFirstTime) {
    const Registration ann = add("Ann");
    auto first = registrations.check_in("dag", ann.code, kDay1, at(12min), "organiser:1");
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->status, Admission::Status::checked_in);
    EXPECT_EQ(first->registration, ann);
    EXPECT_EQ(first->at, at(12min));
    EXPECT_EQ(first->count, 1);

    std::string typed = ann.code;
    typed.insert(2, " ");
    auto second = registrations.check_in("dag", typed, kDay1, at(40min), "organiser:2");
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->status, Admission::Status::already);
    EXPECT_EQ(second->at, at(12min)) << "the first time stands";
    EXPECT_EQ(second->count, 1) << "never a second count";
    EXPECT_EQ(in_person_counts(db, "dag").per_day.at(kDay1), 1);
}

TEST_F(RegistrationsTest, EachDayCountsOnItsOwn) {
    const Registration ann = add("Ann");
    const Registration bo = add("Bo");
    ASSERT_TRUE(registrations.check_in("dag", ann.code, kDay1, at(0ms), "").ok());
    ASSERT_TRUE(registrations.check_in("dag", bo.code, kDay1, at(1min), "").ok());
    auto next_day = registrations.check_in("dag", ann.code, kDay2, at(24h), "");
    ASSERT_TRUE(next_day.ok());
    EXPECT_EQ(next_day->status, Admission::Status::checked_in);
    EXPECT_EQ(next_day->count, 1);

    const auto attendees = registrations.list("dag");
    ASSERT_EQ(attendees.size(), 2u);
    EXPECT_EQ(attendees[0].registration.name, "Ann");
    EXPECT_EQ(attendees[0].checked_in,
              (std::map<std::string, TimePoint>{{kDay1, at(0ms)}, {kDay2, at(24h)}}));
    EXPECT_EQ(attendees[1].checked_in, (std::map<std::string, TimePoint>{{kDay1, at(1min)}}));
}

TEST_F(RegistrationsTest, WalkInsCountOnceEach) {
    const Registration ann = add("Ann");
    ASSERT_TRUE(registrations.check_in("dag", ann.code, kDay1, at(0ms), "").ok());
    auto walk_in = registrations.check_in_walk_in("dag", kDay1, at(2min), "organiser:1");
    ASSERT_TRUE(walk_in.ok());
    EXPECT_EQ(walk_in->status, Admission::Status::checked_in);
    EXPECT_FALSE(walk_in->registration.has_value());
    EXPECT_EQ(walk_in->count, 2);
    EXPECT_EQ(registrations.check_in_walk_in("dag", kDay1, at(3min), "")->count, 3);
    EXPECT_EQ(registrations.check_in_walk_in("nope", kDay1, at(3min), "").error().code,
              "not_found");
    EXPECT_EQ(registrations.check_in_walk_in("dag", "12 maj", at(3min), "").error().code,
              "bad_request");
    EXPECT_EQ(in_person_counts(db, "dag").per_day.at(kDay1), 3);
}

TEST_F(RegistrationsTest, ACodeOfAnotherEventIsNotFoundLikeAnUnknownOne) {
    const Registration other = add("Ola", RegistrationMode::in_person, "annan");
    const auto foreign = registrations.check_in("dag", other.code, kDay1, at(0ms), "");
    ASSERT_FALSE(foreign.ok());
    EXPECT_EQ(foreign.error().code, "not_found");
    std::string unknown = other.code == "222222" ? "333333" : "222222";
    const auto missing = registrations.check_in("dag", unknown, kDay1, at(0ms), "");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, "not_found");
    EXPECT_EQ(registrations.check_in("dag", "K7QF", kDay1, at(0ms), "").error().code,
              "bad_request");
    EXPECT_EQ(registrations.check_in("dag", other.code, "2026-13-01", at(0ms), "").error().code,
              "bad_request");
    EXPECT_TRUE(in_person_counts(db, "dag").per_day.empty()) << "nothing counted on refusals";
    EXPECT_EQ(registrations.mark_present("s1", other.code, 0, at(0ms)).error().code, "not_found");
}

TEST_F(RegistrationsTest, AWebRegistrationThatCameIsCounted) {
    const Registration web = add("Webb", RegistrationMode::web);
    auto scan = registrations.check_in("dag", web.code, kDay1, at(0ms), "");
    ASSERT_TRUE(scan.ok());
    EXPECT_EQ(scan->status, Admission::Status::checked_in);
    EXPECT_EQ(in_person_counts(db, "dag").people, 1);
}

TEST_F(RegistrationsTest, PresenceIsOncePerPersonAndRefusedWhenTheSeatsAreTaken) {
    const Registration ann = add("Ann");
    const Registration bo = add("Bo");
    const Registration cia = add("Cia");
    auto first = registrations.mark_present("s1", ann.code, 2, at(0ms));
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->status, Admission::Status::checked_in);
    EXPECT_EQ(first->count, 1);
    auto again = registrations.mark_present("s1", ann.code, 2, at(1min));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->status, Admission::Status::already);
    EXPECT_EQ(again->at, at(0ms));
    EXPECT_EQ(again->count, 1);
    ASSERT_TRUE(registrations.mark_present_walk_in("s1", 2, at(2min)).ok());
    const auto full = registrations.mark_present("s1", cia.code, 2, at(3min));
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().code, "full");
    EXPECT_NE(full.error().message.find("2 seats"), std::string::npos) << full.error().message;
    EXPECT_EQ(registrations.mark_present_walk_in("s1", 2, at(3min)).error().code, "full");
    // Someone already inside is never turned away, and the count did not move.
    EXPECT_EQ(registrations.mark_present("s1", ann.code, 2, at(4min))->status,
              Admission::Status::already);
    EXPECT_EQ(registrations.present("s1"), 2);
    // No limit (capacity 0), another session, an unknown one.
    EXPECT_TRUE(registrations.mark_present("s2", bo.code, 0, at(0ms)).ok());
    EXPECT_TRUE(registrations.mark_present("s2", cia.code, 0, at(0ms)).ok());
    EXPECT_EQ(registrations.mark_present("nope", cia.code, 0, at(0ms)).error().code, "not_found");
    EXPECT_EQ(registrations.mark_present_walk_in("nope", 0, at(0ms)).error().code, "not_found");
    EXPECT_EQ(registrations.mark_present("s2", "nope", 0, at(0ms)).error().code, "bad_request");
}

TEST_F(RegistrationsTest, RemovingARegistrationTakesItsCheckInsWithIt) {
    const Registration ann = add("Ann");
    const Registration other = add("Ola", RegistrationMode::in_person, "annan");
    ASSERT_TRUE(registrations.check_in("dag", ann.code, kDay1, at(0ms), "").ok());
    ASSERT_TRUE(registrations.mark_present("s1", ann.code, 0, at(0ms)).ok());
    EXPECT_EQ(registrations.remove("dag", other.id).error().code, "not_found")
        << "not a registration of this event";
    EXPECT_TRUE(registrations.remove("dag", ann.id).ok());
    EXPECT_EQ(registrations.remove("dag", ann.id).error().code, "not_found");
    EXPECT_FALSE(registrations.find_by_code(ann.code).has_value());
    const InPersonCounts counts = in_person_counts(db, "dag");
    EXPECT_TRUE(counts.per_day.empty());
    EXPECT_TRUE(counts.per_session.empty());
    EXPECT_EQ(counts.registered, 0);
    EXPECT_EQ(registrations.list("annan").size(), 1u);
}

TEST_F(RegistrationsTest, InPersonCountsAreExact) {
    const Registration ann = add("Ann");
    const Registration bo = add("Bo");
    const Registration cia = add("Cia", RegistrationMode::web);
    add("Dan");  // registered, never came
    add("Eva", RegistrationMode::web);
    const Registration other = add("Ola", RegistrationMode::in_person, "annan");

    // Day 1: Ann, Bo, Cia (web, came anyway), two walk-ins; Ann scanned twice.
    ASSERT_TRUE(registrations.check_in("dag", ann.code, kDay1, at(0ms), "").ok());
    ASSERT_TRUE(registrations.check_in("dag", bo.code, kDay1, at(1min), "").ok());
    ASSERT_TRUE(registrations.check_in("dag", cia.code, kDay1, at(2min), "").ok());
    ASSERT_TRUE(registrations.check_in("dag", ann.code, kDay1, at(3min), "").ok());
    ASSERT_TRUE(registrations.check_in_walk_in("dag", kDay1, at(4min), "").ok());
    ASSERT_TRUE(registrations.check_in_walk_in("dag", kDay1, at(5min), "").ok());
    // Day 2: Ann again, one walk-in.
    ASSERT_TRUE(registrations.check_in("dag", ann.code, kDay2, at(24h), "").ok());
    ASSERT_TRUE(registrations.check_in_walk_in("dag", kDay2, at(24h), "").ok());
    // Sessions: s1 Ann, Bo and a walk-in; s2 Ann. The other event's figures stay apart.
    ASSERT_TRUE(registrations.mark_present("s1", ann.code, 0, at(0ms)).ok());
    ASSERT_TRUE(registrations.mark_present("s1", bo.code, 0, at(0ms)).ok());
    ASSERT_TRUE(registrations.mark_present("s1", bo.code, 0, at(1min)).ok());
    ASSERT_TRUE(registrations.mark_present_walk_in("s1", 0, at(0ms)).ok());
    ASSERT_TRUE(registrations.mark_present("s2", ann.code, 0, at(0ms)).ok());
    ASSERT_TRUE(registrations.check_in("annan", other.code, kDay1, at(0ms), "").ok());
    ASSERT_TRUE(registrations.mark_present("t1", other.code, 0, at(0ms)).ok());

    const InPersonCounts counts = in_person_counts(db, "dag");
    EXPECT_EQ(counts.per_day, (std::map<std::string, int64_t>{{kDay1, 5}, {kDay2, 2}}));
    EXPECT_EQ(counts.per_session, (std::map<std::string, int64_t>{{"s1", 3}, {"s2", 1}}));
    EXPECT_EQ(counts.registered, 5);
    EXPECT_EQ(counts.registered_in_person, 3);
    EXPECT_EQ(counts.people, 6) << "Ann, Bo, Cia and three walk-ins";

    const InPersonCounts none = in_person_counts(db, "nope");
    EXPECT_TRUE(none.per_day.empty());
    EXPECT_EQ(none.registered, 0);
    EXPECT_EQ(none.people, 0);
}

}  // namespace
}  // namespace stagehub::attendance
