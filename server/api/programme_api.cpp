#include "server/api/programme_api.hpp"

#include <algorithm>

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

// Problems found while reading a body, as one 400 naming every field.
Error bad_fields(const std::vector<std::string>& problems) {
    std::string message = problems.front();
    for (size_t i = 1; i < problems.size(); ++i)
        message.append("; ").append(problems[i]);
    return Error{"bad_field", std::move(message)};
}

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

std::string in_quotes(std::string_view text) {
    std::string q = "'";
    q.append(text).append("'");
    return q;
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

Error no_such_stage(std::string_view event_id, std::string_view stage) {
    return Error{"not_found", "event " + in_quotes(event_id) + " has no stage " + in_quotes(stage)};
}

}  // namespace

void add_caller_route(ApiRouter& router, TokenStore& tokens, HttpMethod method, std::string pattern,
                      CallerHandler handler, RouteOptions options) {
    router.add(
        method, std::move(pattern),
        [&tokens, handler = std::move(handler)](const HttpRequest& request,
                                                const PathParams& params) {
            auto caller = identify(request, tokens);
            if (auto* refused = std::get_if<HttpResponse>(&caller))
                return std::move(*refused);
            return handler(request, params, std::get<Caller>(caller));
        },
        std::move(options));
}

schedule::Reader reader_for(const Caller& caller) {
    return schedule::Reader{
        [caller](std::string_view event_id) { return caller.sees_unpublished(event_id); },
        [caller](std::string_view event_id) {
            return (caller.is(Role::organiser) || caller.is(Role::staff)) &&
                   caller.account->acts_in(event_id);
        }};
}

std::optional<Programme> visible_event(const schedule::ProgrammeCatalog& catalog,
                                       const Caller& caller, std::string_view event_id) {
    const Programme* programme = catalog.find_event(event_id);
    if (programme == nullptr)
        return std::nullopt;
    return reader_for(caller).view(*programme);
}

Result<EditStart> begin_edit(const schedule::ProgrammeCatalog& catalog, const HttpRequest& request,
                             std::string_view event_id, const Caller& caller, bool with_body) {
    if (const Status allowed = require_organiser_of(caller, event_id); !allowed)
        return allowed.error();
    const Programme* before = catalog.find_event(event_id);
    if (before == nullptr)
        return no_such_event(event_id);
    if (!with_body)
        return EditStart{before, json::object()};
    auto body = json_body(request);
    if (!body)
        return body.error();
    return EditStart{before, std::move(*body)};
}

Error no_such_event(std::string_view event_id) {
    return Error{"not_found", "there is no event " + in_quotes(event_id)};
}

Error no_such_session(std::string_view event_id, std::string_view session_id) {
    return Error{"not_found",
                 "event " + in_quotes(event_id) + " has no session " + in_quotes(session_id)};
}

