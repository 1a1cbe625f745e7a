#include "server/app/health_routes.hpp"

#include <utility>

#include "schedule/instant.hpp"
#include "schedule/visibility.hpp"
#include "server/api/programme_api.hpp"
#include "server/auth/access.hpp"

namespace stagehub::server {

using nlohmann::json;

json stage_health(const HealthSources& sources, const schedule::Stage& stage) {
    json health = sources.broadcast_health(stage.id);
    if (health.is_null())
        health = {{"state", "off_air"}};
    if (!health.contains("control"))  // not broadcasting (--no-broadcast)
        health["control"] = control_json(sources.control(stage.id));
    return schedule::redact_json(std::move(health), schedule::secrets_of(stage));
}

void add_stage_health_routes(ApiRouter& router, TokenStore& tokens,
                             const schedule::ProgrammeCatalog& catalog,
                             const HealthSources& sources) {
    add_caller_route(
        router, tokens, HttpMethod::get, "/api/v1/stages/{stage}/health",
        [&catalog, sources](const HttpRequest&, const PathParams& p, const Caller& c) {
            const auto* owner = catalog.find_stage_owner(p.at("stage"));
            // An unpublished event's stage does not exist for anyone but its organisers:
            // a 403 would name the event.
            if (owner == nullptr || (!owner->event.published && !c.organises(owner->event.id))) {
                return error_response(
                    Error{ErrorCode::not_found, "there is no stage '" + p.at("stage") + "'"});
            }
            if (const Status allowed = require_organiser_of(c, owner->event.id); !allowed) {
                return error_response(allowed.error());
            }
            json health = stage_health(sources, *owner->find_stage(p.at("stage")));
            health["stage"] = p.at("stage");
            health["server_time"] = server_time();
            return json_response(200, health);
        });
    // The detail of every stage of one event (errors, sources, who put up a slate): its
    // staff and organisers only. The public health says on or off air, nothing more.
    add_caller_route(router, tokens, HttpMethod::get, "/api/v1/events/{event}/health",
                     [&catalog, sources](const HttpRequest&, const PathParams& p, const Caller& c) {
                         if (const Status allowed = require_staff_of(c, p.at("event")); !allowed)
                             return error_response(allowed.error());
                         const schedule::Programme* programme = catalog.find_event(p.at("event"));
                         if (programme == nullptr)
                             return error_response(no_such_event(p.at("event")));
                         json stages = json::object();
                         for (const schedule::Stage& stage : programme->stages)
                             stages[stage.id] = stage_health(sources, stage);
                         return json_response(200, {{"event", programme->event.id},
                                                    {"server_time", server_time()},
                                                    {"disk", sources.disk()},
                                                    {"stages", std::move(stages)}});
                     });
}

void add_public_health_route(ApiRouter& router, const schedule::ProgrammeCatalog& catalog,
                             const HealthSources& sources) {
    // Public: what a viewer or a monitor needs, server-wide counters without names, and
    // per stage of a published event only whether it is on air. Names, errors, sources
    // and unpublished stages are in the event's health (staff and organisers).
    router.add(HttpMethod::get, "/api/v1/health",
               [&catalog, sources](const HttpRequest&, const PathParams&) {
                   json stages = json::object();
                   for (const schedule::Programme& programme : catalog.published()) {
                       for (const schedule::Stage& stage : programme.stages) {
                           if (!stage.broadcast)
                               continue;
                           const json health = sources.broadcast_health(stage.id);
                           const bool on_air =
                               health.is_object() && health.value("state", "") == "live";
                           stages[stage.id] = {{"state", on_air ? "on_air" : "off_air"}};
                       }
                   }
                   json health = sources.counters();
                   health["server_time"] = server_time();
                   health["revision"] = catalog.revision();
                   health["stages"] = std::move(stages);
                   return json_response(200, health);
               });
}

}  // namespace stagehub::server
