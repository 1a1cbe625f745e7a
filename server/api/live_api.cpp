#include "server/api/live_api.hpp"

#include <cmath>

#include "schedule/bounded_number.hpp"
#include "schedule/live_operations.hpp"
#include "server/api/caller_route.hpp"
#include "server/api/edit_request.hpp"
#include "server/api/request_body.hpp"

namespace stagehub::server {

using nlohmann::json;
using schedule::Outcome;
using schedule::Programme;

namespace {

// What an operation needs from its request: the event as it is and the body's fields.
struct OperationRequest {
    const Programme& programme;
    const json& body;
    const PathParams& params;
    Instant now;
};

using Operation = std::function<Result<Outcome>(const OperationRequest&)>;

Result<schedule::CascadeMode> cascade_mode(const json& body) {
    const auto it = body.find("mode");
    if (it == body.end() || it->is_null())
        return schedule::CascadeMode::shift_all;
    if (it->is_string()) {
        if (auto mode = schedule::cascade_mode_from_string(it->get<std::string>()))
            return *mode;
    }
    return Error{ErrorCode::bad_field,
                 "mode: must be \"shift_all\" (push every later session that "
                 "would overlap) or \"absorb_into_breaks\" (shrink the next break "
                 "first)"};
}

Result<std::string> text_field(const json& body, const char* key) {
    // A copy, not an iterator: GCC's -Wnull-dereference cannot follow one through here.
    const json value = body.value(key, json());
    if (!value.is_string() || value.get_ref<const std::string&>().empty())
        return Error{ErrorCode::bad_field, std::string(key) + ": missing (a string)"};
    return value.get<std::string>();
}

Result<Outcome> apply_delay(const OperationRequest& o) {
    // In whole seconds, at most a week: later than that is a new date, not a delay,
    // and the cascade's arithmetic stays far from overflowing.
    constexpr int64_t kMaxDelaySeconds = 7 * 24 * 3600;
    const auto minutes = o.body.find("minutes");
    const auto seconds =
        minutes == o.body.end() || !minutes->is_number()
            ? std::nullopt
            : schedule::rounded_within(minutes->get<double>() * 60, 1, kMaxDelaySeconds);
    if (!seconds) {
        return Result<Outcome>(Error{ErrorCode::bad_field,
                                     "minutes: how late, a number above zero and at most a week "
                                     "(10080), e.g. 10"});
    }
    auto mode = cascade_mode(o.body);
    if (!mode)
        return Result<Outcome>(mode.error());
    const Seconds by{*seconds};
    return schedule::delay_session(o.programme, o.params.at("session"), by, *mode, o.now);
}

Result<Outcome> apply_start_now(const OperationRequest& o) {
    auto mode = cascade_mode(o.body);
    if (!mode)
        return Result<Outcome>(mode.error());
    return schedule::start_now(o.programme, o.params.at("session"), o.now, *mode);
}

Result<Outcome> apply_end_now(const OperationRequest& o) {
    return schedule::end_now(o.programme, o.params.at("session"), o.now);
}

Result<Outcome> apply_cancel(const OperationRequest& o) {
    return schedule::cancel_session(o.programme, o.params.at("session"), o.now);
}

Result<Outcome> apply_restore(const OperationRequest& o) {
    return schedule::restore_session(o.programme, o.params.at("session"));
}

Result<Outcome> apply_move(const OperationRequest& o) {
    const schedule::Session& current = *o.programme.find_session(o.params.at("session"));
    std::string stage = current.stage_id;
    if (const auto it = o.body.find("stage"); it != o.body.end()) {
        if (!it->is_string())
            return Result<Outcome>(Error{ErrorCode::bad_field, "stage: must be a stage id"});
        stage = it->get<std::string>();
    }
    auto start_text = text_field(o.body, "start");
    if (!start_text)
        return Result<Outcome>(start_text.error());
    auto start = parse_instant(*start_text);
    if (!start)
        return Result<Outcome>(Error{ErrorCode::bad_field, "start: " + start.error().message});
    return schedule::move_session(o.programme, o.params.at("session"), stage, *start, o.now);
}

Result<Outcome> apply_panel_order(const OperationRequest& o) {
    const auto people = o.body.find("people");
    std::vector<std::string> order;
    bool ok = people != o.body.end() && people->is_array();
    if (ok) {
        for (const json& id : *people) {
            ok = ok && id.is_string();
            if (id.is_string())
                order.push_back(id.get<std::string>());
        }
    }
    if (!ok) {
        return Result<Outcome>(Error{ErrorCode::bad_field,
                                     "people: the session's person ids "
                                     "in the new speaking order"});
    }
    return schedule::reorder_panel(o.programme, o.params.at("session"), order);
}

Result<Outcome> apply_swap(const OperationRequest& o) {
    const json sessions = o.body.value("sessions", json());  // a copy: see text_field
    if (!sessions.is_array() || sessions.size() != 2 || !sessions[0].is_string() ||
        !sessions[1].is_string()) {
        return Result<Outcome>(
            Error{ErrorCode::bad_field, "sessions: the ids of the two sessions to swap"});
    }
    return schedule::swap_sessions(o.programme, sessions[0].get<std::string>(),
                                   sessions[1].get<std::string>(), o.now);
}

}  // namespace

void LiveApi::add_routes(ApiRouter& router) {
    // Every operation: organiser of the event, the event and session exist, then the pure
    // operation, then the editor commits (or previews, for a dry run).
    const auto operation = [&](HttpMethod method, const std::string& pattern,
                               const std::string& name, Operation apply) {
        add_caller_route(
            router, tokens_, method, pattern,
            [this, name, apply](const HttpRequest& r, const PathParams& p, const Caller& c) {
                const std::string& event_id = p.at("event");
                const auto session_id = p.find("session");
                auto start = session_id == p.end()
                                 ? begin_edit(catalog_, r, event_id, c, EditBody::none)
                                 : begin_session_edit(catalog_, r, event_id, session_id->second, c,
                                                      EditBody::none);
                if (!start)
                    return error_response(start.error());
                const Programme* before = start->before;
                // Read after the session is known: operations without parameters may be
                // sent with no body.
                auto body = optional_json_body(r);
                if (!body)
                    return error_response(body.error());
                auto outcome = apply(OperationRequest{*before, *body, p, now_utc()});
                if (!outcome)
                    return error_response(outcome.error());
                ProgrammeEditor::Edit edit{std::move(outcome->programme),
                                           std::move(outcome->changed), name,
                                           std::move(outcome->summary), false};
                return editor_.commit(c, before, std::move(edit), wants_dry_run(r, *body));
            });
    };
    const std::string session = "/api/v1/events/{event}/sessions/{session}";

    operation(HttpMethod::post, session + "/delay", "delay", apply_delay);
    operation(HttpMethod::post, session + "/start-now", "start_now", apply_start_now);
    operation(HttpMethod::post, session + "/end-now", "end_now", apply_end_now);
    operation(HttpMethod::post, session + "/cancel", "cancel", apply_cancel);
    operation(HttpMethod::post, session + "/restore", "restore", apply_restore);
    operation(HttpMethod::post, session + "/move", "move", apply_move);
    operation(HttpMethod::put, session + "/panel-order", "panel_order", apply_panel_order);
    operation(HttpMethod::post, "/api/v1/events/{event}/swap", "swap", apply_swap);
}

}  // namespace stagehub::server
