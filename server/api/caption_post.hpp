// What a caption POST carries (docs/CAPTIONS.md, "Ingest"), read from its body and query
// before anything is stored, and its cues placed on the wall clock the stage's segments
// start on. Three bodies: JSON {"text", "language", "kind", "final"} (one line, or with final
// false the line being typed), text/plain (each non-empty line a cue) and text/vtt (cues
// with their own times, from `?start=` or else ending as the request arrives).
//
// Threads: any (pure functions of the request and the time given).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "schedule/captions/cue.hpp"
#include "schedule/result.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

struct CaptionLimits {
    size_t max_cue_chars = 500;         // characters of one cue's text, as read
    size_t max_cues = 200;              // in one request
    size_t max_body_bytes = 64 * 1024;  // one request's body
    int64_t max_future_ms = 60'000;     // a VTT cue may end this far after arrival
    int64_t max_past_ms = 600'000;      // `?start=` may lie this far back: live is now
};

struct CaptionPost {
    std::string language;  // BCP 47 in its usual case; empty: the event's language
    // What the cues are: captions (what is said) or descriptions (what is seen, read aloud
    // or shown beside the player; never on the room screen).
    captions::CueKind kind = captions::CueKind::captions;
    bool partial = false;  // the line being typed: pushed, never stored; captions only
    std::string partial_text;
    // Cue text (WebVTT escaping). Lines: times zero, placed at arrival; text/vtt: relative.
    std::vector<captions::TimedCue> cues;
    bool timed = false;                // text/vtt: the cues carry their own times
    std::optional<int64_t> origin_ms;  // `?start=`: the wall clock of 00:00:00.000
};

// The post of a request, or why not: 413 payload_too_large, 400 bad_json / bad_field
// (language, text, final, start, kind; a description's partial), 422 cue_too_long / too_many_cues /
// invalid_captions (a WebVTT body, with the line that broke it).
Result<CaptionPost> read_caption_post(const HttpRequest& request, const CaptionLimits& limits);

// The post's cues as live cues of a stage arriving at `arrival_ms`: a line starts then and
// lasts live_cue_duration_ms; a VTT cue keeps its times from its origin. Errors: bad_time
// (a cue that would end too far in the future, a start too far back).
Result<std::vector<captions::Cue>> place_caption_cues(
    const CaptionPost& post, const std::string& event_id, const std::string& stage_id,
    const std::string& language, int64_t arrival_ms, const CaptionLimits& limits);

// A BCP 47 tag in its usual case ("sv", "en-GB", "zh-Hant"), or nullopt for what is not
// shaped like one.
std::optional<std::string> caption_language(std::string_view tag);

}  // namespace stagehub::server
