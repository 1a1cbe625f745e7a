// The small event the attendance store tests register people for: one stage ("{id}-sal")
// and two 30-minute sessions ("{prefix}1" at 09:00, "{prefix}2" at 10:00 Stockholm time) on
// 2026-05-12, or `days_later` days after it.
#pragma once

#include <chrono>
#include <string>

#include "schedule/model.hpp"

namespace stagehub::testing {

// 2026-05-12 09:00 in Stockholm (07:00 UTC), in seconds since the epoch.
inline constexpr int64_t kNineOnTheDay = 1'778'569'200;

inline schedule::Programme small_event(const std::string& id, const std::string& prefix,
                                       int days_later = 0) {
    schedule::Programme p;
    p.event.id = id;
    p.event.title = "Event " + id;
    schedule::Stage stage;
    stage.id = id + "-sal";
    stage.name = "Sal";
    p.stages.push_back(stage);
    for (int i = 1; i <= 2; ++i) {
        schedule::Session s;
        s.id = prefix + std::to_string(i);
        s.stage_id = stage.id;
        s.title = "Session " + s.id;
        s.start =
            Instant{std::chrono::seconds{kNineOnTheDay + days_later * 86'400 + (i - 1) * 3600}};
        s.duration = std::chrono::minutes{30};
        p.sessions.push_back(s);
    }
    return p;
}

}  // namespace stagehub::testing
