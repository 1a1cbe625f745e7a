// The two forms of a cue's text, and the reading time of a line typed live.
#include "schedule/captions/cue_text.hpp"

#include <gtest/gtest.h>

#include "schedule/captions/cue.hpp"

namespace stagehub::captions {
namespace {

TEST(CueText, PlainTextIsEscapedAndKeepsNoBlankLine) {
    EXPECT_EQ(cue_text_from_plain("Fr\xC3\xA5gor & svar <3"), "Fr\xC3\xA5gor &amp; svar &lt;3");
    EXPECT_EQ(cue_text_from_plain("ett\r\n\r\n\ntv\xC3\xA5\n"), "ett\ntv\xC3\xA5");
    EXPECT_EQ(cue_text_from_plain("a --> b"), "a --&gt; b");
}

TEST(CueText, CueTextReadsAsPlainText) {
    EXPECT_EQ(plain_from_cue_text("<v Anna>Hej <i>alla</i> &amp; v&auml;lkomna &lt;3"),
              "Hej alla & v&auml;lkomna <3");
    EXPECT_EQ(plain_from_cue_text("open <b"), "open ");
}

TEST(CueText, TidyingDropsBlankLinesAndArrows) {
    EXPECT_EQ(tidy_cue_text("ett\r\n  \ntv\xC3\xA5 --> tre\n"), "ett\ntv\xC3\xA5 --&gt; tre");
    // A lone CR ends a line too: "a\r\rb" must not hold a blank line that ends the cue.
    EXPECT_EQ(tidy_cue_text("a\r\rb\rc"), "a\nb\nc");
}

TEST(LiveCueDuration, GrowsWithTheLineBetweenTwoAndSevenSeconds) {
    EXPECT_EQ(live_cue_duration_ms("Ja."), 2000);
    EXPECT_EQ(live_cue_duration_ms(std::string(40, 'a')), 3500);
    // Characters, not bytes.
    EXPECT_EQ(live_cue_duration_ms("\xC3\xA5\xC3\xA4\xC3\xB6\xC3\xA5\xC3\xA4\xC3\xB6"
                                   "\xC3\xA5\xC3\xA4\xC3\xB6\xC3\xA5\xC3\xA4\xC3\xB6"
                                   "\xC3\xA5\xC3\xA4\xC3\xB6\xC3\xA5\xC3\xA4\xC3\xB6"
                                   "\xC3\xA5\xC3\xA4\xC3\xB6\xC3\xA5\xC3\xA4\xC3\xB6"),
              2700);
    EXPECT_EQ(live_cue_duration_ms(std::string(400, 'a')), 7000);
}

}  // namespace
}  // namespace stagehub::captions
