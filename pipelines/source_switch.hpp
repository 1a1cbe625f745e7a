// The switch between a stage's input and its fallback slate, in front of the program
// pipeline that writes HLS. Sources (an input run, the slate) hand every sample they
// produce to push(); only the source on air reaches the program, re-timed onto one
// continuous program timeline, so the playlist keeps advancing whatever the sources do.
//
// Rules (docs/BROADCAST_DESIGN.md §5):
// - A source goes on air only at one of its keyframes: the input whenever it has one
//   (the input always wins), the slate only once the watchdog asked for it (input lost).
// - Timestamps are the sample's running time plus an offset fixed at that keyframe: the
//   program's current running time, or just after what was already pushed if later. So the
//   program timeline follows the wall clock and never goes back. Every buffer then passes
//   its stream's TimestampGuard, which makes sure of that whatever the estimates got wrong
//   (a muxer stops the whole program on a timestamp that goes back).
// - At every switch each rendition is split at the switch instant, so a new segment (and,
//   in the playlists, a discontinuity) begins exactly where the picture changes.
//
// Threads: push() runs on GStreamer streaming threads (one per source track); everything
// else on the loop thread. One mutex guards the state; nothing in it blocks (the program's
// appsrcs never block, see ProgramPipeline).
#pragma once

#include <gst/gst.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "pipelines/switch_cause.hpp"
#include "pipelines/timestamp_guard.hpp"

namespace stagehub::pipelines {

enum class Feed { none, input, slate };
enum class Track { video, audio };

const char* name_of(Feed feed);

struct FeedSwitch {
    Feed to = Feed::none;
    uint64_t run = 0;               // which run of that feed
    GstClockTime program_time = 0;  // the program running time of its first keyframe
    std::chrono::system_clock::time_point at{};
    // Why. Filled in by StagePipeline as it reports the switch: the switch knows what it put
    // on air, not whether a lost input or an organiser asked for the slate.
    SwitchCause cause = SwitchCause::input_back;
};

class SourceSwitch {
  public:
    SourceSwitch() = default;
    ~SourceSwitch();
    SourceSwitch(const SourceSwitch&) = delete;
    SourceSwitch& operator=(const SourceSwitch&) = delete;

    // Where samples go: the program's appsrcs (owned by the program pipeline, which stays
    // attached until detach()), the pipeline whose clock and base time give "now", and the
    // muxers to split at a switch (each rendition's splitmuxsink).
    struct Outlet {
        GstElement* pipeline = nullptr;
        GstElement* video = nullptr;
        GstElement* audio = nullptr;
        std::vector<GstElement*> splitters;
    };

    // Loop thread. A new program pipeline: the first keyframe of whichever source is wanted
    // starts its timeline.
    void attach(const Outlet& outlet);
    // Loop thread, before the program pipeline goes away: nothing is pushed any more.
    void detach();

    // Loop thread, at the end of a program run: no more video from now on (its end of stream
    // goes in now), but sound until it has caught up with the last picture (its encoder
    // lags), then the end of the sound. Then the switch is detached.
    void finish();
    // Loop thread: a finish() whose sound never caught up ends the sound now. No-op once
    // finished or attached to a new run.
    void give_up_finishing();

    // Loop thread, before attach(): one AAC frame of silence (see silent_audio.hpp), put in
    // wherever the source on air has sent no sound for a second while its pictures go on.
    void set_silence(GstSample* frame);

    // Loop thread. The current input run; samples of other (older) runs are dropped.
    void set_input_run(uint64_t run);
    // Loop thread. Whether the slate may take the air at its next keyframe (the input is
    // lost). Cleared by the switch when the input comes back.
    void want_slate(bool wanted);
    // Loop thread. While held, the input may not take the air (an organiser's slate): the
    // slate stays on, input or not. Released, the input returns at its next keyframe.
    void hold_input(bool held);

    // Streaming threads. Consumes nothing: the sample stays the caller's.
    void push(Feed feed, uint64_t run, Track track, GstSample* sample);

    Feed on_air() const;
    // Loop thread: the switches since the last call, oldest first.
    std::vector<FeedSwitch> take_switches();
    // Whether a switch happened at a program time in (after, up_to]: the fragment of a
    // rendition that opened at `up_to` begins a new picture if so.
    bool switched_within(GstClockTime after, GstClockTime up_to) const;
    // Buffers of this program run whose timestamps the guards had to move forward (video and
    // sound): zero while every source keeps its own timeline in order.
    uint64_t timestamps_moved() const;

  private:
    struct OnAir {
        Feed feed = Feed::none;
        uint64_t run = 0;
        GstClockTimeDiff offset = 0;  // program time = source running time + offset
        bool anchored = false;        // false: waits for a keyframe to (re)anchor
    };

    bool wanted(Feed feed, uint64_t run) const;
    void go_on_air(Feed feed, uint64_t run, GstClockTime key_pts,
                   std::optional<GstClockTimeDiff> key_dts);
    GstClockTime program_now() const;
    void push_video(GstSample* sample, GstBuffer* buffer, GstClockTime pts,
                    std::optional<GstClockTimeDiff> dts);
    void push_audio(GstSample* sample, GstBuffer* buffer, GstClockTime pts);
    void fill_silence(GstClockTime up_to);
    // The one way a buffer reaches the program: `buffer` (ours, consumed) stamped with
    // `wanted` as the track's guard admits it. Returns the PTS it went out with.
    GstClockTime emit(Track track, GstBuffer* buffer, GstCaps* caps, TimestampGuard::Stamps wanted,
                      bool keyframe);

    mutable std::mutex mutex_;
    Outlet outlet_;
    bool attached_ = false;
    uint64_t input_run_ = 0;
    bool slate_wanted_ = false;
    bool input_held_ = false;
    OnAir on_air_;
    // What the program has received so far (program time).
    GstClockTime video_end_ = 0;
    GstClockTimeDiff last_dts_ = -1;
    GstClockTime audio_end_ = 0;
    TimestampGuard video_guard_;
    TimestampGuard audio_guard_;
    bool pushed_any_ = false;
    bool finishing_ = false;
    GstSample* silence_ = nullptr;            // ours (one reference)
    std::vector<FeedSwitch> switches_;        // not yet taken by the loop
    std::vector<GstClockTime> switch_times_;  // every switch of this program run
};

}  // namespace stagehub::pipelines
