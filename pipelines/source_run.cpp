// The element graphs of a stage's sources (docs/BROADCAST_DESIGN.md §3). Each is fixed for
// the life of its run, so it is written as a gst-launch description, parsed once; names
// let the code set what comes from users (addresses, the passphrase, text) as properties,
// never spliced into the description.
#include "pipelines/source_run.hpp"

#include <gst/app/gstappsink.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "pipelines/gst_util.hpp"
#include "pipelines/handoff.hpp"
#include "pipelines/missing_element.hpp"

namespace stagehub::pipelines {
namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               SteadyClock::now().time_since_epoch())
        .count();
}

// Every source ends the same way, whatever it came from: H.264 as byte-stream access units
// with SPS/PPS before each keyframe (a player may join at any segment), and AAC with ADTS
// headers. One audio format matters: a switch between raw and ADTS AAC stalled the muxers
// silently (docs/BROADCAST_DESIGN.md §5).
constexpr const char* kVideoCaps = "video/x-h264,stream-format=byte-stream,alignment=au";
constexpr const char* kAudioCaps = "audio/mpeg,mpegversion=4,stream-format=adts";

std::string video_branch(bool burn_in, bool sync) {
    std::string branch = "h264parse config-interval=-1 ! queue max-size-time=3000000000 ! ";
    if (burn_in) {
        branch +=
            "avdec_h264 ! videoconvert ! textoverlay name=overlay ! videoconvert ! "
            "x264enc name=encoder ! h264parse config-interval=-1 ! ";
    }
    branch.append(kVideoCaps).append(" ! appsink name=video async=false max-buffers=100 sync=");
    branch += sync ? "true" : "false";
    return branch;
}

std::string audio_branch(bool sync) {
    std::string branch = "aacparse ! ";
    branch.append(kAudioCaps)
        .append(
            " ! queue max-size-time=3000000000 ! appsink name=audio async=false max-buffers=200 "
            "sync=");
    branch += sync ? "true" : "false";
    return branch;
}

// The test pattern and the slate: a picture and a sound made here, encoded like a camera
// encoder would (a keyframe per segment).
std::string encoded_card(const SourceSpec& spec) {
    std::string d = "videotestsrc name=picture is-live=true ! video/x-raw,format=I420,width=";
    d.append(std::to_string(spec.width)).append(",height=").append(std::to_string(spec.height));
    d.append(",framerate=").append(std::to_string(spec.framerate)).append("/1");
    d.append(" ! textoverlay name=overlay ! clockoverlay name=clock ! x264enc name=encoder");
    d.append(" ! h264parse config-interval=-1 ! ").append(kVideoCaps);
    d.append(" ! appsink name=video async=false max-buffers=100 sync=false");
    d.append(
        " audiotestsrc name=sound is-live=true ! audioconvert ! audioresample ! "
        "audio/x-raw,rate=48000,channels=2 ! avenc_aac name=aac ! ");
    d.append(audio_branch(false));
    return d;
}

std::string description_of(const SourceSpec& spec) {
    using Kind = SourceSpec::Kind;
    const bool file = spec.kind == Kind::file;
    const std::string video = video_branch(spec.burn_in, file);
    const std::string audio = audio_branch(file);
    switch (spec.kind) {
        case Kind::pattern:
        case Kind::slate:
            return encoded_card(spec);
        case Kind::srt:
            return "srtsrc name=src ! tsdemux name=demux demux. ! " + video + " demux. ! " + audio;
        case Kind::rtmp:
            return "rtmp2src name=src ! flvdemux name=demux demux.video ! " + video +
                   " demux.audio ! " + audio;
        case Kind::rtsp:
            return "rtspsrc name=src latency=200 protocols=tcp src. ! rtph264depay ! " + video +
                   " src. ! rtpmp4gdepay ! " + audio;
        case Kind::file:
            // parsebin reads any container (MP4, TS, MKV, FLV) without decoding.
            return "filesrc name=src ! parsebin name=demux demux. ! " + video + " demux. ! " +
                   audio;
    }
    return {};
}

