// The log line of an error answer, naming its request id, so the id a user reports (from
// an error body or the X-Request-Id header) finds what happened: API errors (4xx, except
// 429, whose floods are counted in metrics, not logged one by one) at INFO with their code
// only, at most 120 lines a minute, and every 5xx with its message at WARNING. A missing
// page or file (404 outside the API) is not an event worth a line.
//
// Threads: the loop thread (HttpServer::Config::on_answered).
#pragma once

#include "server/app/request_class.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

void log_error_answer(const HttpRequest& request, const HttpResponse& response,
                      RequestClass request_class);

}  // namespace stagehub::server
