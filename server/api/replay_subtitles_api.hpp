// A replay's WebVTT subtitle renditions (docs/CAPTIONS.md, "Captions in replays"):
//   GET /api/v1/replays/{session}/{subs|desc}/{language}/playlist.m3u8
//   GET /api/v1/replays/{session}/{subs|desc}/{language}/seg-{run}-{n}.vtt
// The playlist mirrors the replay's top rendition (its segments, discontinuities included);
// each segment holds CaptionStore::replay_cues of its video segment's window: the replay's
// own track where it has one (uploaded or edited), else the live cues of that window, so a
// replay keeps the live captions it was broadcast with, re-timed to it. The replay's master
// gets the group (ReplayApi::set_subtitle_tracks, set here).
//
// Readers: exactly those who may see the replay (ReplayApi::visible_replay): a hidden or
// unpublished replay's captions are its organisers' only.
//
// Threads: loop thread.
#pragma once

#include "pipelines/segment_archive.hpp"
#include "schedule/captions/caption_store.hpp"
#include "server/api/replay_api.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

class ReplaySubtitlesApi {
  public:
    // Sets `replays`' subtitle tracks, so its masters list what this serves.
    ReplaySubtitlesApi(ReplayApi& replays, const captions::CaptionStore& store,
                       pipelines::SegmentArchive& archive, TokenStore& tokens);

    void add_routes(ApiRouter& router);

    // The tracks with cues in [from, to) (own or live), captions before descriptions.
    std::vector<pipelines::SubtitleTrack> tracks(const std::string& session_id,
                                                 const std::string& stage_id,
                                                 pipelines::WallTime from,
                                                 pipelines::WallTime to) const;

  private:
    HttpResponse show(const HttpRequest&, const PathParams& params, const Caller& caller);

    ReplayApi& replays_;
    const captions::CaptionStore& store_;
    pipelines::SegmentArchive& archive_;  // written: a first PTS read from disk is kept
    TokenStore& tokens_;
};

}  // namespace stagehub::server
