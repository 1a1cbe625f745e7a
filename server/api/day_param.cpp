#include "server/api/day_param.hpp"

#include "schedule/attendance/audience_report.hpp"
#include "schedule/time_zone.hpp"

namespace stagehub::server {

Result<std::optional<std::string>> day_param(const HttpRequest& request,
                                             const schedule::Programme& programme,
                                             ErrorCode not_a_day_code) {
    const auto day = request.query_value("day");
    if (!day)
        return std::optional<std::string>{};
    const auto days = attendance::local_days(programme);
    if (!schedule::parse_date(*day)) {
        return Error{ErrorCode::invalid,
                     std::string("?day=")
                         .append(*day)
                         .append(" is not a date: write the day as ?day=YYYY-MM-DD, "
                                 "e.g. ?day=")
                         .append(days.empty() ? "2026-10-25" : days.front().date)
                         .append(", a day of the event in its time zone (")
                         .append(programme.event.time_zone)
                         .append(")")};
    }
    std::string known;
    for (const auto& d : days) {
        if (d.date == *day)
            return day;
        known.append(known.empty() ? "" : ", ").append(d.date);
    }
    return Error{not_a_day_code, std::string("?day=")
                                     .append(*day)
                                     .append(" is not a day of the event (its days: ")
                                     .append(known.empty() ? "none yet" : known)
                                     .append(")")};
}

}  // namespace stagehub::server
