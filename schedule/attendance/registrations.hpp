// Who comes in person (docs/STATISTICS.md, "In person"): registrations with a short
// check-in code, the door's check-in once per person and event day, anonymous walk-ins, and
// presence at sessions with limited seats. Stored in the programme's SQLite file
// (migration 7); the HTTP edge (server/attendance_api) and the reports sit on top.
//
//   code       6 characters of kCodeAlphabet (no 0/O/1/I/L), from a CSPRNG, unique across
//              events; typed or scanned input is read case-insensitively, spaces and dashes
//              ignored ("k7qf-3m" is K7QF3M)
//   check-in   once per registration and day (the event's local calendar day, given by the
//              caller): a second scan that day changes nothing and answers the first time
//   walk-in    a person without registration: each one counts once
//   presence   once per registration and session; refused when the seats are taken
//
// Threads: a store is used on one thread (its Database's).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/attendance/counting_rules.hpp"
#include "schedule/database.hpp"
#include "schedule/result.hpp"

namespace stagehub::attendance {

// The characters of a check-in code: digits and capitals without the look-alikes 0, O, 1,
// I and L, so a code read aloud or copied by hand survives.
inline constexpr std::string_view kCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
inline constexpr size_t kCodeLength = 6;
inline constexpr size_t kMaxNameLength = 200;   // characters (UTF-8 code points)
inline constexpr size_t kMaxEmailLength = 254;  // bytes, as RFC 5321 allows

enum class RegistrationMode { in_person, web };

std::string_view to_string(RegistrationMode mode);
std::optional<RegistrationMode> registration_mode_from_string(std::string_view text);

// A typed or scanned code in its stored form ("k7qf-3m" → "K7QF3M"), or nullopt when it
// cannot be a code (wrong length, a character outside kCodeAlphabet).
std::optional<std::string> normalise_code(std::string_view text);

struct Registration {
    int64_t id = 0;
    std::string event_id;
    std::string code;  // canonical, shown as is: "K7QF3M"
    std::string name;
    std::string email;  // empty when not given
    RegistrationMode mode = RegistrationMode::in_person;
    TimePoint created{};

    bool operator==(const Registration&) const = default;
};

// A registration with the days it checked in at the door (day → first check-in).
struct RegisteredAttendee {
    Registration registration;
    std::map<std::string, TimePoint> checked_in;
};

// The answer to a scan at the door or at a session. A second scan is not an error: the
// door device says "already checked in at 09:12" and nothing is counted twice.
struct Admission {
    enum class Status { checked_in, already };

    Status status = Status::checked_in;
    std::optional<Registration> registration;  // empty for a walk-in
    TimePoint at{};                            // this scan's time, or (already) the first scan's
    int64_t count = 0;  // after this scan: checked in that day (door) / present (session)
};

class RegistrationStore {
  public:
    // A fresh code candidate; the default draws from std::random_device. Tests inject one
    // to force collisions.
    using CodeSource = std::function<std::string()>;

    explicit RegistrationStore(schedule::Database& db, CodeSource make_code = nullptr);

    // Errors: "not_found" (no such event), "invalid_registration" (empty or too long name,
    // too long or malformed email), each naming the field and the fix. Name and email are
    // stored trimmed.
    Result<Registration> register_attendee(std::string_view event_id, std::string_view name,
                                           std::string_view email, RegistrationMode mode,
                                           TimePoint at);

    // The registration with this code (typed form accepted), in any event.
    std::optional<Registration> find_by_code(std::string_view code);

    // The event's registrations, oldest first, with the days they checked in; not those
    // anonymised (schedule/attendance/personal_data.hpp), which only the figures count.
    std::vector<RegisteredAttendee> list(std::string_view event_id);

    // Removes a registration with its check-ins and presence. Errors: "not_found" (no such
    // registration in this event).
    Status remove(std::string_view event_id, int64_t registration_id);

    // The door. `day` is "YYYY-MM-DD" in the event's time zone; `by` who scanned (an
    // account's description). A web-mode registration may check in too: they came.
    // Errors: "bad_request" (not a code, not a day), "not_found" (unknown code, or the code
    // of another event: the same answer, so codes of other events are not revealed).
    Result<Admission> check_in(std::string_view event_id, std::string_view code,
                               std::string_view day, TimePoint at, std::string_view by);
    // A walk-in: +1 that day. Errors: "bad_request" (not a day), "not_found" (no event).
    Result<Admission> check_in_walk_in(std::string_view event_id, std::string_view day,
                                       TimePoint at, std::string_view by);

    // Presence at a session with limited seats; `capacity` is its stage's seats (0: no
    // limit). Errors: "bad_request" (not a code), "not_found" (no such session; a code
    // unknown or of another event than the session's), "full" (capacity > 0 and that many
    // are present; someone already present is answered `already`, never refused).
    Result<Admission> mark_present(std::string_view session_id, std::string_view code,
                                   int64_t capacity, TimePoint at);
    Result<Admission> mark_present_walk_in(std::string_view session_id, int64_t capacity,
                                           TimePoint at);
    // People present at a session (registered and walk-ins).
    int64_t present(std::string_view session_id);

  private:
    std::optional<Registration> find_in_event(std::string_view event_id, const std::string& code);
    Result<std::string> session_event(std::string_view session_id);
    Result<Admission> admit_to_session(std::string_view session_id,
                                       const std::optional<Registration>& registration,
                                       int64_t capacity, TimePoint at);

    schedule::Database& db_;
    CodeSource make_code_;
};

// The in-person figures of an event, for the reports.
struct InPersonCounts {
    // day → people checked in that day (registered + walk-ins)
    std::map<std::string, int64_t> per_day;
    // session id → present (registered + walk-ins)
    std::map<std::string, int64_t> per_session;
    int64_t registered = 0;  // registrations of the event
    int64_t registered_in_person = 0;
    // distinct registrations checked in on any day + walk-ins (every walk-in counts once)
    int64_t people = 0;
};
InPersonCounts in_person_counts(schedule::Database& db, std::string_view event_id);

}  // namespace stagehub::attendance
