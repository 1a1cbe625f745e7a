// A stage's live HLS media playlist, written by stagehub from the segments its pipelines
// close, so that it outlives them: the media sequence keeps counting across pipeline
// restarts and server crashes, and each new run is marked with #EXT-X-DISCONTINUITY (its
// timestamps restart). hlssink2's own playlist restarts at sequence 0 with every run, which
// players read as going back in time and stall on.
//
// Threads: the loop thread. The file is replaced atomically (written beside it, renamed),
// so a player never reads half a playlist.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <string>

namespace stagehub::pipelines {

class LivePlaylist {
  public:
    // `file`: e.g. live/{stage}/index.m3u8; the window lists the newest `window` segments.
    LivePlaylist(std::filesystem::path file, int target_duration_s, size_t window);

    // Continues what `file` holds, if anything (the window, its sequence numbers): called
    // before the first segment of a new server process. The next segment follows a
    // discontinuity.
    void resume();

    // Appends a closed segment (its URI relative to the playlist) and rewrites the file. A
    // segment of another run than the one before, or one that starts a new picture (a
    // switch between input and slate), is preceded by a discontinuity.
    void add(const std::string& uri, double duration_s, const std::string& run_id,
             bool new_picture = false);

    // Marks the playlist finished (#EXT-X-ENDLIST) and rewrites it: the broadcast stopped.
    void end();

    std::string text() const;
    int64_t next_sequence() const { return first_sequence_ + static_cast<int64_t>(window_.size()); }

  private:
    struct Entry {
        std::string uri;
        double duration_s = 0;
        bool discontinuity_before = false;
    };
    void write() const;

    std::filesystem::path file_;
    int target_duration_s_;
    size_t window_size_;
    std::deque<Entry> window_;
    int64_t first_sequence_ = 0;          // EXT-X-MEDIA-SEQUENCE
    int64_t discontinuity_sequence_ = 0;  // discontinuities that left the window
    std::string last_run_;
    bool discontinuity_pending_ = false;
    bool ended_ = false;
};

}  // namespace stagehub::pipelines
