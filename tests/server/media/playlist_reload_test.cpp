// Blocking playlist reload (server/playlist_reload): a live playlist request with
// ?_HLS_msn=N is answered when segment N is listed, and not before; bad directives get 400,
// a stalled playlist 503 after three target durations, an ended one is served at once.
#include "server/media/playlist_reload.hpp"

#include <gst/gst.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <regex>
#include <thread>

#include "media_probe.hpp"
#include "running_server.hpp"
#include "temp_dir.hpp"

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using Clock = BlockingPlaylistReload::Clock;

HttpRequest playlist_request(const std::string& path,
                             std::vector<std::pair<std::string, std::string>> query,
                             uint64_t exchange = 1) {
    HttpRequest request;
    request.path = path;
    request.query = std::move(query);
    request.exchange = exchange;
    return request;
}

std::string error_code(const HttpResponse& response) {
    return nlohmann::json::parse(response.body)["error"]["code"].get<std::string>();
}

// One rendition's real playlist file, served as the static files would serve it.
class PlaylistReloadTest : public ::testing::Test {
  protected:
    PlaylistReloadTest()
        : playlist(dir / "index.m3u8", 2, 5),
          reload(
              [this](const std::string& stage, const std::string& rendition) {
                  return stage == "main" && rendition == "source" ? &playlist : nullptr;
              },
              [this](const HttpRequest&) {
                  HttpResponse response;
                  response.content_type = "application/vnd.apple.mpegurl";
                  response.body = stagehub::testing::read_text_file(dir / "index.m3u8");
                  return response;
              },
              [this](uint64_t exchange, HttpResponse response) {
                  answers.emplace(exchange, std::move(response));
              }) {
        playlist.add("seg-0.ts", 2.0, "run", false, std::chrono::system_clock::now());
        playlist.add("seg-1.ts", 2.0, "run", false, std::chrono::system_clock::now());
    }

    static constexpr const char* kPath = "/live/main/source/index.m3u8";
    stagehub::testing::TempDir dir;
    pipelines::LivePlaylist playlist;
    std::map<uint64_t, HttpResponse> answers;
    BlockingPlaylistReload reload;
};

TEST_F(PlaylistReloadTest, PlainRequestsAndListedSegmentsAreServedAtOnce) {
    const auto now = Clock::now();
    EXPECT_FALSE(reload.take(playlist_request(kPath, {}), now));
    EXPECT_FALSE(reload.take(playlist_request(kPath, {{"_HLS_msn", "1"}}), now));
    EXPECT_FALSE(reload.take(playlist_request(kPath, {{"_HLS_msn", "0"}}), now));
    // The master playlist and stages without a playlist are not waited on.
    EXPECT_FALSE(reload.take(playlist_request("/live/main/index.m3u8", {{"_HLS_msn", "9"}}), now));
    EXPECT_FALSE(
        reload.take(playlist_request("/live/other/source/index.m3u8", {{"_HLS_msn", "9"}}), now));
    EXPECT_EQ(reload.waiting(), 0u);
}

TEST_F(PlaylistReloadTest, TheNextSegmentIsAnsweredWhenItIsListedAndNotBefore) {
    const auto now = Clock::now();
    const auto waiting = reload.take(playlist_request(kPath, {{"_HLS_msn", "2"}}, 7), now);
    ASSERT_TRUE(waiting);
    EXPECT_TRUE(waiting->deferred);
    // Two segments ahead waits too, for the one after.
    ASSERT_TRUE(
        reload.take(playlist_request(kPath, {{"_HLS_msn", "3"}, {"_HLS_part", "0"}}, 8), now));
    EXPECT_EQ(reload.waiting(), 2u);

    reload.listed("main", "source");  // a rewrite that lists nothing new answers no one
    EXPECT_TRUE(answers.empty());

    playlist.add("seg-2.ts", 2.0, "run", false, std::chrono::system_clock::now());
    reload.listed("main", "source");
    ASSERT_EQ(answers.size(), 1u);
    ASSERT_TRUE(answers.contains(7));
    EXPECT_EQ(answers[7].status, 200);
    EXPECT_NE(answers[7].body.find("seg-2.ts"), std::string::npos) << answers[7].body;
    EXPECT_EQ(reload.waiting(), 1u);

    playlist.add("seg-3.ts", 2.0, "run", false, std::chrono::system_clock::now());
    reload.listed("main", "source");
    ASSERT_TRUE(answers.contains(8));
    EXPECT_NE(answers[8].body.find("seg-3.ts"), std::string::npos);
    EXPECT_EQ(reload.waiting(), 0u);
}

