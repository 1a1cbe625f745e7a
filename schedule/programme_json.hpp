// The programme as JSON for clients (REST and websocket): one shape everywhere, so a page
// renders an API response and a websocket snapshot with the same code. See docs/API.md.
#pragma once

#include <nlohmann/json.hpp>

#include "schedule/model.hpp"
#include "schedule/now_next.hpp"

namespace stagehub::schedule {

// A session with its people resolved (name, affiliation, role) in speaking order.
nlohmann::json session_json(const Programme& programme, const Session& session);

// The event with its stages (each with now/next ids at `at`) and sessions in start order.
nlohmann::json event_json(const Programme& programme, Instant at);

// The body of a `now` message for one stage: now and next as full sessions or null.
nlohmann::json now_next_json(const Programme& programme, const NowNext& now_next);

}  // namespace stagehub::schedule
