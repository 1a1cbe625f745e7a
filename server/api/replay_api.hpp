// Replays (docs/API.md, "Replays"): every ended session with replays allowed becomes a VOD
// playlist of the live segments between its actual start and end, as soon as those
// segments are archived; organisers trim, hide and erase them.
//
// The replay rules also decide who may fetch the media files themselves (media_reach): a
// segment outside the live window is served only as part of a replay the reader may see,
// and a poster only with its replay, so a hidden, disallowed, unpublished or erased
// recording is gone from /live/ and /posters/ too.
//
// Threads: loop thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "pipelines/poster_maker.hpp"
#include "pipelines/program_pipeline.hpp"
#include "pipelines/segment_archive.hpp"
#include "pipelines/subtitle_playlist.hpp"
#include "schedule/programme_catalog.hpp"
#include "server/api/programme_editor.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

struct Caller;

// Who a media file may be served to, and so how it may be cached (server/http/static_files.hpp).
enum class MediaReach {
    none,        // 404: unknown, hidden, not allowed, unpublished or erased
    live,        // a published stage's live playlist, or a segment in its live window
    replay,      // part of a replay the public may see
    organisers,  // part of a replay only the event's organisers may see (hidden)
};

class ReplayApi {
  public:
    // Whether a file (stage, rendition, file name) is listed in its stage's live playlist
    // now: the live window (server/broadcast/stage_supervisor.hpp).
    using LiveListing = std::function<bool(const std::string& stage, const std::string& rendition,
                                           const std::string& file)>;

    // Posters are JPEGs in `poster_dir`, served at /posters/{session}.jpg.
    ReplayApi(schedule::ProgrammeCatalog& catalog, TokenStore& tokens,
              pipelines::SegmentArchive& archive, std::filesystem::path poster_dir,
              ProgrammeEditor& editor);

    void add_routes(ApiRouter& router);

    // Set once the broadcast runs; without it only the grace after a segment's end counts
    // as live.
    void set_live_listing(LiveListing listing) { live_listing_ = std::move(listing); }

    // A file below the live folder, e.g. "salen/source/seg-ab12-7.ts" or
    // "salen/index.m3u8": playlists while the stage's event is published; a segment while
    // in the live window (listed, or ended less than the live grace ago) of a published stage,
    // later only as part of a replay `caller` may see.
    MediaReach live_file_reach(const std::string& relative, const Caller& caller, Instant now);
    // A poster, "{session}.jpg": with its replay only.
    MediaReach poster_reach(const std::string& file_name, const Caller& caller, Instant now);

    // A player behind the live edge may still ask for a segment that just left the
    // playlist's window: that long after its end it still counts as live.
    void set_live_grace(std::chrono::seconds grace) { live_grace_ = grace; }

    // A replay's subtitle tracks for its master (server/api/replay_subtitles_api.hpp):
    // session, stage, and the wall-clock span its segments cover.
    using SubtitleTracks = std::function<std::vector<pipelines::SubtitleTrack>(
        const std::string& session_id, const std::string& stage_id, pipelines::WallTime from,
        pipelines::WallTime to)>;
    void set_subtitle_tracks(SubtitleTracks tracks) { subtitle_tracks_ = std::move(tracks); }
    // Where an erased recording's captions go with it (the words are the speaker's too).
    using EraseCaptions =
        std::function<int64_t(const std::string& stage_id, const std::string& session_id,
                              pipelines::WallTime from, pipelines::WallTime to)>;
    void set_erase_captions(EraseCaptions erase) { erase_captions_ = std::move(erase); }
    // Told when an organiser shows or hides a replay by hand (the 14-day rule steps back).
    void on_visibility_edited(std::function<void(const std::string& session_id)> sink) {
        visibility_edited_ = std::move(sink);
    }

    // A replay `caller` may see, as its subtitles need it: its top rendition's segments and
    // whether the public sees it too (how it may be cached). nullopt: none for this caller.
    struct Visible {
        std::string event_id;
        std::string stage_id;
        std::vector<pipelines::ArchivedSegment> segments;
        bool to_the_public = false;
    };
    std::optional<Visible> visible_replay(const std::string& session_id, const Caller& caller);

