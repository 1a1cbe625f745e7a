#include "schedule/attendance/counting_rules.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

namespace stagehub::attendance {

std::vector<Interval> watching_intervals(std::vector<TimePoint> beats, const CountingRules& rules) {
    std::sort(beats.begin(), beats.end());
    beats.erase(std::unique(beats.begin(), beats.end()), beats.end());
    // A heartbeat never vouches for longer than the leave rule allows.
    const Millis cover = std::min(rules.heartbeat_every, rules.leave_after);
    std::vector<Interval> intervals;
    for (const TimePoint beat : beats) {
        if (!intervals.empty() && beat - (intervals.back().to - cover) < rules.leave_after) {
            intervals.back().to = std::max(intervals.back().to, beat + cover);
        } else {
            intervals.push_back({beat, beat + cover});
        }
    }
    return intervals;
}

Millis overlap(const Interval& interval, TimePoint from, TimePoint to) {
    const TimePoint start = std::max(interval.from, from);
    const TimePoint end = std::min(interval.to, to);
    return end > start ? end - start : Millis{0};
}

size_t concurrent_at(const Watching& watching, TimePoint at) {
    size_t count = 0;
    for (const auto& [viewer, intervals] : watching) {
        count += std::any_of(intervals.begin(), intervals.end(),
                             [&](const Interval& i) { return i.from <= at && at < i.to; });
    }
    return count;
}

Audience audience_of(const Watching& watching, TimePoint from, TimePoint to) {
    Audience audience;
    // Sweep: +1 where a viewer's watching starts inside the span, -1 where it ends.
    std::vector<std::pair<TimePoint, int>> edges;
    for (const auto& [viewer, intervals] : watching) {
        Millis watched{0};
        for (const Interval& interval : intervals) {
            const Millis inside = overlap(interval, from, to);
            if (inside <= Millis{0})
                continue;
            watched += inside;
            edges.emplace_back(std::max(interval.from, from), +1);
            edges.emplace_back(std::min(interval.to, to), -1);
        }
        if (watched > Millis{0}) {
            ++audience.viewers;
            audience.watch_time += watched;
        }
    }
    // Ends before starts at the same instant: intervals are half-open.
    std::sort(edges.begin(), edges.end());
    long current = 0;
    for (const auto& [at, step] : edges) {
        current += step;
        audience.peak_concurrent = std::max(audience.peak_concurrent, static_cast<size_t>(current));
    }
    return audience;
}

Watching united(const std::vector<const Watching*>& stages) {
    Watching all;
    for (const Watching* stage : stages) {
        for (const auto& [viewer, intervals] : *stage) {
            auto& mine = all[viewer];
            mine.insert(mine.end(), intervals.begin(), intervals.end());
        }
    }
    for (auto& [viewer, intervals] : all) {
        std::sort(intervals.begin(), intervals.end(),
                  [](const Interval& a, const Interval& b) { return a.from < b.from; });
        std::vector<Interval> merged;
        for (const Interval& interval : intervals) {
            if (!merged.empty() && interval.from <= merged.back().to) {
                merged.back().to = std::max(merged.back().to, interval.to);
            } else {
                merged.push_back(interval);
            }
        }
        intervals = std::move(merged);
    }
    return all;
}

std::vector<MinuteFigures> per_minute(const Watching& watching, TimePoint from, TimePoint to) {
    constexpr Millis kMinute{60'000};
    // +1 where a viewer's watching starts (clipped to the span), -1 where it ends; ends sort
    // first at one instant, as intervals are half-open. Edges carry their viewer: a viewer
    // who leaves and comes back within a minute is one viewer of it, not two.
    struct Edge {
        TimePoint at;
        int step;
        size_t viewer;
        bool operator<(const Edge& other) const {
            return std::tie(at, step) < std::tie(other.at, other.step);
        }
    };
    std::vector<Edge> edges;
    size_t viewer_count = 0;
    for (const auto& [viewer, intervals] : watching) {
        for (const Interval& interval : intervals) {
            const TimePoint start = std::max(interval.from, from);
            const TimePoint end = std::min(interval.to, to);
            if (end <= start)
                continue;
            edges.push_back({start, +1, viewer_count});
            edges.push_back({end, -1, viewer_count});
        }
        ++viewer_count;
    }
    std::sort(edges.begin(), edges.end());
    // Per viewer: intervals open now, and when the last one closed. Counted at the instant
    // are viewers, not intervals, should one viewer's intervals overlap.
    std::vector<int> open(viewer_count, 0);
    std::vector<TimePoint> left(viewer_count, TimePoint::min());
    size_t current = 0;
    const auto apply = [&](const Edge& edge) {
        int& mine = open[edge.viewer];
        if (edge.step > 0 && mine++ == 0)
            ++current;
        if (edge.step < 0 && --mine == 0) {
            --current;
            left[edge.viewer] = edge.at;
        }
    };
    std::vector<MinuteFigures> minutes;
    size_t next = 0;
    TimePoint minute = from;
    while (minute < to && (next < edges.size() || current > 0)) {
        // Nobody watching: jump to the minute of the next start.
        if (current == 0 && edges[next].at >= minute + kMinute)
            minute = from + (edges[next].at - from) / kMinute * kMinute;
        const TimePoint minute_end = std::min(minute + kMinute, to);
        // What changes exactly at the minute's start belongs to it.
        while (next < edges.size() && edges[next].at == minute)
            apply(edges[next++]);
        MinuteFigures figures{minute, current, current, Millis{0}};
        TimePoint at = minute;
        while (next < edges.size() && edges[next].at < minute_end) {
            const Edge& edge = edges[next++];
            figures.watch_time += (edge.at - at) * static_cast<int64_t>(current);
            at = edge.at;
            // A viewer not yet counted in this minute: not watching at its start, nor since
            // (their last stretch ended at or before it).
            if (edge.step > 0 && open[edge.viewer] == 0 && left[edge.viewer] <= minute)
                ++figures.viewers;
            apply(edge);
            figures.peak = std::max(figures.peak, current);
        }
        figures.watch_time += (minute_end - at) * static_cast<int64_t>(current);
        if (figures.peak > 0)
            minutes.push_back(figures);
        minute = minute_end;
    }
    return minutes;
}

std::map<std::string, ReplayFigures> replay_figures(const std::vector<ReplayPlayback>& playbacks,
                                                    const CountingRules& rules) {
    std::map<std::tuple<std::string, std::string, std::string>, Millis> per_viewer_day;
    std::map<std::string, ReplayFigures> figures;
    for (const ReplayPlayback& p : playbacks) {
        per_viewer_day[{p.replay, p.viewer, p.day}] += p.played;
        figures[p.replay].watch_time += p.played;
    }
    for (const auto& [key, played] : per_viewer_day) {
        if (played >= rules.replay_view_after)
            ++figures[std::get<0>(key)].views;
    }
    return figures;
}

}  // namespace stagehub::attendance
