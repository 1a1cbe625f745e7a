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

// 4xx answers are the public's to cause, at any rate: at most this many lines a minute,
// then one line saying how many were left out (journald's own rate limit would otherwise
// drop the server's warnings together with the flood).
constexpr int kClientErrorLinesPerMinute = 120;

struct ClientErrorBudget {
    gint64 minute = -1;
    int written = 0;
    int left_out = 0;
};

// Whether this 4xx may have its line; opens a new minute (and says what the last one left
// out) when the clock has moved on.
bool take_client_error_line(ClientErrorBudget& budget) {
    const gint64 minute = g_get_monotonic_time() / (60 * G_USEC_PER_SEC);
    if (minute != budget.minute) {
        if (budget.left_out > 0) {
            g_message("%d more client error answers in the last minute were not logged",
                      budget.left_out);
        }
        budget = {minute, 0, 0};
    }
    if (budget.written >= kClientErrorLinesPerMinute) {
        ++budget.left_out;
        return false;
    }
    ++budget.written;
    return true;
}

}  // namespace

void log_error_answer(const HttpRequest& request, const HttpResponse& response,
                      RequestClass request_class) {
    if (!worth_a_line(response, request_class))
        return;
    static ClientErrorBudget budget;  // the loop thread's
    const bool client_error = response.status < 500;
    if (client_error && !take_client_error_line(budget))
        return;
    const auto error = error_summary(response);
    // A 4xx's message quotes what the client sent (an email address a registration
    // refused, a name): its code is enough to find it, and keeps personal data out of the
    // log (docs/PRIVACY.md). A 5xx's message is ours and says what failed.
    std::string outcome;
    if (error)
        outcome = " " + error->code + (client_error ? "" : ": " + error->message);
    const std::string message =
        "request " + request.request_id + ": " + std::string(to_string(request.method)) + " " +
        loggable_path(request.path) + " answered " + std::to_string(response.status) + outcome;
    log_with_request_id(response.status >= 500 ? G_LOG_LEVEL_WARNING : G_LOG_LEVEL_MESSAGE,
                        request.request_id, message);
}

}  // namespace stagehub::server
