// The server's clock as every response and message states it ("2026-11-23T10:00:00.123Z",
// UTC, milliseconds), so clients correct countdowns for their own clock.
#pragma once

#include <string>

namespace stagehub::server {

std::string server_time();

}  // namespace stagehub::server
