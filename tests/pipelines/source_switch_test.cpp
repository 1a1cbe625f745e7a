// The program's timeline across switches, fed by hand: samples with chosen timestamps go
// into a real SourceSwitch whose outlet is a real (tiny) pipeline, and what comes out of
// each appsrc is read back. A timestamp that goes back on any stream stops the program's
// muxers (splitmuxsink: "Queued GOP time is negative"), so none may, whatever the sources do.
#include "pipelines/source_switch.hpp"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "pipelines/gst_ptr.hpp"
#include "pipelines/timestamp_guard.hpp"

namespace stagehub::pipelines {
namespace {

constexpr GstClockTime kMs = GST_MSECOND;
constexpr GstClockTime kNone = GST_CLOCK_TIME_NONE;
constexpr GstClockTime kFrame = 40 * kMs;                      // 25 fps
constexpr GstClockTime kAacFrame = 1024 * GST_SECOND / 48000;  // 21.33 ms

using Stamps = TimestampGuard::Stamps;

// --- the guard alone -----------------------------------------------------------------------

TEST(TimestampGuardTest, AKeyframeBeforeWhatWasWrittenMovesJustAfterIt) {
    TimestampGuard guard;
    EXPECT_EQ(guard.admit({1000 * kMs, kNone}, true).pts, 1000 * kMs);
    // The next source's first frame, re-timed 0.44 ms too early (issue 15's outage).
    const Stamps next = guard.admit({1000 * kMs - 442'424, kNone}, true);
    EXPECT_EQ(next.pts, 1000 * kMs + 1);
    EXPECT_EQ(guard.moved(), 1u);
    // In order again: untouched.
    EXPECT_EQ(guard.admit({1021 * kMs, kNone}, true).pts, 1021 * kMs);
    EXPECT_EQ(guard.moved(), 1u);
}

TEST(TimestampGuardTest, BFramesKeepTheirOrderWithinTheirGopButNeverReachTheGopBefore) {
    TimestampGuard guard;
    // I P B B in decode order: PTS 0 120 40 80, DTS -40 0 40 80 (shifted to be positive).
    const std::vector<std::pair<Stamps, bool>> gop = {{{100 * kMs, 60 * kMs}, true},
                                                      {{220 * kMs, 100 * kMs}, false},
                                                      {{140 * kMs, 140 * kMs}, false},
                                                      {{180 * kMs, 180 * kMs}, false}};
    for (const auto& [stamps, key] : gop) {
        const Stamps out = guard.admit(stamps, key);
        EXPECT_EQ(out.pts, stamps.pts);
        EXPECT_EQ(out.dts, stamps.dts);
    }
    EXPECT_EQ(guard.moved(), 0u);
    // The next GOP opens with leading B-frames shown before its keyframe (an open GOP, as
    // after a switch onto such an encoder): they may not reach back into the GOP before.
    EXPECT_EQ(guard.admit({260 * kMs, 220 * kMs}, true).pts, 260 * kMs);
    const Stamps leading = guard.admit({200 * kMs, 230 * kMs}, false);
    EXPECT_GT(leading.pts, 220 * kMs) << "after every PTS of the GOP before";
    EXPECT_GE(leading.pts, leading.dts) << "never shown before it is decoded";
    EXPECT_EQ(guard.moved(), 1u);
}

TEST(TimestampGuardTest, DecodeTimestampsOnlyGoForwardAndAResetStartsANewTimeline) {
    TimestampGuard guard;
    guard.admit({100 * kMs, 100 * kMs}, true);
    const Stamps same = guard.admit({140 * kMs, 100 * kMs}, false);
    EXPECT_GT(same.dts, 100 * kMs);
    const Stamps back = guard.admit({180 * kMs, 90 * kMs}, false);
    EXPECT_GT(back.dts, same.dts);
    EXPECT_EQ(guard.moved(), 2u);
    guard.reset();
    EXPECT_EQ(guard.moved(), 0u);
    EXPECT_EQ(guard.next_keyframe_at(), 0u);
    EXPECT_EQ(guard.admit({5 * kMs, 5 * kMs}, true).pts, 5 * kMs);
}

// --- the switch with a real outlet ---------------------------------------------------------

// What the program would receive: each appsrc feeds an appsink that keeps everything. Its
// running time stays 0 (its base time lies an hour ahead), so where a source lands depends
// only on what was pushed before, not on how fast this machine runs the test.
class SwitchTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }

    void SetUp() override {
        pipeline.reset(static_cast<GstElement*>(gst_object_ref_sink(gst_pipeline_new("outlet"))));
        SourceSwitch::Outlet outlet;
        outlet.pipeline = pipeline.get();
        outlet.video = add_track("video", video_sink);
        outlet.audio = add_track("audio", audio_sink);
        ASSERT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING),
                  GST_STATE_CHANGE_FAILURE);
        ASSERT_EQ(gst_element_get_state(pipeline.get(), nullptr, nullptr, 5 * GST_SECOND),
                  GST_STATE_CHANGE_SUCCESS);
        gst_element_set_start_time(pipeline.get(), kNone);
        GstClock* clock = gst_element_get_clock(pipeline.get());
        ASSERT_NE(clock, nullptr);
        gst_element_set_base_time(pipeline.get(), gst_clock_get_time(clock) + 3600 * GST_SECOND);
        gst_object_unref(clock);
        switcher.attach(outlet);
    }

