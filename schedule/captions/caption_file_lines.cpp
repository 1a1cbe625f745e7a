#include "schedule/captions/caption_file_lines.hpp"

#include <cstdio>

#include "schedule/utf8.hpp"

namespace stagehub::captions {

Result<std::vector<FileLine>> caption_file_lines(std::string_view file) {
    if (file.starts_with("\xEF\xBB\xBF"))
        file.remove_prefix(3);
    std::vector<FileLine> lines;
    size_t number = 1;
    size_t start = 0;
    while (start < file.size()) {
        size_t end = start;
        while (end < file.size() && file[end] != '\n' && file[end] != '\r')
            ++end;
        const std::string_view text = file.substr(start, end - start);
        if (!schedule::is_utf8(text))
            return caption_file_error(number, "not UTF-8 text (save the file as UTF-8)");
        if (text.find('\0') != std::string_view::npos)
            return caption_file_error(number, "holds a NUL byte");
        lines.push_back({number, text});
        ++number;
        if (end < file.size() && file[end] == '\r' && end + 1 < file.size() &&
            file[end + 1] == '\n')
            ++end;
        start = end + 1;
    }
    return lines;
}

Error caption_file_error(size_t line, std::string_view what) {
    return Error(ErrorCode::invalid_captions,
                 "line " + std::to_string(line) + ": " + std::string(what));
}

std::string caption_timestamp(int64_t ms, char fraction_separator) {
    if (ms < 0)
        ms = 0;
    char text[32];
    std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld%c%03lld",
                  static_cast<long long>(ms / 3'600'000), static_cast<long long>(ms / 60'000 % 60),
                  static_cast<long long>(ms / 1000 % 60), fraction_separator,
                  static_cast<long long>(ms % 1000));
    return text;
}

}  // namespace stagehub::captions
