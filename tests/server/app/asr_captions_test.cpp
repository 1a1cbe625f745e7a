// Speech recognition end to end (docs/CAPTIONS.md, "Speech recognition"): the real server
// broadcasting the demo stage with `--asr-command` running the scripted recogniser; each
// line it prints is stored as a live cue of the stage (source asr, the event's language,
// timed by its arrival), handed to the "cue added" hook, and counted in the stage's health.
#include "server/app/asr_captions.hpp"

#include <gst/gst.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <limits>
#include <thread>

#include "running_server.hpp"
#include "schedule/captions/caption_store.hpp"

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kStage = "stora-salen";

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class AsrCaptionsTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
    stagehub::testing::TempDir data;
};

TEST_F(AsrCaptionsTest, ARecognisersLinesBecomeLiveCuesOfItsStage) {
    const int64_t before = now_ms();
    RunningServer server(1.0, [&](Options& o) {
        o.broadcast = true;
        o.segment_seconds = 1;
        o.data_dir = data.path();
        o.video_width = 320;
        o.video_height = 180;
        o.ladder = {};
        o.asr_command =
            std::string("'") + STAGEHUB_SCRIPTED_RECOGNISER + "' --say 'Tom & Jerry <3'";
    });
    const std::string organiser = server.token(Role::organiser, "Producent", kEvent);
    json health;
    const auto deadline = std::chrono::steady_clock::now() + 40s;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto reply =
            server.call("GET", std::string("/api/v1/stages/") + kStage + "/health", organiser);
        health = json::parse(reply.body, nullptr, false);
        if (reply.status == 200 && health.contains("asr") && health["asr"]["lines"] >= 6)
            break;
        std::this_thread::sleep_for(200ms);
    }
    ASSERT_GE(health["asr"]["lines"].get<int>(), 6) << health.dump();
    EXPECT_EQ(health["asr"]["state"], "running");

    schedule::Database db(data.path() / "stagehub.db");
    const captions::CaptionStore store(db);
    const auto cues = store.live_cues(kStage, "sv", captions::CueKind::captions, 0,
                                      std::numeric_limits<int64_t>::max());
    ASSERT_GE(cues.size(), 6u);
    // Plain text in, cue text stored: what a recogniser prints can open no tag.
    EXPECT_EQ(cues[0].text, "Tom &amp; Jerry &lt;3");
    const int64_t after = now_ms();
    for (size_t i = 0; i < cues.size(); ++i) {
        const captions::Cue& cue = cues[i];
        EXPECT_EQ(cue.source, captions::CueSource::asr);
        EXPECT_EQ(cue.event_id, kEvent);
        EXPECT_TRUE(cue.session_id.empty());
        EXPECT_GE(cue.start_ms, before);
        EXPECT_LE(cue.start_ms, after);
        if (i > 0) {
            EXPECT_TRUE(cue.text.starts_with("heard ")) << cue.text;
            EXPECT_GE(cue.start_ms, cues[i - 1].start_ms);
            EXPECT_EQ(cue.end_ms - cue.start_ms, captions::live_cue_duration_ms(cue.text));
        }
    }
    EXPECT_EQ(cues[0].end_ms - cues[0].start_ms, captions::live_cue_duration_ms("Tom & Jerry <3"));
    // The rate it heard, judged after the program's first seconds; a line a second.
    int64_t bytes = 0;
    for (size_t i = 3; i < cues.size(); ++i) {
        long heard = 0;
        ASSERT_EQ(std::sscanf(cues[i].text.c_str(), "heard %ld bytes", &heard), 1);
        bytes += heard;
    }
    const auto counted = static_cast<double>(cues.size() - 3);
    EXPECT_NEAR(static_cast<double>(bytes) / counted, 32000, 32000 * 0.15);
    const double spacing = static_cast<double>(cues.back().start_ms - cues[2].start_ms) / counted;
    EXPECT_NEAR(spacing, 1000, 150);
}

}  // namespace
}  // namespace stagehub::server
