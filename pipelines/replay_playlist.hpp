// A session's replay as an HLS VOD playlist of archived live segments: the segments mostly
// inside the session's window, whole (a player cannot start inside a segment, so the
// replay may begin or end up to half a segment away from the session's own times). Segments of
// different pipeline runs (a restart, a crash) are separated by #EXT-X-DISCONTINUITY, because their
// timestamps restart.
#pragma once

#include <string>
#include <vector>

#include "pipelines/segment_archive.hpp"

namespace stagehub::pipelines {

// Of the segments overlapping [from, to), those more than half inside it: a replay then
// begins and ends within half a segment of the session, so its duration is the session's
// to within one segment. If none is (a window shorter than a segment), all of them.
std::vector<ArchivedSegment> mostly_within(const std::vector<ArchivedSegment>& segments,
                                           WallTime from, WallTime to);

// `segments` in time order; `url_prefix` is put before each file ("/live/").
std::string vod_playlist(const std::vector<ArchivedSegment>& segments,
                         const std::string& url_prefix);

// The sum of the segments' durations.
Milliseconds total_duration(const std::vector<ArchivedSegment>& segments);

}  // namespace stagehub::pipelines