void ProgrammeApi::add_routes(ApiRouter& router) {
    const auto route = [&](HttpMethod method, std::string pattern, CallerHandler handler) {
        add_caller_route(router, tokens_, method, std::move(pattern), std::move(handler));
    };
    route(HttpMethod::get, "/api/v1/programme",
          [this](const HttpRequest& r, const PathParams&, const Caller& c) {
              return programme(r, c);
          });
    route(HttpMethod::get, "/api/v1/events",
          [this](const HttpRequest&, const PathParams&, const Caller& c) {
              json events = json::array();
              const schedule::Reader reader = reader_for(c);
              for (const Programme& p : catalog_.programmes()) {
                  if (auto seen = reader.view(p)) {
                      json item = schedule::event_fields_json(seen->event);
                      item["sessions"] = seen->sessions.size();
                      item["stages"] = seen->stages.size();
                      events.push_back(std::move(item));
                  }
              }
              return json_response(
                  200, {{"revision", catalog_.revision()}, {"events", std::move(events)}});
          });
    route(HttpMethod::get, "/api/v1/events/{event}",
          [this](const HttpRequest&, const PathParams& p, const Caller& c) {
              const auto programme = visible_event(catalog_, c, p.at("event"));
              if (!programme)
                  return error_response(no_such_event(p.at("event")));
              return json_response(200, {{"revision", catalog_.revision()},
                                         {"server_time", server_time()},
                                         {"event", schedule::event_json(*programme, now_utc())}});
          });
    route(HttpMethod::patch, "/api/v1/events/{event}",
          [this](const HttpRequest& r, const PathParams& p, const Caller& c) {
              return edit_event(r, p.at("event"), c);
          });
    route(HttpMethod::delete_, "/api/v1/events/{event}",
          [this](const HttpRequest&, const PathParams& p, const Caller& c) {
              if (const Status allowed = require_organiser_of(c, p.at("event")); !allowed)
                  return error_response(allowed.error());
              auto revision = editor_.remove_event(c, p.at("event"));
              if (!revision)
                  return error_response(revision.error());
              return json_response(200, {{"revision", *revision}, {"deleted", p.at("event")}});
          });
    route(HttpMethod::get, "/api/v1/events/{event}/sessions/{session}",
          [this](const HttpRequest&, const PathParams& p, const Caller& c) {
              const auto programme = visible_event(catalog_, c, p.at("event"));
              if (!programme)
                  return error_response(no_such_event(p.at("event")));
              const Session* session = programme->find_session(p.at("session"));
              if (session == nullptr)
                  return error_response(no_such_session(p.at("event"), p.at("session")));
              return json_response(200, schedule::session_json(*programme, *session, now_utc()));
          });
    route(HttpMethod::get, "/api/v1/events/{event}/changes",
          [this](const HttpRequest& r, const PathParams& p, const Caller& c) {
              if (const Status allowed = require_staff_of(c, p.at("event")); !allowed)
                  return error_response(allowed.error());
              int64_t since = 0;
              if (const auto value = r.query_value("since")) {
                  const auto number = schedule::integer_within(*value, 0, INT64_MAX);
                  if (!number) {
                      return error_response(
                          Error{"bad_request", "since: must be a revision number (0 or more)"});
                  }
                  since = *number;
              }
              json changes = json::array();
              const schedule::Reader reader = reader_for(c);
              const Programme* programme = catalog_.find_event(p.at("event"));
              for (const auto& change : store_.changes_since(since, p.at("event")))
                  changes.push_back(schedule::change_json(change, programme, reader));
              return json_response(200, {{"event", p.at("event")},
                                         {"revision", catalog_.revision()},
                                         {"changes", std::move(changes)}});
          });
    route(HttpMethod::post, "/api/v1/events/{event}/stages",
          [this](const HttpRequest& r, const PathParams& p, const Caller& c) {
              return add_stage(r, p.at("event"), c);
          });
    route(HttpMethod::patch, "/api/v1/events/{event}/stages/{stage}",
          [this](const HttpRequest& r, const PathParams& p, const Caller& c) {
              return edit_stage(r, p, c);
          });
    route(HttpMethod::delete_, "/api/v1/events/{event}/stages/{stage}",
          [this](const HttpRequest& r, const PathParams& p, const Caller& c) {
              return remove_stage(r, p, c);
          });
    route(HttpMethod::post, "/api/v1/events/{event}/people",
          [this](const HttpRequest& r, const PathParams& p, const Caller& c) {
              return put_person(r, p.at("event"), c);
          });
    route(HttpMethod::post, "/api/v1/events/{event}/sessions",
          [this](const HttpRequest& r, const PathParams& p, const Caller& c) {
              return add_session(r, p.at("event"), c);
          });
    route(HttpMethod::patch, "/api/v1/events/{event}/sessions/{session}",
          [this](const HttpRequest& r, const PathParams& p, const Caller& c) {
              return edit_session(r, p, c);
          });
    route(HttpMethod::delete_, "/api/v1/events/{event}/sessions/{session}",
          [this](const HttpRequest& r, const PathParams& p, const Caller& c) {
              return remove_session(r, p, c);
          });
}

HttpResponse ProgrammeApi::programme(const HttpRequest& request, const Caller& caller) {
    const Instant now = now_utc();
    const schedule::Reader reader = reader_for(caller);
    if (const auto since_text = request.query_value("since")) {
        char* end = nullptr;
        const long long since = std::strtoll(since_text->c_str(), &end, 10);
        if (since_text->empty() || *end != '\0' || since < 0) {
            return error_response(Error{"bad_request",
                                        "since: must be a revision number (0 or "
                                        "more), as sent in 'revision'"});
        }
        if (since > catalog_.revision()) {
            return error_response(Error{"bad_request", "since: revision " + std::to_string(since) +
                                                           " is ahead of this server's " +
                                                           std::to_string(catalog_.revision()) +
                                                           "; reload the whole programme"});
        }
        json feed = schedule::catch_up_json(store_.changes_since(since), catalog_, reader, now);
        feed["revision"] = catalog_.revision();
        feed["since"] = since;
        feed["server_time"] = server_time();
        return json_response(200, feed);
    }
    json events = json::array();
    for (const Programme& programme : catalog_.programmes()) {
        if (auto seen = reader.view(programme))
            events.push_back(schedule::event_json(*seen, now));
    }
    return json_response(200, {{"revision", catalog_.revision()},
                               {"server_time", server_time()},
                               {"events", std::move(events)}});
}

