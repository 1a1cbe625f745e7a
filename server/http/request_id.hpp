// Request ids: every HTTP request gets one, so a user's report ("it said request 3f9c…")
// finds its log line. A client (or a proxy in front) may bring its own X-Request-Id; it is
// taken only when short and made of safe characters, since it goes into headers, JSON and
// log lines. The id comes back in the X-Request-Id header of every answer, and inside an
// error answer's object ({"error":{"code","message","request_id"}}).
//
// Threads: RequestIds on the loop thread (one per server); the functions on any.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "server/http/http_message.hpp"

namespace stagehub::server {

// At most this long, made of letters, digits, '-', '_', '.', ':' (a UUID fits).
inline constexpr size_t kMaxRequestIdBytes = 64;
bool acceptable_request_id(std::string_view id);

class RequestIds {
  public:
    RequestIds();
    // `incoming` if acceptable, else a new random 16-hex-digit id.
    std::string id_for(std::string_view incoming);

  private:
    std::mt19937_64 random_;
};

// Adds the X-Request-Id header and, to an error answer of JSON shape
// {"error":{…}}, its "request_id". Other bodies are left as they are.
void stamp_request_id(HttpResponse& response, const std::string& id);

// The error object's code and message of an error answer, or nullopt when the answer is
// not a JSON error (for its log line).
struct ErrorSummary {
    std::string code;
    std::string message;
};
std::optional<ErrorSummary> error_summary(const HttpResponse& response);

}  // namespace stagehub::server
