// The stagehub programme file (format "stagehub-programme/1"): how an organiser hands a
// whole event to stagehub, and how the demo theme day is stored. Documented in
// docs/PROGRAMME_FORMAT.md.
#pragma once

#include <filesystem>
#include <string_view>

#include "schedule/model.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule {

// Parses and validates. The error ("invalid_programme") lists every problem found, each
// with the JSON location it is at, e.g. "sessions[3].start: ...".
Result<Programme> parse_programme_file(std::string_view json_text);
Result<Programme> read_programme_file(const std::filesystem::path& path);

// The programme moved to start at `new_start` and compressed by `speed` (2.0 = twice as
// fast): used by the demo so a visitor sees sessions change within minutes. Relative
// order, gaps and back-to-back boundaries are preserved, so a valid programme stays valid.
Programme retimed(Programme programme, Instant new_start, double speed);

}  // namespace stagehub::schedule
