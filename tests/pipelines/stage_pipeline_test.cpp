// A real stage pipeline writing real HLS into a temp dir, driven by a GMainLoop as in the
// server, and read back the way a player would: playlist, segment files, GStreamer's
// discoverer.
#include "pipelines/stage_pipeline.hpp"

#include <gst/gst.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "media_probe.hpp"
#include "pipelines/gst_ptr.hpp"
#include "pipelines/segment_archive.hpp"
#include "pipelines/ts_first_pts.hpp"
#include "schedule/database.hpp"
#include "schedule/migrations.hpp"
#include "temp_dir.hpp"
#include "test_loop.hpp"
#include "ts_probe.hpp"

namespace stagehub::pipelines {
namespace {

using namespace std::chrono_literals;
using stagehub::testing::discover_streams;
using stagehub::testing::playlist_durations;
using stagehub::testing::playlist_segments;
using stagehub::testing::read_text_file;
using stagehub::testing::TempDir;

// Counts GLib log messages that mean something went wrong without any error on the bus:
// criticals from anyone, and warnings from anyone but our own "stagehub" domain (which logs
// the errors that the error tests cause on purpose). Broken Pango markup in the lower third
// is such a case: Pango warns, draws nothing, and the pipeline runs on. So is a property
// name that GObject does not know. Called from streaming threads too.
class LogWatch {
  public:
    static void install() {
        static std::once_flag once;
        std::call_once(once, [] { g_log_set_writer_func(&LogWatch::write, nullptr, nullptr); });
    }
    static void reset() {
        const std::lock_guard lock(mutex_);
        messages_.clear();
        logged_.clear();
    }
    // Whether any message so far contains `text`.
    static bool logged(const std::string& text) {
        const std::lock_guard lock(mutex_);
        return std::any_of(logged_.begin(), logged_.end(),
                           [&](const std::string& m) { return m.find(text) != std::string::npos; });
    }
    // Drops what one domain logged so far: for noise a test provokes on purpose.
    static void forget(const std::string& domain) {
        const std::lock_guard lock(mutex_);
        std::erase_if(messages_,
                      [&](const std::string& m) { return m.starts_with(domain + ": "); });
    }
    static std::vector<std::string> messages() {
        const std::lock_guard lock(mutex_);
        return messages_;
    }

  private:
    static GLogWriterOutput write(GLogLevelFlags level, const GLogField* fields, gsize count,
                                  gpointer) {
        std::string domain;
        std::string message;
        for (gsize i = 0; i < count; ++i) {
            if (fields[i].length != -1)
                continue;
            const auto* value = static_cast<const char*>(fields[i].value);
            if (std::strcmp(fields[i].key, "GLIB_DOMAIN") == 0)
                domain = value;
            else if (std::strcmp(fields[i].key, "MESSAGE") == 0)
                message = value;
        }
        const bool critical = (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR)) != 0;
        const bool foreign_warning = (level & G_LOG_LEVEL_WARNING) != 0 && domain != "stagehub";
        {
            const std::lock_guard lock(mutex_);
            logged_.push_back(domain + ": " + message);
            if (critical || foreign_warning)
                messages_.push_back(domain + ": " + message);
        }
        return g_log_writer_default(level, fields, count, nullptr);
    }

    static inline std::mutex mutex_;
    static inline std::vector<std::string> messages_;
    static inline std::vector<std::string> logged_;
};

struct Recorder : StagePipeline::Listener {
    explicit Recorder(Loop& l) : loop(l) {}

    Loop& loop;
    std::vector<std::string> report_stages;
    std::vector<std::string> errors;
    std::vector<std::filesystem::path> segments;
    std::vector<double> durations;
    std::vector<ClosedSegment> closed;
    std::vector<ClosedSegment> all_closed;
    int stopped = 0;

