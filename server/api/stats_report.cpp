#include "server/api/stats_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "schedule/formats/csv.hpp"
#include "schedule/instant.hpp"
#include "schedule/time_zone.hpp"

namespace stagehub::server {
namespace {

using attendance::Millis;
using attendance::TimePoint;
using nlohmann::json;

int64_t seconds(Millis time) {
    return (time.count() + 500) / 1000;
}

// "2026-11-20 09:05" in the zone.
std::string local_text(TimePoint time, const std::string& zone) {
    const auto local = schedule::to_local(std::chrono::floor<Seconds>(time), zone);
    if (!local)
        return format_instant(std::chrono::floor<Seconds>(time));
    return local->date_text() + " " + local->hh_mm();
}

std::string hh_mm(Instant time, const std::string& zone) {
    const auto local = schedule::to_local(time, zone);
    return local ? local->hh_mm() : format_instant(time);
}

json audience_json(const attendance::Audience& a) {
    return {{"web_viewers", a.viewers},
            {"peak_concurrent", a.peak_concurrent},
            {"watch_time_s", seconds(a.watch_time)},
            {"average_watch_s",
             a.viewers == 0 ? 0 : seconds(a.watch_time) / static_cast<int64_t>(a.viewers)}};
}

// The columns of each table: keys of its rows in the JSON report.
const std::map<std::string, std::vector<std::string>>& table_columns() {
    static const std::map<std::string, std::vector<std::string>> kColumns{
        {"sessions",
         {"day", "start", "end", "session", "title", "kind", "stage", "speakers", "in_person",
          "web_viewers", "peak_concurrent", "watch_time_s", "average_watch_s", "replay_views",
          "replay_watch_time_s", "replay_completion", "replay_captioned"}},
        {"days",
         {"day", "in_person", "web_viewers", "peak_concurrent", "watch_time_s", "average_watch_s",
          "replay_views", "replay_watch_time_s"}},
        {"stages",
         {"day", "stage", "name", "web_viewers", "peak_concurrent", "watch_time_s",
          "average_watch_s"}},
    };
    return kColumns;
}

std::string cell(const json& value) {
    if (value.is_null())
        return "";
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_number_float()) {
        char text[32];
        std::snprintf(text, sizeof text, "%.3f", value.get<double>());
        return text;
    }
    return value.dump();
}

std::string h_mm_ss(int64_t total) {
    char text[32];
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(total / 3600),
                  static_cast<long long>(total / 60 % 60), static_cast<long long>(total % 60));
    return text;
}

