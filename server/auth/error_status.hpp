// The one table from an error code to its HTTP status (docs/API.md, "Errors"), and the
// answer an expected failure gets. It lives in auth, the lowest server layer that knows
// both HTTP answers and the programme's errors, because auth answers with it too.
//
// The HTTP core (server/http) answers its own transport failures (414, 411, 408, 413 on
// the declared length, 405 in the router) with fixed statuses: it knows no ErrorCode.
#pragma once

#include "schedule/result.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

// 400 malformed request, 401/403 access, 404 missing, 409 conflicts with the programme
// as it stands, 413/415 the body, 422 well-formed but invalid content, 429 too often,
// 500 a bug, 503 the server cannot take it now. Every code has one (the compiler checks).
int http_status_for(ErrorCode code);

// {"error": {"code", "message"}} with the code's status; a 401 names the Bearer scheme.
HttpResponse error_response(const Error& error);

}  // namespace stagehub::server
