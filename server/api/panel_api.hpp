// A panel's running order as it happens (docs/API.md, "Panels"): the moderator's "next
// speaker" (and back, and restart) for the organisers of the event, and the panel's state
// for anyone who may see the session. Every step is pushed on `panel:{session}`.
//
// Threads: loop thread.
#pragma once

#include <functional>
#include <string>

#include "schedule/panel_progress.hpp"
#include "schedule/programme_catalog.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

class PanelApi {
  public:
    using OnStep = std::function<void(const std::string& session_id)>;

    PanelApi(schedule::ProgrammeCatalog& catalog, TokenStore& tokens,
             schedule::PanelProgressStore& panels, OnStep on_step)
        : catalog_(catalog), tokens_(tokens), panels_(panels), on_step_(std::move(on_step)) {}

    void add_routes(ApiRouter& router);

  private:
    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    schedule::PanelProgressStore& panels_;
    OnStep on_step_;
};

}  // namespace stagehub::server
