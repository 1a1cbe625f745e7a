#include "server/cli/privacy_command.hpp"

#include <glib.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "schedule/attendance/personal_data.hpp"
#include "server/cli/data_database.hpp"

namespace stagehub::server {

int run_privacy(const Options& options, std::ostream& out, std::ostream& err) {
    const auto subject = options.privacy_code.empty()
                             ? attendance::subject_by_email(options.privacy_email)
                             : attendance::subject_by_code(options.privacy_code);
    if (!subject) {
        err << "stagehub: " << subject.error().message << "\n";
        return 1;
    }
    const auto db = open_data_database(options, err);
    if (!db)
        return 1;
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const std::string label = subject->audit_label();
    if (options.privacy_action == PrivacyAction::export_data) {
        const auto data = attendance::export_personal_data(*db, *subject, now, "cli");
        g_message("privacy: exported %zu registrations of %s", data.registrations.size(),
                  label.c_str());
        out << attendance::personal_data_json(*subject, data, now).dump(2) << "\n";
        return 0;
    }
    const auto done = attendance::erase_personal_data(*db, *subject, now, "cli");
    g_message(
        "privacy: erased %s: %lld registrations anonymised (%lld check-ins and %lld presences "
        "kept as counts)",
        label.c_str(), static_cast<long long>(done.registrations),
        static_cast<long long>(done.check_ins), static_cast<long long>(done.presence));
    const nlohmann::json answer = {
        {"subject", label},
        {"registrations_anonymised", done.registrations},
        {"check_ins_kept_as_counts", done.check_ins},
        {"presence_kept_as_counts", done.presence},
        {"accessibility_feedback_unnamed", done.feedback},
        {"note",
         "names, emails and check-in codes are gone; the rows stay without them so the "
         "statistics still count the attendance. The programme is not changed."}};
    out << answer.dump(2) << "\n";
    return 0;
}

}  // namespace stagehub::server