    void TearDown() override {
        switcher.detach();
        gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    }

    GstElement* add_track(const char* name, GstElement*& sink) {
        GstElement* src = gst_element_factory_make("appsrc", (std::string(name) + "-in").c_str());
        sink = gst_element_factory_make("appsink", (std::string(name) + "-out").c_str());
        g_object_set(as_gobject(src), "is-live", TRUE, "format", GST_FORMAT_TIME, "max-bytes",
                     guint64{0}, nullptr);
        g_object_set(as_gobject(sink), "sync", FALSE, "async", FALSE, "max-buffers", 0u, nullptr);
        gst_bin_add_many(as_bin(pipeline.get()), src, sink, nullptr);
        gst_element_link(src, sink);
        return src;
    }

    // One sample of a source, in its own pipeline's running time (a TIME segment from 0).
    static GstSample* make_sample(Track track, GstClockTime pts, GstClockTime dts,
                                  GstClockTime duration, bool keyframe) {
        GstBuffer* buffer = gst_buffer_new_allocate(nullptr, 16, nullptr);
        GST_BUFFER_PTS(buffer) = pts;
        GST_BUFFER_DTS(buffer) = dts;
        GST_BUFFER_DURATION(buffer) = duration;
        if (!keyframe)
            GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
        GstCaps* caps =
            track == Track::video
                ? gst_caps_from_string("video/x-h264,stream-format=byte-stream,alignment=au")
                : gst_caps_from_string(
                      "audio/mpeg,mpegversion=4,stream-format=adts,rate=48000,channels=2");
        GstSegment segment;
        gst_segment_init(&segment, GST_FORMAT_TIME);
        GstSample* sample = gst_sample_new(buffer, caps, &segment, nullptr);
        gst_buffer_unref(buffer);
        gst_caps_unref(caps);
        return sample;
    }

    void push(Feed feed, uint64_t run, Track track, GstClockTime pts, GstClockTime dts,
              GstClockTime duration, bool keyframe = true) {
        GstSample* sample = make_sample(track, pts, dts, duration, keyframe);
        switcher.push(feed, run, track, sample);
        gst_sample_unref(sample);
    }

    struct Out {
        GstClockTime pts;
        GstClockTime dts;
        bool keyframe;
    };
    // Everything the appsink got, waiting briefly for the appsrc's thread to deliver.
    static std::vector<Out> drain(GstElement* sink, size_t expected) {
        std::vector<Out> out;
        while (true) {
            GstSample* sample =
                gst_app_sink_try_pull_sample(reinterpret_cast<GstAppSink*>(sink),
                                             out.size() < expected ? 2 * GST_SECOND : 50 * kMs);
            if (sample == nullptr)
                return out;
            GstBuffer* b = gst_sample_get_buffer(sample);
            out.push_back(Out{GST_BUFFER_PTS(b), GST_BUFFER_DTS(b),
                              !GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT)});
            gst_sample_unref(sample);
        }
    }

    // What splitmuxsink needs of a stream, checked on every pair in order: each keyframe
    // after every PTS before it, DTS strictly rising.
    static void expect_in_order(const std::vector<Out>& out, const char* track) {
        GstClockTime max_pts = 0;
        bool any = false;
        for (size_t i = 0; i < out.size(); ++i) {
            if (out[i].keyframe && any) {
                EXPECT_GT(out[i].pts, max_pts) << track << " keyframe " << i << " goes back by "
                                               << (max_pts - out[i].pts) << " ns";
            }
            if (i > 0 && GST_CLOCK_TIME_IS_VALID(out[i].dts)) {
                EXPECT_GT(out[i].dts, out[i - 1].dts) << track << " DTS of " << i;
            }
            max_pts = any ? std::max(max_pts, out[i].pts) : out[i].pts;
            any = true;
        }
    }

    ElementPtr pipeline;
    GstElement* video_sink = nullptr;  // owned by the pipeline
    GstElement* audio_sink = nullptr;
    SourceSwitch switcher;
};

