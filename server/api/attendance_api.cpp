#include "server/api/attendance_api.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "schedule/instant.hpp"
#include "schedule/time_zone.hpp"
#include "server/api/api_errors.hpp"
#include "server/api/caller_route.hpp"
#include "server/api/event_access.hpp"
#include "server/api/qr_code.hpp"
#include "server/api/request_body.hpp"
#include "server/auth/access.hpp"

namespace stagehub::server {

using attendance::Admission;
using attendance::Registration;
using attendance::RegistrationMode;
using attendance::TimePoint;
using nlohmann::json;
using schedule::Programme;
using schedule::Session;

namespace {

TimePoint to_time_point(Instant at) {
    return TimePoint{std::chrono::duration_cast<attendance::Millis>(at.time_since_epoch())};
}

// Rate limits count real time, whatever clock attendance plays.
AddressRateLimit::TimePoint wall_clock() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
}

Instant to_instant(TimePoint at) {
    return std::chrono::floor<Seconds>(at);
}

// The event's wall clock at an instant. The zone was validated when the event was stored;
// should it ever be unknown, UTC is shown rather than nothing.
schedule::LocalTime local_time(Instant at, std::string_view zone) {
    auto local = schedule::to_local(at, zone);
    return local ? *local : *schedule::to_local(at, "UTC");
}

std::string qr_path(const std::string& code) {
    std::string path = "/api/v1/check-in/";
    path.append(code).append("/qr.svg");
    return path;
}

json optional_text(const std::string& text) {
    return text.empty() ? json(nullptr) : json(text);
}

// A registration as the person who registered and the organisers see it.
json registration_json(const Registration& r) {
    return {{"id", r.id},
            {"event", r.event_id},
            {"code", r.code},
            {"name", r.name},
            {"email", optional_text(r.email)},
            {"mode", attendance::to_string(r.mode)},
            {"created", format_instant(to_instant(r.created))},
            {"qr", qr_path(r.code)}};
}

// What the door device shows: who it is, not how to reach them.
json door_json(const std::optional<Registration>& r) {
    if (!r)
        return nullptr;
    return {{"id", r->id},
            {"code", r->code},
            {"name", r->name},
            {"mode", attendance::to_string(r->mode)}};
}

// A registration as sent by the attendee (or by an organiser at the desk).
struct NewRegistration {
    std::string name;
    std::string email;  // empty when not given
    RegistrationMode mode;
};

Result<NewRegistration> read_registration(const HttpRequest& request) {
    auto body = json_body(request);
    if (!body)
        return body.error();
    const auto name = body->find("name");
    const auto email = body->find("email");
    const auto mode = body->find("mode");
    std::vector<std::string> problems;
    if (name == body->end() || !name->is_string())
        problems.emplace_back("name: required, a string (the attendee's name)");
    if (email != body->end() && !email->is_null() && !email->is_string())
        problems.emplace_back("email: a string when given (or leave it out)");
    if (mode == body->end() || !mode->is_string())
        problems.emplace_back("mode: required, \"in_person\" or \"web\"");
    if (!problems.empty())
        return bad_fields(problems);
    const auto parsed_mode = attendance::registration_mode_from_string(mode->get<std::string>());
    if (!parsed_mode) {
        std::string message = "mode: ";
        message.append(in_quotes(mode->get<std::string>()))
            .append(
                " is not a mode; use \"in_person\" (coming to the venue) or "
                "\"web\" (watching online)");
        return Error{ErrorCode::invalid_registration, std::move(message)};
    }
    const std::string email_text =
        email != body->end() && email->is_string() ? email->get<std::string>() : "";
    return NewRegistration{name->get<std::string>(), email_text, *parsed_mode};
}

// A scan as sent by the door device: a code, or a walk-in.
struct Scan {
    std::string code;  // empty for a walk-in
    bool walk_in = false;
};

Result<Scan> read_scan(const HttpRequest& request) {
    auto body = json_body(request);
    if (!body)
        return body.error();
    const auto code = body->find("code");
    const auto walk_in = body->find("walk_in");
    const bool has_code = code != body->end() && !code->is_null();
    const bool has_walk_in = walk_in != body->end() && !walk_in->is_null();
    std::vector<std::string> problems;
    if (has_code && !code->is_string())
        problems.emplace_back("code: must be a string like \"K7QF-3M\"");
    if (has_walk_in && !walk_in->is_boolean())
        problems.emplace_back("walk_in: must be true or false");
    if (!problems.empty())
        return bad_fields(problems);
    Scan scan;
    scan.walk_in = has_walk_in && walk_in->get<bool>();
    if (has_code)
        scan.code = code->get<std::string>();
    if (has_code && scan.walk_in)
        return bad_fields({"send either code or \"walk_in\": true, not both"});
    if (!has_code && !scan.walk_in) {
        return bad_fields(
            {"code: required (the code on the attendee's QR code, like \"K7QF-3M\"), or send "
             "\"walk_in\": true for someone without a registration"});
    }
    return scan;
}

struct SessionPlace {
    const Programme* programme = nullptr;
    const Session* session = nullptr;
};

// The session and its event, when this caller may know of it: hidden ones are 404 for
// everyone but the accounts of their event.
std::optional<SessionPlace> find_session(const schedule::ProgrammeCatalog& catalog,
                                         const Caller& caller, std::string_view session_id) {
    for (const Programme& programme : catalog.programmes()) {
        const Session* session = programme.find_session(session_id);
        if (session == nullptr)
            continue;
        const bool insider = caller.account && caller.account->acts_in(programme.event.id);
        if (!insider && !may_see_session(caller.account, programme, *session))
            return std::nullopt;
        return SessionPlace{&programme, session};
    }
    return std::nullopt;
}

Error no_session(std::string_view session_id) {
    std::string message = "there is no session ";
    message.append(in_quotes(session_id));
    return Error{ErrorCode::not_found, std::move(message)};
}

// The session for a caller who may know of it (404 otherwise) and who passes `require` in
// its event (401/403): organisers mark presence, staff read it.
Result<SessionPlace> session_for(const schedule::ProgrammeCatalog& catalog, const Caller& caller,
                                 std::string_view session_id,
                                 Status (*require)(const Caller&, std::string_view)) {
    const auto place = find_session(catalog, caller, session_id);
    if (!place)
        return no_session(session_id);
    if (const Status allowed = require(caller, place->programme->event.id); !allowed)
        return allowed.error();
    return *place;
}

int64_t stage_capacity(const SessionPlace& place) {
    const schedule::Stage* stage = place.programme->find_stage(place.session->stage_id);
    return stage ? stage->capacity : 0;
}

// The answer to a scan, at the door or at a session: 201 when this scan counted, 200 with
// the first time when it had already.
HttpResponse admission_response(const Admission& admission, std::string_view zone, json answer,
                                const char* counted, const char* already,
                                const char* already_message) {
    const Instant at = to_instant(admission.at);
    const std::string at_local = local_time(at, zone).hh_mm();
    const bool first = admission.status == Admission::Status::checked_in;
    answer["status"] = first ? counted : already;
    answer["walk_in"] = !admission.registration.has_value();
    answer["registration"] = door_json(admission.registration);
    answer[first ? "at" : "first_at"] = format_instant(at);
    answer["at_local"] = at_local;
    if (!first)
        answer["message"] = std::string(already_message).append(at_local);
    answer["count"] = admission.count;
    answer["server_time"] = server_time();
    return json_response(first ? 201 : 200, answer);
}

}  // namespace

