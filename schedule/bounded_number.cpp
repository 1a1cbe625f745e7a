#include "schedule/bounded_number.hpp"

#include <charconv>
#include <cmath>

namespace stagehub::schedule {

std::optional<int64_t> rounded_within(double value, int64_t min, int64_t max) {
    const double d = std::round(value);
    // Compared as doubles before converting, so only a value inside the range converts;
    // 2^63 itself is not below the double of INT64_MAX, which rounds up to it.
    if (!std::isfinite(d) || d < static_cast<double>(min) || d >= 9.2233720368547758e18)
        return std::nullopt;
    const auto n = static_cast<int64_t>(d);
    if (n < min || n > max)
        return std::nullopt;
    return n;
}

std::optional<int64_t> integer_within(std::string_view text, int64_t min, int64_t max) {
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < min || n > max)
        return std::nullopt;
    return n;
}

}  // namespace stagehub::schedule
