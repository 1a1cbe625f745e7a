// A replay's caption file as organisers upload it (docs/CAPTIONS.md, "Replays"): which
// parser a body goes to (its Content-Type, else what it starts with), the bounds every
// track keeps, and the editor's JSON cues.
//
// Times here are relative to the replay's start (its playlist's time 0), as in the file.
//
// Threads: any (pure functions).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/captions/cue.hpp"
#include "schedule/result.hpp"

namespace stagehub::server {

// Bounds on one replay's file besides the store's (captions::kMaxCuesPerTrack,
// kMaxCueTextBytes): an hour's talk is ~1,000 cues and ~100 KB.
inline constexpr size_t kMaxCaptionFileBytes = 2u << 20;
inline constexpr int64_t kMaxCueTimeMs = 24LL * 3600 * 1000;

enum class CaptionFormat { webvtt, srt };

// By Content-Type (text/vtt; application/x-subrip, text/srt), else by the body: a file
// beginning "WEBVTT" (after a byte order mark) is WebVTT, anything else is read as SRT.
CaptionFormat caption_format_of(std::string_view content_type, std::string_view body);

// The cues of an uploaded file, checked against the bounds. Errors (422) with
// the parser's "line N: ..." message, payload_too_large.
Result<std::vector<captions::TimedCue>> read_caption_file(std::string_view content_type,
                                                          std::string_view body);

// The editor's whole track: {"cues": [{"start_ms", "end_ms", "text"}, ...]}, the same
// bounds; the text is WebVTT cue text (as GET gives it), tidied so that it cannot end its
// cue. Errors: bad_field naming the cue (cues[0] is the first).
Result<std::vector<captions::TimedCue>> read_cue_list(const nlohmann::json& body);

// "captions" or "descriptions" from ?kind= (absent: captions). Errors: invalid.
Result<captions::CueKind> cue_kind_named(const std::optional<std::string>& name);

// A BCP 47 tag as tracks are named ("sv", "en-GB", "sgn-SE"); letters, digits and '-'.
bool is_language_tag(std::string_view tag);

}  // namespace stagehub::server
