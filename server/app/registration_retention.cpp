#include "server/app/registration_retention.hpp"

#include <glib.h>

#include <exception>
#include <utility>

#include "schedule/attendance/personal_data.hpp"

namespace stagehub::server {

std::function<void(schedule::Database&)> registration_retention_job(
    std::vector<schedule::Programme> programmes, attendance::TimePoint now, int retention_days) {
    return [programmes = std::move(programmes), now, retention_days](schedule::Database& db) {
        try {
            const auto runs = attendance::apply_registration_retention(
                db, programmes, now, std::chrono::days{retention_days});
            for (const attendance::RetentionRun& run : runs) {
                g_message(
                    "privacy: anonymised %lld registrations of %s, %d days after it ended "
                    "(%lld check-ins and %lld presences kept as counts)",
                    static_cast<long long>(run.anonymised.registrations), run.event_id.c_str(),
                    retention_days, static_cast<long long>(run.anonymised.check_ins),
                    static_cast<long long>(run.anonymised.presence));
            }
        } catch (const std::exception& e) {
            g_warning("privacy: the registrations' retention failed: %s", e.what());
        }
    };
}

}  // namespace stagehub::server
