// A caption cue as stagehub keeps it. Live cues belong to a stage and sit on the wall
// clock, the same clock the archive's segments start on, so a cue and the picture ingested
// at the same instant meet in every playlist built from them. A replay's own track (an
// uploaded or corrected file) holds cues of the same shape tied to that session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stagehub::captions {

// The WebVTT kind of a track: what is said, or what is seen (audio description as text).
enum class CueKind { captions, descriptions };
// Where a cue came from: typed live, a speech recogniser, an uploaded file, the editor.
enum class CueSource { live, asr, upload, edit };

std::string_view to_string(CueKind kind);
std::optional<CueKind> cue_kind_from_string(std::string_view text);
std::string_view to_string(CueSource source);
std::optional<CueSource> cue_source_from_string(std::string_view text);

struct Cue {
    int64_t id = 0;
    std::string event_id;
    std::string stage_id;
    std::string session_id;  // empty: the stage's live track; else that replay's own track
    std::string language;    // BCP 47, e.g. "sv"
    CueKind kind = CueKind::captions;
    int64_t start_ms = 0;  // UTC wall clock, milliseconds since the epoch
    int64_t end_ms = 0;
    std::string text;  // WebVTT cue text: markup allowed, '&' and '<' escaped
    CueSource source = CueSource::live;

    bool operator==(const Cue&) const = default;
};

// A cue of a file, timed from the file's own zero.
struct TimedCue {
    int64_t start_ms = 0;
    int64_t end_ms = 0;
    std::string text;  // WebVTT cue text

    bool operator==(const TimedCue&) const = default;
};

// How long a line typed live stays up: long enough to read (about 20 characters a
// second after a first glance), never so long that it outstays the next few lines.
int64_t live_cue_duration_ms(std::string_view text);

// Limits every way in shares: a cue's text, and a track's length.
inline constexpr size_t kMaxCueTextBytes = 2000;
inline constexpr size_t kMaxCuesPerTrack = 20000;
// The longest a live cue lasts (a line typed is up 2 to 7 s; a captioning tool's cue
// rarely 10). The bound keeps every time-window query of the live track to the index's
// range, and keeps one cue from covering the start of every later replay of its stage.
inline constexpr int64_t kMaxLiveCueMs = 30'000;

}  // namespace stagehub::captions
