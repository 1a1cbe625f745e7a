#include "server/api/accounts_api.hpp"

#include <functional>

#include "schedule/programme_json.hpp"
#include "schedule/programme_stats.hpp"
#include "server/api/api_errors.hpp"
#include "server/api/caller_route.hpp"
#include "server/api/event_access.hpp"
#include "server/api/request_body.hpp"
#include "server/auth/speaker_link.hpp"

namespace stagehub::server {

using nlohmann::json;
using schedule::Programme;

namespace {

// An account as its holder sees it (every event of theirs), or, with `event`, as that
// event's organisers see it: what it may do in their event, nothing of its others.
json account_json(const Account& account, std::optional<std::string_view> event = std::nullopt) {
    json events = json::array();
    for (const std::string& e : account.events) {
        if (!event || e == *event)
            events.push_back(e);
    }
    return {{"id", account.id},
            {"name", account.name},
            {"role", to_string(account.role)},
            {"person", account.person_id.empty() ? json(nullptr) : json(account.person_id)},
            {"events", std::move(events)}};
}

// A speaker's sessions in one event, each with the whole running order and their place
// in it, so the phone page can say "you are up next".
json speaker_sessions_json(const Programme& programme, const std::string& person_id, Instant at) {
    json sessions = json::array();
    for (const schedule::Session& s : programme.sessions) {
        const auto it = std::find_if(s.people.begin(), s.people.end(),
                                     [&](const auto& sp) { return sp.person_id == person_id; });
        if (it == s.people.end())
            continue;
        json item = schedule::session_json(programme, s, at);
        item["my_role"] = to_string(it->role);
        item["my_position"] = it - s.people.begin() + 1;  // 1-based place in the running order
        sessions.push_back(std::move(item));
    }
    return sessions;
}

}  // namespace

void AccountsApi::add_routes(ApiRouter& router) {
    CallerRoutes routes(router, tokens_);
    routes.add(HttpMethod::get, "/api/v1/me",
               [](const HttpRequest&, const PathParams&, const Caller& c) {
                   if (!c.account) {
                       return error_response(
                           Error{ErrorCode::unauthorized, "send a token to see whose it is"});
                   }
                   return json_response(200, account_json(*c.account));
               });
    routes.add(HttpMethod::post, "/api/v1/events/{event}/accounts",
               std::bind_front(&AccountsApi::create_account, this));
    routes.add(HttpMethod::get, "/api/v1/events/{event}/accounts",
               std::bind_front(&AccountsApi::event_accounts, this));
    routes.add(HttpMethod::delete_, "/api/v1/events/{event}/accounts/{account}",
               std::bind_front(&AccountsApi::withdraw_account, this));
    routes.add(HttpMethod::get, "/api/v1/speaker/sessions",
               std::bind_front(&AccountsApi::speaker_sessions, this));
    routes.add(HttpMethod::get, "/api/v1/events/{event}/stats/programme",
               std::bind_front(&AccountsApi::programme_stats, this));
}

HttpResponse AccountsApi::create_account(const HttpRequest& request, const PathParams& params,
                                         const Caller& caller) {
    const std::string& event_id = params.at("event");
    const auto programme = organised_event(catalog_, caller, event_id);
    if (!programme)
        return error_response(programme.error());
    auto body = json_body(request);
    if (!body)
        return error_response(body.error());
    const std::string role_text = body->value("role", "");
    const auto role = role_from_string(role_text);
    if (!role) {
        return error_response(Error{ErrorCode::bad_field,
                                    "role: must be organiser, staff, speaker or "
                                    "captioner"});
    }
    const json name = body->value("name", json(nullptr));
    const json person = body->value("person", json(nullptr));
    if ((!name.is_null() && !name.is_string()) || (!person.is_null() && !person.is_string()))
        return error_response(Error{ErrorCode::bad_field, "name and person must be strings"});
    const std::string person_id = person.is_string() ? person.get<std::string>() : "";
    if (*role == Role::speaker && !(*programme)->find_person(person_id)) {
        return error_response(
            Error{ErrorCode::bad_field,
                  "person: " + in_quotes(person_id) + " is not in event " + in_quotes(event_id)});
    }
    std::string account_name = name.is_string() ? name.get<std::string>() : person_id;
    auto issued =
        tokens_.create_account(account_name, *role, person_id, {event_id}, caller.actor());
    if (!issued)
        return error_response(issued.error());
    json answer = account_json(issued->account);
    answer["token"] = issued->token;
    if (*role == Role::speaker)
        answer["link"] = speaker_link(issued->token);
    return json_response(201, answer);
}

HttpResponse AccountsApi::event_accounts(const HttpRequest&, const PathParams& params,
                                         const Caller& caller) {
    const std::string& event_id = params.at("event");
    if (const Status allowed = require_organiser_of(caller, event_id); !allowed)
        return error_response(allowed.error());
    json accounts = json::array();
    for (const Account& account : tokens_.accounts_in_event(event_id))
        accounts.push_back(account_json(account, event_id));
    return json_response(200, {{"event", event_id}, {"accounts", accounts}});
}

HttpResponse AccountsApi::withdraw_account(const HttpRequest&, const PathParams& params,
                                           const Caller& caller) {
    const std::string& event_id = params.at("event");
    if (const Status allowed = require_organiser_of(caller, event_id); !allowed)
        return error_response(allowed.error());
    const int64_t id = std::strtoll(params.at("account").c_str(), nullptr, 10);
    // Only this event's grant: an organiser of one event cannot end what the account does in
    // another.
    const auto withdrawn = tokens_.withdraw(id, event_id);
    if (!withdrawn) {
        return error_response(
            Error{ErrorCode::not_found,
                  "event " + in_quotes(event_id) + " has no account " + params.at("account")});
    }
    return json_response(
        200, {{"revoked", id}, {"event", event_id}, {"tokens_revoked", withdrawn->tokens_revoked}});
}

HttpResponse AccountsApi::speaker_sessions(const HttpRequest&, const PathParams&,
                                           const Caller& caller) {
    if (const Status allowed = require_speaker(caller); !allowed)
        return error_response(allowed.error());
    const Instant now = now_utc();
    json events = json::array();
    json person = nullptr;
    // A speaker sees their own sessions even before they are published: they need to
    // prepare. Nothing else unpublished is shown.
    for (const Programme& programme : catalog_.programmes()) {
        if (!caller.account->acts_in(programme.event.id))
            continue;
        if (const auto* p = programme.find_person(caller.account->person_id))
            person = {{"id", p->id}, {"name", p->name}, {"affiliation", p->affiliation}};
        events.push_back(
            {{"event", schedule::event_fields_json(programme.event)},
             {"sessions", speaker_sessions_json(programme, caller.account->person_id, now)}});
    }
    return json_response(
        200,
        {{"person", person}, {"server_time", format_instant(now)}, {"events", std::move(events)}});
}

HttpResponse AccountsApi::programme_stats(const HttpRequest&, const PathParams& params,
                                          const Caller& caller) {
    const auto programme = staffed_event(catalog_, caller, params.at("event"));
    if (!programme)
        return error_response(programme.error());
    return json_response(200, schedule::programme_stats_json(**programme, now_utc()));
}

}  // namespace stagehub::server
