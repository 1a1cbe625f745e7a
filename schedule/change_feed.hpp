// What a client that has seen revision N needs to be current: the changes after N, and per
// touched event either the touched sessions as they are now (upserts and removals) or, when
// the event itself changed, a fresh snapshot. Applying it to the state at N gives the state
// now, whatever happened in between; applying it twice changes nothing.
//
// The same shape is pushed on the websocket after each edit (one change), so a page has one
// code path for live deltas and for catching up after a reconnect.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "schedule/model.hpp"
#include "schedule/programme_catalog.hpp"
#include "schedule/programme_store.hpp"

namespace stagehub::schedule {

// How one reader sees an event: the whole programme (its organisers), the published part,
// or nothing (an unpublished event).
using Visibility = std::function<std::optional<Programme>(const Programme&)>;

// One event's part of a delta:
//   {"event": id, "removed": true}                        gone, or not visible to the reader
//   {"event": id, "snapshot": {...event_json...}}         the event itself changed
//   {"event": id, "sessions": [...], "removed_sessions": [ids]}  only sessions changed
nlohmann::json event_delta_json(std::string_view event_id, const Programme* current,
                                const std::vector<ChangeRecord>& changes,
                                const Visibility& visibility, Instant at);

// {"changes": [{revision, event, at, operation, summary[, actor]}], "events": [...]} for
// every change after a revision, grouped by event. `with_actor` adds who made each change
// (for organisers and staff; the public sees what changed, not who changed it).
nlohmann::json catch_up_json(const std::vector<ChangeRecord>& changes,
                             const ProgrammeCatalog& catalog, const Visibility& visibility,
                             Instant at, bool with_actor);

nlohmann::json change_json(const ChangeRecord& change, bool with_actor);

}  // namespace stagehub::schedule
