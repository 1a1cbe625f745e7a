#include "schedule/change_feed.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "schedule/programme_json.hpp"

namespace stagehub::schedule {

using nlohmann::json;

namespace {

bool sees_all_of(const Reader& reader, std::string_view event_id) {
    return reader.sees_unpublished && reader.sees_unpublished(event_id);
}

// The touched sessions this reader may hear of: visible now, or public before the change.
std::vector<std::string> mentionable(const ChangeRecord& change,
                                     const std::optional<Programme>& view, const Reader& reader) {
    if (sees_all_of(reader, change.event_id))
        return change.sessions;
    std::vector<std::string> ids;
    for (const std::string& id : change.sessions) {
        const bool visible_now = view && view->find_session(id) != nullptr;
        const bool public_before =
            std::find(change.public_before.begin(), change.public_before.end(), id) !=
            change.public_before.end();
        if (visible_now || public_before)
            ids.push_back(id);
    }
    return ids;
}

// Whether a hidden event may have been published at some point of these changes: only an
// edit of the event's own fields (edit_event) or a re-import (replace, import) can have
// unpublished it. A client told of nothing else keeps at most what it had.
bool ever_published(const Programme& programme, const std::vector<ChangeRecord>& changes) {
    if (programme.event.published)
        return true;
    return std::any_of(changes.begin(), changes.end(),
                       [](const ChangeRecord& c) { return c.operation == "edit_event"; });
}

}  // namespace

std::optional<Programme> Reader::view(const Programme& programme) const {
    if (sees_all_of(*this, programme.event.id))
        return programme;
    return published_part(programme);
}

Reader public_reader() {
    return Reader{[](std::string_view) { return false; }, nullptr};
}

json change_json(const ChangeRecord& change, const Programme* current, const Reader& reader) {
    const std::optional<Programme> view = current ? reader.view(*current) : std::nullopt;
    const std::vector<std::string> ids = mentionable(change, view, reader);
    // A summary names sessions and people by their names as they are after the change:
    // shown only when every session it touches is visible now, and, for a change of
    // sessions that touched none (a person saved), not at all: that person may be in none
    // the reader sees.
    const bool all_visible_now =
        view && std::all_of(change.sessions.begin(), change.sessions.end(),
                            [&](const std::string& id) { return view->find_session(id); });
    const bool whole_summary =
        sees_all_of(reader, change.event_id) ||
        (all_visible_now && (change.whole_event || !change.sessions.empty()));
    json item = {{"revision", change.revision},
                 {"event", change.event_id},
                 {"at", format_instant(change.at)},
                 {"operation", change.operation},
                 {"summary", whole_summary ? change.summary : "updated the programme"},
                 {"sessions", ids},
                 {"whole_event", change.whole_event}};
    if (reader.sees_actors && reader.sees_actors(change.event_id))
        item["actor"] = change.actor;
    return item;
}

EventDelta event_delta(std::string_view event_id, const Programme* current,
                       const std::vector<ChangeRecord>& changes, const Reader& reader, Instant at) {
    EventDelta delta{std::string(event_id), EventDelta::Removed{}};
    const std::optional<Programme> view = current ? reader.view(*current) : std::nullopt;
    if (!view)
        return delta;
    std::set<std::string> touched;
    for (const ChangeRecord& change : changes) {
        if (change.whole_event) {
            delta.change = EventDelta::Snapshot{event_json(*view, at)};
            return delta;
        }
        for (std::string& id : mentionable(change, view, reader))
            touched.insert(std::move(id));
    }
    EventDelta::Sessions sessions;
    // In programme order, so a client appending upserts keeps a sorted agenda.
    for (const Session& s : view->sessions) {
        if (touched.erase(s.id) > 0)
            sessions.sessions.push_back(session_json(*view, s, at));
    }
    // Deleted, or hidden from this reader since.
    sessions.removed_sessions.assign(touched.begin(), touched.end());
    delta.change = std::move(sessions);
    return delta;
}

json event_delta_json(const EventDelta& delta) {
    json item = {{"event", delta.event_id}};
    if (std::holds_alternative<EventDelta::Removed>(delta.change)) {
        item["removed"] = true;
    } else if (const auto* snapshot = std::get_if<EventDelta::Snapshot>(&delta.change)) {
        item["snapshot"] = snapshot->event;
    } else {
        const auto& sessions = std::get<EventDelta::Sessions>(delta.change);
        item["sessions"] = sessions.sessions;
        item["removed_sessions"] = sessions.removed_sessions;
    }
    return item;
}

json catch_up_json(const std::vector<ChangeRecord>& changes, const ProgrammeCatalog& catalog,
                   const Reader& reader, Instant at) {
    json listed = json::array();
    std::map<std::string, std::vector<ChangeRecord>> by_event;
    for (const ChangeRecord& change : changes)
        by_event[change.event_id].push_back(change);
    json events = json::array();
    for (const auto& [event_id, event_changes] : by_event) {
        const Programme* programme = catalog.find_event(event_id);
        const bool visible = programme != nullptr && reader.view(*programme).has_value();
        // An event the reader cannot see is mentioned only when it may have been visible
        // before: deleted, or unpublished by a whole-event change. An event that exists and
        // was never published is not mentioned at all (its id would name it).
        const bool whole = std::any_of(event_changes.begin(), event_changes.end(),
                                       [](const ChangeRecord& c) { return c.whole_event; });
        if (!visible && !whole)
            continue;
        if (!visible && programme != nullptr && !ever_published(*programme, event_changes))
            continue;
        events.push_back(
            event_delta_json(event_delta(event_id, programme, event_changes, reader, at)));
        if (visible) {
            for (const ChangeRecord& change : event_changes)
                listed.push_back(change_json(change, programme, reader));
        }
    }
    std::sort(listed.begin(), listed.end(), [](const json& a, const json& b) {
        return a["revision"].get<int64_t>() < b["revision"].get<int64_t>();
    });
    return {{"changes", std::move(listed)}, {"events", std::move(events)}};
}

}  // namespace stagehub::schedule
