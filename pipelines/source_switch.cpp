#include "pipelines/source_switch.hpp"

#include <gst/app/gstappsrc.h>

#include <algorithm>
#include <utility>

#include "pipelines/gst_util.hpp"

namespace stagehub::pipelines {
namespace {

// A frame's length when the parser left it unset: 40 ms is one frame at 25 fps, enough to
// keep the next switch after everything already pushed.
constexpr GstClockTime kDefaultFrame = 40 * GST_MSECOND;
// Audio may overlap what was pushed by this much (rounding) before a frame is dropped.
constexpr GstClockTime kAudioSlack = GST_MSECOND;
// Silence is filled in once pictures run this far ahead of the sound, up to this far
// behind the picture. One AAC frame: 1024 samples at 48 kHz.
constexpr GstClockTime kSilenceAfter = GST_SECOND;
constexpr GstClockTime kSilenceLead = 200 * GST_MSECOND;
constexpr GstClockTime kSilentFrame = 1024 * GST_SECOND / 48000;
// A source whose timestamps leap this far ahead of the program clock is re-anchored.
constexpr GstClockTime kMaxLead = 10 * GST_SECOND;

GstAppSrc* as_app_src(GstElement* element) {
    return reinterpret_cast<GstAppSrc*>(element);
}

// The running time of a timestamp in the sample's segment (the source pipeline's
// timeline); a sample without a TIME segment is read as already in running time.
std::optional<GstClockTime> running_pts(GstSample* sample, GstClockTime pts) {
    if (!GST_CLOCK_TIME_IS_VALID(pts))
        return std::nullopt;
    const GstSegment* segment = gst_sample_get_segment(sample);
    if (segment == nullptr || segment->format != GST_FORMAT_TIME)
        return pts;
    const GstClockTime rt = gst_segment_to_running_time(segment, GST_FORMAT_TIME, pts);
    if (!GST_CLOCK_TIME_IS_VALID(rt))
        return std::nullopt;
    return rt;
}

// DTS may lie before the segment start (B-frames): a signed running time.
std::optional<GstClockTimeDiff> running_dts(GstSample* sample, GstClockTime dts) {
    if (!GST_CLOCK_TIME_IS_VALID(dts))
        return std::nullopt;
    const GstSegment* segment = gst_sample_get_segment(sample);
    if (segment == nullptr || segment->format != GST_FORMAT_TIME)
        return static_cast<GstClockTimeDiff>(dts);
    guint64 rt = 0;
    const int sign = gst_segment_to_running_time_full(segment, GST_FORMAT_TIME, dts, &rt);
    if (sign == 0)
        return std::nullopt;
    return sign > 0 ? static_cast<GstClockTimeDiff>(rt) : -static_cast<GstClockTimeDiff>(rt);
}

// How long a sound frame plays. A file's AAC frames reach us without a duration, and a
// frame taken to end where it starts let the next source's first frame start before it
// (issue 15): an AAC frame is 1024 samples at the rate its caps give.
GstClockTime audio_frame_duration(GstSample* sample, GstBuffer* buffer) {
    if (GST_BUFFER_DURATION_IS_VALID(buffer))
        return GST_BUFFER_DURATION(buffer);
    const GstCaps* caps = gst_sample_get_caps(sample);
    int rate = 0;
    if (caps != nullptr && gst_caps_get_size(caps) > 0 &&
        gst_structure_get_int(gst_caps_get_structure(caps, 0), "rate", &rate) && rate > 0)
        return gst_util_uint64_scale_int(1024, GST_SECOND, rate);
    return kSilentFrame;
}

GstClockTime shifted(GstClockTime running, GstClockTimeDiff offset) {
    const GstClockTimeDiff out = static_cast<GstClockTimeDiff>(running) + offset;
    return out < 0 ? 0 : static_cast<GstClockTime>(out);
}

}  // namespace

const char* name_of(Feed feed) {
    switch (feed) {
        case Feed::none:
            return "none";
        case Feed::input:
            return "input";
        case Feed::slate:
            return "slate";
    }
    return "none";
}

SourceSwitch::~SourceSwitch() {
    if (silence_ != nullptr)
        gst_sample_unref(silence_);
}

void SourceSwitch::set_silence(GstSample* frame) {
    const std::lock_guard lock(mutex_);
    if (silence_ != nullptr)
        gst_sample_unref(silence_);
    silence_ = frame != nullptr ? gst_sample_ref(frame) : nullptr;
}

void SourceSwitch::attach(const Outlet& outlet) {
    const std::lock_guard lock(mutex_);
    outlet_ = outlet;
    attached_ = true;
    finishing_ = false;
    on_air_ = OnAir{};
    video_end_ = 0;
    last_dts_ = -1;
    audio_end_ = 0;
    video_guard_.reset();
    audio_guard_.reset();
    pushed_any_ = false;
    switch_times_.clear();
}

void SourceSwitch::finish() {
    const std::lock_guard lock(mutex_);
    if (!attached_ || finishing_)
        return;
    finishing_ = true;
    gst_app_src_end_of_stream(as_app_src(outlet_.video));
    if (audio_end_ >= video_end_ || !on_air_.anchored) {
        gst_app_src_end_of_stream(as_app_src(outlet_.audio));
        attached_ = false;
    }
}

void SourceSwitch::give_up_finishing() {
    const std::lock_guard lock(mutex_);
    if (!attached_ || !finishing_)
        return;
    gst_app_src_end_of_stream(as_app_src(outlet_.audio));
    attached_ = false;
}

void SourceSwitch::detach() {
    const std::lock_guard lock(mutex_);
    attached_ = false;
    finishing_ = false;
    outlet_ = Outlet{};
    on_air_ = OnAir{};
}

void SourceSwitch::set_input_run(uint64_t run) {
    const std::lock_guard lock(mutex_);
    input_run_ = run;
}

void SourceSwitch::want_slate(bool wanted) {
    const std::lock_guard lock(mutex_);
    slate_wanted_ = wanted;
}

void SourceSwitch::hold_input(bool held) {
    const std::lock_guard lock(mutex_);
    input_held_ = held;
}

Feed SourceSwitch::on_air() const {
    const std::lock_guard lock(mutex_);
    return on_air_.feed;
}

std::vector<FeedSwitch> SourceSwitch::take_switches() {
    const std::lock_guard lock(mutex_);
    return std::exchange(switches_, {});
}

bool SourceSwitch::switched_within(GstClockTime after, GstClockTime up_to) const {
    const std::lock_guard lock(mutex_);
    return std::any_of(switch_times_.begin(), switch_times_.end(),
                       [&](GstClockTime t) { return t > after && t <= up_to; });
}

uint64_t SourceSwitch::timestamps_moved() const {
    const std::lock_guard lock(mutex_);
    return video_guard_.moved() + audio_guard_.moved();
}

bool SourceSwitch::wanted(Feed feed, uint64_t run) const {
    if (feed == Feed::input)
        return run == input_run_ && !input_held_;
    // Any slate run that is not on air already: a slate that had to be restarted while on
    // air hands over to its successor.
    return feed == Feed::slate && slate_wanted_;
}

GstClockTime SourceSwitch::program_now() const {
    return running_time_now(outlet_.pipeline);
}

// Fixes the offset so that this keyframe lands at the program's "now", or right after what
// was already pushed (video, and the decode order) if that is later.
void SourceSwitch::go_on_air(Feed feed, uint64_t run, GstClockTime key_pts,
                             std::optional<GstClockTimeDiff> key_dts) {
    const GstClockTime start = std::max(program_now(), video_end_);
    GstClockTimeDiff offset =
        static_cast<GstClockTimeDiff>(start) - static_cast<GstClockTimeDiff>(key_pts);
    // Decoded after what was pushed, and not before the program's start: a DTS cut to 0
    // would tie with the frames after it.
    if (key_dts) {
        const GstClockTimeDiff after =
            last_dts_ >= 0 ? last_dts_ + GstClockTimeDiff{GST_MSECOND} : 0;
        offset = std::max(offset, after - *key_dts);
    }
    const bool is_switch = on_air_.feed != feed || on_air_.run != run;
    on_air_ = OnAir{feed, run, offset, true};
    if (!is_switch)
        return;  // the same source re-anchored after a timestamp jump: one picture still
    const GstClockTime at = shifted(key_pts, offset);
    if (slate_wanted_ && feed == Feed::input)
        slate_wanted_ = false;
    // Split every rendition here, so the new picture starts a segment of its own. Before
    // the first buffer there is nothing to split.
    if (pushed_any_) {
        for (GstElement* splitter : outlet_.splitters)
            g_signal_emit_by_name(splitter, "split-at-running-time", at);
    }
    switch_times_.push_back(at);
    switches_.push_back(FeedSwitch{feed, run, at, std::chrono::system_clock::now()});
}

void SourceSwitch::push(Feed feed, uint64_t run, Track track, GstSample* sample) {
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    if (buffer == nullptr)
        return;
    const std::lock_guard lock(mutex_);
    if (!attached_)
        return;
    const std::optional<GstClockTime> pts = running_pts(sample, GST_BUFFER_PTS(buffer));
    if (!pts)
        return;  // rtspsrc's first frames carry no timestamp: nothing to place them by
    const bool ours = on_air_.feed == feed && on_air_.run == run;
    if (track == Track::audio) {
        if (ours && on_air_.anchored)
            push_audio(sample, buffer, *pts);
        if (finishing_ && audio_end_ >= video_end_) {
            gst_app_src_end_of_stream(as_app_src(outlet_.audio));
            attached_ = false;
        }
        return;
    }
    if (finishing_)
        return;
    const std::optional<GstClockTimeDiff> dts = running_dts(sample, GST_BUFFER_DTS(buffer));
    const bool keyframe = !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
    if (ours && on_air_.anchored) {
        // A source whose clock went back (its decode order, or a keyframe that would start
        // before what the program has) or leapt ahead is re-anchored at its next keyframe, so
        // the program timeline stays monotonic and near the wall clock.
        const GstClockTime out_pts = shifted(*pts, on_air_.offset);
        const bool back = (dts && last_dts_ >= 0 && *dts + on_air_.offset <= last_dts_) ||
                          (keyframe && out_pts < video_guard_.next_keyframe_at());
        if (!back && out_pts <= program_now() + kMaxLead) {
            push_video(sample, buffer, *pts, dts);
            return;
        }
        on_air_.anchored = false;
    }
    if (!keyframe)
        return;
    if (ours || wanted(feed, run)) {
        go_on_air(feed, run, *pts, dts);
        push_video(sample, buffer, *pts, dts);
    }
}

void SourceSwitch::push_video(GstSample* sample, GstBuffer* buffer, GstClockTime pts,
                              std::optional<GstClockTimeDiff> dts) {
    TimestampGuard::Stamps wanted;
    wanted.pts = shifted(pts, on_air_.offset);
    if (dts) {
        const GstClockTimeDiff out_dts = *dts + on_air_.offset;
        wanted.dts = out_dts < 0 ? 0 : static_cast<GstClockTime>(out_dts);
        last_dts_ = out_dts;
    }
    const GstClockTime duration =
        GST_BUFFER_DURATION_IS_VALID(buffer) ? GST_BUFFER_DURATION(buffer) : kDefaultFrame;
    const bool keyframe = !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
    const GstClockTime out_pts =
        emit(Track::video, gst_buffer_copy(buffer), gst_sample_get_caps(sample), wanted, keyframe);
    video_end_ = std::max(video_end_, out_pts + duration);
    pushed_any_ = true;
    // Pictures a second ahead of any sound: the source sends none. Fill in silence up to
    // a little behind the picture, leaving room for sound that is merely late.
    if (video_end_ > audio_end_ + kSilenceAfter)
        fill_silence(video_end_ - kSilenceLead);
}

void SourceSwitch::fill_silence(GstClockTime up_to) {
    if (silence_ == nullptr)
        return;
    GstBuffer* frame = gst_sample_get_buffer(silence_);
    if (frame == nullptr)
        return;
    GstClockTime at = audio_end_;
    if (!switch_times_.empty())
        at = std::max(at, switch_times_.back());
    while (at + kSilentFrame <= up_to) {
        GstBuffer* out = gst_buffer_copy(frame);
        GST_BUFFER_DURATION(out) = kSilentFrame;
        at = emit(Track::audio, out, gst_sample_get_caps(silence_), {at, at}, true) + kSilentFrame;
    }
    audio_end_ = at;
}

void SourceSwitch::push_audio(GstSample* sample, GstBuffer* buffer, GstClockTime pts) {
    GstClockTime out_pts = shifted(pts, on_air_.offset);
    // Sound from before the switch, or overlapping what the last source already played.
    if (out_pts + kAudioSlack < audio_end_ ||
        (!switch_times_.empty() && out_pts + kAudioSlack < switch_times_.back()))
        return;
    // Within the slack before the switch (rounding: a file's next run, re-timed): moved onto
    // it, as the splitters cut every rendition there and take nothing from before the cut
    // ("Timestamping error on input streams", which stops the program).
    if (!switch_times_.empty())
        out_pts = std::max(out_pts, switch_times_.back());
    out_pts = emit(Track::audio, gst_buffer_copy(buffer), gst_sample_get_caps(sample),
                   {out_pts, out_pts}, true);
    audio_end_ = out_pts + audio_frame_duration(sample, buffer);
}

GstClockTime SourceSwitch::emit(Track track, GstBuffer* buffer, GstCaps* caps,
                                TimestampGuard::Stamps wanted, bool keyframe) {
    TimestampGuard& guard = track == Track::video ? video_guard_ : audio_guard_;
    const TimestampGuard::Stamps stamps = guard.admit(wanted, keyframe);
    GST_BUFFER_PTS(buffer) = stamps.pts;
    GST_BUFFER_DTS(buffer) = stamps.dts;
    GstSample* sample = gst_sample_new(buffer, caps, nullptr, nullptr);
    gst_buffer_unref(buffer);
    gst_app_src_push_sample(as_app_src(track == Track::video ? outlet_.video : outlet_.audio),
                            sample);
    gst_sample_unref(sample);
    return stamps.pts;
}

}  // namespace stagehub::pipelines
