#include "server/api/formats_api.hpp"

#include "schedule/formats/frab_json.hpp"
#include "schedule/formats/frab_xml.hpp"
#include "schedule/formats/icalendar.hpp"
#include "schedule/formats/import.hpp"
#include "schedule/formats/sessions_csv.hpp"
#include "schedule/programme_file.hpp"
#include "schedule/time_zone.hpp"
#include "server/api/api_errors.hpp"
#include "server/api/caller_route.hpp"
#include "server/api/day_param.hpp"
#include "server/api/event_access.hpp"
#include "server/http/content_disposition.hpp"

namespace stagehub::server {

using nlohmann::json;
using schedule::Programme;
namespace formats = schedule::formats;

namespace {

HttpResponse document(std::string body, std::string content_type, const std::string& filename) {
    HttpResponse response;
    response.status = 200;
    response.content_type = std::move(content_type);
    response.body = std::move(body);
    // Exports follow every edit: never cached stale.
    response.header("cache-control", "no-cache");
    response.header("content-disposition", content_disposition(Disposition::inline_, filename));
    return response;
}

bool flag(const HttpRequest& request, const char* name) {
    const auto value = request.query_value(name);
    return value && (*value == "true" || *value == "1" || value->empty());
}

// The whole programme, or with ?day=YYYY-MM-DD the sessions starting on that day in the
// event's zone (docs/API.md, "Formats"). A day that is not one of the event's is 404: the
// request is well formed, that day's calendar does not exist; the message lists the days.
HttpResponse calendar_of_days(const HttpRequest& request, const Programme& programme,
                              const formats::ExportOptions& options) {
    const auto day = day_param(request, programme, ErrorCode::not_found);
    if (!day)
        return error_response(day.error());
    formats::CalendarSelection selection;
    std::string filename = programme.event.id;
    if (*day) {
        selection.day = *schedule::parse_date(**day);
        filename.append("-").append(**day);
    }
    return document(formats::export_icalendar(programme, options, selection),
                    "text/calendar; charset=utf-8", filename + ".ics");
}

// An import into an event the caller does not organise.
Error organised_by_others(std::string_view event_id) {
    return Error{ErrorCode::forbidden,
                 "event " + in_quotes(event_id) +
                     " is organised by others; ask one of its organisers for access"};
}

json row_problems_json(const std::vector<formats::RowProblem>& problems) {
    json rows = json::array();
    for (const auto& p : problems)
        rows.push_back({{"where", p.where}, {"message", p.message}});
    return rows;
}

}  // namespace

void FormatsApi::add_routes(ApiRouter& router) {
    using Render = std::function<HttpResponse(const HttpRequest&, const Programme&,
                                              const formats::ExportOptions&)>;
    const auto export_route = [&](const std::string& file, Render render) {
        add_caller_route(
            router, tokens_, HttpMethod::get, "/api/v1/events/{event}/" + file,
            [this, render](const HttpRequest& r, const PathParams& p, const Caller& c) {
                const auto programme = seen_event(catalog_, c, p.at("event"));
                if (!programme)
                    return error_response(programme.error());
                return render(r, *programme, export_options());
            });
    };
    export_route("schedule.json", [](const HttpRequest&, const Programme& p,
                                     const formats::ExportOptions& o) {
        return document(formats::export_frab_json(p, o), "application/json; charset=utf-8",
                        p.event.id + "-schedule.json");
    });
    export_route("schedule.xml", [](const HttpRequest&, const Programme& p,
                                    const formats::ExportOptions& o) {
        return document(formats::export_frab_xml(p, o), "application/xml; charset=utf-8",
                        p.event.id + "-schedule.xml");
    });
    export_route("schedule.ics", calendar_of_days);
    export_route("sessions.csv",
                 [](const HttpRequest&, const Programme& p, const formats::ExportOptions&) {
                     return document(formats::export_sessions_csv(p), "text/csv; charset=utf-8",
                                     p.event.id + "-sessions.csv");
                 });
    export_route("programme.json", [](const HttpRequest&, const Programme& p,
                                      const formats::ExportOptions&) {
        // Replace, as every JSON answer does: a database from before text had to be UTF-8
        // may still hold some that is not, and must not make the export fail.
        return document(schedule::programme_file_json(p).dump(
                            2, ' ', false, nlohmann::json::error_handler_t::replace),
                        "application/json; charset=utf-8", p.event.id + "-programme.json");
    });
    add_caller_route(router, tokens_, HttpMethod::get,
                     "/api/v1/events/{event}/sessions/{session}/session.ics",
                     [this](const HttpRequest&, const PathParams& p, const Caller& c) {
                         const auto programme = seen_event(catalog_, c, p.at("event"));
                         if (!programme)
                             return error_response(programme.error());
                         if (const auto session = session_of(*programme, p.at("session")); !session)
                             return error_response(session.error());
                         return document(formats::export_icalendar(*programme, export_options(),
                                                                   {.session = p.at("session")}),
                                         "text/calendar; charset=utf-8", p.at("session") + ".ics");
                     });
    // The kind of document is told by its Content-Type (docs/API.md, "Import").
    add_caller_route(
        router, tokens_, HttpMethod::post, "/api/v1/events/import",
        [this](const HttpRequest& r, const PathParams&, const Caller& c) { return import(r, c); },
        RouteOptions{
            {"application/json", "application/xml", "text/xml", "text/csv", "application/csv"}});
}

formats::ExportOptions FormatsApi::export_options() const {
    formats::ExportOptions options;
    options.version = STAGEHUB_VERSION;
    options.revision = catalog_.revision();
    options.generated_at = now_utc();
    return options;
}

HttpResponse FormatsApi::import(const HttpRequest& request, const Caller& caller) {
    if (const Status allowed = require_organiser(caller); !allowed)
        return error_response(allowed.error());
    if (request.body.empty()) {
        return error_response(Error{ErrorCode::bad_request,
                                    "send the programme as the body: stagehub "
                                    "JSON, frab schedule.json or schedule.xml, "
                                    "or a sessions CSV, with its Content-Type"});
    }
    formats::ImportOptions options;
    options.event_id = request.query_value("event");
    options.event_title = request.query_value("title");
    options.skip_bad_rows = flag(request, "skip_bad_rows");
    const Programme* base = options.event_id ? catalog_.find_event(*options.event_id) : nullptr;
    if (base != nullptr && !caller.organises(base->event.id)) {
        return error_response(organised_by_others(base->event.id));
    }
    auto imported = formats::import_programme(request.body, request.content_type, base, options);
    if (!imported)
        return error_response(imported.error());
    const std::string event_id = imported->programme.event.id;
    const Programme* existing = catalog_.find_event(event_id);
    if (existing != nullptr && !caller.organises(event_id)) {
        return error_response(organised_by_others(event_id));
    }
    const size_t sessions = imported->programme.sessions.size();
    ProgrammeEditor::Edit edit{std::move(imported->programme),
                               {},
                               "import",
                               "imported the programme (" + std::to_string(sessions) + " sessions)",
                               true};
    auto revision = editor_.save(caller.actor(), std::move(edit));
    if (!revision)
        return error_response(revision.error());
    // Whoever imports a new event organises it.
    if (existing == nullptr)
        tokens_.grant(caller.account->id, event_id);
    return json_response(200, {{"revision", *revision},
                               {"event", event_id},
                               {"sessions", sessions},
                               {"created", existing == nullptr},
                               {"skipped", row_problems_json(imported->skipped)}});
}

}  // namespace stagehub::server
