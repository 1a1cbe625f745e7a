#include "pipelines/audio_lane.hpp"

#include <gst/app/gstappsrc.h>

#include <algorithm>
#include <cctype>

#include "pipelines/gst_util.hpp"

namespace stagehub::pipelines {
namespace {

// One AAC frame: 1024 samples at 48 kHz, the silence's rate and the one senders are asked
// for (docs/BROADCAST.md).
constexpr GstClockTime kFrame = 1024 * GST_SECOND / 48000;
// No sound for this long: silence is put in, up to a little behind now, leaving room for
// sound that is merely late.
constexpr GstClockTime kSilenceAfter = GST_SECOND;
constexpr GstClockTime kSilenceLead = 200 * GST_MSECOND;
// Sound may overlap what was held by this much (rounding) and is moved onto its end; more,
// or leaping this far ahead of the program, and the input is anchored afresh.
constexpr GstClockTime kSlack = 40 * GST_MSECOND;
constexpr GstClockTime kMaxLead = 10 * GST_SECOND;
// A gap in the sound longer than this is filled with silence: players stall on holes.
constexpr GstClockTime kGap = 50 * GST_MSECOND;
// Bounded whatever happens to the program: a minute of frames.
constexpr size_t kMaxHeld = 3000;

GstAppSrc* as_app_src(GstElement* element) {
    return reinterpret_cast<GstAppSrc*>(element);
}

}  // namespace

std::string audio_rendition_name(const std::string& language, bool describes_video) {
    std::string name = "audio-";
    for (const char c : language) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-')
            name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (describes_video)
        name.append(kDescribedSuffix);
    return name;
}

AudioLane::AudioLane(std::string rendition, std::chrono::milliseconds hold)
    : rendition_(std::move(rendition)),
      hold_(static_cast<GstClockTime>(hold.count()) * GST_MSECOND) {}

AudioLane::~AudioLane() {
    const std::lock_guard lock(mutex_);
    clear();
    if (silence_ != nullptr)
        gst_sample_unref(silence_);
}

void AudioLane::clear() {
    for (Held& h : held_) {
        gst_buffer_unref(h.buffer);
        if (h.caps != nullptr)
            gst_caps_unref(h.caps);
    }
    held_.clear();
}

void AudioLane::set_silence(GstSample* frame) {
    const std::lock_guard lock(mutex_);
    if (silence_ != nullptr)
        gst_sample_unref(silence_);
    silence_ = frame != nullptr ? gst_sample_ref(frame) : nullptr;
}

void AudioLane::attach(GstElement* pipeline, GstElement* appsrc, GstElement* splitter) {
    const std::lock_guard lock(mutex_);
    clear();
    pipeline_ = pipeline;
    appsrc_ = appsrc;
    splitter_ = splitter;
    started_ = false;
    anchored_ = false;
    end_ = 0;
    sent_ = 0;
    silent_ = 0;
}

void AudioLane::detach() {
    const std::lock_guard lock(mutex_);
    clear();
    pipeline_ = appsrc_ = splitter_ = nullptr;
    started_ = false;
}

void AudioLane::set_run(uint64_t run) {
    const std::lock_guard lock(mutex_);
    run_ = run;
    anchored_ = false;
}

GstClockTime AudioLane::now() const {
    return running_time_now(pipeline_);
}

void AudioLane::split_at(GstClockTime running_time) {
    const std::lock_guard lock(mutex_);
    if (appsrc_ == nullptr)
        return;
    if (!started_) {
        // The lane's first frame is where the picture's first segment begins: its first
        // segment then opens at the same instant, and every later one at a split.
        started_ = true;
        end_ = running_time;
        anchored_ = false;
        return;
    }
    if (splitter_ != nullptr)
        g_signal_emit_by_name(splitter_, "split-at-running-time", running_time);
}

void AudioLane::hold(GstClockTime pts, GstBuffer* buffer, GstCaps* caps) {
    held_.push_back(Held{pts, buffer, caps != nullptr ? gst_caps_ref(caps) : nullptr});
    if (held_.size() > kMaxHeld) {
        gst_buffer_unref(held_.front().buffer);
        if (held_.front().caps != nullptr)
            gst_caps_unref(held_.front().caps);
        held_.pop_front();
    }
}

void AudioLane::fill_silence(GstClockTime up_to) {
    if (silence_ == nullptr)
        return;
    GstBuffer* frame = gst_sample_get_buffer(silence_);
    if (frame == nullptr)
        return;
    while (end_ + kFrame <= up_to) {
        GstBuffer* out = gst_buffer_copy(frame);
        GST_BUFFER_PTS(out) = GST_BUFFER_DTS(out) = end_;
        GST_BUFFER_DURATION(out) = kFrame;
        hold(end_, out, gst_sample_get_caps(silence_));
        end_ += kFrame;
        ++silent_;
    }
}

void AudioLane::release(GstClockTime up_to) {
    while (!held_.empty() && held_.front().pts <= up_to) {
        Held h = held_.front();
        held_.pop_front();
        GstSample* sample = gst_sample_new(h.buffer, h.caps, nullptr, nullptr);
        gst_buffer_unref(h.buffer);
        if (h.caps != nullptr)
            gst_caps_unref(h.caps);
        gst_app_src_push_sample(as_app_src(appsrc_), sample);
        gst_sample_unref(sample);
        ++sent_;
    }
}

void AudioLane::tick() {
    const std::lock_guard lock(mutex_);
    if (appsrc_ == nullptr || !started_)
        return;
    const GstClockTime t = now();
    if (t > end_ + kSilenceAfter) {
        fill_silence(t - kSilenceLead);
        anchored_ = false;  // sound that comes back starts after the silence
    }
    if (t > hold_)
        release(t - hold_);
}

void AudioLane::finish(GstClockTime end) {
    const std::lock_guard lock(mutex_);
    if (appsrc_ == nullptr)
        return;
    if (started_) {
        fill_silence(end);
        // Frames that would start at or after the end belong to no segment of the picture.
        std::erase_if(held_, [&](const Held& h) {
            if (h.pts + kSlack / 2 < end)
                return false;
            gst_buffer_unref(h.buffer);
            if (h.caps != nullptr)
                gst_caps_unref(h.caps);
            return true;
        });
        release(GST_CLOCK_TIME_NONE);
    }
    gst_app_src_end_of_stream(as_app_src(appsrc_));
    clear();
    pipeline_ = appsrc_ = splitter_ = nullptr;
    started_ = false;
}

void AudioLane::push(uint64_t run, GstSample* sample) {
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    if (buffer == nullptr || !GST_BUFFER_PTS_IS_VALID(buffer))
        return;
    GstClockTime pts = GST_BUFFER_PTS(buffer);
    if (const GstSegment* segment = gst_sample_get_segment(sample);
        segment != nullptr && segment->format == GST_FORMAT_TIME) {
        pts = gst_segment_to_running_time(segment, GST_FORMAT_TIME, pts);
        if (!GST_CLOCK_TIME_IS_VALID(pts))
            return;
    }
    const std::lock_guard lock(mutex_);
    if (appsrc_ == nullptr || !started_ || run != run_)
        return;
    const GstClockTime t = now();
    auto out = static_cast<GstClockTimeDiff>(pts) + offset_;
    if (!anchored_ ||
        out + static_cast<GstClockTimeDiff>(kSlack) < static_cast<GstClockTimeDiff>(end_) ||
        out > static_cast<GstClockTimeDiff>(t + kMaxLead)) {
        // Its first sound (or the first after a gap or a jump) plays from now, or right
        // after what is held if that is later.
        offset_ =
            static_cast<GstClockTimeDiff>(std::max(t, end_)) - static_cast<GstClockTimeDiff>(pts);
        anchored_ = true;
        out = static_cast<GstClockTimeDiff>(pts) + offset_;
    }
    auto at = static_cast<GstClockTime>(std::max<GstClockTimeDiff>(out, 0));
    if (at > end_ + kGap)
        fill_silence(at);
    at = std::max(at, end_);
    GstBuffer* copy = gst_buffer_copy(buffer);
    GST_BUFFER_PTS(copy) = GST_BUFFER_DTS(copy) = at;
    const GstClockTime duration =
        GST_BUFFER_DURATION_IS_VALID(buffer) ? GST_BUFFER_DURATION(buffer) : kFrame;
    GST_BUFFER_DURATION(copy) = duration;
    hold(at, copy, gst_sample_get_caps(sample));
    end_ = at + duration;
}

uint64_t AudioLane::sent() const {
    const std::lock_guard lock(mutex_);
    return sent_;
}

uint64_t AudioLane::silent_frames() const {
    const std::lock_guard lock(mutex_);
    return silent_;
}

}  // namespace stagehub::pipelines
