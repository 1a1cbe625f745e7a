// SubRip as editors and services write it, read into WebVTT cue text; bad files refused
// with their line; what stagehub writes read back the same.
#include "schedule/captions/srt.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

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

// Found by fuzz_webvtt: a WebVTT line that is only markup (a voice tag on a line of its own,
// as some editors write a speaker's name, or an empty <c.yellow> </c>) has no SubRip form; written
// as an empty line it ended the block, and the next line broke the download's reading.
TEST(Srt, WritesNoBlankLineForALineOfMarkupOnly) {
    const std::vector<TimedCue> cues{{0, 2000, "<v Anna Berg>\nHej alla"},
                                     {2000, 3000, "<c.yellow> </c>\nsista"},
                                     {3000, 4000, "<c.yellow></c>"}};
    const std::string file = write_srt(cues);
    auto parsed = parse_srt(file);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message << "\n" << file;
    ASSERT_EQ(parsed->size(), 2u) << file;
    EXPECT_EQ(parsed.value()[0], (TimedCue{0, 2000, "Hej alla"}));
    EXPECT_EQ(parsed.value()[1], (TimedCue{2000, 3000, "sista"}));
}

// Found by fuzz_webvtt: '>' is WebVTT cue text as it is, and SubRip writes it as it is, but
// the SubRip reader escaped it to "&gt;": a cue of many '>' within the limit as WebVTT was
// four times past it read back from SubRip, so a track downloaded as .srt was refused
// when uploaded again.
TEST(Srt, ReadsBackTheWebVttItWroteWithinTheSameLimit) {
    const std::string arrows(kMaxCueTextBytes - 10, '>');
    const std::vector<TimedCue> cues{{0, 2000, "a > b " + arrows}};
    auto parsed = parse_srt(write_srt(cues));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    ASSERT_EQ(parsed->size(), 1u);
    EXPECT_EQ(parsed.value()[0], cues[0]);
    EXPECT_EQ(parse_srt("1\n00:00:00,000 --> 00:00:01,000\nx --> y > z\n")->at(0).text,
              "x --&gt; y > z");
}

// Found reading cue_text_from_srt: each '<' or '{' searched the whole rest of its line for
// the tag's end, so a line of them as long as an upload may be (2 MiB) took minutes; now
// milliseconds (a second under ASan). Tags and overrides longer than a tag can be are text.
TEST(Srt, ReadsALongLineOfOpenTagsInLinearTime) {
    constexpr size_t kUploadBytes = 2 << 20;
    const std::string opens(kUploadBytes, '<');
    std::string overrides;
    while (overrides.size() < kUploadBytes)
        overrides += "{\\";
    for (const std::string& text : {opens, overrides}) {
        const auto started = std::chrono::steady_clock::now();
        const auto parsed = parse_srt("1\n00:00:00,000 --> 00:00:01,000\n" + text + "\n");
        const auto took = std::chrono::steady_clock::now() - started;
        ASSERT_FALSE(parsed.ok());  // far longer than a cue may be
        EXPECT_NE(parsed.error().message.find("longer than"), std::string::npos);
        EXPECT_LT(took, std::chrono::seconds(20)) << "quadratic in the line's length";
    }
}

}  // namespace
}  // namespace stagehub::captions
