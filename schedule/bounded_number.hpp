// Numbers from outside (JSON bodies, query strings, imported files) become integers only
// when they fit a range the caller states: a double such as 1e300 converted to int64_t is
// undefined behaviour, and a huge but representable one overflows the arithmetic after it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace stagehub::schedule {

// A finite double rounded to the nearest integer, within [min, max]; nullopt otherwise.
std::optional<int64_t> rounded_within(double value, int64_t min, int64_t max);

// Decimal digits (an optional leading '-'), the whole text, within [min, max]; nullopt for
// anything else, including "", "+1", " 1" and "1x".
std::optional<int64_t> integer_within(std::string_view text, int64_t min, int64_t max);

// A JSON number (nlohmann::json or ordered_json): an integer, or a finite float rounded to
// the nearest integer, within [min, max]; nullopt for anything else.
template <typename Json>
std::optional<int64_t> json_integer_within(const Json& value, int64_t min, int64_t max) {
    if (value.is_number_unsigned()) {
        const auto n = value.template get<uint64_t>();
        if (max < 0 || n > static_cast<uint64_t>(max))
            return std::nullopt;
        const auto signed_n = static_cast<int64_t>(n);
        return signed_n < min ? std::nullopt : std::optional<int64_t>(signed_n);
    }
    if (value.is_number_integer()) {
        const auto n = value.template get<int64_t>();
        return n < min || n > max ? std::nullopt : std::optional<int64_t>(n);
    }
    if (value.is_number_float())
        return rounded_within(value.template get<double>(), min, max);
    return std::nullopt;
}

}  // namespace stagehub::schedule
