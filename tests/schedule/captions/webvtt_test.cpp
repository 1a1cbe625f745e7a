// WebVTT as real tools write it (a byte order mark, CRLF, a header, NOTE and STYLE
// blocks, identifiers, cue settings, hours left out) read into cues; bad files refused
// with the line that broke them; what stagehub writes read back the same.
#include "schedule/captions/webvtt.hpp"

#include <gtest/gtest.h>

#include "schedule/captions/cue_text.hpp"

namespace stagehub::captions {
namespace {

std::string error_of(std::string_view file) {
    auto parsed = parse_webvtt(file);
    EXPECT_FALSE(parsed.ok());
    if (parsed.ok())
        return "";
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_captions);
    return parsed.error().message;
}

// Shaped like Subtitle Edit / Amara output: BOM, CRLF, header metadata, STYLE, NOTE.
constexpr std::string_view kToolFile =
    "\xEF\xBB\xBFWEBVTT - Tillsammans f\xC3\xB6r f\xC3\xB6rnyelse\r\n"
    "Kind: captions\r\n"
    "Language: sv\r\n"
    "\r\n"
    "STYLE\r\n"
    "::cue { color: yellow }\r\n"
    "\r\n"
    "NOTE granskad av Skrivtolkningen\r\n"
    "ver 2\r\n"
    "\r\n"
    "1\r\n"
    "00:00:01.000 --> 00:00:04.250 align:start position:10%\r\n"
    "<v Anna Berg>V\xC3\xA4lkomna till\r\n"
    "temadagen!\r\n"
    "\r\n"
    "intro-2\r\n"
    "00:05.000 --> 00:07.500\r\n"
    "Vi b\xC3\xB6rjar med <i>innovation</i> &amp; samverkan.\r\n"
    "\r\n"
    "01:02:03.004 --> 01:02:03.004\r\n"
    "(a zero-length cue, skipped)\r\n"
    "\r\n"
    "01:02:03.004 --> 01:02:05.000\r\n"
    "Slut.\r\n";

TEST(WebVtt, ReadsWhatCaptioningToolsWrite) {
    auto parsed = parse_webvtt(kToolFile);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const auto& cues = parsed.value();
    ASSERT_EQ(cues.size(), 3u);
    EXPECT_EQ(cues[0], (TimedCue{1000, 4250, "<v Anna Berg>V\xC3\xA4lkomna till\ntemadagen!"}));
    EXPECT_EQ(cues[1].start_ms, 5000);
    EXPECT_EQ(cues[1].end_ms, 7500);
    EXPECT_EQ(plain_from_cue_text(cues[1].text), "Vi b\xC3\xB6rjar med innovation & samverkan.");
    EXPECT_EQ(cues[2], (TimedCue{3'723'004, 3'725'000, "Slut."}));
}

TEST(WebVtt, ReadsLoneCarriageReturnsAndACueRightAfterAnother) {
    auto parsed = parse_webvtt(
        "WEBVTT\r\r00:00.000 --> 00:01.000\rEtt\r00:01.000 --> 00:02.000\rTv\xC3\xA5\r");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    ASSERT_EQ(parsed->size(), 2u);
    EXPECT_EQ(parsed.value()[1].text, "Tv\xC3\xA5");
}

// Found reading the reader beside the spec: a file with no blank line after WEBVTT (some
// scripts write one) lost its first cue, read as a header line; a browser shows it.
TEST(WebVtt, ReadsACueRightUnderTheWebVttLine) {
    auto cues = parse_webvtt(
        "WEBVTT\n00:00.000 --> 00:01.000\nEtt\n\n00:01.000 --> 00:02.000\nTv\xC3\xA5\n");
    ASSERT_TRUE(cues.ok()) << cues.error().message;
    ASSERT_EQ(cues->size(), 2u);
    EXPECT_EQ(cues.value()[0], (TimedCue{0, 1000, "Ett"}));
    cues = parse_webvtt("WEBVTT\nKind: captions\nLanguage: sv\n00:00.000 --> 00:01.000\nEtt\n");
    ASSERT_TRUE(cues.ok()) << cues.error().message;
    ASSERT_EQ(cues->size(), 1u);
    EXPECT_EQ(cues.value()[0].text, "Ett");
}

TEST(WebVtt, RefusesABrokenFileNamingTheLine) {
    EXPECT_EQ(error_of("1\n00:00:01.000 --> 00:00:02.000\nhej\n"),
              "line 1: a WebVTT file starts with the line WEBVTT");
    EXPECT_EQ(error_of("WEBVTTX\n"), "line 1: a WebVTT file starts with the line WEBVTT");
    EXPECT_EQ(error_of("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:03,000 --> "
                       "00:00:04.000\nSRT comma\n"),
              "line 6: the cue's start is not a time like 00:01:02.500");
    EXPECT_EQ(error_of("WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nbackwards\n"),
              "line 3: the cue ends before it starts");
    EXPECT_EQ(error_of("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nhej\n"),
              "line 3: expected \"-->\" between the cue's two times");
    EXPECT_EQ(error_of("WEBVTT\n\nid\nhej\n"),
              "line 4: expected a cue's times, like 00:00:01.000 --> 00:00:04.000");
    EXPECT_EQ(error_of("WEBVTT\n\n00:00:01.000 --> 00:61:02.000\nhej\n"),
              "line 3: the cue's end is not a time like 00:01:04.000");
    EXPECT_EQ(error_of("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nbad \xFF byte\n"),
              "line 4: not UTF-8 text (save the file as UTF-8)");
}

TEST(WebVtt, RefusesACueLongerThanTheLimit) {
    const std::string file =
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n" + std::string(kMaxCueTextBytes + 1, 'a') + "\n";
    EXPECT_NE(error_of(file).find("line 3: the cue's text is longer than"), std::string::npos);
}

TEST(WebVtt, WritesWhatItReadsBackTheSame) {
    const std::vector<TimedCue> cues{{0, 2500, "Hej"},
                                     {2000, 7000, "<i>tv\xC3\xA5</i>\nrader"},
                                     {3'600'000, 3'601'001, "en timme"}};
    const std::string file =
        write_webvtt(cues, {"X-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000"});
    EXPECT_TRUE(
        file.starts_with("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n"
                         "00:00:00.000 --> 00:00:02.500\nHej\n\n"))
        << file;
    auto parsed = parse_webvtt(file);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed.value(), cues);
}

TEST(WebVtt, TypedTextCanNeitherOpenATagNorEndTheCue) {
    const std::string typed = "a <b> & c --> d\n\n00:00:09.000 --> 00:00:10.000\ninjected";
    const std::vector<TimedCue> cues{{0, 1000, cue_text_from_plain(typed)}};
    auto parsed = parse_webvtt(write_webvtt(cues));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    ASSERT_EQ(parsed->size(), 1u);
    EXPECT_EQ(plain_from_cue_text(parsed.value()[0].text),
              "a <b> & c --> d\n00:00:09.000 --> 00:00:10.000\ninjected");
}

}  // namespace
}  // namespace stagehub::captions
