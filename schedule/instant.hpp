// Points in time. The schedule stores and computes in UTC; the event's time zone is for
// display only (done by clients), so one type suffices: seconds since the Unix epoch.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "schedule/result.hpp"

namespace stagehub {

using Instant = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

// Parses ISO 8601 / RFC 3339 date-times with a zone: "2019-05-21T08:30:00Z",
// "2019-05-21T08:30:00+02:00", "2019-05-21T08:30+02:00". A time without a zone is
// rejected: guessing the zone is how programmes end up an hour off.
Result<Instant> parse_instant(std::string_view text);

// "2019-05-21T06:30:00Z".
std::string format_instant(Instant at);

// "2019-05-21T06:30:00.123Z": for server timestamps that clients use to correct their clocks.
std::string format_instant_ms(std::chrono::sys_time<std::chrono::milliseconds> at);

// The server's clock as every response and message states it ("2026-11-23T10:00:00.123Z",
// UTC, milliseconds), so clients correct countdowns for their own clock.
std::string server_time();

// Current time, truncated to whole seconds (schedule precision).
Instant now_utc();

}  // namespace stagehub
