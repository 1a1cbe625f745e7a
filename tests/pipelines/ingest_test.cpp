// Real senders into a real stage over loopback: an SRT caller (OBS stand-in) with a
// passphrase, an RTMP publisher through nginx-rtmp, an RTSP camera, a file. Checked the way
// a player and an operator would: every rendition's segments decode and start with the same
// keyframe, the passthrough encodes nothing, a lost input is covered by the slate within
// 2 s while the segments keep coming, and the input comes back by itself.
#include <gst/gst.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <thread>

#include "child_process.hpp"
#include "media_probe.hpp"
#include "media_senders.hpp"
#include "nginx_rtmp.hpp"
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
using stagehub::testing::discover_streams;
using stagehub::testing::probe_ts;
using stagehub::testing::TempDir;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kPassphrase = "stagehub-secret-1";

class IngestTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
    // Inputs reach NULL on background threads; none may outlive the test.
    static void TearDownTestSuite() { wait_for_released_pipelines(std::chrono::seconds(10)); }

    // A 640x360 sender with a keyframe every second, 1-second segments, and a ladder of two
    // encoded renditions below it: small enough that sender and stage share two cores.
    StagePipelineConfig stage(SourceSpec::Kind kind, const std::string& uri) {
        StagePipelineConfig config;
        config.stage_id = "ingest";
        config.output_dir = dir / "live";
        config.segment_seconds = 1;
        config.ladder.encoded = {{"180p", 320, 180, 300}, {"90p", 160, 90, 100}};
        config.source.kind = kind;
        config.source.uri = uri;
        config.source.width = 640;
        config.source.height = 360;
        return config;
    }

    static testing::SenderEncode sender_encode() {
        testing::SenderEncode encode;
        encode.width = 640;
        encode.height = 360;
        encode.bitrate_kbps = 800;
        encode.gop_seconds = 1.0;
        return encode;
    }

    // Starts an SRT caller once the stage listens; a caller that finds nobody gives up, so
    // it is started again (bounded) until it stays up.
    std::unique_ptr<ChildProcess> start_srt_sender(int port, const std::string& name) {
        for (int attempt = 0; attempt < 5; ++attempt) {
            if (!testing::wait_for_udp_bound(port, 10s))
                break;
            auto sender = std::make_unique<ChildProcess>(
                testing::srt_sender_args(
                    {.port = port, .passphrase = kPassphrase, .encode = sender_encode()}),
                dir / (name + std::to_string(attempt) + ".log"));
            loop.run_for(1500ms);
            if (sender->running())
                return sender;
        }
        return nullptr;
    }

    bool wait_for_input_segments(size_t more_than, std::chrono::milliseconds timeout) {
        return loop.run_until(
            [&] {
                return recorder.on_air() == Feed::input && recorder.count("source") > more_than &&
                       recorder.count("180p") > more_than && recorder.count("90p") > more_than;
            },
            timeout);
    }

    // A bin for ProgramPipeline::add_output from a launch line whose queues named "video"
    // and "audio" take the program's streams; nullptr if the line does not parse.
    static GstElement* output_bin(const std::string& description) {
        GError* error = nullptr;
        GstElement* bin = gst_parse_bin_from_description(description.c_str(), FALSE, &error);
        if (bin == nullptr) {
            ADD_FAILURE() << (error ? error->message : description);
            g_clear_error(&error);
            return nullptr;
        }
        for (const char* name : {"video", "audio"}) {
            GstElement* queue = gst_bin_get_by_name(reinterpret_cast<GstBin*>(bin), name);
            GstPad* pad = gst_element_get_static_pad(queue, "sink");
            gst_element_add_pad(bin, gst_ghost_pad_new(name, pad));
            gst_object_unref(pad);
            gst_object_unref(queue);
        }
        return bin;
    }

    void stop(StagePipeline& pipeline) {
        pipeline.stop();
        ASSERT_TRUE(loop.run_until([&] { return recorder.stopped > 0; }, 10s));
    }

    TempDir dir;
    Loop loop;
    Recorder recorder{loop};
};

