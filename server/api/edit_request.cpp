#include "server/api/edit_request.hpp"

#include "server/api/event_access.hpp"
#include "server/api/request_body.hpp"

namespace stagehub::server {

Result<EditStart> begin_edit(const schedule::ProgrammeCatalog& catalog, const HttpRequest& request,
                             std::string_view event_id, const Caller& caller, EditBody body) {
    auto before = organised_event(catalog, caller, event_id);
    if (!before)
        return before.error();
    nlohmann::json fields = nlohmann::json::object();
    if (body == EditBody::json_object) {
        auto parsed = json_body(request);
        if (!parsed)
            return parsed.error();
        fields = std::move(*parsed);
    }
    const bool dry_run = wants_dry_run(request, fields);
    return EditStart{*before, std::move(fields), dry_run};
}

Result<EditStart> begin_session_edit(const schedule::ProgrammeCatalog& catalog,
                                     const HttpRequest& request, std::string_view event_id,
                                     std::string_view session_id, const Caller& caller,
                                     EditBody body) {
    auto start = begin_edit(catalog, request, event_id, caller, body);
    if (!start)
        return start;
    const auto session = session_of(*start->before, session_id);
    if (!session)
        return session.error();
    start->session = *session;
    return start;
}

}  // namespace stagehub::server
