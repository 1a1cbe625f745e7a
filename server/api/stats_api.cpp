#include "server/api/stats_api.hpp"

#include <exception>
#include <functional>
#include <memory>
#include <set>

#include "schedule/time_zone.hpp"
#include "server/api/caller_route.hpp"
#include "server/api/caption_share.hpp"
#include "server/api/day_param.hpp"
#include "server/api/event_access.hpp"
#include "server/api/stats_report.hpp"
#include "server/auth/access.hpp"
#include "server/http/content_disposition.hpp"

namespace stagehub::server {
namespace {

using attendance::TimePoint;
using nlohmann::json;

const std::set<std::string, std::less<>> kCsvTables{"sessions", "days", "stages", "series"};

HttpResponse csv_response(std::string body, const std::string& filename) {
    HttpResponse response;
    response.content_type = "text/csv; charset=utf-8";
    response.body = std::move(body);
    response.header("content-disposition", content_disposition(Disposition::attachment, filename));
    response.header("cache-control", "no-store");
    return response;
}

}  // namespace

StatsApi::StatsApi(const schedule::ProgrammeCatalog& catalog, TokenStore& tokens,
                   LoopMailbox& mailbox, const std::filesystem::path& database,
                   attendance::CountingRules rules, Answer answer)
    : catalog_(catalog),
      tokens_(tokens),
      mailbox_(mailbox),
      rules_(rules),
      answer_(std::move(answer)),
      worker_(database) {}

HttpResponse StatsApi::later(const HttpRequest& request,
                             std::function<HttpResponse(schedule::Database&)> make) {
    const uint64_t exchange = request.exchange;
    const std::string path = request.path;
    worker_.run([this, exchange, path, make = std::move(make)](schedule::Database& db) {
        auto response = std::make_shared<HttpResponse>();
        try {
            *response = make(db);
        } catch (const std::exception& e) {
            *response = error_response(
                Error{ErrorCode::internal, std::string("the report failed: ").append(e.what())});
        }
        mailbox_.post([this, exchange, response] { answer_(exchange, std::move(*response)); });
    });
    return deferred_response();
}

void StatsApi::add_routes(ApiRouter& router) {
    CallerRoutes routes(router, tokens_);
    const std::string event = "/api/v1/stats/events/{event}";
    routes.add(HttpMethod::get, event, std::bind_front(&StatsApi::event_report, this));
    routes.add(HttpMethod::get, event + "/series", std::bind_front(&StatsApi::stage_series, this));
    routes.add(HttpMethod::get, event + "/{file}", std::bind_front(&StatsApi::report_file, this));
}

Result<schedule::Programme> StatsApi::event_for(const Caller& caller,
                                                const std::string& event_id) const {
    const auto programme = staffed_event(catalog_, caller, event_id);
    if (!programme)
        return programme.error();
    return **programme;
}

HttpResponse StatsApi::event_report(const HttpRequest& request, const PathParams& params,
                                    const Caller& caller) {
    auto programme = event_for(caller, params.at("event"));
    if (!programme)
        return error_response(programme.error());
    auto day = day_param(request, *programme, ErrorCode::bad_request);
    if (!day)
        return error_response(day.error());
    return later(
        request, [this, programme = std::move(*programme), day = *day](schedule::Database& db) {
            const auto report = attendance::build_report(db, programme, rules_);
            json answer = report_json(programme, report, rules_, day);
            add_caption_share(answer, captioned_replays(captions::CaptionStore(db), programme));
            return json_response(200, answer);
        });
}

HttpResponse StatsApi::stage_series(const HttpRequest& request, const PathParams& params,
                                    const Caller& caller) {
    auto programme = event_for(caller, params.at("event"));
    if (!programme)
        return error_response(programme.error());
    const auto stage = request.query_value("stage");
    if (!stage || programme->find_stage(*stage) == nullptr) {
        return error_response(Error{
            ErrorCode::bad_request,
            "?stage= must name a stage of the event, e.g. ?stage=" +
                (programme->stages.empty() ? std::string("salen") : programme->stages[0].id)});
    }
    auto day = day_param(request, *programme, ErrorCode::bad_request);
    if (!day)
        return error_response(day.error());
    const auto days = attendance::local_days(*programme);
    if (days.empty())
        return json_response(200, minutes_json(*programme, *stage, {}));
    TimePoint from = days.front().from;
    TimePoint to = days.back().to;
    for (const auto& d : days) {
        if (*day && d.date == **day) {
            from = d.from;
            to = d.to;
        }
    }
    return later(request, [this, programme = std::move(*programme), stage = *stage, from,
                           to](schedule::Database& db) {
        return json_response(
            200, minutes_json(programme, stage,
                              attendance::stage_minutes(db, programme, stage, from, to, rules_)));
    });
}

HttpResponse StatsApi::report_file(const HttpRequest& request, const PathParams& params,
                                   const Caller& caller) {
    const std::string& file = params.at("file");
    const std::string table = file.ends_with(".csv") ? file.substr(0, file.size() - 4) : "";
    if (!kCsvTables.contains(table)) {
        return error_response(
            Error{ErrorCode::not_found, "no statistics file '" + file +
                                            "'; the CSV files are sessions.csv, days.csv, "
                                            "stages.csv and series.csv"});
    }
    auto programme = event_for(caller, params.at("event"));
    if (!programme)
        return error_response(programme.error());
    const auto separator_name = request.query_value("separator").value_or("comma");
    if (separator_name != "comma" && separator_name != "semicolon") {
        return error_response(Error{ErrorCode::bad_request,
                                    "?separator= is comma (the default) or semicolon (Excel "
                                    "in a Swedish or Norwegian locale)"});
    }
    const char separator = separator_name == "semicolon" ? ';' : ',';
    auto day = day_param(request, *programme, ErrorCode::bad_request);
    if (!day)
        return error_response(day.error());
    const std::string filename =
        programme->event.id + (*day ? "-" + **day : std::string()) + "-" + file;
    return later(request, [this, programme = std::move(*programme), table, separator, day = *day,
                           filename](schedule::Database& db) {
        if (table != "series") {
            const auto report = attendance::build_report(db, programme, rules_);
            json answer = report_json(programme, report, rules_, day);
            add_caption_share(answer, captioned_replays(captions::CaptionStore(db), programme));
            return csv_response(report_csv(answer, table, separator), filename);
        }
        // Every stage's minutes, one after the other.
        std::string csv;
        for (const auto& d : attendance::local_days(programme)) {
            if (day && d.date != *day)
                continue;
            for (const auto& stage : programme.stages) {
                const std::string part = minutes_csv(
                    minutes_json(
                        programme, stage.id,
                        attendance::stage_minutes(db, programme, stage.id, d.from, d.to, rules_)),
                    separator);
                // One byte order mark and header for the whole file.
                csv += csv.empty() ? part : part.substr(part.find("\r\n") + 2);
            }
        }
        return csv_response(csv, filename);
    });
}

}  // namespace stagehub::server
