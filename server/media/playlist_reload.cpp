#include "server/media/playlist_reload.hpp"

#include <charconv>
#include <string_view>

#include "server/auth/error_status.hpp"
#include "server/media/live_subtitles.hpp"

namespace stagehub::server {
namespace {

constexpr std::string_view kLivePrefix = "/live/";
constexpr std::string_view kMediaPlaylist = "/index.m3u8";

// "/live/{stage}/{rendition}/index.m3u8" → {stage, rendition}; the master playlist
// (/live/{stage}/index.m3u8) and segments are not media playlists. A subtitle playlist,
// "/live/{stage}/{subs|desc}/{language}/index.m3u8", mirrors the top rendition's
// (server/media/live_subtitles.hpp), so it waits for that one.
std::optional<std::pair<std::string, std::string>> media_playlist_of(std::string_view path) {
    if (!path.starts_with(kLivePrefix) || !path.ends_with(kMediaPlaylist))
        return std::nullopt;
    if (const auto subtitles = parse_subtitle_path(path.substr(kLivePrefix.size())))
        return std::pair{subtitles->stage_id, std::string(pipelines::kSourceRendition)};
    path.remove_prefix(kLivePrefix.size());
    path.remove_suffix(kMediaPlaylist.size());
    const size_t slash = path.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size() ||
        path.find('/', slash + 1) != std::string_view::npos)
        return std::nullopt;
    return std::pair{std::string(path.substr(0, slash)), std::string(path.substr(slash + 1))};
}

std::optional<int64_t> non_negative(const std::string& text) {
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 0)
        return std::nullopt;
    return value;
}

HttpResponse bad_directive(std::string_view message) {
    return error_response(Error{ErrorCode::bad_request, std::string(message)});
}

}  // namespace

std::optional<HttpResponse> BlockingPlaylistReload::take(const HttpRequest& request,
                                                         Clock::time_point now) {
    const auto msn_text = request.query_value("_HLS_msn");
    const auto part_text = request.query_value("_HLS_part");
    if (!msn_text && !part_text)
        return std::nullopt;
    const auto playlist_of = media_playlist_of(request.path);
    if (request.method != HttpMethod::get || !playlist_of)
        return std::nullopt;  // delivery directives mean nothing elsewhere: served as asked
    if (!msn_text) {
        return bad_directive(
            "_HLS_part needs _HLS_msn: ask for a part of a segment, e.g. ?_HLS_msn=12&_HLS_part=0");
    }
    const auto sequence = non_negative(*msn_text);
    if (!sequence) {
        return bad_directive("_HLS_msn must be a media sequence number (0 or more), not '" +
                             *msn_text + "'");
    }
    if (part_text && !non_negative(*part_text)) {
        return bad_directive("_HLS_part must be a part index (0 or more), not '" + *part_text +
                             "'");
    }
    const auto& [stage, rendition] = *playlist_of;
    const pipelines::LivePlaylist* playlist = lookup_(stage, rendition);
    if (playlist == nullptr || playlist->ended() || playlist->last_sequence() >= *sequence)
        return std::nullopt;
    if (*sequence > playlist->last_sequence() + 2) {
        return bad_directive("_HLS_msn " + std::to_string(*sequence) +
                             " is more than two segments past the newest, " +
                             std::to_string(playlist->last_sequence()) +
                             "; reload the playlist without it");
    }
    if (count_ >= kMaxWaits)
        return std::nullopt;  // the player gets the playlist as it is, and polls
    const auto patience = std::chrono::seconds(3 * playlist->target_duration_s());
    waits_[{stage, rendition}].push_back(Wait{request, *sequence, now + patience});
    ++count_;
    return deferred_response();
}

void BlockingPlaylistReload::listed(const std::string& stage, const std::string& rendition) {
    const auto it = waits_.find({stage, rendition});
    if (it == waits_.end())
        return;
    const pipelines::LivePlaylist* playlist = lookup_(stage, rendition);
    std::vector<Wait> ready;
    std::erase_if(it->second, [&](Wait& wait) {
        if (playlist != nullptr && !playlist->ended() && playlist->last_sequence() < wait.sequence)
            return false;
        ready.push_back(std::move(wait));
        return true;
    });
    if (it->second.empty())
        waits_.erase(it);
    count_ -= ready.size();
    // Every answer is read from the file now: the rewrite that satisfied them.
    for (Wait& wait : ready)
        complete_(wait.request.exchange, serve_(wait.request));
}

void BlockingPlaylistReload::expire(Clock::time_point now) {
    std::vector<uint64_t> expired;
    for (auto it = waits_.begin(); it != waits_.end();) {
        std::erase_if(it->second, [&](const Wait& wait) {
            if (wait.deadline > now)
                return false;
            expired.push_back(wait.request.exchange);
            return true;
        });
        it = it->second.empty() ? waits_.erase(it) : std::next(it);
    }
    count_ -= expired.size();
    for (uint64_t exchange : expired) {
        HttpResponse response = error_response(
            Error{ErrorCode::unavailable,
                  "the segment asked for did not appear within three target durations; the "
                  "broadcast may be restarting: reload the playlist without _HLS_msn"});
        response.header("retry-after", "1");
        complete_(exchange, std::move(response));
    }
}

}  // namespace stagehub::server
