#include "pipelines/master_playlist.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "pipelines/audio_group.hpp"

namespace stagehub::pipelines {

int64_t fallback_bandwidth(const RenditionInfo& rendition) {
    if (rendition.audio_only)
        return 160'000;
    if (rendition.height > 0 && rendition.height <= 360)
        return 1'000'000;
    if (rendition.height > 0 && rendition.height <= 720)
        return 2'800'000;
    return 5'300'000;
}

std::string master_playlist(const std::vector<RenditionInfo>& renditions,
                            const std::string& media_playlist_name,
                            const std::string& main_language) {
    // Video renditions first, biggest first: hls.js starts with the first listed variant
    // before it has measured the connection.
    std::vector<RenditionInfo> ordered = renditions;
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
        if (a.audio_only != b.audio_only)
            return !a.audio_only;
        return a.height > b.height;
    });
    std::ostringstream out;
    out << "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n";
    const std::string audio = audio_media_lines(ordered, main_language, media_playlist_name);
    out << audio;
    for (const RenditionInfo& r : ordered) {
        if (!r.language.empty())
            continue;  // an alternative sound, listed above
        out << "#EXT-X-STREAM-INF:BANDWIDTH="
            << (r.bandwidth > 0 ? r.bandwidth : fallback_bandwidth(r));
        if (!r.audio_only && r.width > 0 && r.height > 0)
            out << ",RESOLUTION=" << r.width << 'x' << r.height;
        if (!r.audio_only && r.framerate > 0) {
            char rate[16];
            std::snprintf(rate, sizeof rate, "%.3f", r.framerate);
            out << ",FRAME-RATE=" << rate;
        }
        if (!audio.empty())
            out << ",AUDIO=\"" << kAudioGroup << '"';
        out << ",CODECS=\"" << r.codecs << "\"\n" << r.name << '/' << media_playlist_name << '\n';
    }
    return out.str();
}

}  // namespace stagehub::pipelines
