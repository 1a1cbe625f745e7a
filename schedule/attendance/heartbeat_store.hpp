// Heartbeats in SQLite (table `heartbeats`, migration 7): written in batches by the
// heartbeat writer, read back by the reports.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/attendance/heartbeat.hpp"

namespace stagehub::schedule {
class Database;
}

namespace stagehub::attendance {

// Inserts the beats inside the caller's transaction.
void insert_heartbeats(schedule::Database& db, const std::vector<Heartbeat>& beats);

// Heartbeat times by viewer of one target, heard in [from, to).
std::map<std::string, std::vector<TimePoint>> beat_times(schedule::Database& db, ViewingKind kind,
                                                         std::string_view target, TimePoint from,
                                                         TimePoint to);

// Every beat of one target heard in [from, to), in the order heard.
std::vector<Heartbeat> heartbeats_of(schedule::Database& db, ViewingKind kind,
                                     std::string_view target, TimePoint from, TimePoint to);

int64_t heartbeat_count(schedule::Database& db);

}  // namespace stagehub::attendance
