#include "server/app/feedback_retention.hpp"

#include <glib.h>

#include <exception>

#include "schedule/accessibility/feedback_store.hpp"

namespace stagehub::server {

std::function<void(schedule::Database&)> feedback_retention_job(
    std::chrono::sys_time<std::chrono::milliseconds> now, int retention_days) {
    const int64_t before_ms = (now - std::chrono::days{retention_days}).time_since_epoch().count();
    return [before_ms, retention_days](schedule::Database& db) {
        try {
            if (const int64_t deleted = accessibility::delete_feedback_before(db, before_ms)) {
                g_message(
                    "privacy: deleted %lld accessibility feedback messages older than %d days",
                    static_cast<long long>(deleted), retention_days);
            }
        } catch (const std::exception& e) {
            g_warning("privacy: the accessibility feedback's retention failed: %s", e.what());
        }
    };
}

}  // namespace stagehub::server