    // Queues a poster for every public replay that has none yet (a frame from the middle of
    // the replay). Called every few seconds by the application's clock.
    void make_missing_posters(Instant now);

    // What captions (server/api/caption_api.hpp) and the 14-day rule
    // (server/api/caption_deadline.hpp) need to know of a replay.
    struct Window {
        std::string event_id, stage_id, session_id, title;
        int64_t origin_ms = 0;           // time 0 of the replay's playlist: its first segment
        int64_t from_ms = 0, to_ms = 0;  // the window, after trims
        int64_t first_broadcast_ms = 0;  // the session's actual start
        bool hidden = false;
    };
    // The session's replay as `caller` may see it now.
    std::optional<Window> window_of(const std::string& session_id, const Caller& caller);
    // Every replay the public may see at `now`.
    std::vector<Window> public_windows(Instant now);
    // Fields only the event's organisers see on each replay (the captions' state).
    using OrganiserFields = std::function<void(const Window&, nlohmann::json&)>;
    void set_organiser_fields(OrganiserFields fields) { organiser_fields_ = std::move(fields); }
    // The sessions of `programme` whose replay the public may see at `now` (the
    // accessibility statement lists those without complete captions).
    std::vector<std::string> public_replays(const schedule::Programme& programme, Instant now);

  private:
    struct Replay {
        const schedule::Session* session;
        pipelines::ReplayEdit edit;
        std::vector<pipelines::ArchivedSegment> segments;  // of the top rendition
        std::vector<std::string> renditions;               // top first; [""] before the ladder
        pipelines::WallTime from;
        pipelines::WallTime to;
    };
    // The session's replay as of `now`, if it has one the caller may see.
    std::optional<Replay> replay_of(const schedule::Programme& programme,
                                    const schedule::Session& session, const Caller& caller,
                                    Instant now);
    static Window window(const schedule::Programme& programme, const Replay& replay);
    nlohmann::json replay_json(const schedule::Programme& programme, const Replay& replay,
                               const Caller& caller) const;
    std::string master_of(const Replay& replay);
    std::string mark_interpretation(std::vector<pipelines::RenditionInfo>& infos,
                                    const std::string& stage_id) const;
    // The session's replay as the caller may see it, with the programme view it points
    // into; nullopt if there is none.
    struct FoundReplay {
        std::unique_ptr<const schedule::Programme> programme;
        Replay replay;
    };
    std::optional<FoundReplay> find_replay(const std::string& session_id, const Caller& caller);
    std::vector<pipelines::ArchivedSegment> segments_of(const Replay& replay,
                                                        const std::string& rendition);
    static HttpResponse playlist_response(std::string body);
    HttpResponse show_replays(const HttpRequest& request, const PathParams&, const Caller& caller);
    HttpResponse show_replay(const HttpRequest&, const PathParams& params, const Caller& caller);
    HttpResponse show_playlist(const HttpRequest&, const PathParams& params, const Caller& caller);
    HttpResponse show_rendition_playlist(const HttpRequest&, const PathParams& params,
                                         const Caller& caller);
    // PATCH …/sessions/{session}/replay: trims and hiding.
    HttpResponse edit_replay(const HttpRequest& request, const PathParams& params,
                             const Caller& caller);
    // DELETE …/sessions/{session}/recording: the files, the rows, the poster; logged.
    HttpResponse erase_recording(const HttpRequest& request, const PathParams& params,
                                 const Caller& caller);
    // Whether `segment` is part of a replay of a session on its stage that `caller` sees.
    bool in_visible_replay(const schedule::Programme& programme,
                           const pipelines::ArchivedSegment& segment, const Caller& caller,
                           Instant now);

    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    pipelines::SegmentArchive& archive_;
    std::filesystem::path poster_dir_;
    ProgrammeEditor& editor_;
    pipelines::PosterMaker posters_;
    LiveListing live_listing_;
    SubtitleTracks subtitle_tracks_;
    EraseCaptions erase_captions_;
    std::function<void(const std::string&)> visibility_edited_;
    OrganiserFields organiser_fields_;
    std::chrono::seconds live_grace_{60};
};

}  // namespace stagehub::server
