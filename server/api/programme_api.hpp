// The programme's REST endpoints (docs/API.md): reading events and sessions as each role may
// see them, catching up from a revision, and the organiser's edits of events, days, stages,
// people and sessions. Live operations, formats and accounts have their own files; they
// share the editor and the support units below (caller routes, event access, the edit
// prologue, request bodies, error wording).
//
// Threads: loop thread (handlers run from the HTTP server's callbacks).
#pragma once

#include <string>

#include "schedule/change_feed.hpp"
#include "schedule/programme_catalog.hpp"
#include "schedule/programme_store.hpp"
// The shared support of every handler; the application's own routes use it through here.
#include "server/api/api_errors.hpp"
#include "server/api/caller_route.hpp"
#include "server/api/edit_request.hpp"
#include "server/api/event_access.hpp"
#include "server/api/programme_editor.hpp"
#include "server/api/request_body.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

class ProgrammeApi {
  public:
    ProgrammeApi(schedule::ProgrammeStore& store, schedule::ProgrammeCatalog& catalog,
                 TokenStore& tokens, ProgrammeEditor& editor)
        : store_(store), catalog_(catalog), tokens_(tokens), editor_(editor) {}

    void add_routes(ApiRouter& router);

  private:
    using Edit = ProgrammeEditor::Edit;
    // An organiser's edit made from its start (the event as it is, the body) and the path.
    using MakeEdit = Result<Edit> (ProgrammeApi::*)(const EditStart&, const PathParams&);
    // A route that begins the edit, makes it and commits it (or previews it, for a dry run).
    void add_edit_route(CallerRoutes& routes, HttpMethod method, std::string pattern, EditBody body,
                        MakeEdit make);

    HttpResponse programme(const HttpRequest& request, const PathParams&, const Caller& caller);
    // Every change since a revision (?since=), as the reader may see it.
    HttpResponse catch_up(const std::string& since_text, const schedule::Reader& reader,
                          Instant now);
    HttpResponse events(const HttpRequest&, const PathParams&, const Caller& caller);
    HttpResponse event(const HttpRequest&, const PathParams& params, const Caller& caller);
    HttpResponse remove_event(const HttpRequest&, const PathParams& params, const Caller& caller);
    HttpResponse session(const HttpRequest&, const PathParams& params, const Caller& caller);
    HttpResponse changes(const HttpRequest& request, const PathParams& params,
                         const Caller& caller);

    Result<Edit> edit_event(const EditStart& start, const PathParams& params);
    Result<Edit> add_stage(const EditStart& start, const PathParams& params);
    Result<Edit> edit_stage(const EditStart& start, const PathParams& params);
    Result<Edit> remove_stage(const EditStart& start, const PathParams& params);
    Result<Edit> put_person(const EditStart& start, const PathParams& params);
    Result<Edit> add_session(const EditStart& start, const PathParams& params);
    Result<Edit> edit_session(const EditStart& start, const PathParams& params);
    Result<Edit> remove_session(const EditStart& start, const PathParams& params);
    // People a session names who are not yet in the event's list, from the shared people.
    void add_missing_people(schedule::Programme& programme, const schedule::Session& session);

    schedule::ProgrammeStore& store_;
    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    ProgrammeEditor& editor_;
};

}  // namespace stagehub::server
