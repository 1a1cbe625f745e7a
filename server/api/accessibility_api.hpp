// The accessibility statement over REST (docs/API.md, "Accessibility statement"): each
// event's statement as the pages at /tillganglighet, /tilgjengelighet and /accessibility
// show it (public for a published event), its settings (organisers), and the feedback
// form behind it: the public sends a problem (rate-limited per address), the event's
// organisers list it and get it pushed on `ops` as it arrives. Nobody else ever reads a
// message: not the public, not the organisers of another event.
//
// What stagehub knows itself goes into the statement as it is shown: the published
// replays that have no complete captions track, as known gaps (WCAG 1.2.2).
//
// Threads: loop thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "schedule/accessibility/feedback_store.hpp"
#include "schedule/accessibility/statement_settings.hpp"
#include "schedule/database.hpp"
#include "schedule/programme_catalog.hpp"
#include "server/auth/access.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/address_rate_limit.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

// What the server says when an event's organisers have not: `--accessibility-contact`.
struct AccessibilityDefaults {
    std::string contact_email;
    int feedback_per_minute = 5;  // --limit-feedback: messages one address may send a minute
};

class AccessibilityApi {
  public:
    // The sessions of an event whose replay the public may see now (ReplayApi).
    using PublicReplays = std::function<std::vector<std::string>(const schedule::Programme&)>;
    // A message for the event's organisers on `ops` (LiveChannels::publish_event_ops).
    using OpsPush = std::function<void(const std::string& event_id, const nlohmann::json&)>;

    // Touches no table until a request comes: the application migrates after building it.
    AccessibilityApi(schedule::ProgrammeCatalog& catalog, TokenStore& tokens,
                     schedule::Database& db, AccessibilityDefaults defaults,
                     PublicReplays public_replays, OpsPush push)
        : catalog_(catalog),
          tokens_(tokens),
          db_(db),
          defaults_(std::move(defaults)),
          public_replays_(std::move(public_replays)),
          push_(std::move(push)),
          statements_(db),
          feedback_(db),
          feedback_limit_(AddressRateLimit::per_minute(defaults_.feedback_per_minute)) {}

    void add_routes(ApiRouter& router);

  private:
    // GET /api/v1/accessibility: the events that have a statement, for the page's list.
    HttpResponse list_statements(const HttpRequest&, const PathParams&, const Caller& caller);
    HttpResponse show_statement(const HttpRequest&, const PathParams& params, const Caller& caller);
    HttpResponse set_statement(const HttpRequest& request, const PathParams& params,
                               const Caller& caller);
    HttpResponse send_feedback(const HttpRequest& request, const PathParams& params,
                               const Caller& caller);
    HttpResponse list_feedback(const HttpRequest&, const PathParams& params, const Caller& caller);

    // The statement as shown: the stored settings or the defaults, and the gaps stagehub
    // knows of.
    nlohmann::json statement_json(const schedule::Programme& programme, const Caller& caller);
    accessibility::StatementSettings settings_of(const schedule::Programme& programme) const;

    // Passed by argument.
    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    schedule::Database& db_;
    AccessibilityDefaults defaults_;
    PublicReplays public_replays_;
    OpsPush push_;
    // Allocated by this.
    accessibility::StatementStore statements_;
    accessibility::FeedbackStore feedback_;
    AddressRateLimit feedback_limit_;
};

}  // namespace stagehub::server
