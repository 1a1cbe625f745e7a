// WebVTT (W3C WebVTT: The Web Video Text Tracks Format) as caption files and HLS subtitle
// segments use it. The reader takes what real tools write: a byte order mark, CRLF, cue
// identifiers, cue settings, NOTE, STYLE and REGION blocks, hours left out; it keeps each
// cue's times and text (settings such as position are not kept). A file it cannot read is
// refused with the line that broke it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schedule/captions/cue.hpp"
#include "schedule/result.hpp"

namespace stagehub::captions {

Result<std::vector<TimedCue>> parse_webvtt(std::string_view file);

// A WebVTT file of `cues` in order. `header` lines (e.g. "X-TIMESTAMP-MAP=MPEGTS:…,LOCAL:…")
// go after the WEBVTT line. Times below zero are written as zero.
std::string write_webvtt(const std::vector<TimedCue>& cues,
                         const std::vector<std::string>& header = {});

}  // namespace stagehub::captions
