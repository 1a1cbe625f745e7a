// The organiser's live operations over REST (docs/API.md, "Live operations"): running late,
// start now, end now, swap, move, cancel, restore, panel order. Each takes an optional
// "dry_run" and answers with the sessions it changes, before and after; the rules are
// schedule/live_operations.
//
// Threads: loop thread.
#pragma once

#include "schedule/programme_catalog.hpp"
#include "server/api/programme_editor.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

class LiveApi {
  public:
    LiveApi(schedule::ProgrammeCatalog& catalog, TokenStore& tokens, ProgrammeEditor& editor)
        : catalog_(catalog), tokens_(tokens), editor_(editor) {}

    void add_routes(ApiRouter& router);

  private:
    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    ProgrammeEditor& editor_;
};

}  // namespace stagehub::server
