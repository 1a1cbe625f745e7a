#include "schedule/formats/slug.hpp"

#include <gtest/gtest.h>

namespace stagehub::schedule::formats {
namespace {

TEST(Slug, SwedishAndOtherLatinLettersLoseTheirAccents) {
    EXPECT_EQ(slugify("Välkommen till Piteå!"), "valkommen-till-pitea");
    EXPECT_EQ(slugify("Per Öhman"), "per-ohman");
    EXPECT_EQ(slugify("  Idéslussen – ett system  "), "ideslussen-ett-system");
    EXPECT_EQ(slugify("Søren Æbelø, Straße, Łódź, Œuvre"), "soren-aebelo-strasse-lodz-oeuvre");
    EXPECT_EQ(slugify("NQTF8Y"), "nqtf8y");
    EXPECT_EQ(slugify("a__b--c"), "a-b-c");
}

TEST(Slug, EmptyWhenNothingMaps) {
    EXPECT_EQ(slugify(""), "");
    EXPECT_EQ(slugify("— ✓ —"), "");
    EXPECT_EQ(slugify("\xFF\xFE broken"), "broken");
}

TEST(Slug, UniqueIdsGetANumber) {
    std::set<std::string> taken{"lunch"};
    EXPECT_EQ(unique_id("lunch", "session", taken), "lunch-2");
    EXPECT_EQ(unique_id("lunch", "session", taken), "lunch-3");
    EXPECT_EQ(unique_id("", "session", taken), "session");
    EXPECT_EQ(unique_id("", "session", taken), "session-2");
}

}  // namespace
}  // namespace stagehub::schedule::formats
