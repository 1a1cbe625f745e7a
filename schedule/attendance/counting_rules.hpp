// The counting rules of attendance: how a web viewer's heartbeats become time spent
// watching, who counts for a session, how many watched at once, and when watching a replay
// counts as a view. Pure functions over values: the store and the HTTP edge come on top.
//
//   watching   every heartbeat vouches for its viewer until the next one is due
//              (`heartbeat_every`); a viewer not heard from for `leave_after` has left, and
//              their watching ended when the last heartbeat's cover ran out.
//   a session  counts a viewer when their watching overlaps the session's time on its
//              stage; their watch time for it is the overlap.
//   a replay   counts one view per viewer, replay and day once `replay_view_after` of actual
//              playback has been heard on that day.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace stagehub::attendance {

using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::sys_time<Millis>;

struct CountingRules {
    Millis heartbeat_every{15'000};
    Millis leave_after{45'000};
    Millis replay_view_after{30'000};
};

struct Interval {
    TimePoint from;
    TimePoint to;  // exclusive

    Millis length() const { return to - from; }
    bool operator==(const Interval&) const = default;
};

// One viewer's heartbeat times (any order, duplicates allowed) as disjoint watching
// intervals, earliest first.
std::vector<Interval> watching_intervals(std::vector<TimePoint> beats, const CountingRules& rules);

// How much of `interval` falls in [from, to).
Millis overlap(const Interval& interval, TimePoint from, TimePoint to);

// Watching intervals by viewer id, all on one stage (or one replay).
using Watching = std::map<std::string, std::vector<Interval>>;

struct Audience {
    size_t viewers = 0;    // unique viewers whose watching overlaps the span
    Millis watch_time{0};  // their watching inside the span, summed
    size_t peak_concurrent = 0;

    bool operator==(const Audience&) const = default;
};

// The audience of a span of time on a stage: a session's effective start to end.
Audience audience_of(const Watching& watching, TimePoint from, TimePoint to);

// Viewers watching at an instant.
size_t concurrent_at(const Watching& watching, TimePoint at);

// Several stages' watching as one: a viewer's intervals united, so someone with two stages
// open at once counts once at that instant (a day's or an event's audience).
Watching united(const std::vector<const Watching*>& stages);

// One minute of a stage (or of several, united): the most viewers watching at once in it,
// the viewers whose watching touched it (started in it or ran into it), and the
// watch time inside it.
struct MinuteFigures {
    TimePoint minute;  // its start
    size_t peak = 0;
    size_t viewers = 0;
    Millis watch_time{0};

    bool operator==(const MinuteFigures&) const = default;
};

// The minutes of [from, to) in which anyone watched, earliest first; `from` should be a
// whole minute. One sweep over the intervals, whatever the number of minutes.
std::vector<MinuteFigures> per_minute(const Watching& watching, TimePoint from, TimePoint to);

// A viewer's playback of one replay on one day (the event's calendar day).
struct ReplayPlayback {
    std::string viewer;
    std::string replay;
    std::string day;  // YYYY-MM-DD in the event's time zone
    Millis played{0};
};

struct ReplayFigures {
    size_t views = 0;
    Millis watch_time{0};  // every playback heard, views or not

    bool operator==(const ReplayFigures&) const = default;
};

// Views and watch time per replay from playbacks (several per viewer and day are summed
// before the rule is applied).
std::map<std::string, ReplayFigures> replay_figures(const std::vector<ReplayPlayback>& playbacks,
                                                    const CountingRules& rules);

}  // namespace stagehub::attendance