// Display width of UTF-8 text: code points (the names here are Latin script).
size_t width(const std::string& text) {
    return static_cast<size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string fit(const std::string& text, size_t columns) {
    if (width(text) <= columns)
        return text;
    // The first columns - 1 code points, then an ellipsis.
    size_t end = 0;
    for (size_t kept = 0; end < text.size(); ++end) {
        if ((text[end] & 0xC0) != 0x80 && kept++ == columns - 1)
            break;
    }
    return text.substr(0, end) + "…";
}

std::string pad(const std::string& text, size_t columns, bool right) {
    const size_t w = width(text);
    const std::string fill(columns > w ? columns - w : 0, ' ');
    return right ? fill + text : text + fill;
}

// The report's rows of one kind, all or (with `day`) that day's only.
bool on_day(const std::optional<std::string>& day, const std::string& d) {
    return !day || *day == d;
}

json day_rows(const attendance::EventReport& report, const std::optional<std::string>& day) {
    json days = json::array();
    for (const auto& d : report.days) {
        if (!on_day(day, d.day))
            continue;
        json row = {{"day", d.day}, {"in_person", d.in_person}};
        row.update(audience_json(d.live));
        row["replay_views"] = d.replay_views;
        row["replay_watch_time_s"] = seconds(d.replay_watch_time);
        days.push_back(std::move(row));
    }
    return days;
}

json stage_rows(const schedule::Programme& programme, const attendance::EventReport& report,
                const std::optional<std::string>& day) {
    json stages = json::array();
    for (const auto& s : report.stage_days) {
        if (!on_day(day, s.day))
            continue;
        const schedule::Stage* stage = programme.find_stage(s.stage_id);
        json row = {{"day", s.day}, {"stage", s.stage_id}, {"name", stage ? stage->name : ""}};
        row.update(audience_json(s.live));
        stages.push_back(std::move(row));
    }
    return stages;
}

json session_rows(const schedule::Programme& programme, const attendance::EventReport& report,
                  const std::optional<std::string>& day) {
    const std::string& zone = programme.event.time_zone;
    json sessions = json::array();
    for (const auto& s : report.sessions) {
        const schedule::Session* session = programme.find_session(s.session_id);
        if (session == nullptr || !on_day(day, s.day))
            continue;
        std::string speakers;
        for (const auto& person : session->people) {
            const schedule::Person* p = programme.find_person(person.person_id);
            speakers += (speakers.empty() ? "" : ", ") + (p ? p->name : person.person_id);
        }
        json row = {{"day", s.day},
                    {"start", hh_mm(session->effective_start(), zone)},
                    {"end", hh_mm(session->effective_end(), zone)},
                    {"session", s.session_id},
                    {"title", session->title},
                    {"kind", schedule::to_string(session->kind)},
                    {"stage", session->stage_id},
                    {"speakers", speakers},
                    {"in_person", s.in_person ? json(*s.in_person) : json(nullptr)}};
        row.update(audience_json(s.live));
        row["replay_views"] = s.replay.views;
        row["replay_watch_time_s"] = seconds(s.replay.watch_time);
        row["replay_completion"] = std::round(s.replay.completion * 1000.0) / 1000.0;
        sessions.push_back(std::move(row));
    }
    return sessions;
}

}  // namespace

json report_json(const schedule::Programme& programme, const attendance::EventReport& report,
                 const attendance::CountingRules& rules, const std::optional<std::string>& day) {
    json totals = {{"in_person", report.in_person.people},
                   {"registered", report.in_person.registered},
                   {"registered_in_person", report.in_person.registered_in_person}};
    totals.update(audience_json(report.live));
    totals["replay_views"] = report.replay_views;
    totals["replay_watch_time_s"] = seconds(report.replay_watch_time);
    return {{"event",
             {{"id", programme.event.id},
              {"title", programme.event.title},
              {"time_zone", programme.event.time_zone}}},
            {"day", day ? json(*day) : json(nullptr)},
            {"rules",
             {{"heartbeat_every_s", seconds(rules.heartbeat_every)},
              {"leave_after_s", seconds(rules.leave_after)},
              {"replay_view_after_s", seconds(rules.replay_view_after)}}},
            {"compacted_before", report.compacted_before == TimePoint{}
                                     ? json(nullptr)
                                     : json(format_instant_ms(report.compacted_before))},
            {"totals", std::move(totals)},
            {"days", day_rows(report, day)},
            {"stages", stage_rows(programme, report, day)},
            {"sessions", session_rows(programme, report, day)}};
}

json minutes_json(const schedule::Programme& programme, const std::string& stage_id,
                  const std::vector<attendance::MinuteFigures>& minutes) {
    const std::string& zone = programme.event.time_zone;
    json series = json::array();
    for (const auto& m : minutes) {
        series.push_back({{"at", format_instant_ms(m.minute)},
                          {"local", local_text(m.minute, zone)},
                          {"concurrent", m.peak},
                          {"viewers", m.viewers},
                          {"watch_time_s", seconds(m.watch_time)}});
    }
    return {{"event", programme.event.id},
            {"stage", stage_id},
            {"time_zone", zone},
            {"minutes", std::move(series)}};
}

std::string report_csv(const json& report, const std::string& table, char separator) {
    const auto columns = table_columns().find(table);
    if (columns == table_columns().end())
        throw std::invalid_argument("no table '" + table + "'");
    std::string csv = "\xEF\xBB\xBF";
    csv += schedule::formats::csv_record(columns->second, separator);
    for (const json& row : report.at(table)) {
        std::vector<std::string> cells;
        for (const std::string& key : columns->second) {
            const auto it = row.find(key);
            cells.push_back(it == row.end() ? "" : cell(*it));
        }
        csv += schedule::formats::csv_record(cells, separator);
    }
    return csv;
}

