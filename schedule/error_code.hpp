// The machine codes of expected failures, as one closed list: a client can switch over
// them (docs/API.md, "Errors"; docs/PROTOCOL.md for the websocket's), and the HTTP edge
// maps every one to a status in one table (server/auth/error_status.hpp) that the compiler
// checks is complete. On the wire a code is its enumerator's name. forbidden_origin,
// method_not_allowed, payload_too_large and unsupported_media_type are listed for clients
// but spelled by the HTTP core itself (server/http knows no ErrorCode), as are its
// transport-only refusals (bad_query, bad_path, uri_too_long, header_too_large,
// length_required, request_timeout).
#pragma once

#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string_view>

namespace stagehub {

// X(name): every code once, grouped as docs/API.md's table is.
// clang-format off
#define STAGEHUB_ERROR_CODES(X) \
    /* the request itself */ \
    X(bad_json) \
    X(bad_field) \
    X(bad_request) \
    X(invalid) \
    X(bad_arguments) \
    X(bad_csv) \
    /* who asks */ \
    X(unauthorized) \
    X(forbidden) \
    X(forbidden_origin) \
    /* what is asked for */ \
    X(not_found) \
    X(method_not_allowed) \
    X(upgrade_required) \
    /* websocket requests (docs/PROTOCOL.md) */ \
    X(unsupported) \
    X(unknown_channel) \
    X(not_subscribed) \
    X(too_many_subscriptions) \
    /* the programme as it stands */ \
    X(overlap) \
    X(person_double_booked) \
    X(outside_event_days) \
    X(id_conflict) \
    X(bad_state) \
    X(full) \
    X(not_broadcast) \
    X(no_running_order) \
    /* the body */ \
    X(payload_too_large) \
    X(unsupported_media_type) \
    /* well-formed but invalid content */ \
    X(invalid_programme) \
    X(invalid_import) \
    X(invalid_captions) \
    X(invalid_registration) \
    X(bad_panel_order) \
    X(unknown_stage) \
    X(unknown_person) \
    X(bad_duration) \
    X(bad_time) \
    X(bad_day) \
    X(unknown_time_zone) \
    X(bad_follow_up) \
    X(duplicate_id) \
    X(duplicate_person) \
    X(bad_id) \
    X(bad_source) \
    X(unsupported_format) \
    X(unsafe_path) \
    X(cue_too_long) \
    X(too_many_cues) \
    /* heartbeats that cannot be true */ \
    X(unknown_replay) \
    X(impossible_heartbeat) \
    X(clock_off) \
    /* too often */ \
    X(rate_limited) \
    X(too_many_heartbeats) \
    /* the server's side */ \
    X(internal) \
    X(overloaded) \
    X(storage_failed) \
    X(unavailable)
// clang-format on

enum class ErrorCode {
#define STAGEHUB_ERROR_CODE_ENUMERATOR(name) name,
    STAGEHUB_ERROR_CODES(STAGEHUB_ERROR_CODE_ENUMERATOR)
#undef STAGEHUB_ERROR_CODE_ENUMERATOR
};

// The code's wire name, e.g. "bad_field".
std::string_view to_string(ErrorCode code);

// The code of a wire name; nullopt for a name that is none.
std::optional<ErrorCode> error_code_named(std::string_view name);

// Every code, in the list's order.
std::span<const ErrorCode> all_error_codes();

// A code equals its wire name: what clients compare, and what tests state.
inline bool operator==(ErrorCode code, std::string_view name) {
    return to_string(code) == name;
}

std::ostream& operator<<(std::ostream& out, ErrorCode code);

// In JSON, by its wire name (nlohmann would otherwise write an enum as its number).
void to_json(nlohmann::json& json, ErrorCode code);

}  // namespace stagehub
