#include "server/app/request_log.hpp"

#include <glib.h>

#include <string>

#include "server/app/log_writer.hpp"
#include "server/auth/speaker_link.hpp"
#include "server/http/request_id.hpp"

namespace stagehub::server {
namespace {

bool worth_a_line(const HttpResponse& response, RequestClass request_class) {
    if (response.status >= 500)
        return true;
    if (response.status < 400 || response.status == 429)
        return false;
    return request_class == RequestClass::api || request_class == RequestClass::health ||
           request_class == RequestClass::metrics;
}

}  // namespace

void log_error_answer(const HttpRequest& request, const HttpResponse& response,
                      RequestClass request_class) {
    if (!worth_a_line(response, request_class))
        return;
    const auto error = error_summary(response);
    const std::string message =
        "request " + request.request_id + ": " + std::string(to_string(request.method)) + " " +
        loggable_path(request.path) + " answered " + std::to_string(response.status) +
        (error ? " " + error->code + ": " + error->message : std::string());
    log_with_request_id(response.status >= 500 ? G_LOG_LEVEL_WARNING : G_LOG_LEVEL_MESSAGE,
                        request.request_id, message);
}

}  // namespace stagehub::server