void AttendanceApi::add_routes(ApiRouter& router) {
    CallerRoutes routes(router, tokens_);
    const std::string event = "/api/v1/events/{event}";
    const std::string session = "/api/v1/sessions/{session}";
    routes.add(HttpMethod::post, event + "/registrations",
               std::bind_front(&AttendanceApi::register_attendee, this));
    routes.add(HttpMethod::get, event + "/registrations",
               std::bind_front(&AttendanceApi::registrations, this));
    routes.add(HttpMethod::delete_, event + "/registrations/{id}",
               std::bind_front(&AttendanceApi::remove_registration, this));
    routes.add(HttpMethod::get, "/api/v1/check-in/{code}/qr.svg",
               std::bind_front(&AttendanceApi::check_in_qr, this));
    routes.add(HttpMethod::post, event + "/check-ins",
               std::bind_front(&AttendanceApi::check_in, this));
    routes.add(HttpMethod::get, event + "/check-ins",
               std::bind_front(&AttendanceApi::check_ins, this));
    routes.add(HttpMethod::post, session + "/presence",
               std::bind_front(&AttendanceApi::mark_present, this));
    routes.add(HttpMethod::get, session + "/presence",
               std::bind_front(&AttendanceApi::presence, this));
}

HttpResponse AttendanceApi::register_attendee(const HttpRequest& request, const PathParams& params,
                                              const Caller& caller) {
    const std::string& event_id = params.at("event");
    if (!visible_event(catalog_, caller, event_id))
        return error_response(no_such_event(event_id));
    // Organisers registering people at the desk are not limited; the public is.
    if (!caller.organises(event_id)) {
        if (const auto wait = registration_limit_.refuse(request.peer, wall_clock()))
            return rate_limited_response(*wait, "too many registrations");
    }
    const auto fields = read_registration(request);
    if (!fields)
        return error_response(fields.error());
    auto registration = registrations_.register_attendee(event_id, fields->name, fields->email,
                                                         fields->mode, to_time_point(now()));
    if (!registration)
        return error_response(registration.error());
    return json_response(201, registration_json(*registration));
}

