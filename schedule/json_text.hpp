// JSON from text nobody vouches for (request bodies, websocket messages, imported files).
//
// nlohmann's parser is iterative, but copying, comparing and printing a value recurse once
// per level of nesting: a body of 300,000 nested brackets (600 KB, under the body limit)
// overflowed the stack in a copy and took the whole server down. So nesting is bounded
// before a value is built, by a scan that keeps no stack of its own.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "schedule/result.hpp"

namespace stagehub::schedule {

// Deeper than any document stagehub reads (a programme file nests 5 levels, frab's
// schedule 8) and far below what a thread's stack can recurse through.
inline constexpr size_t kMaxJsonDepth = 64;

// How deeply arrays and objects nest in `text`, counting brackets outside strings; stops
// counting at `stop_at` + 1. Malformed text gives some depth: the parser then refuses it.
size_t json_nesting_depth(std::string_view text, size_t stop_at = kMaxJsonDepth);

// Errors: "bad_json" (not JSON, or nested deeper than `max_depth`; the message says which
// and where the syntax broke).
Result<nlohmann::json> parse_json(std::string_view text, size_t max_depth = kMaxJsonDepth);

}  // namespace stagehub::schedule
