#include "server/auth/error_status.hpp"

namespace stagehub::server {

int http_status_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_json:
        case ErrorCode::bad_field:
        case ErrorCode::bad_request:
        case ErrorCode::invalid:
        case ErrorCode::bad_arguments:
        case ErrorCode::unknown_replay:
        case ErrorCode::impossible_heartbeat:
        case ErrorCode::clock_off:
            return 400;
        case ErrorCode::unauthorized:
            return 401;
        case ErrorCode::forbidden:
        case ErrorCode::forbidden_origin:
            return 403;
        case ErrorCode::not_found:
            return 404;
        case ErrorCode::method_not_allowed:
            return 405;
        case ErrorCode::upgrade_required:
            return 426;
        // Websocket refusals never reach HTTP; by their kind they are these.
        case ErrorCode::unsupported:
        case ErrorCode::unknown_channel:
            return 404;
        case ErrorCode::not_subscribed:
            return 409;
        case ErrorCode::too_many_subscriptions:
            return 429;
        case ErrorCode::overlap:
        case ErrorCode::person_double_booked:
        case ErrorCode::outside_event_days:
        case ErrorCode::id_conflict:
        case ErrorCode::bad_state:
        case ErrorCode::full:
        case ErrorCode::not_broadcast:
            return 409;
        case ErrorCode::payload_too_large:
            return 413;
        case ErrorCode::unsupported_media_type:
            return 415;
        case ErrorCode::invalid_programme:
        case ErrorCode::bad_csv:
        case ErrorCode::no_running_order:
        case ErrorCode::invalid_import:
        case ErrorCode::invalid_captions:
        case ErrorCode::invalid_registration:
        case ErrorCode::bad_panel_order:
        case ErrorCode::unknown_stage:
        case ErrorCode::unknown_person:
        case ErrorCode::bad_duration:
        case ErrorCode::bad_time:
        case ErrorCode::bad_day:
        case ErrorCode::unknown_time_zone:
        case ErrorCode::bad_follow_up:
        case ErrorCode::duplicate_id:
        case ErrorCode::duplicate_person:
        case ErrorCode::bad_id:
        case ErrorCode::bad_source:
        case ErrorCode::unsupported_format:
        case ErrorCode::unsafe_path:
        case ErrorCode::cue_too_long:
        case ErrorCode::too_many_cues:
            return 422;
        case ErrorCode::rate_limited:
        case ErrorCode::too_many_heartbeats:
            return 429;
        case ErrorCode::internal:
            return 500;
        case ErrorCode::overloaded:
        case ErrorCode::storage_failed:
        case ErrorCode::unavailable:
            return 503;
    }
    return 500;  // not reached: every code has a case
}

HttpResponse error_response(const Error& error) {
    HttpResponse response =
        error_response(http_status_for(error.code), to_string(error.code), error.message);
    if (error.code == ErrorCode::unauthorized)
        response.header("www-authenticate", "Bearer realm=\"stagehub\"");
    return response;
}

}  // namespace stagehub::server
