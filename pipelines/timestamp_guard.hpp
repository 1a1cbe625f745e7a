// The last check on the program's timeline: every buffer the switch hands to one of the
// program's appsrcs passes that stream's guard first, and the guard never lets a timestamp
// go back.
//
// Why it exists: the program's muxers are splitmuxsinks (inside hlssink2). If the stream
// that decides where to split (video, or the sound in the audio-only rendition) has a GOP
// that starts before something already written, splitmuxsink stops the whole program
// pipeline ("Timestamping error on input streams: Queued GOP time is negative"), which is a
// broadcast outage. SourceSwitch places each source after what the program already has, but
// that placement works from estimates: a file's sound frames carry no duration, and its
// sound runs a few milliseconds past its last picture. A fraction of a millisecond back at a
// file loop stopped a stage (issue 15). So the rule is also enforced here, for each stream,
// whatever the placement got wrong:
// - a keyframe (every sound frame is one) starts strictly after every PTS before it;
// - any other frame starts strictly after every PTS of the GOPs before its own (B-frames may
//   come before their own keyframe, never before the GOP before it);
// - DTS strictly increase and never exceed the PTS.
// A timestamp that breaks the rule is moved forward to the first instant allowed, and
// counted: a source that needs this often has a fault worth showing in health.
//
// Threads: not thread-safe; the switch calls it under its own mutex.
#pragma once

#include <gst/gst.h>

#include <cstdint>

namespace stagehub::pipelines {

class TimestampGuard {
  public:
    struct Stamps {
        GstClockTime pts = GST_CLOCK_TIME_NONE;  // always valid when admitted
        GstClockTime dts = GST_CLOCK_TIME_NONE;  // NONE: the stream carries no DTS
    };

    // The timestamps to push for a buffer that would carry `wanted`: `wanted` itself, or
    // moved forward just enough to keep the rule above.
    Stamps admit(Stamps wanted, bool keyframe);

    // A new program run starts a new timeline.
    void reset();

    // The earliest PTS a keyframe may have now: strictly after every PTS admitted so far
    // (0 before the first).
    GstClockTime next_keyframe_at() const;

    // How many buffers had a timestamp moved since the last reset.
    uint64_t moved() const { return moved_; }

  private:
    GstClockTime max_pts_ = GST_CLOCK_TIME_NONE;    // the latest PTS admitted
    GstClockTime gop_floor_ = GST_CLOCK_TIME_NONE;  // the earliest PTS the current GOP may use
    GstClockTime last_dts_ = GST_CLOCK_TIME_NONE;
    uint64_t moved_ = 0;
};

}  // namespace stagehub::pipelines