    void on_pipeline_error(const std::string& stage, const std::string& message) override {
        report_stages.push_back(stage);
        errors.push_back(message);
        loop.reported();
    }
    void on_segment_closed(const std::string& stage, const ClosedSegment& segment) override {
        report_stages.push_back(stage);
        all_closed.push_back(segment);
        // The tests of a run's life look at the top rendition; the ladder has tests of its own.
        if (segment.rendition != kSourceRendition)
            return;
        segments.push_back(segment.path);
        durations.push_back(segment.duration_s);
        closed.push_back(segment);
        loop.reported();
    }
    void on_pipeline_stopped(const std::string& stage) override {
        report_stages.push_back(stage);
        ++stopped;
        loop.reported();
    }
    std::string first_error() const { return errors.empty() ? "" : errors.front(); }
    void clear() {
        report_stages.clear();
        errors.clear();
        segments.clear();
        closed.clear();
        all_closed.clear();
        durations.clear();
        stopped = 0;
    }
};

// Small and with 1-second segments, so a test sees several segments in a few seconds.
StagePipelineConfig small_stage(const std::filesystem::path& dir) {
    StagePipelineConfig config;
    config.stage_id = "test-stage";
    config.output_dir = dir;
    config.segment_seconds = 1;
    config.source.width = 320;
    config.source.height = 180;
    config.source.video_kbps = 300;
    config.source.audio_kbps = 64;
    config.ladder.encoded = {{"90p", 160, 90, 100}};
    return config;
}

std::string last_line(const std::string& text) {
    std::string last;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty())
            last = line;
    }
    return last;
}

// A finished MPEG-TS file is whole 188-byte packets, each opening with the 0x47 sync byte.
::testing::AssertionResult is_whole_transport_stream(const std::filesystem::path& file) {
    std::error_code ec;
    std::string bytes(std::filesystem::file_size(file, ec), '\0');
    std::ifstream in(file, std::ios::binary);
    if (ec || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
        return ::testing::AssertionFailure() << file << " cannot be read";
    if (bytes.empty() || bytes.size() % 188 != 0) {
        return ::testing::AssertionFailure()
               << file << " is " << bytes.size() << " bytes, not whole 188-byte packets";
    }
    for (size_t at = 0; at < bytes.size(); at += 188) {
        if (bytes[at] != 0x47)
            return ::testing::AssertionFailure() << file << ": no sync byte at " << at;
    }
    return ::testing::AssertionSuccess();
}

// The discoverer's streams in a segment, as caps: checked field by field, not as text.
std::vector<CapsPtr> discovered_caps(const std::filesystem::path& file) {
    std::vector<CapsPtr> caps;
    std::istringstream lines(discover_streams(file));
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("error:"))
            throw std::runtime_error(file.string() + ": " + line);
        caps.emplace_back(gst_caps_from_string(line.c_str()));
    }
    return caps;
}

const GstStructure* find_structure(const std::vector<CapsPtr>& caps, const char* name) {
    for (const CapsPtr& c : caps) {
        if (c && gst_caps_get_size(c.get()) > 0 &&
            gst_structure_has_name(gst_caps_get_structure(c.get(), 0), name)) {
            return gst_caps_get_structure(c.get(), 0);
        }
    }
    return nullptr;
}

class StagePipelineTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        gst_init(nullptr, nullptr);
        LogWatch::install();
    }
    static void TearDownTestSuite() { wait_for_released_pipelines(std::chrono::seconds(10)); }
    void SetUp() override { LogWatch::reset(); }
    void TearDown() override {
        for (const std::string& message : LogWatch::messages())
            ADD_FAILURE() << "unexpected log message: " << message;
    }

    // Runs the loop until `segments` segments have closed in all.
    void run_until_segments(size_t segments) {
        ASSERT_TRUE(loop.run_until([&] { return recorder.segments.size() >= segments; }, 15s))
            << "segments so far: " << recorder.segments.size() << "; " << recorder.first_error();
    }

    // stop() and wait for its report.
    void stop_and_wait(StagePipeline& pipeline) {
        pipeline.stop();
        ASSERT_TRUE(loop.run_until([&] { return recorder.stopped > 0; }, 10s))
            << recorder.first_error();
    }

    Loop loop;  // first: the pipelines below attach to it
    Recorder recorder{loop};
    TempDir dir;
};