// srtsrc listens when asked to; stagehub is always the listener (OBS, vMix and hardware
// encoders call it).
std::string srt_listener_uri(const std::string& uri) {
    if (uri.find("mode=") != std::string::npos)
        return uri;
    return uri + (uri.find('?') == std::string::npos ? "?mode=listener" : "&mode=listener");
}

GstElement* child(GstElement* pipeline, const char* name) {
    GstElement* element = gst_bin_get_by_name(as_bin(pipeline), name);
    if (element != nullptr)
        gst_object_unref(element);  // the bin keeps it alive as long as we use it
    return element;
}

// Background teardown: threads still running, so process exit can wait for them.
struct Releases {
    std::mutex mutex;
    std::condition_variable done;
    int running = 0;
};
Releases& releases() {
    static Releases* instance = new Releases;  // never destroyed: detached threads use it
    return *instance;
}

}  // namespace

// Shared by the run and its two appsinks (which hold it until they are finalised, which
// may be after the run is gone).
struct SourceRun::Tap {
    std::shared_ptr<SourceSwitch> target;
    Feed feed;
    uint64_t run;
    std::atomic<uint64_t> video_bytes{0};
    std::atomic<uint64_t> frames{0};
    std::atomic<uint64_t> dropped{0};
    std::atomic<int64_t> last_video_ns{0};
    std::atomic<int64_t> last_key_ns{0};
    std::atomic<int64_t> key_interval_ns{0};
    std::atomic<int> width{0};
    std::atomic<int> height{0};
    std::atomic<int> fps_n{0};
    std::atomic<int> fps_d{1};
    // Video streaming thread only.
    GstClockTime last_ts = GST_CLOCK_TIME_NONE;

    void count_video(GstSample* sample) {
        GstBuffer* buffer = gst_sample_get_buffer(sample);
        if (buffer == nullptr)
            return;
        const int64_t now = steady_ns();
        video_bytes += gst_buffer_get_size(buffer);
        ++frames;
        last_video_ns = now;
        if (!GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT)) {
            const int64_t previous = last_key_ns.exchange(now);
            if (previous != 0)
                key_interval_ns = now - previous;
        }
        if (const GstCaps* caps = gst_sample_get_caps(sample); caps != nullptr) {
            const GstStructure* s = gst_caps_get_structure(caps, 0);
            int value = 0;
            if (gst_structure_get_int(s, "width", &value))
                width = value;
            if (gst_structure_get_int(s, "height", &value))
                height = value;
            int n = 0;
            int d = 1;
            if (gst_structure_get_fraction(s, "framerate", &n, &d) && d > 0) {
                fps_n = n;
                fps_d = d;
            }
        }
        // Frames missing from the timeline: a gap of more than one and a half frames.
        const GstClockTime ts =
            GST_BUFFER_DTS_IS_VALID(buffer) ? GST_BUFFER_DTS(buffer) : GST_BUFFER_PTS(buffer);
        if (fps_n > 0 && GST_CLOCK_TIME_IS_VALID(ts) && GST_CLOCK_TIME_IS_VALID(last_ts) &&
            ts > last_ts) {
            const double frame_ns = 1e9 * fps_d / fps_n;
            const double gap = static_cast<double>(ts - last_ts);
            if (gap > 1.5 * frame_ns)
                dropped += static_cast<uint64_t>(gap / frame_ns + 0.5) - 1;
        }
        if (GST_CLOCK_TIME_IS_VALID(ts))
            last_ts = ts;
    }
};

