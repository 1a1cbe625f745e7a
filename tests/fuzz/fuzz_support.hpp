// What the libFuzzer targets share: the bytes as text, a way to fail loudly when a property
// the code promises does not hold (a crash is what libFuzzer reports and keeps), and the
// demo programme as the realistic base that CSV imports and exports need.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "schedule/model.hpp"
#include "schedule/programme_file.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A broken promise is a finding like a crash: libFuzzer saves the input that caused it.
inline void require(bool holds, const char* what) {
    if (!holds) {
        std::fprintf(stderr, "fuzz property broken: %s\n", what);
        std::abort();
    }
}

// The demo theme day (schedule/programmes/), read once.
inline const schedule::Programme& demo_programme() {
    static const schedule::Programme demo = [] {
        auto read = schedule::read_programme_file(STAGEHUB_DEMO_PROGRAMME);
        require(read.ok(), "the demo programme reads");
        return *read;
    }();
    return demo;
}

// Splits the input into `count` fields at NUL bytes (missing fields are empty), so one input
// can fill several free-text fields of a programme.
template <size_t count>
std::array<std::string, count> fields_of(std::string_view text) {
    std::array<std::string, count> fields;
    for (size_t i = 0; i < count; ++i) {
        const size_t end = std::min(text.find('\0'), text.size());
        fields[i] = std::string(text.substr(0, end));
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return fields;
}

// An HTTP request line's method and the rest ("GET /live/x.m3u8" -> get, "/live/x.m3u8"); an
// unknown method is `other`, as the server sees it.
inline std::pair<server::HttpMethod, std::string_view> method_and_rest(std::string_view text) {
    using server::HttpMethod;
    constexpr std::pair<std::string_view, HttpMethod> kMethods[] = {
        {"GET", HttpMethod::get},        {"HEAD", HttpMethod::head},
        {"POST", HttpMethod::post},      {"PUT", HttpMethod::put},
        {"PATCH", HttpMethod::patch},    {"DELETE", HttpMethod::delete_},
        {"OPTIONS", HttpMethod::options}};
    const size_t space = std::min(text.find(' '), text.size());
    HttpMethod method = HttpMethod::other;
    for (const auto& [name, value] : kMethods) {
        if (text.substr(0, space) == name)
            method = value;
    }
    return {method, text.substr(std::min(space + 1, text.size()))};
}

}  // namespace stagehub::fuzz