TEST_F(StagePipelineTest, WritesDecodableH264AacSegmentsAndAFinalPlaylistOnStop) {
    StagePipeline pipeline(small_stage(dir.path()), recorder);
    pipeline.set_lower_third({"Idéslussen – så fick vi idéerna att flyta", "Anna Lindqvist"});
    const auto started = std::chrono::system_clock::now();
    pipeline.start();
    EXPECT_TRUE(pipeline.running());
    run_until_segments(2);
    stop_and_wait(pipeline);

    EXPECT_EQ(recorder.stopped, 1);
    EXPECT_FALSE(pipeline.running());
    EXPECT_TRUE(recorder.errors.empty()) << recorder.first_error();
    for (const std::string& stage : recorder.report_stages)
        EXPECT_EQ(stage, "test-stage");

    // The final playlist: closed for good, and listing exactly the segments reported, in
    // order, with the same durations (the last ends wherever EOS came).
    const std::string playlist = read_text_file(dir / kSourceRendition / ".pipeline.m3u8");
    EXPECT_NE(playlist.find("#EXT-X-TARGETDURATION:1\n"), std::string::npos) << playlist;
    EXPECT_EQ(last_line(playlist), "#EXT-X-ENDLIST") << playlist;
    const std::vector<std::string> listed = playlist_segments(playlist);
    ASSERT_GE(listed.size(), 3u) << playlist;
    ASSERT_EQ(listed.size(), recorder.segments.size()) << playlist;
    const std::vector<double> extinf = playlist_durations(playlist);
    ASSERT_EQ(extinf.size(), listed.size()) << playlist;
    for (size_t i = 0; i < listed.size(); ++i) {
        EXPECT_EQ(recorder.segments[i], dir.path() / kSourceRendition / listed[i]);
        EXPECT_NEAR(recorder.durations[i], extinf[i], 0.001) << listed[i];
        if (i + 1 < listed.size())
            EXPECT_NEAR(recorder.durations[i], 1.0, 0.5) << listed[i];
        else
            EXPECT_GT(recorder.durations[i], 0.0) << listed[i];
        // Finished files only: EOS made hlssink2 close the last one before the playlist.
        EXPECT_TRUE(is_whole_transport_stream(dir / kSourceRendition / listed[i]));
    }

    // Wall-clock starts, which the replay archive cuts by: the first frame came right after
    // start(), and each segment starts where the one before it ended.
    ASSERT_EQ(recorder.closed.size(), listed.size());
    EXPECT_LT(std::chrono::abs(recorder.closed.front().started_at - started), 1500ms);
    for (size_t i = 1; i < recorder.closed.size(); ++i) {
        const ClosedSegment& previous = recorder.closed[i - 1];
        const double gap =
            std::chrono::duration<double>(recorder.closed[i].started_at - previous.started_at)
                .count();
        EXPECT_NEAR(gap, previous.duration_s, 0.15) << listed[i];
        EXPECT_EQ(recorder.closed[i].index, i);
        EXPECT_EQ(recorder.closed[i].run_id, previous.run_id);
    }

    // What a player finds: H.264 at the configured size and AAC, in the first segment and
    // in the last one, which EOS finalised.
    for (const std::string& name : {listed.front(), listed.back()}) {
        SCOPED_TRACE(name);
        const std::vector<CapsPtr> caps = discovered_caps(dir / kSourceRendition / name);
        const GstStructure* video = find_structure(caps, "video/x-h264");
        ASSERT_NE(video, nullptr) << discover_streams(dir / kSourceRendition / name);
        int width = 0;
        int height = 0;
        EXPECT_TRUE(gst_structure_get_int(video, "width", &width));
        EXPECT_TRUE(gst_structure_get_int(video, "height", &height));
        EXPECT_EQ(width, 320);
        EXPECT_EQ(height, 180);
        const GstStructure* audio = find_structure(caps, "audio/mpeg");
        ASSERT_NE(audio, nullptr) << discover_streams(dir / kSourceRendition / name);
        int mpegversion = 0;
        EXPECT_TRUE(gst_structure_get_int(audio, "mpegversion", &mpegversion));
        EXPECT_EQ(mpegversion, 4) << "AAC is MPEG-4 audio";
    }
}

