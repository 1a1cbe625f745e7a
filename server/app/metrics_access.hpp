// Who may read /metrics: a client on this machine (a Prometheus beside the server), or one
// that shows the scrape token (--metrics-token-file). The figures name stages and show
// load; they are for the operators, not the public.
//
// Behind a reverse proxy every request comes from loopback, so a request carrying
// X-Forwarded-For (which a proxy sets) is never taken as local: it needs the token. The
// shipped nginx site should not pass /metrics on at all (docs/OPERATIONS.md, "Monitoring").
//
// Threads: any (pure), except read_metrics_token (reads a file).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "schedule/result.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

// The token in FILE: its first line, without surrounding blanks; at least 16 characters
// (a scrape token is a password).
Result<std::string> read_metrics_token(const std::filesystem::path& file);

// "127.0.0.1" (any of 127.0.0.0/8), "::1", "::ffff:127.…".
bool is_loopback(std::string_view address);

// nullopt: the request may read the metrics. Else its refusal: 401 (with
// WWW-Authenticate) for a wrong or missing token when one is configured, 403 when none is
// and the client is not local.
std::optional<HttpResponse> refuse_metrics(const HttpRequest& request,
                                           const std::optional<std::string>& token);

}  // namespace stagehub::server
