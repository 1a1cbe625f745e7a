// A stage's live HLS media playlist, written by stagehub from the segments its pipelines
// close, so that it outlives them: the media sequence keeps counting across pipeline
// restarts and server crashes, and each new run is marked with #EXT-X-DISCONTINUITY (its
// timestamps restart). hlssink2's own playlist restarts at sequence 0 with every run, which
// players read as going back in time and stall on.
//
// The playlists say #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES: the server holds a request
// with ?_HLS_msn=N until segment N is listed (server/playlist_reload).
//
// Every segment carries #EXT-X-PROGRAM-DATE-TIME: the wall-clock time its first frame
// entered the program pipeline, so a player knows how far behind real time it plays
// (hls.js `playingDate`; the glass-to-glass figure in docs/BENCHMARKS.md).
//
// Threads: the loop thread. The file is replaced atomically (written beside it, renamed),
// so a player never reads half a playlist.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

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
    // switch between input and slate), is preceded by a discontinuity. `started_at`: the
    // wall-clock time of the segment's first frame (ClosedSegment::started_at). Without it
    // the date is estimated from now, as add() is called when the segment closes: its
    // duration plus one target duration before now (splitmuxsink reports a close once it
    // holds the next segment's first GOP). Pass it where it is known.
    void add(const std::string& uri, double duration_s, const std::string& run_id,
             bool new_picture = false,
             std::optional<std::chrono::system_clock::time_point> started_at = std::nullopt);

    // Marks the playlist finished (#EXT-X-ENDLIST) and rewrites it: the broadcast stopped.
    void end();

    std::string text() const;
    // Whether the window lists `uri` now.
    bool lists(const std::string& uri) const;
    // What the window lists now: URI, duration and start (ms since 1970, UTC, if known).
    struct Listed {
        std::string uri;
        double duration_s = 0;
        std::optional<int64_t> starts_ms;
    };
    std::vector<Listed> listed() const;

    // "2026-11-22T09:30:00.250Z": RFC 8216 4.3.2.6's date-time, in UTC with milliseconds.
    static std::string program_date_time(int64_t unix_ms);
    // Its inverse (any ISO 8601 instant with Z and optional fraction); nullopt if not one.
    static std::optional<int64_t> parse_program_date_time(const std::string& text);
    int64_t next_sequence() const { return first_sequence_ + static_cast<int64_t>(window_.size()); }
    // The newest segment's media sequence number; -1 before the first.
    int64_t last_sequence() const { return next_sequence() - 1; }
    bool ended() const { return ended_; }
    // #EXT-X-TARGETDURATION: the configured one, or the longest segment's, rounded up.
    int target_duration_s() const;

  private:
    struct Entry {
        std::string uri;
        double duration_s = 0;
        bool discontinuity_before = false;
        std::optional<int64_t> starts_ms;  // #EXT-X-PROGRAM-DATE-TIME, ms since 1970 (UTC)
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
