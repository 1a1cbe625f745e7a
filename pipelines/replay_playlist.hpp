// A session's replay as an HLS VOD playlist of archived live segments: the segments that
// overlap the session's window, whole (a player cannot start inside a segment, so the
// replay may begin up to one segment early and end up to one late). Segments of different
// pipeline runs (a restart, a crash) are separated by #EXT-X-DISCONTINUITY, because their
// timestamps restart.
#pragma once

#include <string>
#include <vector>

#include "pipelines/segment_archive.hpp"

namespace stagehub::pipelines {

// `segments` in time order; `url_prefix` is put before each file ("/live/").
std::string vod_playlist(const std::vector<ArchivedSegment>& segments,
                         const std::string& url_prefix);

// The sum of the segments' durations.
Milliseconds total_duration(const std::vector<ArchivedSegment>& segments);

}  // namespace stagehub::pipelines
