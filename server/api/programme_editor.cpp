#include "server/api/programme_editor.hpp"

#include "schedule/ids.hpp"
#include "schedule/programme_json.hpp"
#include "schedule/validation.hpp"

namespace stagehub::server {

using nlohmann::json;
using schedule::Programme;

HttpResponse ProgrammeEditor::commit(const Caller& caller, const Programme* before, Edit edit,
                                     bool dry_run) {
    edit.programme.sort_sessions();
    // Ids stored before the id rule may stay (so their stage can be renamed or removed);
    // every new one has the form.
    const std::set<std::string> kept =
        before ? schedule::off_form_ids(*before) : std::set<std::string>{};
    if (const auto problems = schedule::validate(edit.programme, kept); !problems.empty()) {
        std::vector<std::string> lines;
        for (const Error& problem : problems)
            lines.push_back(problem.message);
        return error_response(
            Error{problems.front().code, schedule::summarised_problems(lines, "; ")});
    }
    const Instant now = now_utc();
    json changed = json::array();
    for (const std::string& id : edit.changed) {
        const schedule::Session* old_session = before ? before->find_session(id) : nullptr;
        const schedule::Session* new_session = edit.programme.find_session(id);
        changed.push_back(
            {{"id", id},
             {"before",
              old_session ? schedule::session_json(*before, *old_session, now) : json(nullptr)},
             {"after", new_session ? schedule::session_json(edit.programme, *new_session, now)
                                   : json(nullptr)}});
    }
    json answer = {{"dry_run", dry_run},
                   {"event", edit.programme.event.id},
                   {"operation", edit.operation},
                   {"summary", edit.summary},
                   {"changed", std::move(changed)},
                   {"revision", nullptr}};
    if (dry_run)
        return json_response(200, answer);
    auto revision = save(caller.actor(), std::move(edit));
    if (!revision)
        return error_response(revision.error());
    answer["revision"] = *revision;
    return json_response(200, answer);
}

Result<int64_t> ProgrammeEditor::save(const std::string& actor, Edit edit) {
    const std::string event_id = edit.programme.event.id;
    schedule::ChangeNote note{actor,        edit.operation,   edit.summary,
                              edit.changed, edit.whole_event, {}};
    // What the public could see before, so it may hear of those sessions' removal only.
    for (const schedule::Programme& published : catalog_.published()) {
        if (published.event.id != event_id)
            continue;
        for (const std::string& id : edit.changed) {
            if (published.find_session(id) != nullptr)
                note.public_before.push_back(id);
        }
    }
    auto revision = store_.save_event(edit.programme, note);
    if (revision)
        announce(*revision, event_id, note);
    return revision;
}

Result<int64_t> ProgrammeEditor::remove_event(const Caller& caller, const std::string& event_id) {
    auto revision = store_.delete_event(event_id, caller.actor());
    if (revision) {
        announce(*revision, event_id,
                 schedule::ChangeNote{
                     caller.actor(), "delete_event", "deleted the event", {}, true, {}});
    }
    return revision;
}

void ProgrammeEditor::announce(int64_t revision, const std::string& event_id,
                               const schedule::ChangeNote& note) {
    catalog_.reload_event(event_id);
    listener_.on_programme_changed(
        schedule::ChangeRecord{revision, event_id, now_utc(), note.actor, note.operation,
                               note.summary, note.sessions, note.whole_event, note.public_before});
}

}  // namespace stagehub::server
