// CaptionPartials: the line being typed per stage and language, shown to new followers
// while fresh, and forgotten once stale so that the table holds only what is shown.
#include "server/live/caption_partials.hpp"

#include <gtest/gtest.h>

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using Clock = CaptionPartials::Clock;

TEST(CaptionPartials, AFreshLineIsShownAStaleOneIsSweptByTheStagesNextLine) {
    CaptionPartials partials;
    const Clock::time_point t0{};
    EXPECT_TRUE(partials.set("salen", "sv", "Välk", t0));
    EXPECT_FALSE(partials.set("salen", "sv", "Välk", t0 + 1s)) << "unchanged: nothing to tell";
    EXPECT_TRUE(partials.set("salen", "en", "Welc", t0 + 2s));
    EXPECT_TRUE(partials.set("annan", "sv", "Hej", t0 + 2s));
    EXPECT_EQ(partials.current("salen", t0 + 2s).size(), 2u);
    EXPECT_EQ(partials.held(), 3u);

    // A minute later "sv" is stale: not shown, and gone once the stage types again.
    const auto later = t0 + CaptionPartials::kFresh + 2s;
    ASSERT_EQ(partials.current("salen", later).size(), 1u);
    EXPECT_EQ(partials.current("salen", later)[0].language, "en");
    EXPECT_TRUE(partials.set("salen", "en", "Welcome", later + 1s));
    EXPECT_EQ(partials.held(), 2u) << "salen's stale sv went; annan keeps its own";
    EXPECT_TRUE(partials.set("salen", "en", "", later + 2s));
    EXPECT_TRUE(partials.current("salen", later + 2s).empty());
    EXPECT_EQ(partials.held(), 1u);
}

}  // namespace
}  // namespace stagehub::server
