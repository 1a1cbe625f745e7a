// The lines of a caption file as both WebVTT and SubRip read them: a UTF-8 byte order mark
// skipped, CRLF, LF and lone CR all ending a line, each line numbered from 1 for the
// errors an organiser reads ("line 12: …").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/result.hpp"

namespace stagehub::captions {

struct FileLine {
    size_t number = 0;
    std::string_view text;
};

// Refuses text that is not UTF-8 (naming the line) or holds a NUL byte.
Result<std::vector<FileLine>> caption_file_lines(std::string_view file);

// "line 12: " + what, as an invalid_captions error.
Error caption_file_error(size_t line, std::string_view what);

// Formats milliseconds as hh:mm:ss.mmm (WebVTT) or hh:mm:ss,mmm (SubRip).
std::string caption_timestamp(int64_t ms, char fraction_separator);

}  // namespace stagehub::captions