int count_of(const std::vector<std::string>& names, const std::string& name) {
    return static_cast<int>(std::count(names.begin(), names.end(), name));
}

int width_in(const std::filesystem::path& file) {
    const std::string streams = discover_streams(file);
    const auto at = streams.find("width=(int)");
    return at == std::string::npos ? 0 : std::stoi(streams.substr(at + 11));
}

TEST_F(IngestTest, SrtWithPassphraseBecomesAKeyframeAlignedLadderWithAPassthroughTop) {
    const int port = testing::free_udp_port();
    StagePipelineConfig config =
        stage(SourceSpec::Kind::srt, "srt://127.0.0.1:" + std::to_string(port));
    config.source.passphrase = kPassphrase;
    StagePipeline pipeline(config, recorder);
    pipeline.start();
    auto sender = start_srt_sender(port, "sender");
    ASSERT_TRUE(sender) << "the SRT sender could not connect";
    ASSERT_TRUE(wait_for_input_segments(5, 30s))
        << "segments: " << recorder.count("source") << "; sender:\n"
        << sender->log();

    // Passthrough: the input only parses; the program encodes the two smaller renditions
    // and nothing else (the top rendition is the sender's own H.264).
    const auto input = pipeline.input_elements();
    EXPECT_EQ(count_of(input, "srtsrc"), 1);
    EXPECT_EQ(count_of(input, "x264enc"), 0);
    EXPECT_EQ(count_of(input, "avdec_h264"), 0);
    const auto program = pipeline.program_elements();
    EXPECT_EQ(count_of(program, "x264enc"), 2);
    EXPECT_EQ(count_of(program, "avdec_h264"), 1);
    EXPECT_EQ(count_of(program, "hlssink2"), 4);

    // The master lists every rendition, with the sizes really sent.
    const std::string master = master_playlist(pipeline.renditions());
    for (const char* line : {"source/index.m3u8", "180p/index.m3u8", "90p/index.m3u8",
                             "audio/index.m3u8", "RESOLUTION=640x360", "RESOLUTION=320x180",
                             "RESOLUTION=160x90", "CODECS=\"mp4a.40.2\""}) {
        EXPECT_NE(master.find(line), std::string::npos) << line << " missing from\n" << master;
    }

    // Segment k of every video rendition starts with a keyframe at the same instant, so a
    // player can switch rendition at any segment; and every one decodes to its size.
    const auto& top = recorder.segments["source"];
    for (size_t k = 1;
         k + 1 < std::min({top.size(), recorder.count("180p"), recorder.count("90p")}); ++k) {
        SCOPED_TRACE("segment " + std::to_string(k));
        const auto top_probe = probe_ts(top[k].path);
        ASSERT_TRUE(top_probe.first_video_pts.has_value());
        EXPECT_TRUE(top_probe.starts_with_idr);
        EXPECT_GT(top_probe.audio_pes, 0);
        for (const char* rendition : {"180p", "90p"}) {
            const auto& r = recorder.segments[rendition][k];
            const auto probe = probe_ts(r.path);
            EXPECT_EQ(probe.first_video_pts, top_probe.first_video_pts) << rendition;
            EXPECT_TRUE(probe.starts_with_idr) << rendition;
            EXPECT_NEAR(r.duration_s, top[k].duration_s, 0.001) << rendition;
        }
        EXPECT_NEAR(top[k].duration_s, 1.0, 0.05) << "segments follow the sender's 1 s GOP";
    }
    EXPECT_EQ(width_in(top[2].path), 640);
    EXPECT_EQ(width_in(recorder.segments["180p"][2].path), 320);
    EXPECT_EQ(width_in(recorder.segments["90p"][2].path), 160);
    EXPECT_NE(discover_streams(recorder.segments["audio"][1].path).find("audio/mpeg"),
              std::string::npos);

    const auto health = pipeline.health();
    EXPECT_EQ(health.input_state, "receiving");
    ASSERT_TRUE(health.input.has_value());
    EXPECT_EQ(health.input->width, 640);
    EXPECT_GT(health.input->video_kbps, 100);
    EXPECT_NEAR(health.input->keyframe_interval_s, 1.0, 0.3);
    ASSERT_TRUE(health.input->last_keyframe_age_s.has_value());
    EXPECT_LT(*health.input->last_keyframe_age_s, 2.0);
    stop(pipeline);
    EXPECT_TRUE(recorder.errors.empty()) << recorder.errors.front();
}

