// The programme's REST endpoints (docs/API.md): reading events and sessions as each role may
// see them, catching up from a revision, and the organiser's edits of events, days, stages,
// people and sessions. Live operations, formats and accounts have their own files; they
// share the caller resolution and the editor.
//
// Threads: loop thread (handlers run from the HTTP server's callbacks).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "schedule/change_feed.hpp"
#include "schedule/programme_catalog.hpp"
#include "schedule/programme_store.hpp"
#include "server/api/programme_editor.hpp"
#include "server/auth/access.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

using CallerHandler =
    std::function<HttpResponse(const HttpRequest&, const PathParams&, const Caller&)>;

// Adds a route whose handler gets the identified caller; a bad token is answered with 401
// before the handler runs.
void add_caller_route(ApiRouter& router, TokenStore& tokens, HttpMethod method, std::string pattern,
                      CallerHandler handler, RouteOptions options = {});

// The event as this caller may see it: whole for its organisers, the published part for
// everyone else, nothing (and so 404, not 403: existence is not revealed) when unpublished.
std::optional<schedule::Programme> visible_event(const schedule::ProgrammeCatalog& catalog,
                                                 const Caller& caller, std::string_view event_id);
schedule::Reader reader_for(const Caller& caller);
Error no_such_event(std::string_view event_id);

// The start of every organiser's edit: the caller organises the event, it exists, and (when
// `with_body`) the body is a JSON object. Errors: 401/403, 404, 400 as values.
struct EditStart {
    const schedule::Programme* before;  // the event as it is, in the catalog
    nlohmann::json body;                // {} when no body was asked for
};
Result<EditStart> begin_edit(const schedule::ProgrammeCatalog& catalog, const HttpRequest& request,
                             std::string_view event_id, const Caller& caller, bool with_body);
Error no_such_session(std::string_view event_id, std::string_view session_id);

class ProgrammeApi {
  public:
    ProgrammeApi(schedule::ProgrammeStore& store, schedule::ProgrammeCatalog& catalog,
                 TokenStore& tokens, ProgrammeEditor& editor)
        : store_(store), catalog_(catalog), tokens_(tokens), editor_(editor) {}

    void add_routes(ApiRouter& router);

  private:
    HttpResponse programme(const HttpRequest& request, const Caller& caller);
    HttpResponse edit_event(const HttpRequest& request, const std::string& event_id,
                            const Caller& caller);
    HttpResponse add_stage(const HttpRequest& request, const std::string& event_id,
                           const Caller& caller);
    HttpResponse edit_stage(const HttpRequest& request, const PathParams& params,
                            const Caller& caller);
    HttpResponse remove_stage(const HttpRequest& request, const PathParams& params,
                              const Caller& caller);
    HttpResponse put_person(const HttpRequest& request, const std::string& event_id,
                            const Caller& caller);
    HttpResponse add_session(const HttpRequest& request, const std::string& event_id,
                             const Caller& caller);
    HttpResponse edit_session(const HttpRequest& request, const PathParams& params,
                              const Caller& caller);
    HttpResponse remove_session(const HttpRequest& request, const PathParams& params,
                                const Caller& caller);
    // People a session names who are not yet in the event's list, from the shared people.
    void add_missing_people(schedule::Programme& programme, const schedule::Session& session);

    schedule::ProgrammeStore& store_;
    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    ProgrammeEditor& editor_;
};

}  // namespace stagehub::server