TEST_F(PlaylistReloadTest, BadDirectivesAreRefusedWithTheReason) {
    const auto now = Clock::now();
    const auto too_far = reload.take(playlist_request(kPath, {{"_HLS_msn", "4"}}), now);
    ASSERT_TRUE(too_far);
    EXPECT_EQ(too_far->status, 400);
    EXPECT_EQ(error_code(*too_far), "bad_request");
    EXPECT_NE(too_far->body.find("more than two segments past the newest, 1"), std::string::npos)
        << too_far->body;

    for (const auto& query : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {{"_HLS_part", "0"}},
             {{"_HLS_msn", "x"}},
             {{"_HLS_msn", "-1"}},
             {{"_HLS_msn", "2"}, {"_HLS_part", "first"}},
         }) {
        const auto refused = reload.take(playlist_request(kPath, query), now);
        ASSERT_TRUE(refused) << query.front().first;
        EXPECT_EQ(refused->status, 400) << query.front().first;
        EXPECT_EQ(error_code(*refused), "bad_request");
    }
    EXPECT_EQ(reload.waiting(), 0u);
}

TEST_F(PlaylistReloadTest, AStalledPlaylistAnswers503AfterThreeTargetDurations) {
    const auto now = Clock::now();
    ASSERT_TRUE(reload.take(playlist_request(kPath, {{"_HLS_msn", "2"}}, 3), now));
    reload.expire(now + 5999ms);
    EXPECT_TRUE(answers.empty());
    reload.expire(now + 6s);
    ASSERT_TRUE(answers.contains(3));
    EXPECT_EQ(answers[3].status, 503);
    EXPECT_EQ(error_code(answers[3]), "unavailable");
    EXPECT_EQ(reload.waiting(), 0u);
}

TEST_F(PlaylistReloadTest, AnEndedBroadcastAnswersEveryWaitAndIsServedAtOnce) {
    const auto now = Clock::now();
    ASSERT_TRUE(reload.take(playlist_request(kPath, {{"_HLS_msn", "2"}}, 4), now));
    playlist.end();
    reload.listed("main", "source");
    ASSERT_TRUE(answers.contains(4));
    EXPECT_NE(answers[4].body.find("#EXT-X-ENDLIST"), std::string::npos);
    EXPECT_FALSE(reload.take(playlist_request(kPath, {{"_HLS_msn", "3"}}), now));
}

int64_t last_sequence_in(const std::string& playlist) {
    std::smatch first;
    if (!std::regex_search(playlist, first, std::regex("#EXT-X-MEDIA-SEQUENCE:(\\d+)")))
        return -1;
    int64_t segments = 0;
    for (size_t at = 0; (at = playlist.find("#EXTINF:", at)) != std::string::npos; ++at)
        ++segments;
    return std::stoll(first[1]) + segments - 1;
}

// Over HTTP, with the demo stage really broadcasting 1 s segments.
TEST(PlaylistReloadOverHttp, ARequestForTheNextSegmentReturnsOnceItIsListed) {
    gst_init(nullptr, nullptr);
    RunningServer server(1.0, [](Options& options) {
        options.broadcast = true;
        options.segment_seconds = 1;
    });
    const std::string path = "/live/stora-salen/source/index.m3u8";
    int64_t last = -1;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (last < 0 && std::chrono::steady_clock::now() < deadline) {
        const auto reply = stagehub::testing::http_get(server.port, path);
        if (reply.status == 200) {
            EXPECT_NE(reply.body.find("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES"),
                      std::string::npos)
                << reply.body;
            last = last_sequence_in(reply.body);
        }
        if (last < 0)
            std::this_thread::sleep_for(100ms);
    }
    ASSERT_GE(last, 0) << "no live segment within 30 s";

    const auto next =
        stagehub::testing::http_get(server.port, path + "?_HLS_msn=" + std::to_string(last + 1));
    ASSERT_EQ(next.status, 200) << next.body;
    EXPECT_GE(last_sequence_in(next.body), last + 1) << next.body;

    const auto too_far =
        stagehub::testing::http_get(server.port, path + "?_HLS_msn=" + std::to_string(last + 50));
    EXPECT_EQ(too_far.status, 400) << too_far.body;
}

}  // namespace
}  // namespace stagehub::server