HttpResponse ProgrammeApi::edit_event(const HttpRequest& request, const std::string& event_id,
                                      const Caller& caller) {
    auto start = begin_edit(catalog_, request, event_id, caller, true);
    if (!start)
        return error_response(start.error());
    const Programme* before = start->before;
    const json& body = start->body;
    auto read = read_part(merged(schedule::event_file_json(before->event), body),
                          schedule::read_event_json);
    if (!read)
        return error_response(read.error());
    schedule::Event event = std::move(read).value();
    if (event.id != event_id)
        return error_response(Error{"bad_field", "id: an event's id cannot change"});
    ProgrammeEditor::Edit edit{*before, {}, "edit_event", "edited the event's details", true};
    edit.programme.event = std::move(event);
    return editor_.commit(caller, before, std::move(edit), wants_dry_run(request, body));
}

HttpResponse ProgrammeApi::add_stage(const HttpRequest& request, const std::string& event_id,
                                     const Caller& caller) {
    auto start = begin_edit(catalog_, request, event_id, caller, true);
    if (!start)
        return error_response(start.error());
    const Programme* before = start->before;
    const json& body = start->body;
    auto read = read_part(body, schedule::read_stage_json);
    if (!read)
        return error_response(read.error());
    schedule::Stage stage = std::move(read).value();
    if (catalog_.find_stage_owner(stage.id) != nullptr) {
        return error_response(
            Error{"id_conflict", "there is already a stage " + in_quotes(stage.id)});
    }
    ProgrammeEditor::Edit edit{
        *before, {}, "add_stage", "added stage " + in_quotes(stage.name), true};
    edit.programme.stages.push_back(std::move(stage));
    return editor_.commit(caller, before, std::move(edit), wants_dry_run(request, body));
}

HttpResponse ProgrammeApi::edit_stage(const HttpRequest& request, const PathParams& params,
                                      const Caller& caller) {
    const std::string& event_id = params.at("event");
    auto start = begin_edit(catalog_, request, event_id, caller, true);
    if (!start)
        return error_response(start.error());
    const Programme* before = start->before;
    const json& body = start->body;
    const schedule::Stage* current = by_id_or_guid(before->stages, params.at("stage"));
    if (current == nullptr)
        return error_response(no_such_stage(event_id, params.at("stage")));
    auto read =
        read_part(merged(schedule::stage_file_json(*current, schedule::Secrets::include), body),
                  schedule::read_stage_json);
    if (!read)
        return error_response(read.error());
    schedule::Stage stage = std::move(read).value();
    // Ids name URLs and folders, so they stay; only an id stored before the id rule may
    // (and should) be replaced by one of the form, its sessions moving with it.
    const bool renamed = stage.id != current->id;
    if (renamed && schedule::is_id(current->id))
        return error_response(Error{"bad_field", "id: a stage's id cannot change"});
    if (renamed && catalog_.find_stage_owner(stage.id) != nullptr) {
        return error_response(
            Error{"id_conflict", "there is already a stage " + in_quotes(stage.id)});
    }
    ProgrammeEditor::Edit edit{
        *before, {}, "edit_stage", "edited stage " + in_quotes(stage.name), true};
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
    return editor_.commit(caller, before, std::move(edit), wants_dry_run(request, body));
}

HttpResponse ProgrammeApi::remove_stage(const HttpRequest& request, const PathParams& params,
                                        const Caller& caller) {
    const std::string& event_id = params.at("event");
    auto start = begin_edit(catalog_, request, event_id, caller, false);
    if (!start)
        return error_response(start.error());
    const Programme* before = start->before;
    const schedule::Stage* stage = by_id_or_guid(before->stages, params.at("stage"));
    if (stage == nullptr)
        return error_response(no_such_stage(event_id, params.at("stage")));
    const std::string stage_id = stage->id;
    const auto on_stage = std::count_if(before->sessions.begin(), before->sessions.end(),
                                        [&](const Session& s) { return s.stage_id == stage_id; });
    if (on_stage > 0) {
        return error_response(Error{"bad_state", "stage " + in_quotes(stage_id) + " still has " +
                                                     std::to_string(on_stage) +
                                                     " sessions: move or delete them first"});
    }
    ProgrammeEditor::Edit edit{
        *before, {}, "remove_stage", "removed stage " + in_quotes(stage_id), true};
    std::erase_if(edit.programme.stages,
                  [&](const schedule::Stage& s) { return s.id == stage_id; });
    return editor_.commit(caller, before, std::move(edit), wants_dry_run(request, json::object()));
}