namespace {

GstFlowReturn on_video_sample(GstAppSink* sink, gpointer data) {
    take_over(data);  // filled by the loop thread in SourceRun::start (attach_tap)
    auto* tap = static_cast<std::shared_ptr<SourceRun::Tap>*>(data)->get();
    GstSample* sample = gst_app_sink_pull_sample(sink);
    if (sample == nullptr)
        return GST_FLOW_EOS;
    tap->count_video(sample);
    tap->target->push(tap->feed, tap->run, Track::video, sample);
    gst_sample_unref(sample);
    return GST_FLOW_OK;
}

GstFlowReturn on_audio_sample(GstAppSink* sink, gpointer data) {
    take_over(data);  // filled by the loop thread in SourceRun::start (attach_tap)
    auto* tap = static_cast<std::shared_ptr<SourceRun::Tap>*>(data)->get();
    GstSample* sample = gst_app_sink_pull_sample(sink);
    if (sample == nullptr)
        return GST_FLOW_EOS;
    tap->target->push(tap->feed, tap->run, Track::audio, sample);
    gst_sample_unref(sample);
    return GST_FLOW_OK;
}

void attach_tap(GstElement* appsink, const std::shared_ptr<SourceRun::Tap>& tap, Track track) {
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = track == Track::video ? &on_video_sample : &on_audio_sample;
    auto* held = new std::shared_ptr<SourceRun::Tap>(tap);
    // The tap is complete (start() fills it first); from here the streaming threads read it,
    // after GStreamer's own handoff, which TSan cannot see (handoff.hpp).
    hand_over(held);
    gst_app_sink_set_callbacks(
        reinterpret_cast<GstAppSink*>(appsink), &callbacks, held,
        [](gpointer data) { delete static_cast<std::shared_ptr<SourceRun::Tap>*>(data); });
}

}  // namespace

const char* name_of(SourceSpec::Kind kind) {
    using Kind = SourceSpec::Kind;
    switch (kind) {
        case Kind::pattern:
            return "test_pattern";
        case Kind::slate:
            return "slate";
        case Kind::srt:
            return "srt";
        case Kind::rtmp:
            return "rtmp";
        case Kind::rtsp:
            return "rtsp";
        case Kind::file:
            return "file";
    }
    return "test_pattern";
}

std::string lower_third_markup(const LowerThird& text) {
    std::string markup;
    if (!text.title.empty()) {
        const GCharPtr title(g_markup_escape_text(text.title.c_str(), -1));
        markup.append("<b>").append(title.get()).append("</b>");
    }
    if (!text.subtitle.empty()) {
        const GCharPtr subtitle(g_markup_escape_text(text.subtitle.c_str(), -1));
        if (!markup.empty())
            markup += '\n';
        markup.append("<span size=\"smaller\">").append(subtitle.get()).append("</span>");
    }
    return markup;
}

void release_in_background(ElementPtr pipeline) {
    if (!pipeline)
        return;
    Releases& r = releases();
    {
        const std::lock_guard lock(r.mutex);
        ++r.running;
    }
    std::thread([p = std::move(pipeline)]() mutable {
        gst_element_set_state(p.get(), GST_STATE_NULL);
        p.reset();
        Releases& rr = releases();
        const std::lock_guard lock(rr.mutex);
        --rr.running;
        rr.done.notify_all();
    }).detach();
}

void wait_for_released_pipelines(std::chrono::milliseconds timeout) {
    Releases& r = releases();
    std::unique_lock lock(r.mutex);
    r.done.wait_for(lock, timeout, [&] { return r.running == 0; });
}

SourceRun::SourceRun(SourceSpec spec, Feed feed, uint64_t run, std::shared_ptr<SourceSwitch> target,
                     Listener& listener, std::string stage_id)
    : spec_(std::move(spec)),
      feed_(feed),
      run_(run),
      target_(std::move(target)),
      listener_(listener),
      stage_id_(std::move(stage_id)) {}

SourceRun::~SourceRun() {
    if (pipeline_) {
        const BusPtr bus(gst_element_get_bus(pipeline_.get()));
        gst_bus_remove_watch(bus.get());
        overlay_ = nullptr;
        release_in_background(std::move(pipeline_));
    }
}