HttpResponse AttendanceApi::registrations(const HttpRequest&, const PathParams& params,
                                          const Caller& caller) {
    const std::string& event_id = params.at("event");
    const auto programme = organised_event(catalog_, caller, event_id);
    if (!programme)
        return error_response(programme.error());
    const std::string today = local_time(now(), (*programme)->event.time_zone).date_text();
    json list = json::array();
    for (const auto& attendee : registrations_.list(event_id)) {
        json item = registration_json(attendee.registration);
        json days = json::array();
        for (const auto& [day, at] : attendee.checked_in)
            days.push_back({{"day", day}, {"at", format_instant(to_instant(at))}});
        item["checked_in_today"] = attendee.checked_in.contains(today);
        item["checked_in"] = std::move(days);
        list.push_back(std::move(item));
    }
    return json_response(200, {{"event", event_id},
                               {"day", today},
                               {"count", list.size()},
                               {"registrations", std::move(list)}});
}

HttpResponse AttendanceApi::remove_registration(const HttpRequest&, const PathParams& params,
                                                const Caller& caller) {
    const std::string& event_id = params.at("event");
    if (const auto programme = organised_event(catalog_, caller, event_id); !programme)
        return error_response(programme.error());
    const std::string& id_text = params.at("id");
    const bool numeric = !id_text.empty() && id_text.size() <= 18 &&
                         id_text.find_first_not_of("0123456789") == std::string::npos;
    const int64_t id = numeric ? std::stoll(id_text) : 0;
    if (const Status removed = registrations_.remove(event_id, id); !removed)
        return error_response(removed.error());
    return json_response(200, {{"deleted", id}});
}

