// A stage's segments kept for its live playlists only: while the disk is below its floor
// (server/app/disk_floor.hpp) new segments are not archived for replays, and each is
// deleted as soon as no player may still ask for it: once it has left its rendition's live
// playlist and the live grace after its end has passed (the same grace during which a
// player behind the live edge is still served a segment that left the playlist,
// server/api/replay_api.hpp). So live needs a bounded amount of space: about
// (playlist window + grace / segment length) segments per rendition.
//
// Threads: the loop thread (StageSupervisor's).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <string>

#include "pipelines/stage_pipeline_types.hpp"

namespace stagehub::server {

class LiveOnlySegments {
  public:
    using Clock = std::chrono::system_clock;
    // Whether a rendition's live playlist lists a file (a name in its folder) now.
    using Listed = std::function<bool(const std::string& rendition, const std::string& file)>;

    void add(const pipelines::ClosedSegment& segment);

    // Deletes the segments no longer listed whose end is at least `grace` ago; returns how
    // many went. A file already gone counts as gone.
    size_t sweep(const Listed& listed, Clock::time_point now, std::chrono::seconds grace);

    // Whether the file is one of ours still on disk (a player behind the live edge may get it).
    bool holds(const std::string& rendition, const std::string& file) const;
    size_t size() const { return segments_.size(); }

  private:
    struct Kept {
        std::filesystem::path path;
        std::string rendition;
        Clock::time_point ends;
    };
    std::deque<Kept> segments_;  // in the order they closed
};

}  // namespace stagehub::server
