// An interpreter's booth into a real stage over loopback: an SRT caller sending a tone
// alone (MPEG-TS, AAC) becomes the stage's "audio-en" rendition, split at the very instants
// the picture is (same segments, each starting within one AAC frame of the picture's), and
// silence (still advancing, still aligned) once the booth stops sending.
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>

#include "child_process.hpp"
#include "media_senders.hpp"
#include "pipelines/master_playlist.hpp"
#include "pipelines/stage_pipeline.hpp"
#include "ports.hpp"
#include "stage_recorder.hpp"
#include "temp_dir.hpp"
#include "test_loop.hpp"
#include "ts_probe.hpp"

namespace stagehub::pipelines {
namespace {

using namespace std::chrono_literals;
using stagehub::testing::ChildProcess;
using stagehub::testing::probe_ts;
using stagehub::testing::TempDir;

// One AAC frame at 48 kHz on the 90 kHz clock: 1024 / 48000 × 90000.
constexpr int64_t kAacFrameTicks = 1920;

// The loudness (RMS, 0..1) of a segment's sound, decoded by GStreamer.
double loudness_of(const std::filesystem::path& segment) {
    const std::string description =
        "filesrc location=\"" + segment.string() +
        "\" ! tsdemux ! aacparse ! avdec_aac ! audioconvert ! "
        "audio/x-raw,format=F32LE,channels=1 ! appsink name=sink sync=false";
    GError* error = nullptr;
    GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
    if (pipeline == nullptr || error != nullptr) {
        ADD_FAILURE() << (error != nullptr ? error->message : "cannot decode");
        g_clear_error(&error);
        return -1;
    }
    GstElement* sink = gst_bin_get_by_name(reinterpret_cast<GstBin*>(pipeline), "sink");
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    double sum = 0;
    size_t n = 0;
    for (;;) {
        GstSample* sample =
            gst_app_sink_try_pull_sample(reinterpret_cast<GstAppSink*>(sink), 5 * GST_SECOND);
        if (sample == nullptr)
            break;
        GstMapInfo map;
        GstBuffer* buffer = gst_sample_get_buffer(sample);
        if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
            const auto* f = reinterpret_cast<const float*>(map.data);
            for (size_t i = 0; i < map.size / sizeof(float); ++i, ++n)
                sum += static_cast<double>(f[i]) * f[i];
            gst_buffer_unmap(buffer, &map);
        }
        gst_sample_unref(sample);
    }
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(sink);
    gst_object_unref(pipeline);
    return n == 0 ? -1 : std::sqrt(sum / static_cast<double>(n));
}

class InterpretationTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
    static void TearDownTestSuite() { wait_for_released_pipelines(std::chrono::seconds(10)); }

    StagePipelineConfig stage(int port) {
        StagePipelineConfig config;
        config.stage_id = "interp";
        config.output_dir = dir / "live";
        config.segment_seconds = 1;
        config.source.kind = SourceSpec::Kind::pattern;
        config.source.width = 320;
        config.source.height = 180;
        config.ladder.audio_only = true;
        config.audio_inputs.push_back(
            {"en", "English (interpretation)", "srt://127.0.0.1:" + std::to_string(port), ""});
        return config;
    }

    std::optional<AudioInputHealth> booth(StagePipeline& pipeline) {
        const auto health = pipeline.health();
        if (health.audio_inputs.empty())
            return std::nullopt;
        return health.audio_inputs.front();
    }

    TempDir dir;
    Loop loop;
    Recorder recorder{loop};
};

TEST_F(InterpretationTest, ABoothOverSrtIsARenditionAlignedWithThePictureAndSilentWhenGone) {
    const int port = testing::free_udp_port();
    StagePipeline pipeline(stage(port), recorder);
    pipeline.start();
    ASSERT_TRUE(testing::wait_for_udp_bound(port, 10s));
    EXPECT_EQ(booth(pipeline)->state, "waiting");
    auto sender =
        std::make_unique<ChildProcess>(testing::srt_audio_sender_args(port), dir / "booth.log");
    ASSERT_TRUE(loop.run_until([&] { return recorder.count("audio-en") >= 6; }, 30s))
        << sender->log();
    EXPECT_EQ(booth(pipeline)->state, "receiving");
    const size_t heard = recorder.count("audio-en");

    // The booth hangs up: its rendition goes on, silent.
    sender->terminate(5s);
    ASSERT_TRUE(loop.run_until([&] { return recorder.count("audio-en") >= heard + 6; }, 30s));
    EXPECT_EQ(booth(pipeline)->state, "lost");
    pipeline.stop();
    ASSERT_TRUE(loop.run_until([&] { return recorder.stopped > 0; }, 15s));
    EXPECT_TRUE(recorder.errors.empty()) << recorder.errors.front();

    const auto& video = recorder.segments["source"];
    const auto& booth_segments = recorder.segments["audio-en"];
    // The same segments: one for one, each starting with the picture's.
    EXPECT_EQ(booth_segments.size(), video.size());
    const size_t n = std::min(video.size(), booth_segments.size());
    ASSERT_GE(n, 10u);
    for (size_t k = 0; k < n; ++k) {
        const auto picture = probe_ts(video[k].path);
        const auto sound = probe_ts(booth_segments[k].path);
        ASSERT_TRUE(picture.first_video_pts.has_value()) << k;
        ASSERT_TRUE(sound.first_audio_pts.has_value()) << k;
        EXPECT_LE(std::llabs(*sound.first_audio_pts - *picture.first_video_pts), kAacFrameTicks)
            << "segment " << k << ": " << *sound.first_audio_pts << " vs "
            << *picture.first_video_pts;
        EXPECT_EQ(sound.video_pes, 0) << k;
        // Both ends within a frame of the picture's: the lengths within two frames. Not
        // the last segment's: it ends at the stop, with what each rendition had queued.
        constexpr double kTwoFrames = 2.0 * kAacFrameTicks / 90000.0 + 0.001;
        if (k + 1 < n) {
            EXPECT_NEAR(booth_segments[k].duration_s, video[k].duration_s, kTwoFrames) << k;
        }
    }
    // The tone while the booth sent it, silence after (a segment well after the hang-up).
    double loudest = 0;
    for (size_t k = 1; k + 1 < heard; ++k)
        loudest = std::max(loudest, loudness_of(booth_segments[k].path));
    EXPECT_GT(loudest, 0.1);
    EXPECT_LT(loudness_of(booth_segments[n - 2].path), 0.001);

    // Players are told: an alternative sound with its language and name.
    const std::string master = master_playlist(pipeline.renditions());
    EXPECT_NE(master.find("audio-en/index.m3u8"), std::string::npos) << master;
}

}  // namespace
}  // namespace stagehub::pipelines
