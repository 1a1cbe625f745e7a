#include "schedule/attendance/heartbeat_store.hpp"

#include "schedule/database.hpp"

namespace stagehub::attendance {

std::string_view to_string(ViewingKind kind) {
    return kind == ViewingKind::live ? "live" : "replay";
}

std::optional<ViewingKind> viewing_kind_from_string(std::string_view text) {
    if (text == "live")
        return ViewingKind::live;
    if (text == "replay")
        return ViewingKind::replay;
    return std::nullopt;
}

void insert_heartbeats(schedule::Database& db, const std::vector<Heartbeat>& beats) {
    schedule::Statement insert = db.prepare(
        "INSERT INTO heartbeats (at_ms, viewer, kind, target, position_ms, played_ms) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    for (const Heartbeat& beat : beats) {
        insert.bind(1, beat.at.time_since_epoch().count())
            .bind(2, beat.viewer)
            .bind(3, to_string(beat.kind))
            .bind(4, beat.target)
            .bind(5, beat.position.count())
            .bind(6, beat.played.count());
        insert.run();
        insert.reset();
    }
}

std::vector<Heartbeat> heartbeats_of(schedule::Database& db, ViewingKind kind,
                                     std::string_view target, TimePoint from, TimePoint to) {
    schedule::Statement query = db.prepare(
        "SELECT at_ms, viewer, position_ms, played_ms FROM heartbeats "
        "WHERE kind = ? AND target = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms, id");
    query.bind(1, to_string(kind))
        .bind(2, target)
        .bind(3, from.time_since_epoch().count())
        .bind(4, to.time_since_epoch().count());
    std::vector<Heartbeat> beats;
    while (query.step()) {
        beats.push_back(Heartbeat{TimePoint{Millis{query.column_int(0)}}, query.column_text(1),
                                  kind, std::string(target), Millis{query.column_int(2)},
                                  Millis{query.column_int(3)}});
    }
    return beats;
}

std::map<std::string, std::vector<TimePoint>> beat_times(schedule::Database& db, ViewingKind kind,
                                                         std::string_view target, TimePoint from,
                                                         TimePoint to) {
    schedule::Statement query = db.prepare(
        "SELECT viewer, at_ms FROM heartbeats "
        "WHERE kind = ? AND target = ? AND at_ms >= ? AND at_ms < ?");
    query.bind(1, to_string(kind))
        .bind(2, target)
        .bind(3, from.time_since_epoch().count())
        .bind(4, to.time_since_epoch().count());
    std::map<std::string, std::vector<TimePoint>> times;
    while (query.step())
        times[query.column_text(0)].push_back(TimePoint{Millis{query.column_int(1)}});
    return times;
}

int64_t heartbeat_count(schedule::Database& db) {
    schedule::Statement query = db.prepare("SELECT count(*) FROM heartbeats");
    query.step();
    return query.column_int(0);
}

}  // namespace stagehub::attendance
