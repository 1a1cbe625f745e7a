#include "schedule/json_text.hpp"

#include <string>

namespace stagehub::schedule {
namespace {
constexpr size_t kMaxReasonBytes = 160;
}  // namespace

size_t json_nesting_depth(std::string_view text, size_t stop_at) {
    size_t depth = 0;
    size_t deepest = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                break;
            case '[':
            case '{':
                if (++depth > deepest) {
                    deepest = depth;
                    if (deepest > stop_at)
                        return deepest;
                }
                break;
            case ']':
            case '}':
                if (depth > 0)
                    --depth;
                break;
            default:
                break;
        }
    }
    return deepest;
}

Result<nlohmann::json> parse_json(std::string_view text, size_t max_depth) {
    if (json_nesting_depth(text, max_depth) > max_depth) {
        return Error{ErrorCode::bad_json, "the JSON nests arrays and objects deeper than " +
                                              std::to_string(max_depth) + " levels"};
    }
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        // A syntax error (parse_error), or a number too large for a double, "1E400"
        // (out_of_range 406, found by tests/fuzz/live_channels: it escaped a websocket
        // callback and ended the server). e.what() names the byte and quotes the last token
        // read, which may be a whole (long) string of the input: cut.
        std::string why = e.what();
        if (why.size() > kMaxReasonBytes)
            why = why.substr(0, kMaxReasonBytes) + "…";
        return Error{ErrorCode::bad_json, "not valid JSON: " + why};
    }
}

}  // namespace stagehub::schedule
