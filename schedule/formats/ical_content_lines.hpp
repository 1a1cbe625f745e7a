// RFC 5545 content lines: TEXT values escaped (\\ \; \, \n), lines folded so that none is
// longer than 75 octets (continuations start with a space), CRLF after each. Folding never
// splits a UTF-8 character, which calendar apps would show as garbage.
#pragma once

#include <string>
#include <string_view>

namespace stagehub::schedule::formats {

// For TEXT property values: backslash, semicolon, comma and line breaks escaped; a CR LF
// pair is one line break.
std::string escape_ical_text(std::string_view text);

// One content line ("SUMMARY:..."), folded, ending in CRLF.
std::string ical_content_line(std::string_view line);

}  // namespace stagehub::schedule::formats
