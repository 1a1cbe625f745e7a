// A real stage pipeline writing real HLS into a temp dir, driven by a GMainLoop as in
// the server, and read back with GStreamer's discoverer.
#include "pipelines/stage_pipeline.hpp"

#include <gst/gst.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>

#include "media_probe.hpp"
#include "temp_dir.hpp"

namespace stagehub::pipelines {
namespace {

using namespace stagehub::testing;

struct Recorder : StagePipeline::Listener {
    std::vector<std::string> errors;
    std::vector<std::filesystem::path> segments;
    std::vector<double> durations;
    int stopped = 0;

    void on_pipeline_error(const std::string& stage, const std::string& message) override {
        errors.push_back(stage + ": " + message);
    }
    void on_segment_closed(const std::string&, const std::filesystem::path& segment,
                           double duration_s) override {
        segments.push_back(segment);
        durations.push_back(duration_s);
    }
    void on_pipeline_stopped(const std::string&) override { ++stopped; }
};

// Iterates the default main context (where the bus watch lives) until `done` or timeout.
bool run_loop_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        g_main_context_iteration(nullptr, FALSE);
        g_usleep(5000);
    }
    return true;
}

StagePipelineConfig small(const std::filesystem::path& dir) {
    StagePipelineConfig config;
    config.stage_id = "test-stage";
    config.output_dir = dir;
    config.segment_seconds = 1;
    config.width = 320;
    config.height = 180;
    config.video_kbps = 300;
    return config;
}

class StagePipelineTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
};

TEST_F(StagePipelineTest, WritesDecodableH264AacSegmentsAndAFinalPlaylistOnStop) {
    TempDir dir;
    Recorder recorder;
    StagePipeline pipeline(small(dir.path()), recorder);
    pipeline.start();
    EXPECT_TRUE(pipeline.running());
    pipeline.set_lower_third({"Idéslussen", "Johan Nordlund · Sara Lindgren"});
    ASSERT_TRUE(
        run_loop_until([&] { return recorder.segments.size() >= 3; }, std::chrono::seconds(30)))
        << "segments so far: " << recorder.segments.size();
    pipeline.stop();
    ASSERT_TRUE(run_loop_until([&] { return recorder.stopped > 0; }, std::chrono::seconds(10)));
    EXPECT_EQ(recorder.stopped, 1);
    EXPECT_FALSE(pipeline.running());
    EXPECT_TRUE(recorder.errors.empty()) << recorder.errors.front();

    const std::string playlist = read_text_file(dir / "index.m3u8");
    EXPECT_NE(playlist.find("#EXT-X-TARGETDURATION:1"), std::string::npos) << playlist;
    EXPECT_NE(playlist.find("#EXT-X-ENDLIST"), std::string::npos) << playlist;
    const auto listed = playlist_segments(playlist);
    ASSERT_GE(listed.size(), 3u);
    for (const std::string& name : listed) {
        ASSERT_TRUE(std::filesystem::exists(dir / name)) << name;
        EXPECT_GT(std::filesystem::file_size(dir / name), 0u) << name;
    }
    // Every reported segment is on disk and listed; durations are about the target, but
    // for the last one, which ends wherever EOS came.
    for (size_t i = 0; i < recorder.segments.size(); ++i) {
        EXPECT_TRUE(std::filesystem::exists(recorder.segments[i])) << recorder.segments[i];
        EXPECT_NE(playlist.find(recorder.segments[i].filename().string()), std::string::npos)
            << recorder.segments[i] << " not in\n"
            << playlist;
        EXPECT_GT(recorder.durations[i], i + 1 == recorder.segments.size() ? 0.0 : 0.5);
        EXPECT_LT(recorder.durations[i], 1.5);
    }
    for (const std::string& name : {listed.front(), listed.back()}) {
        const std::string streams = discover_streams(dir / name);
        EXPECT_NE(streams.find("video/x-h264"), std::string::npos) << name << ":\n" << streams;
        EXPECT_NE(streams.find("width=(int)320"), std::string::npos) << streams;
        EXPECT_NE(streams.find("audio/mpeg"), std::string::npos) << name << ":\n" << streams;
        EXPECT_NE(streams.find("mpegversion=(int)4"), std::string::npos) << streams;
    }
}

TEST_F(StagePipelineTest, ARestartNeverReusesSegmentNames) {
    TempDir dir;
    std::set<std::string> first_run;
    for (int run = 0; run < 2; ++run) {
        Recorder recorder;
        StagePipeline pipeline(small(dir.path()), recorder);
        pipeline.start();
        ASSERT_TRUE(run_loop_until([&] { return recorder.segments.size() >= 2; },
                                   std::chrono::seconds(30)));
        pipeline.stop();
        ASSERT_TRUE(run_loop_until([&] { return recorder.stopped > 0; }, std::chrono::seconds(10)));
        const auto listed = playlist_segments(read_text_file(dir / "index.m3u8"));
        ASSERT_FALSE(listed.empty());
        for (const std::string& name : listed) {
            if (run == 0) {
                first_run.insert(name);
            } else {
                EXPECT_EQ(first_run.count(name), 0u) << name << " was written by the first run";
            }
        }
    }
}

TEST_F(StagePipelineTest, MarkupInTitlesShowsLiterallyAndDoesNotBreakThePipeline) {
    TempDir dir;
    Recorder recorder;
    StagePipeline pipeline(small(dir.path()), recorder);
    pipeline.start();
    pipeline.set_lower_third({"Forskning & <utveckling>", "A & B <c>"});
    ASSERT_TRUE(
        run_loop_until([&] { return recorder.segments.size() >= 1; }, std::chrono::seconds(30)));
    pipeline.set_lower_third({"</b>", ""});
    const size_t before = recorder.segments.size();
    ASSERT_TRUE(run_loop_until([&] { return recorder.segments.size() >= before + 2; },
                               std::chrono::seconds(30)));
    EXPECT_TRUE(recorder.errors.empty()) << recorder.errors.front();
    pipeline.stop();
    pipeline.stop();  // a second stop is harmless and reports nothing more
    ASSERT_TRUE(run_loop_until([&] { return recorder.stopped > 0; }, std::chrono::seconds(10)));
    run_loop_until([] { return false; }, std::chrono::milliseconds(300));
    EXPECT_EQ(recorder.stopped, 1);
}

TEST_F(StagePipelineTest, AnUnwritableOutputFolderIsAnErrorNamingTheStage) {
    TempDir dir;
    std::ofstream(dir / "file") << "not a folder";
    Recorder recorder;
    StagePipeline pipeline(small(dir / "file" / "live"), recorder);
    try {
        pipeline.start();
        FAIL() << "start must refuse an output folder under a regular file";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("test-stage"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(pipeline.running());
}

}  // namespace
}  // namespace stagehub::pipelines