HttpResponse ProgrammeApi::put_person(const HttpRequest& request, const std::string& event_id,
                                      const Caller& caller) {
    auto start = begin_edit(catalog_, request, event_id, caller, true);
    if (!start)
        return error_response(start.error());
    const Programme* before = start->before;
    const json& body = start->body;
    auto read = read_part(body, schedule::read_person_json);
    if (!read)
        return error_response(read.error());
    schedule::Person person = std::move(read).value();
    ProgrammeEditor::Edit edit{
        *before, {}, "put_person", "saved person " + in_quotes(person.name), false};
    // A person's name shows in every session they are in: those sessions changed.
    for (const Session& s : before->sessions) {
        for (const auto& sp : s.people) {
            if (sp.person_id == person.id)
                edit.changed.push_back(s.id);
        }
    }
    std::erase_if(edit.programme.people,
                  [&](const schedule::Person& p) { return p.id == person.id; });
    edit.programme.people.push_back(person);
    return editor_.commit(caller, before, std::move(edit), wants_dry_run(request, body));
}

void ProgrammeApi::add_missing_people(Programme& programme, const Session& session) {
    for (const auto& sp : session.people) {
        if (programme.find_person(sp.person_id) != nullptr)
            continue;
        if (auto person = store_.load_person(sp.person_id))
            programme.people.push_back(std::move(*person));
    }
}

HttpResponse ProgrammeApi::add_session(const HttpRequest& request, const std::string& event_id,
                                       const Caller& caller) {
    auto start = begin_edit(catalog_, request, event_id, caller, true);
    if (!start)
        return error_response(start.error());
    const Programme* before = start->before;
    const json& body = start->body;
    auto read = read_part(body, schedule::read_session_json);
    if (!read)
        return error_response(read.error());
    Session session = std::move(read).value();
    for (const Programme& p : catalog_.programmes()) {
        if (p.find_session(session.id) != nullptr) {
            return error_response(Error{"id_conflict", "there is already a session " +
                                                           in_quotes(session.id) + " (in event " +
                                                           in_quotes(p.event.id) + ")"});
        }
    }
    ProgrammeEditor::Edit edit{
        *before, {session.id}, "add_session", "added session " + in_quotes(session.title), false};
    add_missing_people(edit.programme, session);
    edit.programme.sessions.push_back(std::move(session));
    return editor_.commit(caller, before, std::move(edit), wants_dry_run(request, body));
}

HttpResponse ProgrammeApi::edit_session(const HttpRequest& request, const PathParams& params,
                                        const Caller& caller) {
    const std::string& event_id = params.at("event");
    auto start = begin_edit(catalog_, request, event_id, caller, true);
    if (!start)
        return error_response(start.error());
    const Programme* before = start->before;
    const json& body = start->body;
    const Session* current = by_id_or_guid(before->sessions, params.at("session"));
    if (current == nullptr)
        return error_response(no_such_session(event_id, params.at("session")));
    const std::string session_id = current->id;
    auto read =
        read_part(merged(schedule::session_file_json(*current), body), schedule::read_session_json);
    if (!read)
        return error_response(read.error());
    Session session = std::move(read).value();
    if (session.id != session_id)
        return error_response(Error{"bad_field", "id: a session's id cannot change"});
    ProgrammeEditor::Edit edit{
        *before, {session_id}, "edit_session", "edited session " + in_quotes(session.title), false};
    add_missing_people(edit.programme, session);
    *edit.programme.find_session(session_id) = std::move(session);
    return editor_.commit(caller, before, std::move(edit), wants_dry_run(request, body));
}

HttpResponse ProgrammeApi::remove_session(const HttpRequest& request, const PathParams& params,
                                          const Caller& caller) {
    const std::string& event_id = params.at("event");
    auto start = begin_edit(catalog_, request, event_id, caller, false);
    if (!start)
        return error_response(start.error());
    const Programme* before = start->before;
    const Session* current = by_id_or_guid(before->sessions, params.at("session"));
    if (current == nullptr)
        return error_response(no_such_session(event_id, params.at("session")));
    const std::string session_id = current->id;
    ProgrammeEditor::Edit edit{*before,
                               {session_id},
                               "remove_session",
                               "removed session " + in_quotes(current->title),
                               false};
    std::erase_if(edit.programme.sessions, [&](const Session& s) { return s.id == session_id; });
    // Panels that followed it up no longer do.
    for (Session& s : edit.programme.sessions) {
        if (std::erase(s.follows_up, session_id) > 0)
            edit.changed.push_back(s.id);
    }
    return editor_.commit(caller, before, std::move(edit), wants_dry_run(request, json::object()));
}

}  // namespace stagehub::server
