// Endpoints about who is asking: the caller's own account, organisers handing out tokens
// for their events (co-organisers, staff, speakers' personal links), a speaker's own
// sessions and panels, and the programme figures staff read.
//
// Threads: loop thread.
#pragma once

#include "schedule/programme_catalog.hpp"
#include "server/auth/access.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

class AccountsApi {
  public:
    AccountsApi(schedule::ProgrammeCatalog& catalog, TokenStore& tokens)
        : catalog_(catalog), tokens_(tokens) {}

    void add_routes(ApiRouter& router);

  private:
    HttpResponse create_account(const HttpRequest& request, const PathParams& params,
                                const Caller& caller);
    HttpResponse event_accounts(const HttpRequest&, const PathParams& params, const Caller& caller);
    HttpResponse withdraw_account(const HttpRequest&, const PathParams& params,
                                  const Caller& caller);
    HttpResponse speaker_sessions(const HttpRequest&, const PathParams&, const Caller& caller);
    HttpResponse programme_stats(const HttpRequest&, const PathParams& params,
                                 const Caller& caller);

    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
};

}  // namespace stagehub::server
