// Figures about the programme itself for staff: how many sessions of each kind and state,
// how many people took part, and how late the day ran (actual against planned starts).
// Attendance and viewing figures are the statistics module's; these need only the schedule.
#pragma once

#include <nlohmann/json.hpp>

#include "schedule/model.hpp"

namespace stagehub::schedule {

// {"sessions": n, "by_kind": {...}, "by_state": {...}, "people": n, "speakers": n,
//  "planned_minutes": n, "stages": [{"id", "sessions", "planned_minutes",
//  "late_minutes_now", "max_late_minutes"}], "late_sessions": n, "max_late_minutes": n}
// Lateness of a session: how much later it started (or will start) than planned; the
// "now" figure of a stage is that of its live session, else of its next one.
nlohmann::json programme_stats_json(const Programme& programme, Instant at);

}  // namespace stagehub::schedule
