// The programme as plain values: events, their stages, sessions and the people in them.
// No behaviour beyond naming; rules live in their own files (validation, now/next, ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/instant.hpp"

namespace stagehub::schedule {

enum class SessionKind { talk, panel, keynote, break_, study_visit, remote_training, workshop };
enum class PersonRole { speaker, panelist, moderator };

std::string_view to_string(SessionKind kind);
std::string_view to_string(PersonRole role);
std::optional<SessionKind> session_kind_from_string(std::string_view text);
std::optional<PersonRole> person_role_from_string(std::string_view text);

struct Person {
    std::string id;  // stable slug, e.g. "anna-lindqvist"
    std::string name;
    std::string affiliation;  // e.g. "Socialförvaltningen, Skellefteå kommun"

    bool operator==(const Person&) const = default;
};

// A person's part in one session. The order of a session's list is the speaking order
// (for a panel: the panel order the moderator follows).
struct SessionPerson {
    std::string person_id;
    PersonRole role = PersonRole::speaker;

    bool operator==(const SessionPerson&) const = default;
};

struct Session {
    std::string id;
    std::string stage_id;
    SessionKind kind = SessionKind::talk;
    std::string title;
    std::string abstract;
    std::string theme;  // track / theme block, e.g. "Systematik"
    Instant start{};
    Seconds duration{};
    std::vector<SessionPerson> people;

    Instant end() const { return start + duration; }
    bool operator==(const Session&) const = default;
};

// A room whose sessions are broadcast. Stage ids are unique across all events because
// they name live URLs (/live/{stage}/).
struct Stage {
    std::string id;
    std::string name;

    bool operator==(const Stage&) const = default;
};

struct Event {
    std::string id;
    std::string title;
    std::string organiser;
    std::string time_zone = "Europe/Stockholm";  // IANA name; for display
    std::string language = "sv";                 // BCP 47
    std::string venue;
    std::string description;

    bool operator==(const Event&) const = default;
};

// One event with everything in it. Sessions are kept sorted by (start, stage id).
struct Programme {
    Event event;
    std::vector<Stage> stages;
    std::vector<Person> people;
    std::vector<Session> sessions;

    const Person* find_person(std::string_view id) const;
    const Stage* find_stage(std::string_view id) const;
    const Session* find_session(std::string_view id) const;
    void sort_sessions();

    bool operator==(const Programme&) const = default;
};

}  // namespace stagehub::schedule
