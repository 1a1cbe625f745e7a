// Text without the blanks around it. Which characters are blanks depends on the format:
// HTTP's optional whitespace is only space and tab (RFC 9110 5.6.3), a line of a file read
// with its line ends may still carry a CR, a form field may carry any of them.
#pragma once

#include <string_view>

namespace stagehub::schedule {

inline constexpr std::string_view kBlanks = " \t\r\n";

constexpr std::string_view trim(std::string_view text, std::string_view blanks = kBlanks) {
    const size_t first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos)
        return {};
    return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

}  // namespace stagehub::schedule
