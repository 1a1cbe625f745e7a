// The error values the REST handlers share: how a message quotes a name, a body's field
// problems as one answer, and the "not found" answers for events, stages and sessions.
// One wording for each, so every handler says them alike (clients and tests read them).
//
// Threads: any (pure functions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schedule/result.hpp"

namespace stagehub::server {

// 'text': how a message names an id, a title or a value the client sent.
std::string in_quotes(std::string_view text);

// Problems found while reading a body (at least one), as one "bad_field" naming every
// field, separated by "; ".
Error bad_fields(const std::vector<std::string>& problems);

// 404s. An event the caller may not see is answered as one that does not exist, so its
// existence is not revealed.
Error no_such_event(std::string_view event_id);
Error no_such_stage(std::string_view event_id, std::string_view stage);
Error no_such_session(std::string_view event_id, std::string_view session_id);

}  // namespace stagehub::server