// Every lookup counts against the address, found or not, before anything is looked up.
HttpResponse AttendanceApi::check_in_qr(const HttpRequest& request, const PathParams& params,
                                        const Caller&) {
    if (const auto wait = code_lookup_limit_.refuse(request.peer, wall_clock()))
        return rate_limited_response(*wait, "too many codes looked up");
    const auto registration = registrations_.find_by_code(params.at("code"));
    if (!registration) {
        std::string message = "there is no registration with code ";
        message.append(in_quotes(params.at("code")));
        return error_response(Error{ErrorCode::not_found, std::move(message)});
    }
    auto symbol = encode_qr(registration->code);
    if (!symbol)
        return error_response(symbol.error());
    HttpResponse response;
    response.content_type = "image/svg+xml";
    response.body = qr_svg(*symbol);
    // Private: the picture is the code. It never changes while the code exists.
    response.header("cache-control", "private, max-age=86400");
    return response;
}

HttpResponse AttendanceApi::check_in(const HttpRequest& request, const PathParams& params,
                                     const Caller& caller) {
    const std::string& event_id = params.at("event");
    const auto programme = organised_event(catalog_, caller, event_id);
    if (!programme)
        return error_response(programme.error());
    auto scan = read_scan(request);
    if (!scan)
        return error_response(scan.error());
    const Instant at = now();
    const std::string& zone = (*programme)->event.time_zone;
    const std::string today = local_time(at, zone).date_text();
    auto admission = scan->walk_in ? registrations_.check_in_walk_in(
                                         event_id, today, to_time_point(at), caller.actor())
                                   : registrations_.check_in(event_id, scan->code, today,
                                                             to_time_point(at), caller.actor());
    if (!admission)
        return error_response(admission.error());
    return admission_response(*admission, zone, {{"event", event_id}, {"day", today}}, "checked_in",
                              "already_checked_in", "already checked in at ");
}

HttpResponse AttendanceApi::check_ins(const HttpRequest&, const PathParams& params,
                                      const Caller& caller) {
    const std::string& event_id = params.at("event");
    const auto programme = staffed_event(catalog_, caller, event_id);
    if (!programme)
        return error_response(programme.error());
    const std::string today = local_time(now(), (*programme)->event.time_zone).date_text();
    const attendance::InPersonCounts counts = attendance::in_person_counts(db_, event_id);
    const auto today_count = counts.per_day.find(today);
    return json_response(200,
                         {{"event", event_id},
                          {"day", today},
                          {"today", today_count == counts.per_day.end() ? 0 : today_count->second},
                          {"per_day", counts.per_day},
                          {"per_session", counts.per_session},
                          {"registered", counts.registered},
                          {"registered_in_person", counts.registered_in_person},
                          {"people", counts.people},
                          {"server_time", server_time()}});
}

HttpResponse AttendanceApi::mark_present(const HttpRequest& request, const PathParams& params,
                                         const Caller& caller) {
    const std::string& session_id = params.at("session");
    const auto place = session_for(catalog_, caller, session_id, require_organiser_of);
    if (!place)
        return error_response(place.error());
    const std::string& event_id = place->programme->event.id;
    auto scan = read_scan(request);
    if (!scan)
        return error_response(scan.error());
    const int64_t capacity = stage_capacity(*place);
    const TimePoint at = to_time_point(now());
    auto admission = scan->walk_in
                         ? registrations_.mark_present_walk_in(session_id, capacity, at)
                         : registrations_.mark_present(session_id, scan->code, capacity, at);
    if (!admission)
        return error_response(admission.error());
    return admission_response(
        *admission, place->programme->event.time_zone,
        {{"event", event_id}, {"session", session_id}, {"capacity", capacity}}, "present",
        "already_present", "already present since ");
}

HttpResponse AttendanceApi::presence(const HttpRequest&, const PathParams& params,
                                     const Caller& caller) {
    const std::string& session_id = params.at("session");
    const auto place = session_for(catalog_, caller, session_id, require_staff_of);
    if (!place)
        return error_response(place.error());
    const std::string& event_id = place->programme->event.id;
    return json_response(200, {{"event", event_id},
                               {"session", session_id},
                               {"present", registrations_.present(session_id)},
                               {"capacity", stage_capacity(*place)},
                               {"server_time", server_time()}});
}

}  // namespace stagehub::server
