#include "server/api/panel_api.hpp"

#include "schedule/instant.hpp"
#include "server/api/api_errors.hpp"
#include "server/api/caller_route.hpp"
#include "server/api/event_access.hpp"

namespace stagehub::server {

using nlohmann::json;

void PanelApi::add_routes(ApiRouter& router) {
    const auto panel_response = [this](const schedule::Programme& programme,
                                       const schedule::Session& session) {
        json answer = schedule::panel_json(programme, session, panels_.get(session.id), now_utc());
        answer["server_time"] = server_time();
        return json_response(200, answer);
    };

    // Readable by whoever may see the session, and by its own speakers before publication
    // (their phone shows the running order from the start).
    add_caller_route(
        router, tokens_, HttpMethod::get, "/api/v1/events/{event}/sessions/{session}/panel",
        [this, panel_response](const HttpRequest&, const PathParams& p, const Caller& c) {
            const std::string& event_id = p.at("event");
            const std::string& session_id = p.at("session");
            const schedule::Programme* programme = catalog_.find_event(event_id);
            const schedule::Session* session =
                programme ? programme->find_session(session_id) : nullptr;
            if (session == nullptr || !may_see_session(c.account, *programme, *session))
                return error_response(no_such_session(event_id, session_id));
            return panel_response(*programme, *session);
        });

    const auto step_route = [&](const char* action, schedule::PanelStep step) {
        add_caller_route(
            router, tokens_, HttpMethod::post,
            std::string("/api/v1/events/{event}/sessions/{session}/panel/") + action,
            [this, step, panel_response](const HttpRequest&, const PathParams& p, const Caller& c) {
                const std::string& event_id = p.at("event");
                const std::string& session_id = p.at("session");
                const auto programme = organised_event(catalog_, c, event_id);
                if (!programme)
                    return error_response(programme.error());
                const auto session = session_of(**programme, session_id);
                if (!session)
                    return error_response(session.error());
                auto after =
                    schedule::step_panel(**session, panels_.get(session_id), step, now_utc());
                if (!after)
                    return error_response(after.error());
                panels_.put(session_id, *after);
                on_step_(session_id);
                return panel_response(**programme, **session);
            });
    };
    step_route("next", schedule::PanelStep::next);
    step_route("previous", schedule::PanelStep::previous);
    step_route("restart", schedule::PanelStep::restart);
}

}  // namespace stagehub::server
