#include "schedule/attendance/audience_report.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "schedule/attendance/heartbeat_store.hpp"
#include "schedule/database.hpp"
#include "schedule/time_zone.hpp"

namespace stagehub::attendance {
namespace {

using namespace std::chrono_literals;

constexpr TimePoint kForever{Millis{std::numeric_limits<int64_t>::max() / 2}};

TimePoint at(Instant instant) {
    return std::chrono::time_point_cast<Millis>(instant);
}

schedule::LocalTime local(TimePoint time, const std::string& zone) {
    auto result = schedule::to_local(std::chrono::floor<Seconds>(time), zone);
    if (!result)
        throw std::runtime_error(result.error().message);
    return *result;
}

// The first instant of a local date: its midnight, or, where the clocks skip midnight
// (Chile, Cuba, Egypt, ...: 00:00 becomes 01:00), the moment they jump.
TimePoint midnight(std::chrono::year_month_day date, const std::string& zone) {
    for (Seconds time{0}; time < std::chrono::days{1}; time += std::chrono::minutes{1}) {
        auto result = schedule::from_local(date, time, zone);
        if (result)
            return at(*result);
        if (result.error().code != "bad_time")
            throw std::runtime_error(result.error().message);
    }
    throw std::runtime_error(schedule::LocalTime{date, {}, {}, {}}
                                 .date_text()
                                 .append(" does not exist in ")
                                 .append(zone));
}

// The local date of instants, remembered per hour: replay beats come by the thousand.
class DayOf {
  public:
    explicit DayOf(std::string zone) : zone_(std::move(zone)) {}
    const std::string& operator()(TimePoint time) {
        const int64_t hour =
            std::chrono::floor<std::chrono::hours>(time).time_since_epoch().count();
        auto it = by_hour_.find(hour);
        if (it == by_hour_.end()) {
            // Zones change offset on whole quarter hours at worst: when the hour's two ends
            // have one date, all of it has. Where midnight falls inside the hour (a zone a
            // half or quarter hour off UTC's hours, such as India's), the date is the instant's
            // own, not remembered.
            const TimePoint start = std::chrono::floor<std::chrono::hours>(time);
            const std::string first = local(start, zone_).date_text();
            if (first != local(start + 1h - 1ms, zone_).date_text()) {
                last_ = local(time, zone_).date_text();
                return last_;
            }
            it = by_hour_.emplace(hour, first).first;
        }
        return it->second;
    }

  private:
    std::string zone_;
    std::unordered_map<int64_t, std::string> by_hour_;
    std::string last_;
};

TimePoint watermark_of(schedule::Database& db, const std::string& event_id) {
    auto query = db.prepare("SELECT watermark_ms FROM attendance_compaction WHERE event_id = ?");
    query.bind(1, event_id);
    return query.step() ? TimePoint{Millis{query.column_int(0)}} : TimePoint{};
}

// The beats a raw figure from `watermark` on needs: those just before it still count
// (a beat vouches forward, and the leave rule looks back).
TimePoint raw_from(TimePoint watermark, const CountingRules& rules) {
    return watermark == TimePoint{} ? TimePoint{} : watermark - 2 * rules.leave_after;
}

Watching watching_of(schedule::Database& db, const std::string& stage, TimePoint from, TimePoint to,
                     const CountingRules& rules) {
    Watching watching;
    for (auto& [viewer, beats] : beat_times(db, ViewingKind::live, stage, from, to))
        watching[viewer] = watching_intervals(std::move(beats), rules);
    return watching;
}

// Every stage's watching, and all of them united.
struct LiveWatching {
    std::map<std::string, Watching> by_stage;
    Watching all;

