// Values a stage's pipelines report and take: the lower-third text, and a closed segment.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace stagehub::pipelines {

// What the lower third shows: the session on now and who is on stage.
struct LowerThird {
    std::string title;     // e.g. "Idéslussen – så fick vi idéerna att flyta"
    std::string subtitle;  // e.g. "Anna Lindqvist, Jonas Berg"; empty hides the second line

    bool operator==(const LowerThird&) const = default;
};

// A segment file that is complete and listed in the live playlist: the unit of the replay
// archive. Every rendition is split at the same instants; each reports its own segments.
struct ClosedSegment {
    std::filesystem::path path;  // output_dir / rendition / file name
    std::string rendition;       // "source", "720p", "audio", …
    std::string run_id;          // the program run that wrote it; timestamps restart with each
    unsigned index = 0;          // its number within the run and rendition, from 0
    // Wall-clock time of its first frame: its program running time mapped through the
    // pipeline clock (the system clock).
    std::chrono::system_clock::time_point started_at;
    double duration_s = 0;
    // It begins a new picture (a switch between input and slate): players must reset
    // their decoder here (#EXT-X-DISCONTINUITY).
    bool discontinuity = false;

    bool operator==(const ClosedSegment&) const = default;
};

}  // namespace stagehub::pipelines
