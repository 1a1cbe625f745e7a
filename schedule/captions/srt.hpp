// SubRip (.srt), the caption file most editors and services write besides WebVTT: numbered
// blocks, "00:00:01,000 --> 00:00:04,000", text lines. The reader takes what they write
// in practice (a byte order mark, CRLF, a '.' for the ',' , missing or wrong numbers,
// <i>/<b>/<u>, <font> tags and {\an8} overrides); it keeps italics, bold and underline
// as WebVTT markup and drops the rest.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schedule/captions/cue.hpp"
#include "schedule/result.hpp"

namespace stagehub::captions {

Result<std::vector<TimedCue>> parse_srt(std::string_view file);

// An .srt file of `cues`, numbered from 1, their text as plain text with <i>, <b> and <u>.
std::string write_srt(const std::vector<TimedCue>& cues);

}  // namespace stagehub::captions
