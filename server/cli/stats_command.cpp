#include "server/cli/stats_command.hpp"

#include <optional>

#include "schedule/attendance/audience_report.hpp"
#include "schedule/programme_store.hpp"
#include "server/api/caption_share.hpp"
#include "server/api/stats_report.hpp"
#include "server/cli/data_database.hpp"

namespace stagehub::server {

int run_stats(const Options& options, std::ostream& out, std::ostream& err) {
    const auto db = open_data_database(options, err);
    if (!db)
        return 1;
    schedule::ProgrammeStore store(*db);
    auto programme = store.load_event(options.event_id);
    if (!programme) {
        err << "stagehub: " << programme.error().message << "\n";
        return 1;
    }
    std::optional<std::string> day;
    if (!options.stats_day.empty()) {
        std::string days;
        for (const auto& d : attendance::local_days(*programme)) {
            if (d.date == options.stats_day)
                day = d.date;
            days += (days.empty() ? "" : ", ") + d.date;
        }
        if (!day) {
            err << "stagehub: --day " << options.stats_day << " is not a day of "
                << options.event_id << " (its days: " << days << ")\n";
            return 1;
        }
    }
    attendance::CountingRules rules;
    rules.heartbeat_every = std::chrono::seconds{options.heartbeat_every_s};
    rules.leave_after = 3 * rules.heartbeat_every;
    const auto report = attendance::build_report(*db, *programme, rules);
    auto json = report_json(*programme, report, rules, day);
    add_caption_share(json, captioned_replays(captions::CaptionStore(*db), *programme));
    out << (options.stats_table.empty() ? report_table(json)
                                        : report_csv(json, options.stats_table, ','));
    return 0;
}

}  // namespace stagehub::server