TEST_F(IngestTest, AnInputWithoutSoundStillAdvancesWithSilenceInEveryRendition) {
    // A camera without a microphone: every muxer needs sound to advance, so silence is
    // filled in; without it no segment would ever close.
    const int port = testing::free_udp_port();
    StagePipeline pipeline(stage(SourceSpec::Kind::srt, "srt://127.0.0.1:" + std::to_string(port)),
                           recorder);
    pipeline.start();
    ASSERT_TRUE(testing::wait_for_udp_bound(port, 10s));
    auto encode = sender_encode();
    encode.with_audio = false;
    ChildProcess sender(
        testing::srt_sender_args({.port = port, .passphrase = "", .encode = encode}),
        dir / "sender.log");
    ASSERT_TRUE(wait_for_input_segments(3, 20s)) << sender.log();
    for (const char* rendition : {"source", "180p", "audio"}) {
        const auto probe = probe_ts(recorder.segments[rendition][2].path);
        EXPECT_GT(probe.audio_pes, 0) << rendition;
    }
    EXPECT_TRUE(probe_ts(recorder.segments["source"][2].path).starts_with_idr);
    stop(pipeline);
}

TEST_F(IngestTest, AWrongPassphraseGetsNoPictureOnAir) {
    const int port = testing::free_udp_port();
    StagePipelineConfig config =
        stage(SourceSpec::Kind::srt, "srt://127.0.0.1:" + std::to_string(port));
    config.source.passphrase = "another-secret-entirely";
    StagePipeline pipeline(config, recorder);
    pipeline.start();
    ASSERT_TRUE(testing::wait_for_udp_bound(port, 10s));
    ChildProcess sender(testing::srt_sender_args(
                            {.port = port, .passphrase = kPassphrase, .encode = sender_encode()}),
                        dir / "sender.log");
    // The slate covers the stage; the sender's picture never reaches it.
    ASSERT_TRUE(loop.run_until([&] { return recorder.count("source") >= 3; }, 20s));
    EXPECT_EQ(recorder.on_air(), Feed::slate);
    EXPECT_EQ(pipeline.health().input_state, "waiting");
    stop(pipeline);
}

