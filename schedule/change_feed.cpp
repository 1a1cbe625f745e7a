#include "schedule/change_feed.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "schedule/programme_json.hpp"

namespace stagehub::schedule {

using nlohmann::json;

json change_json(const ChangeRecord& change, bool with_actor) {
    json item = {{"revision", change.revision},      {"event", change.event_id},
                 {"at", format_instant(change.at)},  {"operation", change.operation},
                 {"summary", change.summary},        {"sessions", change.sessions},
                 {"whole_event", change.whole_event}};
    if (with_actor)
        item["actor"] = change.actor;
    return item;
}

json event_delta_json(std::string_view event_id, const Programme* current,
                      const std::vector<ChangeRecord>& changes, const Visibility& visibility,
                      Instant at) {
    const std::optional<Programme> visible =
        current != nullptr ? visibility(*current) : std::nullopt;
    if (!visible)
        return {{"event", event_id}, {"removed", true}};
    std::set<std::string> touched;
    for (const ChangeRecord& change : changes) {
        if (change.whole_event)
            return {{"event", event_id}, {"snapshot", event_json(*visible, at)}};
        touched.insert(change.sessions.begin(), change.sessions.end());
    }
    json sessions = json::array();
    json removed = json::array();
    // In programme order, so a client appending upserts keeps a sorted agenda.
    for (const Session& s : visible->sessions) {
        if (touched.erase(s.id) > 0)
            sessions.push_back(session_json(*visible, s, at));
    }
    for (const std::string& id : touched)  // deleted, or hidden from this reader
        removed.push_back(id);
    return {{"event", event_id},
            {"sessions", std::move(sessions)},
            {"removed_sessions", std::move(removed)}};
}

json catch_up_json(const std::vector<ChangeRecord>& changes, const ProgrammeCatalog& catalog,
                   const Visibility& visibility, Instant at, bool with_actor) {
    json listed = json::array();
    std::map<std::string, std::vector<ChangeRecord>> by_event;
    for (const ChangeRecord& change : changes) {
        const Programme* programme = catalog.find_event(change.event_id);
        // Changes to events this reader cannot see are not listed at all: their summaries
        // name sessions.
        if (programme != nullptr && visibility(*programme))
            listed.push_back(change_json(change, with_actor));
        by_event[change.event_id].push_back(change);
    }
    json events = json::array();
    for (const auto& [event_id, event_changes] : by_event) {
        const Programme* programme = catalog.find_event(event_id);
        const bool visible = programme != nullptr && visibility(*programme).has_value();
        // An event the reader cannot see is mentioned only when it may have been visible
        // before (deleted or unpublished: a whole-event change), never for edits inside it.
        const bool whole = std::any_of(event_changes.begin(), event_changes.end(),
                                       [](const ChangeRecord& c) { return c.whole_event; });
        if (visible || whole)
            events.push_back(event_delta_json(event_id, programme, event_changes, visibility, at));
    }
    return {{"changes", std::move(listed)}, {"events", std::move(events)}};
}

}  // namespace stagehub::schedule
