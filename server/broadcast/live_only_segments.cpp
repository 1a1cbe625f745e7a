#include "server/broadcast/live_only_segments.hpp"

#include <algorithm>
#include <system_error>

namespace stagehub::server {

void LiveOnlySegments::add(const pipelines::ClosedSegment& segment) {
    const auto duration = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(segment.duration_s));
    segments_.push_back(Kept{segment.path, segment.rendition, segment.started_at + duration});
}

size_t LiveOnlySegments::sweep(const Listed& listed, Clock::time_point now,
                               std::chrono::seconds grace) {
    const auto gone = std::remove_if(segments_.begin(), segments_.end(), [&](const Kept& kept) {
        if (kept.ends + grace > now || listed(kept.rendition, kept.path.filename().string()))
            return false;
        std::error_code ec;
        std::filesystem::remove(kept.path, ec);  // a file already gone is gone
        return true;
    });
    const auto removed = static_cast<size_t>(std::distance(gone, segments_.end()));
    segments_.erase(gone, segments_.end());
    return removed;
}

bool LiveOnlySegments::holds(const std::string& rendition, const std::string& file) const {
    return std::any_of(segments_.begin(), segments_.end(), [&](const Kept& kept) {
        return kept.rendition == rendition && kept.path.filename() == file;
    });
}

}  // namespace stagehub::server
