// Reading a caption POST (server/api/caption_post): language tags, where a WebVTT body's
// cues land on the wall clock, and how lines are timed. The requests are built here; the
// server's handling of them is caption_api_test's.
#include "server/api/caption_post.hpp"

#include <gtest/gtest.h>

namespace stagehub::server {
namespace {

HttpRequest request(const std::string& body, const std::string& type,
                    std::vector<std::pair<std::string, std::string>> query = {}) {
    HttpRequest r;
    r.method = HttpMethod::post;
    r.body = body;
    r.content_type = type;
    r.query = std::move(query);
    return r;
}

TEST(CaptionPost, LanguageTagsTakeTheirUsualCase) {
    EXPECT_EQ(caption_language("sv"), "sv");
    EXPECT_EQ(caption_language("EN-gb"), "en-GB");
    EXPECT_EQ(caption_language("zh-hant-tw"), "zh-Hant-TW");
    EXPECT_EQ(caption_language("se"), "se") << "Northern Sami";
    for (const char* bad :
         {"", "s", "svenska", "sv-", "-sv", "sv--se", "sv_SE", "sv-123456789", "s\xc3\xa4"}) {
        EXPECT_FALSE(caption_language(bad)) << bad;
    }
}

TEST(CaptionPost, LinesStartAsTheyArriveAndLastByTheirLength) {
    const CaptionLimits limits;
    const auto post =
        read_caption_post(request("kort\nen något längre rad här\n", "text/plain"), limits);
    ASSERT_TRUE(post.ok()) << post.error().message;
    const auto cues = place_caption_cues(*post, "e", "s", "sv", 1'000'000, limits);
    ASSERT_TRUE(cues.ok());
    ASSERT_EQ(cues->size(), 2u);
    EXPECT_EQ((*cues)[0].start_ms, 1'000'000);
    EXPECT_EQ((*cues)[0].end_ms, 1'000'000 + 2000) << "never shorter than 2 s";
    EXPECT_EQ((*cues)[1].end_ms - (*cues)[1].start_ms, 1500 + 50 * 23);
    std::string long_line(300, 'a');
    const auto long_post = read_caption_post(request(long_line, "text/plain"), limits);
    ASSERT_TRUE(long_post.ok());
    const auto long_cue = place_caption_cues(*long_post, "e", "s", "sv", 0, limits);
    EXPECT_EQ((*long_cue)[0].end_ms, 7000) << "never longer than 7 s";
}

TEST(CaptionPost, AWebVttBodyStartsAtStartOrEndsAtArrival) {
    const CaptionLimits limits;
    const std::string vtt =
        "WEBVTT\n\n00:00:02.000 --> 00:00:04.000\nett\n\n"
        "00:00:05.000 --> 00:00:08.000\ntvå\n";
    const int64_t arrival = 1'800'000'000'000;
    const auto ending = read_caption_post(request(vtt, "text/vtt"), limits);
    ASSERT_TRUE(ending.ok()) << ending.error().message;
    const auto placed = place_caption_cues(*ending, "e", "s", "sv", arrival, limits);
    ASSERT_TRUE(placed.ok());
    EXPECT_EQ((*placed)[1].end_ms, arrival);
    EXPECT_EQ((*placed)[0].start_ms, arrival - 6000);

    const auto anchored = read_caption_post(
        request(vtt, "text/vtt", {{"start", "2027-01-15T08:00:00.500Z"}}), limits);
    ASSERT_TRUE(anchored.ok()) << anchored.error().message;
    // 1'800'000'000 s is 2027-01-15T08:00:00Z.
    const auto at = place_caption_cues(*anchored, "e", "s", "sv", arrival + 60'000, limits);
    ASSERT_TRUE(at.ok()) << at.error().message;
    EXPECT_EQ((*at)[0].start_ms, arrival + 500 + 2000) << "milliseconds of start kept";
    EXPECT_EQ((*at)[1].end_ms, arrival + 500 + 8000);
    const auto stale =
        place_caption_cues(*anchored, "e", "s", "sv", arrival + 2 * 86'400'000, limits);
    ASSERT_FALSE(stale.ok()) << "two days after its start is no live caption";
    const auto early = place_caption_cues(*anchored, "e", "s", "sv", arrival - 3'600'000, limits);
    ASSERT_FALSE(early.ok()) << "an hour before it would end";
    EXPECT_EQ(early.error().code, ErrorCode::bad_time);
}

TEST(CaptionPost, APartialMayBeEmptyButACueMayNot) {
    const CaptionLimits limits;
    const auto cleared =
        read_caption_post(request(R"({"text": "", "final": false})", "application/json"), limits);
    ASSERT_TRUE(cleared.ok());
    EXPECT_TRUE(cleared->partial);
    EXPECT_EQ(cleared->partial_text, "");
    EXPECT_FALSE(read_caption_post(request(R"({"text": ""})", "application/json"), limits).ok());
    EXPECT_FALSE(read_caption_post(request("\n \n", "text/plain"), limits).ok());
}

}  // namespace
}  // namespace stagehub::server
