// The programme in the formats conference tools and apps read and write (docs/API.md,
// "Formats"): exports of frab schedule.json / schedule.xml, iCalendar and CSV for each
// event (and iCalendar per session), as each reader may see the event; and the organiser's
// import of a programme file, frab JSON or XML, or a sessions CSV.
//
// Threads: loop thread.
#pragma once

#include "schedule/formats/import.hpp"
#include "schedule/programme_catalog.hpp"
#include "schedule/programme_store.hpp"
#include "server/api/programme_editor.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

class FormatsApi {
  public:
    FormatsApi(schedule::ProgrammeCatalog& catalog, TokenStore& tokens, ProgrammeEditor& editor)
        : catalog_(catalog), tokens_(tokens), editor_(editor) {}

    void add_routes(ApiRouter& router);

  private:
    HttpResponse import(const HttpRequest& request, const Caller& caller);
    // Stamped with this build, the catalog's revision and now.
    schedule::formats::ExportOptions export_options() const;

    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    ProgrammeEditor& editor_;
};

}  // namespace stagehub::server
