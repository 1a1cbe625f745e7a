#include "pipelines/replay_playlist.hpp"

#include <algorithm>
#include <cstdio>

namespace stagehub::pipelines {

std::vector<ArchivedSegment> mostly_within(const std::vector<ArchivedSegment>& segments,
                                           WallTime from, WallTime to) {
    std::vector<ArchivedSegment> kept;
    for (const ArchivedSegment& s : segments) {
        const WallTime middle = s.starts + s.duration / 2;
        if (middle >= from && middle < to)
            kept.push_back(s);
    }
    return kept.empty() ? segments : kept;
}

Milliseconds total_duration(const std::vector<ArchivedSegment>& segments) {
    Milliseconds total{0};
    for (const ArchivedSegment& s : segments)
        total += s.duration;
    return total;
}

std::string vod_playlist(const std::vector<ArchivedSegment>& segments,
                         const std::string& url_prefix) {
    Milliseconds longest{1000};
    for (const ArchivedSegment& s : segments)
        longest = std::max(longest, s.duration);
    // TARGETDURATION: a whole number no smaller than any segment (RFC 8216 4.3.3.1).
    const auto target = (longest.count() + 999) / 1000;
    std::string text = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n";
    text.append("#EXT-X-TARGETDURATION:").append(std::to_string(target)).append("\n");
    text.append("#EXT-X-MEDIA-SEQUENCE:0\n");
    const std::string* run = nullptr;
    for (const ArchivedSegment& s : segments) {
        if (run != nullptr && (*run != s.run_id || s.discontinuity))
            text.append("#EXT-X-DISCONTINUITY\n");
        run = &s.run_id;
        char duration[32];
        std::snprintf(duration, sizeof duration, "%.3f",
                      static_cast<double>(s.duration.count()) / 1000.0);
        text.append("#EXTINF:").append(duration).append(",\n");
        text.append(url_prefix).append(s.file).append("\n");
    }
    text.append("#EXT-X-ENDLIST\n");
    return text;
}

}  // namespace stagehub::pipelines
