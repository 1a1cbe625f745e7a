// The programme as JSON for clients (REST and websocket): one shape everywhere, so a page
// renders an API response, a websocket snapshot and a delta with the same code. See
// docs/API.md.
#pragma once

#include <nlohmann/json.hpp>

#include "schedule/model.hpp"
#include "schedule/now_next.hpp"

namespace stagehub::schedule {

// A session with its people resolved (name, affiliation, role) in speaking order, its
// planned, actual and effective times ("start"/"end" are the effective ones) and its state
// at `at`.
nlohmann::json session_json(const Programme& programme, const Session& session, Instant at);

// The event's own fields (no stages or sessions).
nlohmann::json event_fields_json(const Event& event);

// The event with its stages (each with now/next ids at `at`) and sessions in start order.
nlohmann::json event_json(const Programme& programme, Instant at);

// The body of a `now` message for one stage: now and next as full sessions or null.
nlohmann::json now_next_json(const Programme& programme, const NowNext& now_next, Instant at);

// What the public may see (schedule/visibility.hpp, visible_part with no sight): a copy
// without unpublished sessions, the people only in them and the stages' source addresses,
// or nothing when the event itself is unpublished. Organisers of the event see the
// programme as it is.
std::optional<Programme> published_part(const Programme& programme);

}  // namespace stagehub::schedule