TEST_F(IngestTest, ALostSrtSenderIsCoveredByTheSlateWithin2sAndComesBackWithoutAGap) {
    const int port = testing::free_udp_port();
    StagePipelineConfig config =
        stage(SourceSpec::Kind::srt, "srt://127.0.0.1:" + std::to_string(port));
    config.source.passphrase = kPassphrase;
    config.slate_text = {"Vi är strax tillbaka", "Nästa: 10:30 Panelsamtal"};
    StagePipeline pipeline(config, recorder);
    pipeline.start();
    auto sender = start_srt_sender(port, "first");
    ASSERT_TRUE(sender);
    ASSERT_TRUE(wait_for_input_segments(3, 30s));

    // The encoder crashes.
    const auto killed = SteadyClock::now();
    sender->kill_hard();
    ASSERT_TRUE(loop.run_until([&] { return recorder.on_air() == Feed::slate; }, 5s));
    const auto covered = recorder.switches.back().second - killed;
    std::cout << "slate on air "
              << std::chrono::duration_cast<std::chrono::milliseconds>(covered).count()
              << " ms after the sender was killed\n";
    EXPECT_LT(covered, 2s);
    const size_t at_loss = recorder.count("source");
    // The playlist keeps advancing on the slate.
    ASSERT_TRUE(loop.run_until([&] { return recorder.count("source") >= at_loss + 3; }, 10s));

    // The encoder is restarted and the stage switches back by itself.
    const uint64_t runs_before = pipeline.health().input_runs;
    ASSERT_TRUE(loop.run_until(
        [&] {
            const auto h = pipeline.health();
            return h.input_runs > runs_before && h.input_state == "waiting";
        },
        20s))
        << "the listener was not started afresh";
    sender = start_srt_sender(port, "second");
    ASSERT_TRUE(sender);
    ASSERT_TRUE(loop.run_until([&] { return recorder.on_air() == Feed::input; }, 20s));
    const size_t at_return = recorder.count("source");
    ASSERT_TRUE(wait_for_input_segments(at_return + 2, 20s));
    stop(pipeline);
    EXPECT_TRUE(recorder.errors.empty());

    // No gap: every rendition's segments are numbered without a hole and each starts where
    // the one before ended; the first slate and the first input segment after it begin new
    // pictures.
    for (const char* rendition : {"source", "180p", "90p"}) {
        SCOPED_TRACE(rendition);
        const auto& segments = recorder.segments[rendition];
        int new_pictures = 0;
        for (size_t k = 0; k < segments.size(); ++k) {
            EXPECT_EQ(segments[k].index, k);
            if (segments[k].discontinuity)
                ++new_pictures;
            if (k == 0)
                continue;
            const double gap =
                std::chrono::duration<double>(segments[k].started_at - segments[k - 1].started_at)
                    .count();
            EXPECT_NEAR(gap, segments[k - 1].duration_s, 0.25) << "segment " << k;
        }
        EXPECT_EQ(new_pictures, 2);
    }
    // The slate's segments are real pictures, at the input's size.
    const auto& top = recorder.segments["source"];
    const auto first_slate = std::find_if(top.begin() + 1, top.end(),
                                          [](const ClosedSegment& s) { return s.discontinuity; });
    ASSERT_NE(first_slate, top.end());
    EXPECT_EQ(width_in(first_slate->path), 640);
    EXPECT_TRUE(probe_ts(first_slate->path).starts_with_idr);
}

TEST_F(IngestTest, RtmpFromAnOBSStandInThroughNginxIsPassedThrough) {
    testing::NginxRtmp nginx;
    StagePipeline pipeline(stage(SourceSpec::Kind::rtmp, nginx.url("stage1")), recorder);
    pipeline.start();
    ChildProcess sender(testing::rtmp_sender_args(nginx.url("stage1"), sender_encode()),
                        dir / "rtmp-sender.log");
    ASSERT_TRUE(wait_for_input_segments(2, 30s)) << sender.log() << nginx.log();
    EXPECT_EQ(count_of(pipeline.input_elements(), "rtmp2src"), 1);
    EXPECT_EQ(count_of(pipeline.input_elements(), "x264enc"), 0);
    const auto& top = recorder.segments["source"];
    EXPECT_EQ(width_in(top[1].path), 640);
    EXPECT_TRUE(probe_ts(top[1].path).starts_with_idr);
    stop(pipeline);
}

TEST_F(IngestTest, AnRtspCameraIsPulledAndPassedThrough) {
    const int port = testing::free_tcp_port();
    ChildProcess camera(testing::rtsp_server_args(port), dir / "camera.log");
    ASSERT_TRUE(camera.wait_for_log("ready", 10s)) << camera.log();
    StagePipeline pipeline(
        stage(SourceSpec::Kind::rtsp, "rtsp://127.0.0.1:" + std::to_string(port) + "/stage"),
        recorder);
    pipeline.start();
    // The camera's GOP is 2 s: segments of 2 s.
    ASSERT_TRUE(wait_for_input_segments(2, 30s)) << camera.log();
    EXPECT_EQ(count_of(pipeline.input_elements(), "rtspsrc"), 1);
    EXPECT_EQ(count_of(pipeline.input_elements(), "x264enc"), 0);
    EXPECT_EQ(width_in(recorder.segments["source"][1].path), 640);
    stop(pipeline);
}

