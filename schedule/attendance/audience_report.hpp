// The staff report of an event (docs/STATISTICS.md): per day, per stage and day, per
// session, how many came in person, watched live on the web (unique viewers, peak
// concurrent, watch time) and watched the replay (views, watch time, completion); and the
// per-minute series of concurrent viewers per stage.
//
// Raw heartbeats are read while they are kept; compaction (below) freezes, before they go,
// everything the report needs of them: the audience of each span of time the report shows
// and each stage's minutes, so a report a year later says what it said the day after.
//
// Threads: any thread with its own connection (the reports run off the loop).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "schedule/attendance/counting_rules.hpp"
#include "schedule/attendance/registrations.hpp"
#include "schedule/model.hpp"

namespace stagehub::schedule {
class Database;
}

namespace stagehub::attendance {

// A stretch of time on some stages whose audience the report shows. Keys:
// "session:{id}", "stage-day:{stage}:{day}", "day:{event}:{day}", "event:{event}".
struct AudienceSpan {
    std::string key;
    std::vector<std::string> stages;
    TimePoint from;
    TimePoint to;
};

// The event's local calendar days (YYYY-MM-DD) with their bounds, from its programme days
// and its sessions; earliest first.
struct LocalDay {
    std::string date;
    TimePoint from;  // local midnight
    TimePoint to;    // the next local midnight
};
std::vector<LocalDay> local_days(const schedule::Programme& programme);

std::vector<AudienceSpan> audience_spans(const schedule::Programme& programme);

struct ReplayReport {
    size_t views = 0;
    Millis watch_time{0};
    double completion = 0;  // mean share of the replay reached per view, 0..1
};

struct SessionReport {
    std::string session_id;
    std::string day;
    std::optional<int64_t> in_person;  // present, where presence was taken at the session
    Audience live;
    ReplayReport replay;
};

struct StageDayReport {
    std::string stage_id;
    std::string day;
    Audience live;
};

struct DayReport {
    std::string day;
    int64_t in_person = 0;    // checked in that day
    Audience live;            // across all stages, a viewer once
    size_t replay_views = 0;  // of the day's sessions, whenever watched
    Millis replay_watch_time{0};
};

struct EventReport {
    std::vector<DayReport> days;
    std::vector<StageDayReport> stage_days;
    std::vector<SessionReport> sessions;  // in programme order
    InPersonCounts in_person;
    Audience live;
    size_t replay_views = 0;
    Millis replay_watch_time{0};
    TimePoint compacted_before{};  // raw heartbeats before this are compacted
};

EventReport build_report(schedule::Database& db, const schedule::Programme& programme,
                         const CountingRules& rules);

// Concurrent viewers per minute on a stage in [from, to): compacted minutes and raw ones.
std::vector<MinuteFigures> stage_minutes(schedule::Database& db,
                                         const schedule::Programme& programme,
                                         const std::string& stage_id, TimePoint from, TimePoint to,
                                         const CountingRules& rules);

// Compacts the event's raw heartbeats older than `older_than` (rounded down to the event's
// local midnight, and further back to the midnight before any span it would cut, since a
// span's unique viewers are frozen whole: so nothing of a multi-day event goes before its
// last day is past): the frozen figures and minutes are written, the raw rows deleted, in
// one transaction. Returns the heartbeats deleted.
int64_t compact_event(schedule::Database& db, const schedule::Programme& programme,
                      TimePoint older_than, const CountingRules& rules);

}  // namespace stagehub::attendance
