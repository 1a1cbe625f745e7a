// Live caption ingest over REST (docs/CAPTIONS.md, "Ingest"):
//
//   POST /api/v1/events/{event}/stages/{stage}/captions
//
// by a captioner or an organiser of the event. Each line becomes a live cue of the stage,
// timed as it arrives, stored (CaptionStore) and then handed to `on_cue` (the server pushes
// it on `captions:{stage}`); a line still being typed (`"final": false`) is only handed to
// `on_partial`. Who may, which stage and what the body says are all checked before
// anything is stored; a request is stored whole or not at all.
//
// Threads: loop thread.
#pragma once

#include <functional>
#include <string>

#include "schedule/captions/caption_store.hpp"
#include "schedule/database.hpp"
#include "schedule/programme_catalog.hpp"
#include "server/api/caption_post.hpp"
#include "server/api/caption_rate_limit.hpp"
#include "server/auth/access.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

class CaptionApi {
  public:
    using OnCue = std::function<void(const captions::Cue&)>;
    // The stage, the language and the line being typed (empty: cleared).
    using OnPartial =
        std::function<void(const std::string&, const std::string&, const std::string&)>;

    struct Limits {
        CaptionLimits post;
        CaptionRateLimit::Rates rates;
    };

    CaptionApi(schedule::Database& db, schedule::ProgrammeCatalog& catalog, TokenStore& tokens,
               captions::CaptionStore& captions, OnCue on_cue, OnPartial on_partial,
               Limits limits = {})
        : db_(db),
          catalog_(catalog),
          tokens_(tokens),
          captions_(captions),
          on_cue_(std::move(on_cue)),
          on_partial_(std::move(on_partial)),
          limits_(limits),
          rate_limit_(limits.rates) {}

    void add_routes(ApiRouter& router);

  private:
    // A stage takes captions in its event's languages and, besides, in at most this many
    // (descriptions likewise, counted apart: each kind is its own set of renditions).
    static constexpr size_t kMaxStageLanguages = 4;
    Status language_room(const schedule::Programme& programme, const std::string& stage_id,
                         const std::string& language, captions::CueKind kind) const;
    HttpResponse post_captions(const HttpRequest& request, const PathParams& params,
                               const Caller& caller);

    schedule::Database& db_;
    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    captions::CaptionStore& captions_;
    OnCue on_cue_;
    OnPartial on_partial_;
    Limits limits_;
    CaptionRateLimit rate_limit_;
};

}  // namespace stagehub::server