void SourceRun::start() {
    GError* raw_error = nullptr;
    const std::string description = description_of(spec_);
    GstElement* parsed = gst_parse_launch_full(description.c_str(), nullptr,
                                               GST_PARSE_FLAG_FATAL_ERRORS, &raw_error);
    const GErrorPtr error(raw_error);
    if (parsed == nullptr || error) {
        if (parsed != nullptr)
            gst_object_unref(parsed);
        const std::string message = error ? error->message : "cannot build the source";
        // 'no element "srtsrc"': name the package that provides it.
        const auto open = message.find('"');
        const auto close = message.rfind('"');
        if (error && error->code == GST_PARSE_ERROR_NO_SUCH_ELEMENT && open != close)
            throw MissingElementError(stage_id_, message.substr(open + 1, close - open - 1));
        throw std::runtime_error("stage " + stage_id_ + ": cannot build the source: " + message);
    }
    pipeline_.reset(static_cast<GstElement*>(gst_object_ref_sink(parsed)));

    using Kind = SourceSpec::Kind;
    if (GstElement* src = child(pipeline_.get(), "src"); src != nullptr) {
        if (spec_.kind == Kind::srt) {
            g_object_set(as_gobject(src), "uri", srt_listener_uri(spec_.uri).c_str(), nullptr);
            if (!spec_.passphrase.empty())
                g_object_set(as_gobject(src), "passphrase", spec_.passphrase.c_str(), nullptr);
        } else {
            g_object_set(as_gobject(src), "location", spec_.uri.c_str(), nullptr);
        }
    }
    if (GstElement* encoder = child(pipeline_.get(), "encoder"); encoder != nullptr) {
        g_object_set(as_gobject(encoder), "bitrate", static_cast<guint>(spec_.video_kbps),
                     "key-int-max", static_cast<guint>(spec_.framerate * spec_.keyframe_seconds),
                     nullptr);
        set_nick(encoder, "tune", "zerolatency");
        set_nick(encoder, "speed-preset", "veryfast");
    }
    if (GstElement* aac = child(pipeline_.get(), "aac"); aac != nullptr)
        g_object_set(as_gobject(aac), "bitrate", spec_.audio_kbps * 1000, nullptr);
    const bool slate = spec_.kind == Kind::slate;
    if (GstElement* picture = child(pipeline_.get(), "picture"); picture != nullptr) {
        // The pattern: a moving ball on a calm background, so motion shows the picture is
        // live. The slate: a plain card.
        g_object_set(as_gobject(picture), "background-color", 0xff1f3a5fu, "foreground-color",
                     slate ? 0xff1f3a5fu : 0xffffffffu, nullptr);
        set_nick(picture, "pattern", slate ? "solid-color" : "ball");
    }
    if (GstElement* sound = child(pipeline_.get(), "sound"); sound != nullptr) {
        g_object_set(as_gobject(sound), "freq", 440.0, "volume", slate ? 0.0 : 0.1, nullptr);
        set_nick(sound, "wave", slate ? "silence" : "sine");
    }
    // Font sizes are for a 640-pixel-wide picture: textoverlay's auto-resize scales them
    // with the width. The padding is not scaled: keep text inside the 5% action-safe margin.
    const int xpad = spec_.width / 20;
    const int ypad = spec_.height / 20;
    overlay_ = child(pipeline_.get(), "overlay");
    if (overlay_ != nullptr) {
        g_object_set(as_gobject(overlay_), "font-desc", slate ? "Sans 22" : "Sans 14",
                     "shaded-background", slate ? FALSE : TRUE, "xpad", xpad, "ypad", ypad,
                     nullptr);
        set_nick(overlay_, "valignment", slate ? "center" : "bottom");
        set_nick(overlay_, "halignment", slate ? "center" : "left");
        set_nick(overlay_, "line-alignment", slate ? "center" : "left");
        set_nick(overlay_, "wrap-mode", "word");
        set_text(spec_.text);
    }
    if (GstElement* clock = child(pipeline_.get(), "clock"); clock != nullptr) {
        // Wall-clock time top right: shows the picture is live, and lets a test read
        // glass-to-glass latency off the picture.
        g_object_set(as_gobject(clock), "font-desc", "Sans 11", "shaded-background", TRUE, "xpad",
                     xpad, "ypad", ypad, "time-format", "%H:%M:%S", nullptr);
        set_nick(clock, "valignment", "top");
        set_nick(clock, "halignment", "right");
    }

    tap_ = std::make_shared<Tap>();
    tap_->target = target_;
    tap_->feed = feed_;
    tap_->run = run_;
    attach_tap(child(pipeline_.get(), "video"), tap_, Track::video);
    attach_tap(child(pipeline_.get(), "audio"), tap_, Track::audio);

    const BusPtr bus(gst_element_get_bus(pipeline_.get()));
    gst_bus_add_watch(bus.get(), &SourceRun::on_bus_message, this);
    started_ = SteadyClock::now();
    stats_at_ = started_;
    if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        const MessagePtr failure(gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR));
        const std::string why = failure ? describe_bus_error(failure.get(), stage_id_)
                                        : std::string("an element refused to start");
        gst_bus_remove_watch(bus.get());
        overlay_ = nullptr;
        release_in_background(std::move(pipeline_));
        throw std::runtime_error("stage " + stage_id_ + ": the " + name_of(feed_) +
                                 " source failed to start: " + why);
    }
}

