#include "server/api/programme_api.hpp"

#include <algorithm>
#include <functional>

#include "schedule/audio_inputs.hpp"
#include "schedule/bounded_number.hpp"
#include "schedule/ids.hpp"
#include "schedule/instant.hpp"
#include "schedule/programme_file.hpp"
#include "schedule/programme_json.hpp"

namespace stagehub::server {

using nlohmann::json;
using schedule::Programme;
using schedule::Session;

namespace {

// The body without the request-only "dry_run", merged over `current` (RFC 7386 merge patch:
// fields left out keep their value, null clears an optional one).
json merged(json current, json body) {
    body.erase("dry_run");
    current.merge_patch(body);
    return current;
}

// A body as one part of a programme file (a stage, a person, a session, event fields),
// through that part's reader: every problem at once, as one 400.
template <typename Read>
auto read_part(json fields, Read read)
    -> Result<decltype(read(fields, "", std::declval<std::vector<std::string>&>()))> {
    fields.erase("dry_run");
    std::vector<std::string> problems;
    auto part = read(fields, "", problems);
    if (!problems.empty())
        return bad_fields(problems);
    return part;
}

// A stage or session by its id, or by its guid: one whose id was stored before the id rule
// (schedule/ids.hpp) may hold a '/' and so cannot be named in a path, but can be renamed or
// removed by its guid.
template <typename Thing>
const Thing* by_id_or_guid(const std::vector<Thing>& things, std::string_view name) {
    for (const Thing& thing : things) {
        if (thing.id == name)
            return &thing;
    }
    for (const Thing& thing : things) {
        if (!thing.guid.empty() && thing.guid == name)
            return &thing;
    }
    return nullptr;
}

// The stage or session the path names (by id or guid), or the 404 naming the event.
Result<const schedule::Stage*> stage_in_path(const Programme& programme, const PathParams& params) {
    const schedule::Stage* stage = by_id_or_guid(programme.stages, params.at("stage"));
    if (stage == nullptr)
        return no_such_stage(params.at("event"), params.at("stage"));
    return stage;
}

Result<const Session*> session_in_path(const Programme& programme, const PathParams& params) {
    const Session* session = by_id_or_guid(programme.sessions, params.at("session"));
    if (session == nullptr)
        return no_such_session(params.at("event"), params.at("session"));
    return session;
}

Error stage_exists(std::string_view stage_id) {
    return Error{ErrorCode::id_conflict, "there is already a stage " + in_quotes(stage_id)};
}

}  // namespace

void ProgrammeApi::add_routes(ApiRouter& router) {
    CallerRoutes routes(router, tokens_);
    const std::string event = "/api/v1/events/{event}";
    routes.add(HttpMethod::get, "/api/v1/programme",
               std::bind_front(&ProgrammeApi::programme, this));
    routes.add(HttpMethod::get, "/api/v1/events", std::bind_front(&ProgrammeApi::events, this));
    routes.add(HttpMethod::get, event, std::bind_front(&ProgrammeApi::event, this));
    add_edit_route(routes, HttpMethod::patch, event, EditBody::json_object,
                   &ProgrammeApi::edit_event);
    routes.add(HttpMethod::delete_, event, std::bind_front(&ProgrammeApi::remove_event, this));
    routes.add(HttpMethod::get, event + "/sessions/{session}",
               std::bind_front(&ProgrammeApi::session, this));
    routes.add(HttpMethod::get, event + "/changes", std::bind_front(&ProgrammeApi::changes, this));
    add_edit_route(routes, HttpMethod::post, event + "/stages", EditBody::json_object,
                   &ProgrammeApi::add_stage);
    add_edit_route(routes, HttpMethod::patch, event + "/stages/{stage}", EditBody::json_object,
                   &ProgrammeApi::edit_stage);
    add_edit_route(routes, HttpMethod::delete_, event + "/stages/{stage}", EditBody::none,
                   &ProgrammeApi::remove_stage);
    add_edit_route(routes, HttpMethod::post, event + "/people", EditBody::json_object,
                   &ProgrammeApi::put_person);
    add_edit_route(routes, HttpMethod::post, event + "/sessions", EditBody::json_object,
                   &ProgrammeApi::add_session);
    add_edit_route(routes, HttpMethod::patch, event + "/sessions/{session}", EditBody::json_object,
                   &ProgrammeApi::edit_session);
    add_edit_route(routes, HttpMethod::delete_, event + "/sessions/{session}", EditBody::none,
                   &ProgrammeApi::remove_session);
}

void ProgrammeApi::add_edit_route(CallerRoutes& routes, HttpMethod method, std::string pattern,
                                  EditBody body, MakeEdit make) {
    routes.add(method, std::move(pattern),
               [this, body, make](const HttpRequest& r, const PathParams& p, const Caller& c) {
                   auto start = begin_edit(catalog_, r, p.at("event"), c, body);
                   if (!start)
                       return error_response(start.error());
                   auto edit = (this->*make)(*start, p);
                   if (!edit)
                       return error_response(edit.error());
                   return editor_.commit(c, start->before, std::move(edit).value(), start->dry_run);
               });
}

HttpResponse ProgrammeApi::programme(const HttpRequest& request, const PathParams&,
                                     const Caller& caller) {
    const Instant now = now_utc();
    const schedule::Reader reader = reader_for(caller);
    if (const auto since_text = request.query_value("since"))
        return catch_up(*since_text, reader, now);
    json events = json::array();
    for (const Programme& programme : catalog_.programmes()) {
        if (auto seen = reader.view(programme))
            events.push_back(schedule::event_json(*seen, now));
    }
    return json_response(200, {{"revision", catalog_.revision()},
                               {"server_time", server_time()},
                               {"events", std::move(events)}});
}

HttpResponse ProgrammeApi::catch_up(const std::string& since_text, const schedule::Reader& reader,
                                    Instant now) {
    char* end = nullptr;
    const long long since = std::strtoll(since_text.c_str(), &end, 10);
    if (since_text.empty() || *end != '\0' || since < 0) {
        return error_response(Error{ErrorCode::bad_request,
                                    "since: must be a revision number (0 or "
                                    "more), as sent in 'revision'"});
    }
    if (since > catalog_.revision()) {
        return error_response(
            Error{ErrorCode::bad_request,
                  "since: revision " + std::to_string(since) + " is ahead of this server's " +
                      std::to_string(catalog_.revision()) + "; reload the whole programme"});
    }
    json feed = schedule::catch_up_json(store_.changes_since(since), catalog_, reader, now);
    feed["revision"] = catalog_.revision();
    feed["since"] = since;
    feed["server_time"] = server_time();
    return json_response(200, feed);
}

HttpResponse ProgrammeApi::events(const HttpRequest&, const PathParams&, const Caller& caller) {
    json events = json::array();
    const schedule::Reader reader = reader_for(caller);
    for (const Programme& p : catalog_.programmes()) {
        if (auto seen = reader.view(p)) {
            json item = schedule::event_fields_json(seen->event);
            item["sessions"] = seen->sessions.size();
            item["stages"] = seen->stages.size();
            events.push_back(std::move(item));
        }
    }
    return json_response(200, {{"revision", catalog_.revision()}, {"events", std::move(events)}});
}

HttpResponse ProgrammeApi::event(const HttpRequest&, const PathParams& params,
                                 const Caller& caller) {
    const auto programme = seen_event(catalog_, caller, params.at("event"));
    if (!programme)
        return error_response(programme.error());
    return json_response(200, {{"revision", catalog_.revision()},
                               {"server_time", server_time()},
                               {"event", schedule::event_json(*programme, now_utc())}});
}

HttpResponse ProgrammeApi::remove_event(const HttpRequest&, const PathParams& params,
                                        const Caller& caller) {
    const std::string& event_id = params.at("event");
    if (const Status allowed = require_organiser_of(caller, event_id); !allowed)
        return error_response(allowed.error());
    auto revision = editor_.remove_event(caller, event_id);
    if (!revision)
        return error_response(revision.error());
    return json_response(200, {{"revision", *revision}, {"deleted", event_id}});
}

HttpResponse ProgrammeApi::session(const HttpRequest&, const PathParams& params,
                                   const Caller& caller) {
    const auto programme = seen_event(catalog_, caller, params.at("event"));
    if (!programme)
        return error_response(programme.error());
    const auto session = session_of(*programme, params.at("session"));
    if (!session)
        return error_response(session.error());
    return json_response(200, schedule::session_json(*programme, **session, now_utc()));
}

HttpResponse ProgrammeApi::changes(const HttpRequest& request, const PathParams& params,
                                   const Caller& caller) {
    const std::string& event_id = params.at("event");
    if (const Status allowed = require_staff_of(caller, event_id); !allowed)
        return error_response(allowed.error());
    int64_t since = 0;
    if (const auto value = request.query_value("since")) {
        const auto number = schedule::integer_within(*value, 0, INT64_MAX);
        if (!number) {
            return error_response(
                Error{ErrorCode::bad_request, "since: must be a revision number (0 or more)"});
        }
        since = *number;
    }
    json changes = json::array();
    const schedule::Reader reader = reader_for(caller);
    const Programme* programme = catalog_.find_event(event_id);
    for (const auto& change : store_.changes_since(since, event_id))
        changes.push_back(schedule::change_json(change, programme, reader));
    return json_response(
        200,
        {{"event", event_id}, {"revision", catalog_.revision()}, {"changes", std::move(changes)}});
}

Result<ProgrammeApi::Edit> ProgrammeApi::edit_event(const EditStart& start,
                                                    const PathParams& params) {
    auto read = read_part(merged(schedule::event_file_json(start.before->event), start.body),
                          schedule::read_event_json);
    if (!read)
        return read.error();
    schedule::Event event = std::move(read).value();
    if (event.id != params.at("event"))
        return Error{ErrorCode::bad_field, "id: an event's id cannot change"};
    Edit edit{*start.before, {}, "edit_event", "edited the event's details", true};
    edit.programme.event = std::move(event);
    return edit;
}

Result<ProgrammeApi::Edit> ProgrammeApi::add_stage(const EditStart& start, const PathParams&) {
    auto read = read_part(start.body, schedule::read_stage_json);
    if (!read)
        return read.error();
    schedule::Stage stage = std::move(read).value();
    if (catalog_.find_stage_owner(stage.id) != nullptr)
        return stage_exists(stage.id);
    Edit edit{*start.before, {}, "add_stage", "added stage " + in_quotes(stage.name), true};
    edit.programme.stages.push_back(std::move(stage));
    return edit;
}

Result<ProgrammeApi::Edit> ProgrammeApi::edit_stage(const EditStart& start,
                                                    const PathParams& params) {
    const auto found = stage_in_path(*start.before, params);
    if (!found)
        return found.error();
    const schedule::Stage* current = *found;
    auto read = read_part(
        merged(schedule::stage_file_json(*current, schedule::Secrets::include), start.body),
        schedule::read_stage_json);
    if (!read)
        return read.error();
    schedule::Stage stage = std::move(read).value();
    if (const auto listed = start.body.find("audio_inputs"); listed != start.body.end())
        schedule::keep_audio_passphrases(stage.audio_inputs, current->audio_inputs, *listed);
    // Ids name URLs and folders, so they stay; only an id stored before the id rule may
    // (and should) be replaced by one of the form, its sessions moving with it.
    const bool renamed = stage.id != current->id;
    if (renamed && schedule::is_id(current->id))
        return Error{ErrorCode::bad_field, "id: a stage's id cannot change"};
    if (renamed && catalog_.find_stage_owner(stage.id) != nullptr)
        return stage_exists(stage.id);
    Edit edit{*start.before, {}, "edit_stage", "edited stage " + in_quotes(stage.name), true};
    for (schedule::Stage& s : edit.programme.stages) {
        if (s.id == current->id)
            s = stage;
    }
    for (Session& s : edit.programme.sessions) {
        if (renamed && s.stage_id == current->id) {
            s.stage_id = stage.id;
            edit.changed.push_back(s.id);
        }
    }
    return edit;
}

Result<ProgrammeApi::Edit> ProgrammeApi::remove_stage(const EditStart& start,
                                                      const PathParams& params) {
    const Programme& before = *start.before;
    const auto stage = stage_in_path(before, params);
    if (!stage)
        return stage.error();
    const std::string stage_id = (*stage)->id;
    const auto on_stage = std::count_if(before.sessions.begin(), before.sessions.end(),
                                        [&](const Session& s) { return s.stage_id == stage_id; });
    if (on_stage > 0) {
        return Error{ErrorCode::bad_state, "stage " + in_quotes(stage_id) + " still has " +
                                               std::to_string(on_stage) +
                                               " sessions: move or delete them first"};
    }
    Edit edit{before, {}, "remove_stage", "removed stage " + in_quotes(stage_id), true};
    std::erase_if(edit.programme.stages,
                  [&](const schedule::Stage& s) { return s.id == stage_id; });
    return edit;
}

Result<ProgrammeApi::Edit> ProgrammeApi::put_person(const EditStart& start, const PathParams&) {
    auto read = read_part(start.body, schedule::read_person_json);
    if (!read)
        return read.error();
    schedule::Person person = std::move(read).value();
    Edit edit{*start.before, {}, "put_person", "saved person " + in_quotes(person.name), false};
    // A person's name shows in every session they are in: those sessions changed.
    for (const Session& s : start.before->sessions) {
        for (const auto& sp : s.people) {
            if (sp.person_id == person.id)
                edit.changed.push_back(s.id);
        }
    }
    std::erase_if(edit.programme.people,
                  [&](const schedule::Person& p) { return p.id == person.id; });
    edit.programme.people.push_back(person);
    return edit;
}

void ProgrammeApi::add_missing_people(Programme& programme, const Session& session) {
    for (const auto& sp : session.people) {
        if (programme.find_person(sp.person_id) != nullptr)
            continue;
        if (auto person = store_.load_person(sp.person_id))
            programme.people.push_back(std::move(*person));
    }
}

Result<ProgrammeApi::Edit> ProgrammeApi::add_session(const EditStart& start, const PathParams&) {
    auto read = read_part(start.body, schedule::read_session_json);
    if (!read)
        return read.error();
    Session session = std::move(read).value();
    for (const Programme& p : catalog_.programmes()) {
        if (p.find_session(session.id) != nullptr) {
            return Error{ErrorCode::id_conflict, "there is already a session " +
                                                     in_quotes(session.id) + " (in event " +
                                                     in_quotes(p.event.id) + ")"};
        }
    }
    Edit edit{*start.before,
              {session.id},
              "add_session",
              "added session " + in_quotes(session.title),
              false};
    add_missing_people(edit.programme, session);
    edit.programme.sessions.push_back(std::move(session));
    return edit;
}

Result<ProgrammeApi::Edit> ProgrammeApi::edit_session(const EditStart& start,
                                                      const PathParams& params) {
    const auto found = session_in_path(*start.before, params);
    if (!found)
        return found.error();
    const Session* current = *found;
    const std::string session_id = current->id;
    auto read = read_part(merged(schedule::session_file_json(*current), start.body),
                          schedule::read_session_json);
    if (!read)
        return read.error();
    Session session = std::move(read).value();
    if (session.id != session_id)
        return Error{ErrorCode::bad_field, "id: a session's id cannot change"};
    Edit edit{*start.before,
              {session_id},
              "edit_session",
              "edited session " + in_quotes(session.title),
              false};
    add_missing_people(edit.programme, session);
    *edit.programme.find_session(session_id) = std::move(session);
    return edit;
}

Result<ProgrammeApi::Edit> ProgrammeApi::remove_session(const EditStart& start,
                                                        const PathParams& params) {
    const auto removed = session_in_path(*start.before, params);
    if (!removed)
        return removed.error();
    const std::string session_id = (*removed)->id;
    const std::string summary = "removed session " + in_quotes((*removed)->title);
    Edit edit{*start.before, {session_id}, "remove_session", summary, false};
    std::erase_if(edit.programme.sessions, [&](const Session& s) { return s.id == session_id; });
    // Panels that followed it up no longer do.
    for (Session& s : edit.programme.sessions) {
        if (std::erase(s.follows_up, session_id) > 0)
            edit.changed.push_back(s.id);
    }
    return edit;
}

}  // namespace stagehub::server