std::string minutes_csv(const json& series, char separator) {
    std::string csv = "\xEF\xBB\xBF";
    csv += schedule::formats::csv_record(
        {"stage", "minute", "concurrent", "viewers", "watch_time_s"}, separator);
    for (const json& m : series.at("minutes")) {
        csv += schedule::formats::csv_record(
            {series.at("stage").get<std::string>(), m.at("local").get<std::string>(),
             cell(m.at("concurrent")), cell(m.at("viewers")), cell(m.at("watch_time_s"))},
            separator);
    }
    return csv;
}

std::string report_table(const json& report) {
    struct Col {
        std::string title;
        size_t width;
        bool right;
    };
    const std::vector<Col> cols{
        {"Day", 10, false},        {"Time", 11, false},  {"Session", 34, false},
        {"In person", 9, true},    {"Web", 5, true},     {"Peak", 5, true},
        {"Watch time", 10, true},  {"Average", 8, true}, {"Replays", 7, true},
        {"Replay time", 11, true}, {"Done", 5, true}};
    std::string out;
    const auto line = [&](const std::vector<std::string>& cells) {
        for (size_t i = 0; i < cols.size(); ++i) {
            out += pad(fit(cells[i], cols[i].width), cols[i].width, cols[i].right);
            out += i + 1 < cols.size() ? "  " : "\n";
        }
    };
    out += report.at("event").at("title").get<std::string>() + " (" +
           report.at("event").at("time_zone").get<std::string>() + ")\n\n";
    std::vector<std::string> titles;
    for (const Col& c : cols)
        titles.push_back(c.title);
    line(titles);
    size_t rule = 0;
    for (const Col& c : cols)
        rule += c.width + 2;
    out += std::string(rule - 2, '-') + "\n";
    for (const json& s : report.at("sessions")) {
        const json& in_person = s.at("in_person");
        char done[16];
        std::snprintf(done, sizeof done, "%.0f%%", s.at("replay_completion").get<double>() * 100.0);
        line({s.at("day").get<std::string>(),
              s.at("start").get<std::string>() + "–" + s.at("end").get<std::string>(),
              s.at("title").get<std::string>(), in_person.is_null() ? "–" : in_person.dump(),
              s.at("web_viewers").dump(), s.at("peak_concurrent").dump(),
              h_mm_ss(s.at("watch_time_s").get<int64_t>()),
              h_mm_ss(s.at("average_watch_s").get<int64_t>()), s.at("replay_views").dump(),
              h_mm_ss(s.at("replay_watch_time_s").get<int64_t>()), done});
    }
    out += std::string(rule - 2, '-') + "\n";
    for (const json& d : report.at("days")) {
        line({d.at("day").get<std::string>(), "whole day", "checked in / web / replays",
              d.at("in_person").dump(), d.at("web_viewers").dump(), d.at("peak_concurrent").dump(),
              h_mm_ss(d.at("watch_time_s").get<int64_t>()),
              h_mm_ss(d.at("average_watch_s").get<int64_t>()), d.at("replay_views").dump(),
              h_mm_ss(d.at("replay_watch_time_s").get<int64_t>()), ""});
    }
    // The share of replay views that had captions (server/api/caption_share.hpp).
    const json& totals = report.at("totals");
    if (const auto share = totals.find("replay_captioned_share"); share != totals.end()) {
        char percent[16] = "–";
        if (share->is_number())
            std::snprintf(percent, sizeof percent, "%.0f%%", share->get<double>() * 100.0);
        out +=
            "\nReplay views of captioned replays: " + totals.at("replay_views_captioned").dump() +
            " of " + totals.at("replay_views").dump() + " (" + percent + ")\n";
    }
    return out;
}

}  // namespace stagehub::server
