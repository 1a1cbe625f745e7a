// The programme as plain values: events, their days and stages, sessions and the people in
// them. No behaviour beyond naming and the effective times of a session; rules live in their
// own files (validation, now/next, live operations, ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/instant.hpp"

namespace stagehub::schedule {

enum class SessionKind { talk, panel, keynote, break_, study_visit, remote_training, workshop };
enum class PersonRole { speaker, panelist, moderator };
// Where the audience of a session is: in the room, on the web, or both.
enum class AttendanceMode { in_person, web, hybrid };
// Derived from the clock and the session's times (see Session::state_at); only
// `cancelled` is a decision, stored as Session::cancelled.
enum class SessionState { scheduled, live, ended, cancelled };
// What feeds a stage's broadcast (docs/BROADCAST.md).
enum class SourceKind { test_pattern, srt, rtmp, rtsp, file };
// Where the lower third is drawn: burned into the picture (needs an encode), by the player
// over the picture (what keeps a passthrough picture untouched), or nowhere. `automatic`:
// burned in for the test pattern and files, drawn by the player for SRT, RTMP and RTSP.
enum class LowerThirdMode { automatic, burned_in, player, off };

std::string_view to_string(SessionKind kind);
std::string_view to_string(PersonRole role);
std::string_view to_string(AttendanceMode mode);
std::string_view to_string(SessionState state);
std::string_view to_string(SourceKind kind);
std::string_view to_string(LowerThirdMode mode);
std::optional<SourceKind> source_kind_from_string(std::string_view text);
std::optional<LowerThirdMode> lower_third_mode_from_string(std::string_view text);
std::optional<SessionKind> session_kind_from_string(std::string_view text);
std::optional<PersonRole> person_role_from_string(std::string_view text);
std::optional<AttendanceMode> attendance_mode_from_string(std::string_view text);
// "talk, panel, keynote, ..." for error messages that list what is accepted.
std::string session_kind_names();

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
    std::string id;    // slug, unique across events (it names URLs)
    std::string guid;  // UUID for frab/pretalx-style exports; assigned by the store if empty
    std::string stage_id;
    SessionKind kind = SessionKind::talk;
    std::string title;
    std::string abstract;
    std::string theme;     // track / theme block, e.g. "Systematik"
    std::string language;  // BCP 47; empty: the event's first language
    // The plan.
    Instant start{};
    Seconds duration{};
    // What really happened, set by live operations (start now, end now). Unset: the plan.
    std::optional<Instant> actual_start;
    std::optional<Instant> actual_end;
    AttendanceMode attendance = AttendanceMode::hybrid;
    bool cancelled = false;
    bool replay_allowed = true;
    bool published = true;  // unpublished sessions are seen only by the event's organisers
    std::vector<SessionPerson> people;
    // For a panel dialogue: the talks it follows up ("with those who spoke"), in order.
    std::vector<std::string> follows_up;

    Instant planned_end() const { return start + duration; }
    // When the session runs, as far as anyone knows now: the actual start if it started,
    // else the plan; the actual end if it ended, else the effective start plus its length.
    Instant effective_start() const { return actual_start.value_or(start); }
    Instant effective_end() const { return actual_end.value_or(effective_start() + duration); }
    SessionState state_at(Instant at) const;

    bool operator==(const Session&) const = default;
};

struct StageSource {
    SourceKind kind = SourceKind::test_pattern;
    // srt://:9000 (stagehub listens; OBS, vMix and encoders send), rtmp://host/app/key
    // (pulled), rtsp://camera/stream (pulled), /path/talk.mp4 (a file); empty for the test
    // pattern.
    std::string url;
    std::string passphrase;  // SRT encryption (10–79 characters); never shown to the public

    bool operator==(const StageSource&) const = default;
};

// An extra sound of a stage: an interpreter or a language booth sending over SRT, published
// as an alternative audio rendition (docs/BROADCAST.md, "Interpretation audio").
struct AudioInput {
    std::string language{};  // BCP 47, e.g. "en"; one input per (language, describes_video)
    std::string name{};  // what players show, e.g. "English (interpretation)"; ≤ 60 characters
    std::string url{};   // srt://:9101 (stagehub listens)
    std::string passphrase{};  // SRT encryption (10–79 characters); never shown to the public
    // A describer's booth: the programme's sound with what is shown described (audio
    // description), its own rendition "audio-{language}-described" beside the interpreters'.
    bool describes_video = false;

    bool operator==(const AudioInput&) const = default;
};

// A room. Stage ids are unique across all events because they name live URLs
// (/live/{stage}/).
struct Stage {
    std::string id;
    std::string name;
    std::string guid;       // UUID for exports; assigned by the store if empty
    bool broadcast = true;  // false: an in-person room with no live stream
    int capacity = 0;       // seats in the room; 0 when unknown
    std::string location;   // e.g. "Stadshuset, plan 2"
    StageSource source;
    LowerThirdMode lower_third = LowerThirdMode::automatic;
    std::vector<AudioInput> audio_inputs{};  // at most kMaxAudioInputs

    // The mode in force: `automatic` resolved by the source.
    LowerThirdMode effective_lower_third() const;
    bool operator==(const Stage&) const = default;
};

// The opening hours of one day of an event; every session lies within one day.
struct EventDay {
    Instant start{};
    Instant end{};

    bool operator==(const EventDay&) const = default;
};

struct Event {
    std::string id;
    std::string title;
    std::vector<std::string> organisers;         // the organising bodies, for display
    std::string time_zone = "Europe/Stockholm";  // IANA name: how times are shown and exported
    std::vector<std::string> languages{"sv"};    // BCP 47; the first is the main language
    std::string venue;
    std::string description;
    std::vector<EventDay> days;  // sorted, not overlapping
    bool published = true;       // unpublished events are seen only by their organisers

    const std::string& language() const;  // the main language ("sv" when none is set)
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
    Session* find_session(std::string_view id);
    void sort_sessions();

    bool operator==(const Programme&) const = default;
};

}  // namespace stagehub::schedule
