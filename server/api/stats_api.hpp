// Statistics for staff (docs/API.md, "Statistics"): the event's report of in-person,
// live-web and replay figures, the per-minute series of concurrent viewers, and CSV files
// of every table. Staff and organisers of the event only.
//
// Reports read many heartbeats, so they run on a worker thread with its own connection and
// are answered from there (a deferred answer); the loop only copies the programme over.
//
// Threads: loop thread; the reports on the worker's.
#pragma once

#include <filesystem>
#include <functional>

#include "schedule/attendance/counting_rules.hpp"
#include "schedule/database_worker.hpp"
#include "schedule/programme_catalog.hpp"
#include "server/auth/access.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"
#include "server/http/loop_mailbox.hpp"

namespace stagehub::server {

class StatsApi {
  public:
    using Answer = std::function<void(uint64_t exchange, HttpResponse response)>;

    StatsApi(const schedule::ProgrammeCatalog& catalog, TokenStore& tokens, LoopMailbox& mailbox,
             const std::filesystem::path& database, attendance::CountingRules rules, Answer answer);

    void add_routes(ApiRouter& router);

  private:
    // Runs `make` on the worker and answers the request with what it returns (a 500 naming
    // the failure if it throws).
    HttpResponse later(const HttpRequest& request,
                       std::function<HttpResponse(schedule::Database&)> make);

    // The programme as a report needs it (unpublished parts too: staff count everything).
    Result<schedule::Programme> event_for(const Caller& caller, const std::string& event_id) const;
    HttpResponse event_report(const HttpRequest& request, const PathParams& params,
                              const Caller& caller);
    HttpResponse stage_series(const HttpRequest& request, const PathParams& params,
                              const Caller& caller);
    // sessions.csv, days.csv, stages.csv, series.csv.
    HttpResponse report_file(const HttpRequest& request, const PathParams& params,
                             const Caller& caller);

    const schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    LoopMailbox& mailbox_;
    attendance::CountingRules rules_;
    Answer answer_;
    schedule::DatabaseWorker worker_;  // last: its jobs finish before the rest goes
};

}  // namespace stagehub::server
