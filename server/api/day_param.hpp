// The `?day=YYYY-MM-DD` query parameter: one local day of an event, in the event's time
// zone (attendance::local_days: its programme days and the days its sessions start on).
// The one meaning of the parameter in the statistics and in the calendar export.
//
// Threads: any (a pure function of the request and the programme).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "schedule/model.hpp"
#include "schedule/result.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

// The asked-for day as written ("2026-10-25"), or none when the request has no `?day=`.
// Errors: "invalid" when it is not a date like 2026-10-25 (the message names the parameter
// and the form); `not_a_day_code` when it is a date but not a day of the event (the message
// names the event's days).
Result<std::optional<std::string>> day_param(const HttpRequest& request,
                                             const schedule::Programme& programme,
                                             ErrorCode not_a_day_code);

}  // namespace stagehub::server
