#include "schedule/bounded_number.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace stagehub::schedule {
namespace {

using nlohmann::json;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(BoundedNumberTest, JsonNumbersConvertOnlyInsideTheRange) {
    struct Case {
        json value;
        int64_t min, max;
        std::optional<int64_t> expected;
    };
    const Case cases[] = {
        {json(5), 0, 10, 5},
        {json(-1), 0, 10, std::nullopt},
        {json(11), 0, 10, std::nullopt},
        {json(2.4), 0, 10, 2},
        {json(2.6), 0, 10, 3},
        {json(1e300), kMin, kMax, std::nullopt},  // UB as a cast; refused here
        {json(-1e300), kMin, kMax, std::nullopt},
        {json(9.2233720368547758e18), kMin, kMax, std::nullopt},  // 2^63 does not fit
        {json(std::numeric_limits<uint64_t>::max()), kMin, kMax, std::nullopt},
        {json(uint64_t{7}), 0, 10, 7},
        {json(kMax), 0, kMax, kMax},
        {json("5"), 0, 10, std::nullopt},
        {json(nullptr), 0, 10, std::nullopt},
        {json(true), 0, 10, std::nullopt},
    };
    for (const Case& c : cases)
        EXPECT_EQ(json_integer_within(c.value, c.min, c.max), c.expected) << c.value.dump();
    EXPECT_EQ(json_integer_within(nlohmann::ordered_json(3), 0, 10), 3);
}

TEST(BoundedNumberTest, RoundedRefusesNonFiniteValues) {
    EXPECT_FALSE(rounded_within(std::numeric_limits<double>::infinity(), kMin, kMax));
    EXPECT_FALSE(rounded_within(std::numeric_limits<double>::quiet_NaN(), kMin, kMax));
    EXPECT_EQ(rounded_within(599.6, 1, 604800), 600);
}

TEST(BoundedNumberTest, TextMustBeDigitsOnlyAndInRange) {
    struct Case {
        std::string_view text;
        std::optional<int64_t> expected;
    };
    const Case cases[] = {
        {"0", 0},
        {"42", 42},
        {"-3", std::nullopt},
        {"", std::nullopt},
        {"+1", std::nullopt},
        {" 1", std::nullopt},
        {"1x", std::nullopt},
        {"99999999999999999999999", std::nullopt},  // beyond int64: refused, not saturated
        {"1000", std::nullopt},
    };
    for (const Case& c : cases)
        EXPECT_EQ(integer_within(c.text, 0, 999), c.expected) << c.text;
    EXPECT_EQ(integer_within("-3", -5, 5), -3);
}

}  // namespace
}  // namespace stagehub::schedule
