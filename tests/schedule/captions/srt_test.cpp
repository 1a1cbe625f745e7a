// SubRip as editors and services write it, read into WebVTT cue text; bad files refused
// with their line; what stagehub writes read back the same.
#include "schedule/captions/srt.hpp"

#include <gtest/gtest.h>

#include "schedule/captions/cue_text.hpp"

namespace stagehub::captions {
namespace {

// Shaped like Subtitle Edit / YouTube downloads: BOM, CRLF, <font> and {\an8}, a '.' for
// the comma, display coordinates after a time, and numbers that do not count straight.
constexpr std::string_view kToolFile =
    "\xEF\xBB\xBF"
    "1\r\n"
    "00:00:01,000 --> 00:00:04,250\r\n"
    "<font color=\"#ffff00\">V\xC3\xA4lkomna</font> till\r\n"
    "<I>temadagen</I>!\r\n"
    "\r\n"
    "7\r\n"
    "00:00:05.000 --> 00:00:07,5 X1:100 X2:600 Y1:50 Y2:80\r\n"
    "{\\an8}Fr\xC3\xA5gor & svar\r\n"
    "\r\n"
    "\r\n"
    "3\r\n"
    "01:00:00,000 --> 01:00:02,000\r\n"
    "Slut <3\r\n";

TEST(Srt, ReadsWhatEditorsWrite) {
    auto parsed = parse_srt(kToolFile);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const auto& cues = parsed.value();
    ASSERT_EQ(cues.size(), 3u);
    EXPECT_EQ(cues[0], (TimedCue{1000, 4250, "V\xC3\xA4lkomna till\n<i>temadagen</i>!"}));
    EXPECT_EQ(cues[1], (TimedCue{5000, 7500, "Fr\xC3\xA5gor &amp; svar"}));
    EXPECT_EQ(cues[2], (TimedCue{3'600'000, 3'602'000, "Slut &lt;3"}));
}

TEST(Srt, RefusesABrokenFileNamingTheLine) {
    auto error_of = [](std::string_view file) {
        auto parsed = parse_srt(file);
        EXPECT_FALSE(parsed.ok());
        return parsed.ok() ? std::string() : parsed.error().message;
    };
    EXPECT_EQ(error_of("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nhello\n"),
              "line 6: expected a cue's times, like 00:00:01,000 --> 00:00:04,000");
    EXPECT_EQ(error_of("1\n00:00:0x,000 --> 00:00:02,000\nok\n"),
              "line 2: the cue's start is not a time like 00:01:02,500");
    EXPECT_EQ(error_of("1\n00:00:03,000 --> 00:00:02,000\nok\n"),
              "line 2: the cue ends before it starts");
    EXPECT_EQ(error_of("1\n"), "line 1: a cue's number without its times after it");
    EXPECT_EQ(error_of("1\n00:00:01,000 --> 00:00:02,000\n\xC3\x28\n"),
              "line 3: not UTF-8 text (save the file as UTF-8)");
}

TEST(Srt, WritesWhatItReadsBackTheSame) {
    const std::vector<TimedCue> cues{{0, 2500, "<v Anna>Hej &amp; <i>v\xC3\xA4lkommen</i>"},
                                     {3000, 4000, "tv\xC3\xA5\nrader"}};
    const std::string file = write_srt(cues);
    EXPECT_EQ(file,
              "1\r\n00:00:00,000 --> 00:00:02,500\r\nHej & <i>v\xC3\xA4lkommen</i>\r\n\r\n"
              "2\r\n00:00:03,000 --> 00:00:04,000\r\ntv\xC3\xA5\r\nrader\r\n\r\n");
    auto parsed = parse_srt(file);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    ASSERT_EQ(parsed->size(), 2u);
    EXPECT_EQ(parsed.value()[0].text, "Hej &amp; <i>v\xC3\xA4lkommen</i>");
    EXPECT_EQ(parsed.value()[1], cues[1]);
}

}  // namespace
}  // namespace stagehub::captions