// Issue 15: a one-second file looping. Its AAC frames carry no duration and its sound runs
// half a millisecond past its last picture; the next run's first sound frame was re-timed
// onto the switch, before the last frame already sent, and the audio rendition's muxer
// stopped the program.
TEST_F(SwitchTest, AFilesNextRunNeverTakesTheProgramsSoundBack) {
    size_t video = 0;
    size_t audio = 0;
    for (uint64_t run = 1; run <= 3; ++run) {
        switcher.set_input_run(run);
        for (int i = 0; i < 25; ++i, ++video)
            push(Feed::input, run, Track::video, i * kFrame, i * kFrame, kFrame, i == 0);
        // Sound frames without a duration; the last one starts 0.5 ms after the picture ends.
        for (int i = 0; i < 46; ++i, ++audio)
            push(Feed::input, run, Track::audio, i * kAacFrame, i * kAacFrame, kNone);
        push(Feed::input, run, Track::audio, 1000 * kMs + 500'000, 1000 * kMs + 500'000, kNone);
        ++audio;
    }
    const auto video_out = drain(video_sink, video);
    const auto audio_out = drain(audio_sink, audio - 2);  // what overlaps the switch is dropped
    ASSERT_EQ(video_out.size(), video);
    ASSERT_GE(audio_out.size(), audio - 2);
    expect_in_order(video_out, "video");
    expect_in_order(audio_out, "audio");
    const auto switches = switcher.take_switches();
    EXPECT_EQ(switches.size(), 3u);
    // The placement itself got it right: nothing had to be moved.
    EXPECT_EQ(switcher.timestamps_moved(), 0u);
}

// A source whose first GOP shows B-frames before its keyframe (an open GOP), after a
// source whose pictures are shown well after they are decoded: placed by its keyframe and
// its decode order, a leading B-frame would land before the last picture already on air. The
// guard moves it after; the program's timeline stays in order.
TEST_F(SwitchTest, FramesShownBeforeTheSwitchKeyframeAreKeptAfterWhatWasOnAir) {
    switcher.set_input_run(1);
    // Shown 120 ms after they are decoded: PTS 120..480 ms, DTS 0..360 ms.
    for (int i = 0; i < 10; ++i)
        push(Feed::input, 1, Track::video, 120 * kMs + i * kFrame, i * kFrame, kFrame, i == 0);
    switcher.want_slate(true);
    switcher.hold_input(true);
    // The slate in decode order: I (shown at 1080 ms), two B-frames shown before it, a P.
    push(Feed::slate, 2, Track::video, 1080 * kMs, 920 * kMs, kFrame, true);
    push(Feed::slate, 2, Track::video, 1000 * kMs, 960 * kMs, kFrame, false);
    push(Feed::slate, 2, Track::video, 1040 * kMs, 1000 * kMs, kFrame, false);
    push(Feed::slate, 2, Track::video, 1120 * kMs, 1040 * kMs, kFrame, false);
    const auto out = drain(video_sink, 14);
    ASSERT_EQ(out.size(), 14u);
    expect_in_order(out, "video");
    GstClockTime last_before = 0;
    for (size_t i = 0; i < 10; ++i)
        last_before = std::max(last_before, out[i].pts);
    for (size_t i = 10; i < out.size(); ++i)
        EXPECT_GT(out[i].pts, last_before) << "frame " << i << " reaches back before the switch";
    EXPECT_EQ(switcher.on_air(), Feed::slate);
    EXPECT_EQ(switcher.timestamps_moved(), 1u);
}

// A source whose own clock goes back (a sender restarted behind a relay) is re-anchored at
// its next keyframe, after what the program has: no timestamp goes back, none is moved.
TEST_F(SwitchTest, ASourceWhoseClockGoesBackIsPlacedAfterWhatWasOnAir) {
    switcher.set_input_run(1);
    for (int i = 0; i < 10; ++i)
        push(Feed::input, 1, Track::video, 5000 * kMs + i * kFrame, kNone, kFrame, i == 0);
    for (int i = 0; i < 5; ++i)
        push(Feed::input, 1, Track::video, 1000 * kMs + i * kFrame, kNone, kFrame, i == 0);
    const auto out = drain(video_sink, 15);
    ASSERT_EQ(out.size(), 15u);
    expect_in_order(out, "video");
    EXPECT_EQ(switcher.timestamps_moved(), 0u);
}

}  // namespace
}  // namespace stagehub::pipelines
