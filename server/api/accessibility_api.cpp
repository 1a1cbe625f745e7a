#include "server/api/accessibility_api.hpp"

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "schedule/accessibility/caption_completeness.hpp"
#include "schedule/instant.hpp"
#include "schedule/time_zone.hpp"
#include "server/api/api_errors.hpp"
#include "server/api/caller_route.hpp"
#include "server/api/event_access.hpp"
#include "server/api/request_body.hpp"
#include "server/auth/error_status.hpp"

namespace stagehub::server {

using accessibility::Feedback;
using accessibility::StatementSettings;
using nlohmann::json;
using schedule::Programme;

namespace {

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

AddressRateLimit::TimePoint wall_clock() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
}

std::string iso_ms(int64_t ms) {
    return format_instant(Instant{std::chrono::floor<Seconds>(std::chrono::milliseconds{ms})});
}

std::string date_in(Instant at, std::string_view zone) {
    auto local = schedule::to_local(at, zone);
    return local ? local->date_text() : schedule::to_local(at, "UTC")->date_text();
}

json optional_text(const std::string& text) {
    return text.empty() ? json(nullptr) : json(text);
}

json feedback_json(const Feedback& f) {
    return {{"id", f.id},
            {"event", f.event_id},
            {"received", iso_ms(f.received_ms)},
            {"page", f.page},
            {"language", optional_text(f.language)},
            {"name", optional_text(f.name)},
            {"email", optional_text(f.email)},
            {"message", f.message}};
}

std::string trimmed(std::string text) {
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    const size_t last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

// A message as the form sends it. Unknown fields are refused, so a typo is not lost.
Result<Feedback> read_feedback(const HttpRequest& request) {
    auto body = json_body(request);
    if (!body)
        return body.error();
    Feedback f;
    std::vector<std::string> problems;
    for (auto it = body->begin(); it != body->end(); ++it) {
        const std::string& key = it.key();
        std::string* into = key == "message"    ? &f.message
                            : key == "name"     ? &f.name
                            : key == "email"    ? &f.email
                            : key == "page"     ? &f.page
                            : key == "language" ? &f.language
                                                : nullptr;
        if (into == nullptr) {
            problems.push_back(key + ": not a field of a message (message, name, email, page)");
            continue;
        }
        if (it.value().is_null())
            continue;
        if (!it.value().is_string()) {
            problems.push_back(key + ": must be a string");
            continue;
        }
        *into = it.value().get<std::string>();
    }
    if (!problems.empty())
        return bad_fields(problems);
    f.name = trimmed(std::move(f.name));
    f.email = trimmed(std::move(f.email));
    if (const Status checked = accessibility::check_feedback(f); !checked)
        return checked.error();
    return f;
}

}  // namespace

void AccessibilityApi::add_routes(ApiRouter& router) {
    CallerRoutes routes(router, tokens_);
    const std::string statement = "/api/v1/events/{event}/accessibility";
    routes.add(HttpMethod::get, "/api/v1/accessibility",
               std::bind_front(&AccessibilityApi::list_statements, this));
    routes.add(HttpMethod::get, statement,
               std::bind_front(&AccessibilityApi::show_statement, this));
    routes.add(HttpMethod::put, statement, std::bind_front(&AccessibilityApi::set_statement, this));
    routes.add(HttpMethod::post, statement + "/feedback",
               std::bind_front(&AccessibilityApi::send_feedback, this));
    routes.add(HttpMethod::get, statement + "/feedback",
               std::bind_front(&AccessibilityApi::list_feedback, this));
}

StatementSettings AccessibilityApi::settings_of(const Programme& programme) const {
    if (auto stored = statements_.find(programme.event.id))
        return *std::move(stored);
    // Never saved: honest defaults. "Partially compliant" until the organisers say more,
    // since replays may lack captions; prepared on the event's first day.
    StatementSettings s;
    s.event_id = programme.event.id;
    s.compliance = accessibility::Compliance::partial;
    const Instant first_day =
        programme.event.days.empty() ? now_utc() : programme.event.days.front().start;
    s.prepared = date_in(first_day, programme.event.time_zone);
    return s;
}

json AccessibilityApi::statement_json(const Programme& programme, const Caller& caller) {
    const StatementSettings s = settings_of(programme);
    std::string publisher = s.publisher;
    for (const std::string& organiser : programme.event.organisers) {
        if (!s.publisher.empty())
            break;
        publisher.append(publisher.empty() ? "" : ", ").append(organiser);
    }
    if (publisher.empty())
        publisher = programme.event.title;

    // The replays the public may see now, and which of them lack complete captions.
    const std::vector<std::string> replays =
        public_replays_ ? public_replays_(programme) : std::vector<std::string>{};
    const std::set<std::string> captioned =
        accessibility::sessions_with_complete_captions(db_, replays);
    json uncaptioned = json::array();
    for (const std::string& session_id : replays) {
        if (captioned.contains(session_id))
            continue;
        const schedule::Session* session = programme.find_session(session_id);
        if (session == nullptr)
            continue;
        uncaptioned.push_back({{"session", session->id},
                               {"title", session->title},
                               {"stage", session->stage_id},
                               {"held", format_instant(session->effective_start())}});
    }

    json answer = {{"event",
                    {{"id", programme.event.id},
                     {"title", programme.event.title},
                     {"languages", programme.event.languages}}},
                   {"publisher", publisher},
                   {"contact_email", optional_text(s.contact_email.empty() ? defaults_.contact_email
                                                                           : s.contact_email)},
                   {"compliance", to_string(s.compliance)},
                   {"known_gaps", s.known_gaps},
                   {"prepared", s.prepared},
                   {"reviewed", optional_text(s.reviewed)},
                   {"evaluation", to_string(s.evaluation)},
                   {"country", to_string(s.country)},
                   {"configured", s.updated_ms != 0},
                   {"replays", replays.size()},
                   {"replays_without_complete_captions", std::move(uncaptioned)},
                   {"feedback", "/api/v1/events/" + programme.event.id + "/accessibility/feedback"},
                   {"server_time", server_time()}};
    if (caller.organises(programme.event.id)) {
        answer["updated"] = s.updated_ms ? json(iso_ms(s.updated_ms)) : json(nullptr);
        answer["updated_by"] = optional_text(s.updated_by);
        answer["server_contact_email"] = optional_text(defaults_.contact_email);
        answer["own_contact_email"] = s.contact_email;
        answer["own_publisher"] = s.publisher;
    }
    return answer;
}

HttpResponse AccessibilityApi::list_statements(const HttpRequest&, const PathParams&,
                                               const Caller& caller) {
    json events = json::array();
    for (const Programme& programme : catalog_.programmes()) {
        if (!programme.event.published && !caller.organises(programme.event.id))
            continue;
        events.push_back(
            {{"id", programme.event.id},
             {"title", programme.event.title},
             {"languages", programme.event.languages},
             {"statement", "/api/v1/events/" + programme.event.id + "/accessibility"}});
    }
    return json_response(200, {{"events", std::move(events)},
                               {"contact_email", optional_text(defaults_.contact_email)}});
}

HttpResponse AccessibilityApi::show_statement(const HttpRequest&, const PathParams& params,
                                              const Caller& caller) {
    const auto programme = seen_event(catalog_, caller, params.at("event"));
    if (!programme)
        return error_response(programme.error());
    return json_response(200, statement_json(*programme, caller));
}

HttpResponse AccessibilityApi::set_statement(const HttpRequest& request, const PathParams& params,
                                             const Caller& caller) {
    const auto programme = organised_event(catalog_, caller, params.at("event"));
    if (!programme)
        return error_response(programme.error());
    auto body = json_body(request);
    if (!body)
        return error_response(body.error());
    auto settings = accessibility::read_statement_settings(*body, settings_of(**programme));
    if (!settings)
        return error_response(settings.error());
    settings->updated_ms = now_ms();
    settings->updated_by = caller.actor();
    statements_.save(*settings);
    return json_response(200, statement_json(**programme, caller));
}

HttpResponse AccessibilityApi::send_feedback(const HttpRequest& request, const PathParams& params,
                                             const Caller& caller) {
    const std::string& event_id = params.at("event");
    if (!visible_event(catalog_, caller, event_id))
        return error_response(no_such_event(event_id));
    auto feedback = read_feedback(request);
    if (!feedback)
        return error_response(feedback.error());
    // Counted once the message is good: a person correcting the form is not held back;
    // someone filling the organisers' list is.
    if (const auto wait = feedback_limit_.refuse(request.peer, wall_clock()))
        return rate_limited_response(*wait, "too many messages");
    feedback->event_id = event_id;
    feedback->received_ms = now_ms();
    const Feedback stored = feedback_.add(*std::move(feedback));
    if (push_)
        push_(event_id,
              {{"type", "feedback"}, {"event", event_id}, {"feedback", feedback_json(stored)}});
    return json_response(
        201, {{"id", stored.id}, {"event", event_id}, {"received", iso_ms(stored.received_ms)}});
}

HttpResponse AccessibilityApi::list_feedback(const HttpRequest&, const PathParams& params,
                                             const Caller& caller) {
    const std::string& event_id = params.at("event");
    const auto programme = organised_event(catalog_, caller, event_id);
    if (!programme)
        return error_response(programme.error());
    json list = json::array();
    for (const Feedback& f : feedback_.list(event_id))
        list.push_back(feedback_json(f));
    return json_response(200, {{"event", event_id},
                               {"count", list.size()},
                               {"feedback", std::move(list)},
                               {"server_time", server_time()}});
}

}  // namespace stagehub::server