TEST_F(IngestTest, AFilePlaysInRealTimeAndItsNextRunFollowsSeamlessly) {
    testing::make_test_mp4(dir / "talk.mp4", 3, 640, 360);
    StagePipeline pipeline(stage(SourceSpec::Kind::file, (dir / "talk.mp4").string()), recorder);
    const auto started = SteadyClock::now();
    pipeline.start();
    // Two plays of a 3-second file: the second run continues the timeline.
    ASSERT_TRUE(loop.run_until(
        [&] {
            return std::count_if(recorder.switches.begin(), recorder.switches.end(),
                                 [](const auto& s) { return s.first.to == Feed::input; }) >= 2 &&
                   recorder.count("source") >= 5;
        },
        30s));
    // Real time, not as fast as the disk reads: 5 one-second segments take about 5 s.
    EXPECT_GT(SteadyClock::now() - started, 4s);
    for (const auto& [change, at] : recorder.switches)
        EXPECT_EQ(change.to, Feed::input) << "a file never leaves the stage to the slate";
    stop(pipeline);
}

TEST_F(IngestTest, ABurnedInLowerThirdEncodesTheInputWithTheTextOnIt) {
    testing::make_test_mp4(dir / "talk.mp4", 4, 640, 360);
    StagePipelineConfig config = stage(SourceSpec::Kind::file, (dir / "talk.mp4").string());
    config.source.burn_in = true;
    config.source.text = {"Idéslussen", "Anna Lindqvist"};
    StagePipeline pipeline(config, recorder);
    pipeline.start();
    ASSERT_TRUE(wait_for_input_segments(2, 30s));
    // The trade-off of docs/BROADCAST.md: text in the picture costs a decode and an encode.
    const auto input = pipeline.input_elements();
    EXPECT_EQ(count_of(input, "avdec_h264"), 1);
    EXPECT_EQ(count_of(input, "textoverlay"), 1);
    EXPECT_EQ(count_of(input, "x264enc"), 1);
    pipeline.set_lower_third({"Panelsamtal", "Cia Lind · Bo Åström"});
    ASSERT_TRUE(wait_for_input_segments(3, 10s));
    const auto& top = recorder.segments["source"];
    EXPECT_EQ(width_in(top[2].path), 640);
    EXPECT_TRUE(probe_ts(top[2].path).starts_with_idr);
    stop(pipeline);
}

TEST_F(IngestTest, ASecondOutputJoinsAndLeavesTheRunningProgramWithoutAnEncode) {
    StagePipeline pipeline(stage(SourceSpec::Kind::pattern, ""), recorder);
    pipeline.start();
    ASSERT_TRUE(wait_for_input_segments(1, 20s));
    const auto encoders_before = count_of(pipeline.program_elements(), "x264enc");

    // A room display fed over SRT: the program's own H.264 and AAC, remuxed.
    const int port = testing::free_udp_port();
    const std::string description =
        "queue name=video leaky=downstream ! h264parse ! mpegtsmux name=mux alignment=7 ! "
        "srtsink uri=srt://127.0.0.1:" +
        std::to_string(port) +
        "?mode=listener wait-for-connection=false sync=false "
        "queue name=audio leaky=downstream ! aacparse ! mux.";
    GstElement* bin = output_bin(description);
    ASSERT_NE(bin, nullptr);
    ASSERT_TRUE(pipeline.add_output("room", bin));
    ASSERT_TRUE(testing::wait_for_udp_bound(port, 5s));
    const auto received = dir / "room.ts";
    ChildProcess room({"gst-launch-1.0", "-q", "-e", "srtsrc",
                       "uri=srt://127.0.0.1:" + std::to_string(port) + "?mode=caller", "!",
                       "filesink", "location=" + received.string()},
                      dir / "room.log");
    const size_t before = recorder.count("source");
    ASSERT_TRUE(wait_for_input_segments(before + 3, 20s));
    room.interrupt(5s);
    const auto probe = probe_ts(received);
    EXPECT_GT(probe.video_pes, 25) << room.log();
    EXPECT_GT(probe.audio_pes, 10) << room.log();
    EXPECT_EQ(count_of(pipeline.program_elements(), "x264enc"), encoders_before)
        << "the second output encodes nothing";

    // It leaves again; the renditions run on.
    pipeline.remove_output("room");
    const size_t after_removal = recorder.count("source");
    ASSERT_TRUE(wait_for_input_segments(after_removal + 2, 10s));
    EXPECT_EQ(count_of(pipeline.program_elements(), "srtsink"), 0);
    stop(pipeline);
    EXPECT_TRUE(recorder.errors.empty());
}

