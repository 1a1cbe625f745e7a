// Caption cues in SQLite: the stages' live tracks and the replays' own tracks
// (docs/CAPTIONS.md). A replay shows its own track for a language when it has one (an
// uploaded file, or live cues an organiser corrected), else the live cues of its window:
// that is how a replay keeps its live captions without copying them.
//
// Threads: on one Database, used from one thread (the server's loop).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schedule/captions/cue.hpp"
#include "schedule/database.hpp"
#include "schedule/result.hpp"

namespace stagehub::captions {

class CaptionStore {
  public:
    explicit CaptionStore(schedule::Database& db) : db_(db) {}

    // Stores a cue of a stage's live track (session_id must be empty); the cue with its id.
    Result<Cue> add_live_cue(const Cue& cue);

    // The live cues of a stage overlapping [from_ms, to_ms), in start order.
    std::vector<Cue> live_cues(std::string_view stage_id, std::string_view language, CueKind kind,
                               int64_t from_ms, int64_t to_ms) const;
    // The latest `count` live cues of a stage and language that end after `since_ms`,
    // oldest first.
    std::vector<Cue> latest_live_cues(std::string_view stage_id, std::string_view language,
                                      CueKind kind, size_t count, int64_t since_ms) const;
    // The languages a stage's live track has cues in, of a kind.
    std::vector<std::string> live_languages(std::string_view stage_id, CueKind kind) const;

    // A replay's cues for a language overlapping [window_from_ms, window_to_ms): of its own
    // track if it has one, else the stage's live cues.
    std::vector<Cue> replay_cues(std::string_view session_id, std::string_view stage_id,
                                 std::string_view language, CueKind kind, int64_t window_from_ms,
                                 int64_t window_to_ms) const;

    // Whether a replay has its own track for a language and kind, and that track whole (the
    // editor's view: cues an upload placed past the replay's end are kept and shown).
    bool has_own_track(std::string_view session_id, std::string_view language, CueKind kind) const;
    std::vector<Cue> own_track(std::string_view session_id, std::string_view language,
                               CueKind kind) const;

    struct Track {
        std::string language;
        CueKind kind = CueKind::captions;
        bool own = false;       // the replay's own track; false: live cues of its window
        bool complete = false;  // an organiser (or an uploaded file) says it is complete
        int64_t cues = 0;
        int64_t updated_ms = 0;  // own tracks: when last replaced or marked

        bool operator==(const Track&) const = default;
    };
    // Every track a replay has, own ones first, then live languages it has no own track
    // for; each ordered by kind and language.
    std::vector<Track> replay_tracks(std::string_view session_id, std::string_view stage_id,
                                     int64_t window_from_ms, int64_t window_to_ms) const;

    // Replaces a replay's own track for a language and kind with `cues` (absolute times;
    // their session, language and kind are taken from the arguments), in one transaction.
    // More than kMaxCuesPerTrack cues is invalid_captions.
    Status replace_replay_track(std::string_view event_id, std::string_view session_id,
                                std::string_view stage_id, std::string_view language, CueKind kind,
                                const std::vector<Cue>& cues, bool complete, int64_t now_ms);
    // not_found when the replay has no own track for that language and kind.
    Status set_track_complete(std::string_view session_id, std::string_view language, CueKind kind,
                              bool complete, int64_t now_ms);
    // Drops a replay's own track: it shows its live cues again. not_found when none.
    Status delete_replay_track(std::string_view session_id, std::string_view language,
                               CueKind kind);

    // Every cue that ended before `before_ms` goes, live or of a replay's own track, and
    // the tracks left without cues (the archive's retention: the segments they belonged to
    // go at the same age). Returns how many cues went.
    int64_t delete_cues_before(int64_t before_ms);
    // A recording erased (a speaker's withdrawn consent): the stage's live cues overlapping
    // its window and the session's own tracks go with its segments. Returns how many cues.
    int64_t erase_recording(std::string_view stage_id, std::string_view session_id, int64_t from_ms,
                            int64_t to_ms);

  private:
    schedule::Database& db_;
};

}  // namespace stagehub::captions