void SourceRun::set_text(const LowerThird& text) {
    spec_.text = text;
    if (overlay_ != nullptr)
        g_object_set(as_gobject(overlay_), "text", lower_third_markup(text).c_str(), nullptr);
}

std::chrono::steady_clock::duration SourceRun::silent_for() const {
    const int64_t last = tap_ ? tap_->last_video_ns.load() : 0;
    const auto now = SteadyClock::now();
    if (last == 0)
        return now - started_;
    return now - SteadyClock::time_point(std::chrono::nanoseconds(last));
}

bool SourceRun::had_data() const {
    return tap_ && tap_->frames.load() > 0;
}

SourceStats SourceRun::stats() {
    SourceStats stats;
    if (!tap_)
        return stats;
    const auto now = SteadyClock::now();
    const double seconds = std::chrono::duration<double>(now - stats_at_).count();
    const uint64_t bytes = tap_->video_bytes.load();
    const uint64_t frames = tap_->frames.load();
    // Rates over whole windows of a second or more, whoever asks how often.
    if (seconds >= 1.0) {
        rate_kbps_ = static_cast<double>(bytes - stats_bytes_) * 8.0 / 1000.0 / seconds;
        rate_fps_ = static_cast<double>(frames - stats_frames_) / seconds;
        stats_at_ = now;
        stats_bytes_ = bytes;
        stats_frames_ = frames;
    }
    stats.video_kbps = rate_kbps_;
    stats.fps = rate_fps_;
    stats.frames = frames;
    stats.dropped_frames = tap_->dropped.load();
    stats.receiving = frames > 0 && silent_for() < std::chrono::seconds(1);
    if (const int64_t key = tap_->last_key_ns.load(); key != 0) {
        stats.last_keyframe_age_s =
            std::chrono::duration<double>(now -
                                          SteadyClock::time_point(std::chrono::nanoseconds(key)))
                .count();
    }
    stats.keyframe_interval_s = static_cast<double>(tap_->key_interval_ns.load()) / 1e9;
    stats.width = tap_->width.load();
    stats.height = tap_->height.load();
    if (tap_->fps_d.load() > 0)
        stats.framerate = static_cast<double>(tap_->fps_n.load()) / tap_->fps_d.load();
    stats.uptime_s = std::chrono::duration<double>(now - started_).count();
    return stats;
}

std::vector<std::string> SourceRun::elements() const {
    return factories_in(pipeline_.get());
}

void SourceRun::handle(GstMessage* message) {
    if (ended_)
        return;
    switch (message->type) {
        case GST_MESSAGE_ERROR: {
            ended_ = true;
            const std::string text = describe_bus_error(message, stage_id_);
            listener_.on_source_ended(run_, &text);
            return;
        }
        case GST_MESSAGE_EOS:
            ended_ = true;
            listener_.on_source_ended(run_, nullptr);
            return;
        default:
            return;
    }
}

gboolean SourceRun::on_bus_message(GstBus*, GstMessage* message, gpointer data) {
    try {
        static_cast<SourceRun*>(data)->handle(message);
    } catch (const std::exception& e) {
        g_critical("source run: exception while handling a bus message: %s", e.what());
    } catch (...) {
        g_critical("source run: unknown exception while handling a bus message");
    }
    // The listener may have destroyed the run; its destructor removed this watch, and
    // GLib allows that from inside the callback.
    return G_SOURCE_CONTINUE;
}

}  // namespace stagehub::pipelines
