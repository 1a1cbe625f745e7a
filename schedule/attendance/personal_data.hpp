// What stagehub holds about one person, and its removal (docs/PRIVACY.md): the data
// subject's access (GDPR art. 15) and erasure (art. 17) by email or check-in code, and the
// registrations' retention a number of days after their event ends.
//
// Removal anonymises: a registration keeps its row, mode and the days and sessions it was
// counted at, so the staff report (in person per day, per session, registered) says after
// it what it said before; its name, email and code are gone, and its code can never match
// a scan again. Every export, erasure and retention run that touched a row leaves a
// `privacy_audit` row (migration 10) naming the person only as a hash of the email or by
// the code, never the email in clear text.
//
// The programme holds people by name and affiliation, without email: an export lists the
// programme's people with the same name as a registration found, for the controller to
// judge; nothing here changes the programme.
//
// Threads: any thread with its own connection (the CLI; the server's heartbeat writer).
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/accessibility/feedback_store.hpp"
#include "schedule/attendance/registrations.hpp"
#include "schedule/model.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule {
class Database;
}

namespace stagehub::attendance {

// Whom a request is about.
struct DataSubject {
    enum class Kind { email, code };
    Kind kind = Kind::email;
    std::string value;  // email: trimmed and ASCII lower-case; code: canonical ("K7QF3M")

    // How the audit names the subject: "email-sha256:HEX" (of `value`) or "code:CODE".
    std::string audit_label() const;
};

// Errors: "bad_arguments" (empty, or no '@'; a code that cannot be a code).
Result<DataSubject> subject_by_email(std::string_view email);
Result<DataSubject> subject_by_code(std::string_view code);

struct HeldCheckIn {
    std::string day;
    TimePoint at{};
};

struct HeldPresence {
    std::string session_id;
    std::string session_title;
    TimePoint at{};
};

struct HeldRegistration {
    Registration registration;
    std::string event_title;
    std::vector<HeldCheckIn> check_ins;
    std::vector<HeldPresence> presence;
};

// A programme person whose name is a found registration's name (case-insensitive).
struct ProgrammeNameMatch {
    std::string person_id;
    std::string name;
    std::string affiliation;
    std::vector<std::string> sessions;  // "event/session", where they appear
};

struct PersonalData {
    std::vector<HeldRegistration> registrations;  // every event, oldest first
    // Accessibility feedback sent with this email (by email only: it has no code).
    std::vector<accessibility::Feedback> feedback;
    std::vector<ProgrammeNameMatch> programme_people;
};

// What an erasure or a retention run anonymised, and the rows kept nameless for the counts.
struct Anonymised {
    int64_t registrations = 0;
    int64_t check_ins = 0;
    int64_t presence = 0;
    int64_t feedback = 0;  // accessibility feedback whose name and email were blanked
};

// Everything held about the subject; the audit row ("export", `actor`) in the same
// transaction.
PersonalData export_personal_data(schedule::Database& db, const DataSubject& subject, TimePoint now,
                                  std::string_view actor);

// The export as JSON ("stagehub-personal-data/1", docs/PRIVACY.md).
nlohmann::json personal_data_json(const DataSubject& subject, const PersonalData& data,
                                  TimePoint now);

// Anonymises the subject's registrations in every event, with the audit row ("erase"), in
// one transaction. Nothing found is not an error: the counts are 0 and the audit says so.
Anonymised erase_personal_data(schedule::Database& db, const DataSubject& subject, TimePoint now,
                               std::string_view actor);

// When an event is over: the end of its last day or last session held (actual times,
// cancelled sessions left out); nullopt for an event with neither.
std::optional<TimePoint> event_end(const schedule::Programme& programme);

struct RetentionRun {
    std::string event_id;
    Anonymised anonymised;
};

// Anonymises the registrations of each event that ended `keep` or longer before `now`,
// an audit row ("retention", "event:ID") per event that had any. Returns those events.
std::vector<RetentionRun> apply_registration_retention(
    schedule::Database& db, const std::vector<schedule::Programme>& programmes, TimePoint now,
    std::chrono::days keep);

}  // namespace stagehub::attendance
