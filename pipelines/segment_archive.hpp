// The replay archive: every live segment is kept on disk and indexed here (stage, file,
// wall-clock start, duration) as it closes, so a session's replay is the run of segments
// between its actual start and end — no second encode, ready seconds after the session
// ends, cut where the session really ran. Also the organisers' edits of a replay (trim in
// and out, hide).
//
// Threads: the loop thread (one insert per closed segment, a few per second in all).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipelines/stage_pipeline.hpp"
#include "schedule/database.hpp"

namespace stagehub::pipelines {

using Milliseconds = std::chrono::milliseconds;
using WallTime = std::chrono::sys_time<Milliseconds>;

struct ArchivedSegment {
    std::string stage_id;
    std::string run_id;
    int64_t seq = 0;
    std::string file;  // relative to the live media folder: "{stage}/{rendition}/seg-….ts"
    WallTime starts{};
    Milliseconds duration{};
    int64_t bytes = 0;
    std::string rendition;       // "" for segments from before the adaptive ladder
    bool discontinuity = false;  // begins a new picture (a switch between input and slate)
    // The 90 kHz PTS of its first frame (pipelines/ts_first_pts.hpp); nullopt: unknown.
    std::optional<int64_t> first_pts;

    WallTime ends() const { return starts + duration; }
    bool operator==(const ArchivedSegment&) const = default;
};

struct ReplayEdit {
    Milliseconds trim_in{0};   // cut from the start of the session
    Milliseconds trim_out{0};  // cut from its end
    bool hidden = false;

    bool operator==(const ReplayEdit&) const = default;
};

class SegmentArchive {
  public:
    // `live_dir`: the folder the stages write into (DATA/media/live).
    SegmentArchive(schedule::Database& db, std::filesystem::path live_dir)
        : db_(db), live_dir_(std::move(live_dir)) {}

    // Indexes a closed segment (its size read from disk). A segment already indexed is
    // left as it is.
    void add(const std::string& stage_id, const ClosedSegment& segment);

    // The stage's segments of one rendition that overlap [from, to), in time order.
    std::vector<ArchivedSegment> overlapping(const std::string& stage_id, WallTime from,
                                             WallTime to, const std::string& rendition);

    // The renditions with segments overlapping [from, to): the top one ("source") first,
    // the rest by name; [""] for a recording from before the ladder.
    std::vector<std::string> renditions(const std::string& stage_id, WallTime from, WallTime to);

    // Every segment of a stage (every rendition), in time order.
    std::vector<ArchivedSegment> of_stage(const std::string& stage_id);

    // The segment indexed under `file` (relative to the live folder), if any.
    std::optional<ArchivedSegment> find(const std::string& file);

    // The first PTS of `file` (relative to the live folder) read from the file itself, for
    // a segment whose row has none (archived before migration 13, or not archived at all).
    // What is read is kept in its row (remember_first_pts), so a segment's file is read
    // once, not on every request for its WebVTT segment.
    std::optional<int64_t> first_pts_from_disk(const std::string& file);
    // Sets the row's first_pts where it is still unknown; a known one is never changed.
    void remember_first_pts(const std::string& file, int64_t pts);

    // Erases a recording: every segment of the stage, of every rendition, that overlaps
    // [from, to), from the index and then from the disk. A segment that straddles `from`
    // or `to` goes too, although a neighbouring session's replay may begin or end in it:
    // whoever withdrew consent must not remain in a single frame, and the neighbour loses
    // at most a segment at its edge. Returns the segments erased.
    std::vector<ArchivedSegment> erase(const std::string& stage_id, WallTime from, WallTime to);

    // Forgets a session's trims and hiding (its recording is erased).
    void remove_edit(const std::string& session_id);

    ReplayEdit edit_of(const std::string& session_id);
    void set_edit(const std::string& session_id, const ReplayEdit& edit);

    // Removes segments that ended before `cutoff` from the index and the disk; returns how
    // many. The retention setting (docs/BROADCAST.md) calls this.
    int64_t remove_older_than(WallTime cutoff);

    const std::filesystem::path& live_dir() const { return live_dir_; }

    // Bytes archived per stage id (every rendition), for metrics. Summed from the index
    // once, then kept by add(); erase() and retention sum again at the next call. Another
    // process's deletions show after the next retention run or restart.
    const std::map<std::string, int64_t>& bytes_by_stage();

  private:
    std::vector<ArchivedSegment> query(const std::string& sql, const std::string& stage_id,
                                       int64_t from_ms, int64_t to_ms,
                                       const std::string& rendition);

    schedule::Database& db_;
    std::filesystem::path live_dir_;
    std::map<std::string, int64_t> bytes_by_stage_;
    bool bytes_known_ = false;
};

}  // namespace stagehub::pipelines
