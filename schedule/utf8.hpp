// Whether text is UTF-8 (RFC 3629): every text stagehub stores is, because JSON answers,
// exports and calendars are. JSON bodies are checked by their parser; spreadsheets and XML
// are not, and a Latin-1 file from Excel on Windows would otherwise be stored as is and
// break every JSON export of its event (found by tests/fuzz/sessions_csv).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace stagehub::schedule {

// The offset of the first byte that is not part of a well-formed UTF-8 character (a stray
// continuation byte, a truncated or overlong sequence, a surrogate, above U+10FFFF), or
// nullopt when the whole text is UTF-8.
std::optional<size_t> first_non_utf8(std::string_view text);

inline bool is_utf8(std::string_view text) {
    return !first_non_utf8(text).has_value();
}

}  // namespace stagehub::schedule
