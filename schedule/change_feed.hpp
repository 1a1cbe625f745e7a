// What a client that has seen revision N needs to be current: the changes after N, and per
// touched event either the touched sessions as they are now (upserts and removals) or, when
// the event itself changed, a fresh snapshot. Applying it to the state at N gives the state
// now, whatever happened in between; applying it twice changes nothing.
//
// The same shape is pushed on the websocket after each edit (one change), so a page has one
// code path for live deltas and for catching up after a reconnect.
//
// Readers see events whole (their organisers) or only the public part. For the public, a
// change never names what was never public: a removal is listed only for a session that was
// public before the change (and an event's only if it was published before), and the
// summary of a change is replaced by a neutral line unless everything it touched is visible
// to the reader now (a session unpublished and renamed in one edit keeps its new title).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "schedule/model.hpp"
#include "schedule/programme_catalog.hpp"
#include "schedule/programme_store.hpp"

namespace stagehub::schedule {

struct Reader {
    // True for the events whose unpublished parts this reader may see.
    std::function<bool(std::string_view event_id)> sees_unpublished;
    // True for the events whose changes this reader may see the author of (their
    // organisers and staff); null: none.
    std::function<bool(std::string_view event_id)> sees_actors;

    // The event as this reader sees it; nullopt when it is hidden from them.
    std::optional<Programme> view(const Programme& programme) const;
};

// A reader who sees only what is published, and no actors.
Reader public_reader();

// One event's part of a delta, as a reader may see it: what kind of change it is decides
// the message a client gets (the websocket's "removed", "snapshot" or "delta").
struct EventDelta {
    // The event is gone, or no longer visible to this reader.
    struct Removed {};
    // The event itself changed: all of it, as event_json.
    struct Snapshot {
        nlohmann::json event;
    };
    // Only sessions changed: the touched ones as they are now (session_json, in programme
    // order), and the ids of those deleted or hidden from this reader since.
    struct Sessions {
        std::vector<nlohmann::json> sessions;
        std::vector<std::string> removed_sessions;
    };

    std::string event_id;
    std::variant<Removed, Snapshot, Sessions> change;
};

EventDelta event_delta(std::string_view event_id, const Programme* current,
                       const std::vector<ChangeRecord>& changes, const Reader& reader, Instant at);

// The delta as GET /api/v1/programme?since=REV lists it:
//   {"event": id, "removed": true}
//   {"event": id, "snapshot": {...event_json...}}
//   {"event": id, "sessions": [...], "removed_sessions": [ids]}
nlohmann::json event_delta_json(const EventDelta& delta);

// {"changes": [...change_json...], "events": [...event_delta_json...]} for every change after
// a revision that this reader may know of, grouped by event.
nlohmann::json catch_up_json(const std::vector<ChangeRecord>& changes,
                             const ProgrammeCatalog& catalog, const Reader& reader, Instant at);

// {revision, event, at, operation, summary, sessions[, actor]} as this reader may see it.
nlohmann::json change_json(const ChangeRecord& change, const Programme* current,
                           const Reader& reader);

}  // namespace stagehub::schedule
