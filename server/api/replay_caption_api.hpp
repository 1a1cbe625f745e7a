// A replay's own caption tracks (docs/CAPTIONS.md, "Replays"), for the event's organisers:
// upload or replace a WebVTT or SRT file per language and kind, list the tracks, read the
// cues (JSON, or the file back as WebVTT or SRT), replace the track with the console
// editor's edited cues, mark it complete, or drop it (the replay then shows its live
// captions again). Times on the wire are relative to the replay's playlist (its first
// segment, after trims), stored on the wall clock, so a later trim keeps them on their
// picture.
//
// Threads: loop thread.
#pragma once

#include "schedule/captions/caption_store.hpp"
#include "schedule/programme_catalog.hpp"
#include "server/api/caption_deadline.hpp"
#include "server/api/replay_api.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

class ReplayCaptionApi {
  public:
    ReplayCaptionApi(const schedule::ProgrammeCatalog& catalog, TokenStore& tokens,
                     ReplayApi& replays, captions::CaptionStore& store, CaptionDeadline& deadline);

    void add_routes(ApiRouter& router);

    // Whether a request is one of the two that carry a whole track (a file uploaded, or the
    // editor's cues): those may send up to kMaxCaptionFileBytes, every other request less.
    static bool takes_a_file(HttpMethod method, std::string_view path);

  private:
    struct Target;
    // The organiser's replay and track the path names, or the error (401/403, 404, 400).
    Result<Target> target_of(const HttpRequest& request, const PathParams& params,
                             const Caller& caller, bool language) const;
    nlohmann::json track_json(const Target& target) const;
    Status store_track(const Target& target, const std::vector<captions::TimedCue>& cues,
                       captions::CueSource source, bool complete, const Caller& caller);

    HttpResponse list_tracks(const HttpRequest& request, const PathParams& params,
                             const Caller& caller);
    HttpResponse show_track(const HttpRequest& request, const PathParams& params,
                            const Caller& caller);
    HttpResponse upload_track(const HttpRequest& request, const PathParams& params,
                              const Caller& caller);
    HttpResponse edit_track(const HttpRequest& request, const PathParams& params,
                            const Caller& caller);
    HttpResponse mark_complete(const HttpRequest& request, const PathParams& params,
                               const Caller& caller);
    HttpResponse drop_track(const HttpRequest& request, const PathParams& params,
                            const Caller& caller);

    const schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    ReplayApi& replays_;
    captions::CaptionStore& store_;
    CaptionDeadline& deadline_;
};

}  // namespace stagehub::server
