// The staff report (attendance::EventReport) as people read it: JSON for the API and the
// staff page, CSV tables for spreadsheets, and a terminal table for `stagehub stats`.
// Times are shown in the event's time zone; durations as whole seconds.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "schedule/attendance/audience_report.hpp"
#include "schedule/model.hpp"

namespace stagehub::server {

// `day` (YYYY-MM-DD), if given, keeps the day, stage and session tables to that day.
nlohmann::json report_json(const schedule::Programme& programme,
                           const attendance::EventReport& report,
                           const attendance::CountingRules& rules,
                           const std::optional<std::string>& day);

nlohmann::json minutes_json(const schedule::Programme& programme, const std::string& stage_id,
                            const std::vector<attendance::MinuteFigures>& minutes);

// The tables of the report by name ("sessions", "days", "stages"), or of the per-minute
// series ("series"), as CSV: UTF-8 with a byte order mark (so Excel reads å, ä, ö right),
// CRLF, `separator` between fields (',' or ';' for Excel in a Swedish locale).
std::string report_csv(const nlohmann::json& report, const std::string& table, char separator);
std::string minutes_csv(const nlohmann::json& series, char separator);

// The per-session report as an aligned text table, with the days' totals under it.
std::string report_table(const nlohmann::json& report);

}  // namespace stagehub::server
