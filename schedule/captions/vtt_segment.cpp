#include "schedule/captions/vtt_segment.hpp"

#include <algorithm>

#include "schedule/captions/webvtt.hpp"

namespace stagehub::captions {

std::string timestamp_map(int64_t first_pts) {
    return "MPEGTS:" + std::to_string(first_pts) + ",LOCAL:00:00:00.000";
}

std::string vtt_segment(const std::vector<Cue>& cues, const VttSegmentWindow& window) {
    const int64_t from = window.start_ms;
    const int64_t to = window.start_ms + window.duration_ms;
    std::vector<TimedCue> timed;
    for (const Cue& cue : cues) {
        const bool starts_here = cue.start_ms >= from && cue.start_ms < to;
        const bool runs_in = window.first_of_playlist && cue.start_ms < from && cue.end_ms > from;
        if (!starts_here && !runs_in)
            continue;
        timed.push_back(TimedCue{std::max(cue.start_ms, from) - from, cue.end_ms - from, cue.text});
    }
    std::stable_sort(timed.begin(), timed.end(),
                     [](const TimedCue& a, const TimedCue& b) { return a.start_ms < b.start_ms; });
    std::vector<std::string> header;
    if (window.first_pts)
        header.push_back("X-TIMESTAMP-MAP=" + timestamp_map(*window.first_pts));
    return write_webvtt(timed, header);
}

}  // namespace stagehub::captions