// The PTS a WebVTT segment's X-TIMESTAMP-MAP names (pipelines/ts_first_pts): read from real
// segments of every rendition, checked against the test's own TS reader, kept by the archive.
// Measures what docs/CAPTIONS.md states: segment k of the video renditions starts at the same
// PTS; the audio-only rendition's segments are cut on AAC frames (46 frames, 981 ms, for 1 s)
// and so drift from the video's, on the same 90 kHz clock.
TEST_F(StagePipelineTest, EverySegmentsFirstPtsIsReadAndTheVideoRenditionsShareIt) {
    StagePipeline pipeline(small_stage(dir.path()), recorder);
    pipeline.start();
    run_until_segments(4);
    stop_and_wait(pipeline);
    schedule::Database db(dir / "archive.sqlite");
    schedule::migrate(db);
    SegmentArchive archive(db, dir.path());

    std::map<std::string, std::map<size_t, int64_t>> pts;  // rendition -> index -> PTS
    for (const ClosedSegment& segment : recorder.all_closed) {
        SCOPED_TRACE(segment.path.string());
        const auto first = ts_first_pts(segment.path);
        ASSERT_TRUE(first.has_value());
        if (segment.rendition != kAudioRendition) {
            const auto probed = stagehub::testing::probe_ts(segment.path).first_video_pts;
            ASSERT_TRUE(probed.has_value());
            EXPECT_EQ(*first, *probed);
        }
        pts[segment.rendition][segment.index] = *first;
        archive.add("test-stage", segment);
        const auto archived = archive.find(segment.path.lexically_relative(dir.path()).string());
        ASSERT_TRUE(archived.has_value());
        EXPECT_EQ(archived->first_pts, first);
    }
    ASSERT_EQ(pts.size(), 3u);  // source, 90p, audio
    ASSERT_GE(pts[kSourceRendition].size(), 4u);
    for (const auto& [index, source_pts] : pts[kSourceRendition]) {
        if (pts["90p"].contains(index)) {
            EXPECT_EQ(pts["90p"][index], source_pts) << "segment " << index;
        }
        if (pts[kAudioRendition].contains(index)) {
            const int64_t drift = pts[kAudioRendition][index] - source_pts;
            EXPECT_LT(std::abs(drift), 90'000) << "one clock: segment " << index;
            std::printf(
                "[ measured ] segment %zu: audio-only rendition's first PTS %+.1f ms from "
                "the video's\n",
                index, static_cast<double>(drift) / 90.0);
        }
    }
    EXPECT_FALSE(ts_first_pts(dir / "archive.sqlite").has_value()) << "not MPEG-TS";
}

TEST_F(StagePipelineTest, ARestartNeverReusesOrOverwritesSegmentNames) {
    StagePipeline pipeline(small_stage(dir.path()), recorder);
    pipeline.start();
    run_until_segments(1);
    stop_and_wait(pipeline);
    const std::vector<std::string> first_run =
        playlist_segments(read_text_file(dir / kSourceRendition / ".pipeline.m3u8"));
    ASSERT_FALSE(first_run.empty());

    // Segments that look like ones a run starting in the next few seconds would write (a
    // process restarted quickly, a clock stepped back): they must survive untouched.
    std::set<std::string> planted;
    const std::time_t now = std::time(nullptr);
    for (std::time_t t = now; t <= now + 3; ++t) {
        std::tm utc{};
        gmtime_r(&t, &utc);
        std::array<char, 32> stamp{};
        std::strftime(stamp.data(), stamp.size(), "%Y%m%dT%H%M%SZ", &utc);
        for (const char* index : {"00000", "00001", "00002"}) {
            const std::string name = std::string("seg-") + stamp.data() + "-" + index + ".ts";
            std::ofstream(dir / kSourceRendition / name) << "planted";
            planted.insert(name);
        }
    }

    recorder.clear();
    pipeline.start();
    run_until_segments(2);
    stop_and_wait(pipeline);
    EXPECT_TRUE(recorder.errors.empty()) << recorder.first_error();

    const std::vector<std::string> second_run =
        playlist_segments(read_text_file(dir / kSourceRendition / ".pipeline.m3u8"));
    ASSERT_GE(second_run.size(), 2u);
    for (const std::string& name : second_run) {
        EXPECT_EQ(std::count(first_run.begin(), first_run.end(), name), 0)
            << name << " was written by the first run";
        EXPECT_EQ(planted.count(name), 0u) << name << " was already in the folder";
    }
    // Every segment of both runs stays on disk: they are the replay archive.
    for (const std::string& name : first_run)
        EXPECT_TRUE(is_whole_transport_stream(dir / kSourceRendition / name))
            << "first run's " << name;
    for (const std::string& name : planted)
        EXPECT_EQ(read_text_file(dir / kSourceRendition / name), "planted") << name;
}

TEST_F(StagePipelineTest, MarkupCharactersInTheLowerThirdAreShownAsTyped) {
    StagePipeline pipeline(small_stage(dir.path()), recorder);
    pipeline.set_lower_third({"Forskning & <utveckling>", "A & B <c>"});
    pipeline.start();
    run_until_segments(1);
    // While live, including text that would be broken markup if it were read as markup.
    pipeline.set_lower_third({"</b> 5 < 6 & 7 > 3", "<span size=\"1\">&amp;"});
    const size_t before = recorder.segments.size();
    run_until_segments(before + 2);
    pipeline.set_lower_third({"", ""});
    stop_and_wait(pipeline);
    EXPECT_TRUE(recorder.errors.empty()) << recorder.first_error();
    // TearDown checks that Pango never warned: escaped text parses as markup, every time.
}

TEST_F(StagePipelineTest, StoppingTwiceReportsStoppedOnce) {
    StagePipeline pipeline(small_stage(dir.path()), recorder);
    pipeline.start();
    run_until_segments(1);
    constexpr auto stop_timeout = 1000ms;
    pipeline.stop(stop_timeout.count());
    pipeline.stop(stop_timeout.count());
    ASSERT_TRUE(loop.run_until([&] { return recorder.stopped > 0; }, 10s));
    pipeline.stop(stop_timeout.count());
    // A stop timer left armed would fire within the stop timeout and report again.
    loop.run_for(stop_timeout + 300ms);
    EXPECT_EQ(recorder.stopped, 1);
    EXPECT_FALSE(pipeline.running());
    EXPECT_TRUE(recorder.errors.empty()) << recorder.first_error();
    EXPECT_EQ(last_line(read_text_file(dir / kSourceRendition / ".pipeline.m3u8")),
              "#EXT-X-ENDLIST");
}

TEST_F(StagePipelineTest, StoppingRightAfterStartStillEndsWithAFinalPlaylist) {
    // Before the first segment has even opened: hlssink2 would fail on an EOS this early.
    StagePipeline pipeline(small_stage(dir.path()), recorder);
    pipeline.start();
    constexpr auto stop_timeout = 1000ms;
    pipeline.stop(stop_timeout.count());
    ASSERT_TRUE(loop.run_until([&] { return recorder.stopped > 0; }, 10s))
        << recorder.first_error();
    loop.run_for(stop_timeout + 300ms);
    EXPECT_EQ(recorder.stopped, 1);
    EXPECT_FALSE(pipeline.running());
    EXPECT_TRUE(recorder.errors.empty()) << recorder.first_error();
    EXPECT_FALSE(LogWatch::logged("stop timeout")) << "the stop should end by EOS";
    const std::string playlist = read_text_file(dir / kSourceRendition / ".pipeline.m3u8");
    EXPECT_EQ(last_line(playlist), "#EXT-X-ENDLIST") << playlist;
    for (const std::string& name : playlist_segments(playlist))
        EXPECT_TRUE(is_whole_transport_stream(dir / kSourceRendition / name));
}

TEST_F(StagePipelineTest, AStopThatTimesOutEndsTheRunOnce) {
    StagePipeline pipeline(small_stage(dir.path()), recorder);
    pipeline.start();
    // No loop iteration has run, so no segment has opened and EOS waits for one; a 0 ms
    // timer is due in the loop's first iteration, before EOS could possibly be through.
    // So the timer ends this run, which it can only do from the loop's own context.
    pipeline.stop(0);
    ASSERT_TRUE(loop.run_until([&] { return recorder.stopped > 0; }, 10s))
        << recorder.first_error();
    EXPECT_TRUE(LogWatch::logged("stop timeout"));
    // The EOS sent meanwhile, and whatever else was in flight, must not report again.
    loop.run_for(500ms);
    EXPECT_EQ(recorder.stopped, 1);
    EXPECT_TRUE(recorder.errors.empty()) << recorder.first_error();
    EXPECT_FALSE(pipeline.running());
}

TEST_F(StagePipelineTest, AnOutputFolderUnderARegularFileFailsStartNamingTheStage) {
    std::ofstream(dir / "file") << "not a folder";
    StagePipeline pipeline(small_stage(dir / "file" / "live"), recorder);
    try {
        pipeline.start();
        FAIL() << "start must refuse an output folder under a regular file";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("test-stage"), std::string::npos) << what;
        EXPECT_NE(what.find((dir / "file" / "live").string()), std::string::npos) << what;
    }
    EXPECT_FALSE(pipeline.running());
    // A failed start is reported by the exception alone, never also through the listener.
    EXPECT_TRUE(recorder.report_stages.empty());
}