    const Watching& of(const AudienceSpan& span) const {
        static const Watching kNobody;
        if (span.stages.size() == 1) {
            const auto it = by_stage.find(span.stages.front());
            return it == by_stage.end() ? kNobody : it->second;
        }
        return all;
    }
};

LiveWatching live_watching(schedule::Database& db, const schedule::Programme& programme,
                           TimePoint from, TimePoint to, const CountingRules& rules) {
    LiveWatching live;
    std::vector<const Watching*> stages;
    for (const schedule::Stage& stage : programme.stages) {
        live.by_stage[stage.id] = watching_of(db, stage.id, from, to, rules);
        stages.push_back(&live.by_stage[stage.id]);
    }
    live.all = united(stages);
    return live;
}

std::map<std::string, Audience> frozen_audiences(schedule::Database& db,
                                                 const std::vector<AudienceSpan>& spans) {
    std::map<std::string, Audience> frozen;
    auto query = db.prepare("SELECT viewers, watch_ms, peak FROM frozen_audience WHERE span = ?");
    for (const AudienceSpan& span : spans) {
        query.bind(1, span.key);
        if (query.step()) {
            frozen[span.key] =
                Audience{static_cast<size_t>(query.column_int(0)), Millis{query.column_int(1)},
                         static_cast<size_t>(query.column_int(2))};
        }
        query.reset();
    }
    return frozen;
}

// A replay's playback per viewer and viewing day.
struct Playback {
    Millis played{0};
    Millis furthest{0};
};
using Playbacks = std::map<std::pair<std::string, std::string>, Playback>;  // (day, viewer)

Playbacks playbacks_of(schedule::Database& db, const std::string& session_id, TimePoint from,
                       TimePoint to, DayOf& day_of) {
    Playbacks playbacks;
    for (const Heartbeat& beat : heartbeats_of(db, ViewingKind::replay, session_id, from, to)) {
        Playback& p = playbacks[{day_of(beat.at), beat.viewer}];
        p.played += beat.played;
        p.furthest = std::max(p.furthest, beat.position);
    }
    return playbacks;
}

// Views, watch time and summed furthest positions per viewing day.
struct ReplayDay {
    size_t views = 0;
    Millis watch_time{0};
    Millis furthest{0};  // of the views, each at most the replay's length
};

std::map<std::string, ReplayDay> replay_days(const Playbacks& playbacks, Millis length,
                                             const CountingRules& rules) {
    std::map<std::string, ReplayDay> days;
    for (const auto& [key, playback] : playbacks) {
        ReplayDay& day = days[key.first];
        day.watch_time += playback.played;
        if (playback.played >= rules.replay_view_after) {
            ++day.views;
            day.furthest += std::min(playback.furthest, length);
        }
    }
    return days;
}

Millis length_of(const schedule::Session& session) {
    return std::chrono::duration_cast<Millis>(session.effective_end() - session.effective_start());
}

}  // namespace

std::vector<LocalDay> local_days(const schedule::Programme& programme) {
    const std::string& zone = programme.event.time_zone;
    std::set<std::string> seen;
    std::vector<LocalDay> days;
    const auto add = [&](TimePoint time) {
        const schedule::LocalTime t = local(time, zone);
        if (!seen.insert(t.date_text()).second)
            return;
        const auto next = std::chrono::sys_days{t.date} + std::chrono::days{1};
        days.push_back(LocalDay{t.date_text(), midnight(t.date, zone),
                                midnight(std::chrono::year_month_day{next}, zone)});
    };
    for (const schedule::EventDay& day : programme.event.days)
        add(at(day.start));
    for (const schedule::Session& session : programme.sessions) {
        if (!session.cancelled)
            add(at(session.effective_start()));
    }
    std::sort(days.begin(), days.end(),
              [](const LocalDay& a, const LocalDay& b) { return a.from < b.from; });
    return days;
}

std::vector<AudienceSpan> audience_spans(const schedule::Programme& programme) {
    std::vector<AudienceSpan> spans;
    std::vector<std::string> all_stages;
    for (const schedule::Stage& stage : programme.stages)
        all_stages.push_back(stage.id);
    for (const schedule::Session& session : programme.sessions) {
        if (session.cancelled)
            continue;
        spans.push_back({"session:" + session.id,
                         {session.stage_id},
                         at(session.effective_start()),
                         at(session.effective_end())});
    }
    const auto days = local_days(programme);
    for (const LocalDay& day : days) {
        for (const std::string& stage : all_stages)
            spans.push_back({"stage-day:" + stage + ":" + day.date, {stage}, day.from, day.to});
        spans.push_back(
            {"day:" + programme.event.id + ":" + day.date, all_stages, day.from, day.to});
    }
    if (!days.empty()) {
        spans.push_back(
            {"event:" + programme.event.id, all_stages, days.front().from, days.back().to});
    }
    return spans;
}

EventReport build_report(schedule::Database& db, const schedule::Programme& programme,
                         const CountingRules& rules) {
    EventReport report;
    const TimePoint watermark = watermark_of(db, programme.event.id);
    report.compacted_before = watermark;
    report.in_person = in_person_counts(db, programme.event.id);

    const auto spans = audience_spans(programme);
    const auto frozen = frozen_audiences(db, spans);
    const LiveWatching live =
        live_watching(db, programme, raw_from(watermark, rules), kForever, rules);
    std::map<std::string, Audience> audiences;
    for (const AudienceSpan& span : spans) {
        if (watermark != TimePoint{} && span.to <= watermark) {
            const auto it = frozen.find(span.key);
            audiences[span.key] = it == frozen.end() ? Audience{} : it->second;
        } else {
            audiences[span.key] =
                audience_of(live.of(span), std::max(span.from, watermark), span.to);
        }
    }

    const std::string& zone = programme.event.time_zone;
    DayOf day_of(zone);
    std::map<std::string, DayReport> days;
    for (const LocalDay& day : local_days(programme)) {
        DayReport& d = days[day.date];
        d.day = day.date;
        const auto in_person = report.in_person.per_day.find(day.date);
        d.in_person = in_person == report.in_person.per_day.end() ? 0 : in_person->second;
        d.live = audiences["day:" + programme.event.id + ":" + day.date];
        for (const schedule::Stage& stage : programme.stages) {
            report.stage_days.push_back(
                {stage.id, day.date, audiences["stage-day:" + stage.id + ":" + day.date]});
        }
    }
    auto frozen_replay =
        db.prepare("SELECT views, watch_ms, furthest_ms FROM replay_days WHERE session_id = ?");
    for (const schedule::Session& session : programme.sessions) {
        if (session.cancelled)
            continue;
        SessionReport s;
        s.session_id = session.id;
        s.day = day_of(at(session.effective_start()));
        if (const auto it = report.in_person.per_session.find(session.id);
            it != report.in_person.per_session.end())
            s.in_person = it->second;
        s.live = audiences["session:" + session.id];

        const Millis length = length_of(session);
        Millis furthest{0};
        for (const auto& [day, figures] : replay_days(
                 playbacks_of(db, session.id, watermark, kForever, day_of), length, rules)) {
            s.replay.views += figures.views;
            s.replay.watch_time += figures.watch_time;
            furthest += figures.furthest;
        }
        frozen_replay.bind(1, session.id);
        while (frozen_replay.step()) {
            s.replay.views += static_cast<size_t>(frozen_replay.column_int(0));
            s.replay.watch_time += Millis{frozen_replay.column_int(1)};
            furthest += Millis{frozen_replay.column_int(2)};
        }
        frozen_replay.reset();
        if (s.replay.views > 0 && length > Millis{0}) {
            s.replay.completion =
                static_cast<double>(furthest.count()) /
                (static_cast<double>(length.count()) * static_cast<double>(s.replay.views));
        }
        if (auto it = days.find(s.day); it != days.end()) {
            it->second.replay_views += s.replay.views;
            it->second.replay_watch_time += s.replay.watch_time;
        }
        report.replay_views += s.replay.views;
        report.replay_watch_time += s.replay.watch_time;
        report.sessions.push_back(std::move(s));
    }
    for (auto& [date, day] : days)
        report.days.push_back(std::move(day));
    report.live = audiences["event:" + programme.event.id];
    return report;
}

std::vector<MinuteFigures> stage_minutes(schedule::Database& db,
                                         const schedule::Programme& programme,
                                         const std::string& stage_id, TimePoint from, TimePoint to,
                                         const CountingRules& rules) {
    const TimePoint watermark = watermark_of(db, programme.event.id);
    std::vector<MinuteFigures> minutes;
    auto query = db.prepare(
        "SELECT minute_ms, peak, viewers, watch_ms FROM viewing_minutes "
        "WHERE kind = 'live' AND target = ? AND minute_ms >= ? AND minute_ms < ? "
        "ORDER BY minute_ms");
    query.bind(1, stage_id)
        .bind(2, from.time_since_epoch().count())
        .bind(3, std::min(to, watermark).time_since_epoch().count());
    while (query.step()) {
        minutes.push_back(MinuteFigures{
            TimePoint{Millis{query.column_int(0)}}, static_cast<size_t>(query.column_int(1)),
            static_cast<size_t>(query.column_int(2)), Millis{query.column_int(3)}});
    }
    const TimePoint raw_start = std::max(from, watermark);
    if (raw_start < to) {
        // Beats up to `leave_after` past `to` too: one of them may end a silence that began
        // before `to`, and a silence that short is watching (compaction reads as far).
        const Watching watching =
            watching_of(db, stage_id, raw_from(raw_start, rules), to + rules.leave_after, rules);
        for (const MinuteFigures& m : per_minute(watching, raw_start, to))
            minutes.push_back(m);
    }
    return minutes;
}

int64_t compact_event(schedule::Database& db, const schedule::Programme& programme,
                      TimePoint older_than, const CountingRules& rules) {
    const std::string& zone = programme.event.time_zone;
    const TimePoint watermark = watermark_of(db, programme.event.id);
    const auto spans = audience_spans(programme);
    // A span's audience is frozen whole or not at all: its unique viewers cannot be added up
    // from two parts (someone watching on both sides of the cutoff is one viewer). So the
    // cutoff moves back to the local midnight before any span it would cut: the event while
    // it has days to come, a session across midnight. Each move passes a span's start, so
    // this ends. Spans begun before the watermark (the programme changed after an earlier
    // compaction) are cut already and hold nothing back.
    TimePoint cutoff = midnight(local(older_than, zone).date, zone);
    for (bool moved = true; moved;) {
        moved = false;
        for (const AudienceSpan& span : spans) {
            if (watermark <= span.from && span.from < cutoff && cutoff < span.to) {
                cutoff = midnight(local(span.from, zone).date, zone);
                moved = true;
            }
        }
    }
    if (cutoff <= watermark)
        return 0;

    schedule::Transaction tx(db);
    const LiveWatching live = live_watching(db, programme, raw_from(watermark, rules),
                                            cutoff + 2 * rules.leave_after, rules);
    auto minute = db.prepare(
        "INSERT OR REPLACE INTO viewing_minutes (kind, target, minute_ms, peak, viewers, "
        "watch_ms) VALUES ('live', ?, ?, ?, ?, ?)");
    for (const auto& [stage, watching] : live.by_stage) {
        for (const MinuteFigures& m : per_minute(watching, watermark, cutoff)) {
            minute.bind(1, stage)
                .bind(2, m.minute.time_since_epoch().count())
                .bind(3, static_cast<int64_t>(m.peak))
                .bind(4, static_cast<int64_t>(m.viewers))
                .bind(5, m.watch_time.count());
            minute.run();
            minute.reset();
        }
    }
    auto freeze = db.prepare(
        "INSERT OR REPLACE INTO frozen_audience (span, viewers, watch_ms, peak) VALUES (?, ?, ?, "
        "?)");
    for (const AudienceSpan& span : spans) {
        if (span.to > cutoff || span.to <= watermark)
            continue;
        const Audience a = audience_of(live.of(span), std::max(span.from, watermark), span.to);
        freeze.bind(1, span.key)
            .bind(2, static_cast<int64_t>(a.viewers))
            .bind(3, a.watch_time.count())
            .bind(4, static_cast<int64_t>(a.peak_concurrent));
        freeze.run();
        freeze.reset();
    }
    DayOf day_of(zone);
    auto replay = db.prepare(
        "INSERT INTO replay_days (session_id, day, views, watch_ms, furthest_ms) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, day) DO UPDATE SET "
        "views = views + excluded.views, watch_ms = watch_ms + excluded.watch_ms, "
        "furthest_ms = furthest_ms + excluded.furthest_ms");
    for (const schedule::Session& session : programme.sessions) {
        const auto days = replay_days(playbacks_of(db, session.id, watermark, cutoff, day_of),
                                      length_of(session), rules);
        for (const auto& [day, figures] : days) {
            replay.bind(1, session.id)
                .bind(2, day)
                .bind(3, static_cast<int64_t>(figures.views))
                .bind(4, figures.watch_time.count())
                .bind(5, figures.furthest.count());
            replay.run();
            replay.reset();
        }
    }
    // Live beats just before the cutoff stay: the figures after it still need them.
    int64_t deleted = 0;
    auto drop = db.prepare("DELETE FROM heartbeats WHERE kind = ? AND target = ? AND at_ms < ?");
    const auto remove = [&](const char* kind, const std::string& target, TimePoint before) {
        drop.bind(1, kind).bind(2, target).bind(3, before.time_since_epoch().count());
        drop.run();
        deleted += db.changes();
        drop.reset();
    };
    for (const schedule::Stage& stage : programme.stages)
        remove("live", stage.id, cutoff - 2 * rules.leave_after);
    for (const schedule::Session& session : programme.sessions)
        remove("replay", session.id, cutoff);
    auto mark = db.prepare(
        "INSERT INTO attendance_compaction (event_id, watermark_ms) VALUES (?, ?) "
        "ON CONFLICT (event_id) DO UPDATE SET watermark_ms = excluded.watermark_ms");
    mark.bind(1, programme.event.id).bind(2, cutoff.time_since_epoch().count());
    mark.run();
    tx.commit();
    return deleted;
}

}  // namespace stagehub::attendance
