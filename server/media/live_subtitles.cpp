#include "server/media/live_subtitles.hpp"

#include <algorithm>

#include "pipelines/ladder.hpp"
#include "schedule/captions/vtt_segment.hpp"
#include "server/auth/error_status.hpp"

namespace stagehub::server {
namespace {

constexpr std::string_view kLivePrefix = "/live/";

HttpResponse not_found(std::string_view what) {
    return error_response(Error{ErrorCode::not_found, "no subtitles at " + std::string(what)});
}

// `cache`: the caller's policy; none: the live one, `live` for the policy of a live answer.
HttpResponse text_response(std::string content_type, std::string body,
                           const std::optional<std::string>& cache, const char* live) {
    HttpResponse response;
    response.content_type = std::move(content_type);
    response.body = std::move(body);
    response.header("cache-control", cache.value_or(live));
    // As the live media: players on organisers' own sites (the embed page) fetch across origins.
    if (!cache)
        response.header("access-control-allow-origin", "*");
    return response;
}

// A segment name as the pipelines write them: "seg-{run}-{n}.vtt", nothing else.
bool is_segment_name(std::string_view file) {
    if (!file.starts_with("seg-") || !file.ends_with(".vtt") || file.size() > 64)
        return false;
    return std::all_of(file.begin(), file.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_';
    });
}

}  // namespace

std::string SubtitlePath::video_file() const {
    if (playlist())
        return stage_id + "/index.m3u8";
    return stage_id + "/" + pipelines::kSourceRendition + "/" +
           file.substr(0, file.size() - std::string_view(".vtt").size()) + ".ts";
}

std::optional<SubtitlePath> parse_subtitle_path(std::string_view relative) {
    std::vector<std::string_view> parts;
    while (!relative.empty() && parts.size() < 5) {
        const size_t slash = relative.find('/');
        parts.push_back(relative.substr(0, slash));
        relative =
            slash == std::string_view::npos ? std::string_view{} : relative.substr(slash + 1);
    }
    if (parts.size() != 4 || !relative.empty() || parts[0].empty() ||
        (parts[1] != "subs" && parts[1] != "desc") || !pipelines::is_language_tag(parts[2]))
        return std::nullopt;
    SubtitlePath path{std::string(parts[0]), parts[1] == "desc", std::string(parts[2]),
                      std::string(parts[3])};
    if (!path.playlist() && !is_segment_name(path.file))
        return std::nullopt;
    return path;
}

HttpResponse LiveSubtitles::answer(const SubtitlePath& path,
                                   std::optional<std::string> cache) const {
    if (!path.playlist())
        return segment(path, std::move(cache));
    const pipelines::LivePlaylist* video = lookup_(path.stage_id, pipelines::kSourceRendition);
    if (video == nullptr)
        return not_found(path.video_file());
    return text_response("application/vnd.apple.mpegurl",
                         pipelines::vtt_media_playlist(video->text()), cache, "no-store");
}

std::optional<HttpResponse> LiveSubtitles::answer_url(std::string_view url_path) const {
    if (!url_path.starts_with(kLivePrefix))
        return std::nullopt;
    const auto path = parse_subtitle_path(url_path.substr(kLivePrefix.size()));
    if (!path)
        return std::nullopt;
    return answer(*path);
}

HttpResponse LiveSubtitles::segment(const SubtitlePath& path,
                                    std::optional<std::string> cache) const {
    const std::string video_file = path.video_file();
    captions::VttSegmentWindow window;
    if (const auto archived = archive_.find(video_file)) {
        window.start_ms = archived->starts.time_since_epoch().count();
        window.duration_ms = archived->duration.count();
        window.first_pts = archived->first_pts;
    } else {
        // Not archived (the disk below its floor): the live window knows it.
        const pipelines::LivePlaylist* video = lookup_(path.stage_id, pipelines::kSourceRendition);
        const std::string name = video_file.substr(video_file.rfind('/') + 1);
        std::optional<pipelines::LivePlaylist::Listed> listed;
        if (video != nullptr) {
            for (const auto& entry : video->listed()) {
                if (entry.uri == name)
                    listed = entry;
            }
        }
        if (!listed || !listed->starts_ms)
            return not_found(video_file);
        window.start_ms = *listed->starts_ms;
        window.duration_ms = static_cast<int64_t>(listed->duration_s * 1000.0 + 0.5);
    }
    if (!window.first_pts)
        window.first_pts = archive_.first_pts_from_disk(video_file);
    const auto kind =
        path.descriptions ? captions::CueKind::descriptions : captions::CueKind::captions;
    const auto cues = store_.live_cues(path.stage_id, path.language, kind, window.start_ms,
                                       window.start_ms + window.duration_ms);
    return text_response("text/vtt; charset=utf-8", captions::vtt_segment(cues, window), cache,
                         "public, max-age=4");
}

std::vector<pipelines::SubtitleTrack> LiveSubtitles::tracks(
    const std::string& stage_id, const std::vector<std::string>& event_languages) const {
    std::vector<pipelines::SubtitleTrack> tracks;
    const auto add = [&](const pipelines::SubtitleTrack& track) {
        if (pipelines::is_language_tag(track.language) &&
            std::find(tracks.begin(), tracks.end(), track) == tracks.end())
            tracks.push_back(track);
    };
    for (const std::string& language : event_languages)
        add({language, false});
    for (const std::string& language : store_.live_languages(stage_id, captions::CueKind::captions))
        add({language, false});
    for (const std::string& language :
         store_.live_languages(stage_id, captions::CueKind::descriptions))
        add({language, true});
    return tracks;
}

}  // namespace stagehub::server