TEST_F(StagePipelineTest, LosingTheOutputFolderMidRunIsReportedAsAnError) {
    const std::filesystem::path live = dir / "live";
    StagePipeline pipeline(small_stage(live), recorder);
    pipeline.start();
    run_until_segments(1);
    // Moved away in one step (removing it races with the next segment being created in it):
    // the next fragment cannot be opened at the configured path.
    std::filesystem::rename(live, dir / "moved-away");
    ASSERT_TRUE(loop.run_until([&] { return !recorder.errors.empty(); }, 10s));
    EXPECT_EQ(recorder.errors.size(), 1u);
    EXPECT_EQ(recorder.report_stages.back(), "test-stage");
    EXPECT_NE(recorder.first_error().find("hls"), std::string::npos)
        << "names the element: " << recorder.first_error();
    EXPECT_FALSE(pipeline.running());
    EXPECT_EQ(recorder.stopped, 0) << "an error ends the run; no stopped report as well";
    // hlssink2 keeps feeding its muxer after the fragment file failed to open, until we set
    // NULL; mpegtsmux then warns and asserts ("data flow before segment event"). GStreamer's
    // own reaction to the failure, not ours.
    LogWatch::forget("GStreamer");
}

TEST_F(StagePipelineTest, AMissingElementNamesItsDebianPackageBeforeTouchingTheDisk) {
    // Hide x264enc from the registry for this test, as on a machine without plugins-ugly.
    GstRegistry* registry = gst_registry_get();
    const PluginFeaturePtr x264(gst_registry_lookup_feature(registry, "x264enc"));
    ASSERT_TRUE(x264);
    gst_registry_remove_feature(registry, x264.get());

    const std::filesystem::path live = dir / "live";
    StagePipeline pipeline(small_stage(live), recorder);
    std::string what;
    try {
        pipeline.start();
    } catch (const std::runtime_error& e) {
        what = e.what();
    }
    gst_registry_add_feature(registry, x264.get());

    EXPECT_NE(what.find("test-stage"), std::string::npos) << what;
    EXPECT_NE(what.find("x264enc"), std::string::npos) << what;
    EXPECT_NE(what.find("gstreamer1.0-plugins-ugly"), std::string::npos) << what;
    EXPECT_FALSE(std::filesystem::exists(live));
    EXPECT_FALSE(pipeline.running());
}

}  // namespace
}  // namespace stagehub::pipelines
