#include "schedule/utf8.hpp"

#include <gtest/gtest.h>

namespace stagehub::schedule {
namespace {

TEST(Utf8, WellFormedTextPassesAndTheFirstBadByteIsNamed) {
    for (const std::string_view good :
         {"", "Skellefteå", "€ 👋 日本語", "\x7F", "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF"}) {
        EXPECT_TRUE(is_utf8(good)) << good;
    }
    const std::pair<std::string_view, size_t> bad[] = {
        {"V\xE4lkommen", 1},      // Latin-1 ä
        {"ok\x80", 2},            // a stray continuation byte
        {"\xC0\xAF", 0},          // overlong '/'
        {"\xE0\x80\xAF", 0},      // overlong, three bytes
        {"a\xED\xA0\x80", 1},     // a UTF-16 surrogate
        {"\xF4\x90\x80\x80", 0},  // above U+10FFFF
        {"\xF5\x80\x80\x80", 0},  // never a lead byte
        {"Skellefte\xC3", 9},     // cut at the end
        {"\xE2\x82x", 0},         // a continuation missing inside
    };
    for (const auto& [text, at] : bad)
        EXPECT_EQ(first_non_utf8(text), at) << testing::PrintToString(std::string(text));
}

}  // namespace
}  // namespace stagehub::schedule
