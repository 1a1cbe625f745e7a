#include "server/api/replay_subtitles_api.hpp"

#include <algorithm>
#include <functional>

#include "pipelines/replay_playlist.hpp"
#include "schedule/captions/vtt_segment.hpp"
#include "server/api/api_errors.hpp"
#include "server/api/caller_route.hpp"

namespace stagehub::server {
namespace {

int64_t ms_of(pipelines::WallTime at) {
    return at.time_since_epoch().count();
}

HttpResponse text_response(std::string content_type, std::string body, bool to_the_public) {
    HttpResponse response;
    response.content_type = std::move(content_type);
    response.body = std::move(body);
    // As the replay's playlists: edits (an uploaded track, a trim) show within seconds; a
    // replay only its organisers see is kept by no cache.
    response.header("cache-control", to_the_public ? "public, max-age=5" : "private, no-store");
    return response;
}

Error no_track(const std::string& session, const std::string& file) {
    return Error{ErrorCode::not_found, "the replay of session " + in_quotes(session) +
                                           " has no subtitle file " + in_quotes(file)};
}

}  // namespace

ReplaySubtitlesApi::ReplaySubtitlesApi(ReplayApi& replays, const captions::CaptionStore& store,
                                       pipelines::SegmentArchive& archive, TokenStore& tokens)
    : replays_(replays), store_(store), archive_(archive), tokens_(tokens) {
    replays_.set_subtitle_tracks(std::bind_front(&ReplaySubtitlesApi::tracks, this));
}

void ReplaySubtitlesApi::add_routes(ApiRouter& router) {
    CallerRoutes routes(router, tokens_);
    routes.add(HttpMethod::get, "/api/v1/replays/{session}/{track}/{language}/{file}",
               std::bind_front(&ReplaySubtitlesApi::show, this));
}

std::vector<pipelines::SubtitleTrack> ReplaySubtitlesApi::tracks(const std::string& session_id,
                                                                 const std::string& stage_id,
                                                                 pipelines::WallTime from,
                                                                 pipelines::WallTime to) const {
    std::vector<pipelines::SubtitleTrack> tracks;
    for (const auto& track : store_.replay_tracks(session_id, stage_id, ms_of(from), ms_of(to))) {
        if ((track.cues > 0 || track.own) && pipelines::is_language_tag(track.language))
            tracks.push_back({track.language, track.kind == captions::CueKind::descriptions});
    }
    std::stable_sort(tracks.begin(), tracks.end(), [](const auto& a, const auto& b) {
        return !a.descriptions && b.descriptions;
    });
    return tracks;
}

HttpResponse ReplaySubtitlesApi::show(const HttpRequest&, const PathParams& params,
                                      const Caller& caller) {
    const std::string& session_id = params.at("session");
    const std::string& track = params.at("track");
    const std::string& language = params.at("language");
    const std::string& file = params.at("file");
    const auto replay = replays_.visible_replay(session_id, caller);
    if (!replay) {
        return error_response(
            Error{ErrorCode::not_found, "there is no replay of session " + in_quotes(session_id)});
    }
    if ((track != "subs" && track != "desc") || !pipelines::is_language_tag(language))
        return error_response(no_track(session_id, track + "/" + language + "/" + file));
    const bool descriptions = track == "desc";
    if (file == "playlist.m3u8") {
        std::vector<pipelines::ArchivedSegment> segments = replay->segments;
        for (auto& segment : segments)
            segment.file = pipelines::vtt_segment_name(segment.file);
        return text_response("application/vnd.apple.mpegurl", pipelines::vod_playlist(segments, ""),
                             replay->to_the_public);
    }
    const auto segment =
        std::find_if(replay->segments.begin(), replay->segments.end(),
                     [&](const auto& s) { return pipelines::vtt_segment_name(s.file) == file; });
    if (segment == replay->segments.end())
        return error_response(no_track(session_id, track + "/" + language + "/" + file));
    captions::VttSegmentWindow window{ms_of(segment->starts), segment->duration.count(),
                                      segment->first_pts, segment == replay->segments.begin()};
    if (!window.first_pts)
        window.first_pts = archive_.first_pts_from_disk(segment->file);
    const auto cues = store_.replay_cues(
        session_id, replay->stage_id, language,
        descriptions ? captions::CueKind::descriptions : captions::CueKind::captions,
        window.start_ms, window.start_ms + window.duration_ms);
    return text_response("text/vtt; charset=utf-8", captions::vtt_segment(cues, window),
                         replay->to_the_public);
}

}  // namespace stagehub::server
