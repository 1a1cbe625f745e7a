#include "server/api/api_errors.hpp"

namespace stagehub::server {

std::string in_quotes(std::string_view text) {
    std::string q = "'";
    q.append(text).append("'");
    return q;
}

Error bad_fields(const std::vector<std::string>& problems) {
    std::string message = problems.front();
    for (size_t i = 1; i < problems.size(); ++i)
        message.append("; ").append(problems[i]);
    return Error{ErrorCode::bad_field, std::move(message)};
}

Error no_such_event(std::string_view event_id) {
    return Error{ErrorCode::not_found, "there is no event " + in_quotes(event_id)};
}

Error no_such_stage(std::string_view event_id, std::string_view stage) {
    return Error{ErrorCode::not_found,
                 "event " + in_quotes(event_id) + " has no stage " + in_quotes(stage)};
}

Error no_such_session(std::string_view event_id, std::string_view session_id) {
    return Error{ErrorCode::not_found,
                 "event " + in_quotes(event_id) + " has no session " + in_quotes(session_id)};
}

}  // namespace stagehub::server