// An output whose sink takes its time to start (a network sink still connecting; here a file
// sink opening a FIFO nobody reads yet): linked to the program's tees before it played, the
// tees' pushes met its still-flushing queues, the FLUSHING went upstream and the whole
// program stopped for good. Seen once under ASan with an SRT output; certain this way.
TEST_F(IngestTest, AnOutputSlowToStartDoesNotStallTheProgram) {
    StagePipeline pipeline(stage(SourceSpec::Kind::pattern, ""), recorder);
    pipeline.start();
    ASSERT_TRUE(wait_for_input_segments(1, 20s));
    const auto fifo = dir / "slow-start.fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    ChildProcess reader({"sh", "-c", "sleep 1; exec cat \"$0\" > /dev/null", fifo.string()},
                        dir / "reader.log");
    GstElement* bin = output_bin(
        "queue name=video leaky=downstream ! fakesink sync=false "
        "queue name=audio leaky=downstream ! filesink location=" +
        fifo.string());
    ASSERT_NE(bin, nullptr);
    ASSERT_TRUE(pipeline.add_output("slow", bin));
    const size_t after = recorder.count("source");
    ASSERT_TRUE(wait_for_input_segments(after + 2, 15s)) << "the program stalled";
    pipeline.remove_output("slow");
    const size_t after_removal = recorder.count("source");
    ASSERT_TRUE(wait_for_input_segments(after_removal + 1, 10s));
    stop(pipeline);
    EXPECT_TRUE(recorder.errors.empty());
    reader.terminate(2s);
}

TEST_F(IngestTest, AFolderOfRecordingsPlaysEachSessionsFileWhenTheScheduleSays) {
    std::filesystem::create_directories(dir / "recordings");
    testing::make_test_mp4(dir / "recordings" / "idesluss.mp4", 3, 640, 360);
    EXPECT_EQ(file_for_session(dir / "recordings", "idesluss"),
              (dir / "recordings" / "idesluss.mp4").string());
    EXPECT_EQ(file_for_session(dir / "recordings", "panel"), "");
    StagePipeline pipeline(stage(SourceSpec::Kind::file, (dir / "recordings").string()), recorder);
    ASSERT_TRUE(pipeline.scheduled());
    pipeline.start();
    // Nothing on now: the slate says what comes next.
    ASSERT_TRUE(loop.run_until([&] { return recorder.on_air() == Feed::slate; }, 10s));
    EXPECT_EQ(pipeline.health().input_state, "scheduled_off");
    // The session starts: its recording plays, once, from the start...
    pipeline.set_scheduled_file(file_for_session(dir / "recordings", "idesluss"));
    ASSERT_TRUE(loop.run_until([&] { return recorder.on_air() == Feed::input; }, 10s));
    // ... and when it has played out, the slate again (no loop).
    ASSERT_TRUE(loop.run_until([&] { return recorder.on_air() == Feed::slate; }, 10s));
    const auto inputs = std::count_if(recorder.switches.begin(), recorder.switches.end(),
                                      [](const auto& s) { return s.first.to == Feed::input; });
    EXPECT_EQ(inputs, 1);
    stop(pipeline);
}

}  // namespace
}  // namespace stagehub::pipelines
