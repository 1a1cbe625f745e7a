// One WebVTT segment of an HLS subtitle rendition (RFC 8216 3.5): the cues of one media
// segment's wall-clock window, timed from the segment's first frame, with an
// X-TIMESTAMP-MAP that ties that instant (LOCAL 0) to the segment's first PTS. A player
// then shows each cue with the picture ingested at the cue's wall-clock start, live and in
// replays alike (a replay's own track is stored on the same wall clock).
//
// A cue goes into the segment its start falls in, whole (its end may lie in a later
// segment: WebVTT allows it). Repeating it in every segment it overlaps would need a start
// before the segment, which WebVTT cannot write; clamped to 0 it would be another cue, and
// hls.js, which merges repeats only when time and text are the same, would show it twice.
// Only the first segment of a playlist also takes the cues already running at its start
// (clamped to it): nothing earlier carries them.
//
// Threads: any; no state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "schedule/captions/cue.hpp"

namespace stagehub::captions {

struct VttSegmentWindow {
    int64_t start_ms = 0;  // the segment's first frame, UTC wall clock (segments.starts_ms)
    int64_t duration_ms = 0;
    std::optional<int64_t> first_pts;  // 90 kHz; nullopt: no X-TIMESTAMP-MAP
    bool first_of_playlist = false;    // takes the cues already running at its start
};

// The cues (any order; from CaptionStore::live_cues or replay_cues over the window) as the
// segment's WebVTT text.
std::string vtt_segment(const std::vector<Cue>& cues, const VttSegmentWindow& window);

// "MPEGTS:900000,LOCAL:00:00:00.000".
std::string timestamp_map(int64_t first_pts);

}  // namespace stagehub::captions
