// RFC 5545 content lines: TEXT values escaped (\\ \; \, \n), lines folded so that none is
// longer than 75 octets (continuations start with a space), CRLF after each. Folding never
// splits a UTF-8 character, which calendar apps would show as garbage.
#pragma once

#include <string>
#include <string_view>

namespace stagehub::schedule::formats {

// For TEXT property values: backslash, semicolon, comma and line breaks escaped; a CR LF
// pair is one line break. Other control characters (which no TEXT value may hold) are left
// out.
std::string escape_ical_text(std::string_view text);

// One content line ("SUMMARY:..."), folded, ending in CRLF. Whatever `line` holds, this is
// one property: control characters other than tab (a CR or LF that would start a property
// of its own, "END:VEVENT" or "ATTACH:...") are left out, as RFC 5545 allows none in a line.
std::string ical_content_line(std::string_view line);

}  // namespace stagehub::schedule::formats
