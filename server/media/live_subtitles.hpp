// A stage's live WebVTT subtitle renditions (docs/CAPTIONS.md, "Live subtitles in HLS"):
//   /live/{stage}/subs/{language}/index.m3u8     the top rendition's live playlist, entry
//                                                for entry (sequence numbers, durations,
//                                                discontinuities), each entry a .vtt
//   /live/{stage}/subs/{language}/seg-{run}-{n}.vtt   the live cues (CaptionStore) that start
//                                                in video segment seg-{run}-{n}'s wall-clock
//                                                window, timed from its first frame, with
//                                                X-TIMESTAMP-MAP=MPEGTS:{its first PTS}
// and the same under desc/ for the descriptions (kind "descriptions") of the picture.
// Nothing is written to disk: both are made when asked for, from the playlist in memory and
// the cue store, so a cue stored a moment before its segment is listed is in it.
//
// Who may read them is decided by the caller (the application) with the rules of the video
// file each mirrors: the stage's playlists, or the video segment (server/api/replay_api).
//
// Threads: loop thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipelines/live_playlist.hpp"
#include "pipelines/segment_archive.hpp"
#include "pipelines/subtitle_playlist.hpp"
#include "schedule/captions/caption_store.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

struct SubtitlePath {
    std::string stage_id;
    bool descriptions = false;
    std::string language;
    std::string file;  // "index.m3u8" or "seg-{run}-{n}.vtt"

    bool playlist() const { return file == "index.m3u8"; }
    // The file below /live/ whose reader rules this one follows: "{stage}/index.m3u8" for
    // the playlist, "{stage}/source/seg-{run}-{n}.ts" for a segment.
    std::string video_file() const;
};

// "salen/subs/sv/index.m3u8" (below /live/) → its parts; nullopt for any other path, a
// language that is not a BCP 47-shaped tag, or a file that is neither.
std::optional<SubtitlePath> parse_subtitle_path(std::string_view relative);

class LiveSubtitles {
  public:
    // The live playlist of a stage's rendition, or null (as BlockingPlaylistReload's).
    using PlaylistLookup = std::function<const pipelines::LivePlaylist*(
        const std::string& stage, const std::string& rendition)>;

    LiveSubtitles(const captions::CaptionStore& store, pipelines::SegmentArchive& archive,
                  PlaylistLookup lookup)
        : store_(store), archive_(archive), lookup_(std::move(lookup)) {}

    // The playlist or segment; 404 when the stage does not broadcast or the segment is
    // neither listed nor archived. Cached as the live media are (playlists not at all,
    // segments briefly: a cue sent with a time in the past may still join one) and open to
    // other origins (the embed page), unless `cache` says how (a replay's, an organiser's).
    HttpResponse answer(const SubtitlePath& path,
                        std::optional<std::string> cache = std::nullopt) const;
    // The same for a URL path ("/live/…"): nullopt when it names no subtitle file. For the
    // answers blocking playlist reloads give later (server/media/playlist_reload).
    std::optional<HttpResponse> answer_url(std::string_view url_path) const;

    // What a stage's live master lists: captions in every language of the event, which a
    // player shows in its menu from the start (it reads the master once), and in any other
    // language with live cues on the stage; descriptions in the languages that have some.
    std::vector<pipelines::SubtitleTrack> tracks(
        const std::string& stage_id, const std::vector<std::string>& event_languages) const;

  private:
    HttpResponse segment(const SubtitlePath& path, std::optional<std::string> cache) const;

    const captions::CaptionStore& store_;
    pipelines::SegmentArchive& archive_;
    PlaylistLookup lookup_;
};

}  // namespace stagehub::server
