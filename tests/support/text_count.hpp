// Counting in what a test reads back (a playlist, a calendar file): how often a piece of
// text occurs in it.
#pragma once

#include <string>

namespace stagehub::testing {

// Occurrences of `part` in `text`, overlapping ones included.
inline size_t occurrences(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++n;
    return n;
}

}  // namespace stagehub::testing
