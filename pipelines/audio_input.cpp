#include "pipelines/audio_input.hpp"

#include <gst/app/gstappsink.h>

#include <atomic>
#include <stdexcept>

#include "pipelines/gst_util.hpp"
#include "pipelines/handoff.hpp"
#include "pipelines/source_run.hpp"

namespace stagehub::pipelines {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kRetry = std::chrono::seconds(1);
constexpr auto kReceiving = std::chrono::seconds(1);

int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               SteadyClock::now().time_since_epoch())
        .count();
}

// Sound only: whatever else the caller sends (a picture by mistake) is left unlinked.
std::string description_of(const AudioInputSpec& spec) {
    const std::string audio =
        "aacparse ! audio/mpeg,mpegversion=4,stream-format=adts ! queue "
        "max-size-time=3000000000 ! appsink name=audio async=false max-buffers=200 sync=false";
    if (spec.uri.starts_with("rtmp://") || spec.uri.starts_with("rtmps://"))
        return "rtmp2src name=src ! flvdemux name=demux demux.audio ! " + audio;
    return "srtsrc name=src ! tsdemux name=demux ! " + audio;
}

std::string srt_listener_uri(const std::string& uri) {
    if (uri.find("mode=") != std::string::npos)
        return uri;
    return uri + (uri.find('?') == std::string::npos ? "?mode=listener" : "&mode=listener");
}

}  // namespace

// Shared by the input and its appsink (which holds it until finalised).
struct AudioInput::Tap {
    std::shared_ptr<AudioLane> lane;
    uint64_t run = 0;
    std::atomic<uint64_t> frames{0};
    std::atomic<int64_t> last_ns{0};
};

namespace {

GstFlowReturn on_sample(GstAppSink* sink, gpointer data) {
    take_over(data);  // filled by the loop thread before the run started
    auto* tap = static_cast<std::shared_ptr<AudioInput::Tap>*>(data)->get();
    GstSample* sample = gst_app_sink_pull_sample(sink);
    if (sample == nullptr)
        return GST_FLOW_EOS;
    ++tap->frames;
    tap->last_ns = steady_ns();
    tap->lane->push(tap->run, sample);
    gst_sample_unref(sample);
    return GST_FLOW_OK;
}

}  // namespace

AudioInput::AudioInput(AudioInputSpec spec, std::string stage_id, std::chrono::milliseconds hold,
                       std::chrono::milliseconds reset_after)
    : spec_(std::move(spec)),
      stage_id_(std::move(stage_id)),
      reset_after_(reset_after),
      lane_(std::make_shared<AudioLane>(audio_rendition_name(spec_.language, spec_.describes_video),
                                        hold)) {}

AudioInput::~AudioInput() {
    end_run();
}

void AudioInput::start() {
    started_ = true;
    start_run();
}

void AudioInput::stop() {
    started_ = false;
    end_run();
}

void AudioInput::end_run() {
    if (tap_)
        earlier_frames_ += tap_->frames.load();
    tap_.reset();
    if (pipeline_) {
        const BusPtr bus(gst_element_get_bus(pipeline_.get()));
        gst_bus_remove_watch(bus.get());
        release_in_background(std::move(pipeline_));
    }
    ended_ = true;
    ended_at_ = SteadyClock::now();
}

void AudioInput::start_run() {
    end_run();
    ended_ = false;
    ++runs_;
    lane_->set_run(runs_);
    GError* raw_error = nullptr;
    GstElement* parsed = gst_parse_launch_full(description_of(spec_).c_str(), nullptr,
                                               GST_PARSE_FLAG_FATAL_ERRORS, &raw_error);
    const GErrorPtr error(raw_error);
    if (parsed == nullptr || error) {
        if (parsed != nullptr)
            gst_object_unref(parsed);
        error_ = error ? error->message : "cannot build the audio input";
        g_warning("stage %s: audio input %s: %s", stage_id_.c_str(), spec_.language.c_str(),
                  error_.c_str());
        end_run();
        return;
    }
    pipeline_.reset(static_cast<GstElement*>(gst_object_ref_sink(parsed)));
    if (GstElement* src = gst_bin_get_by_name(as_bin(pipeline_.get()), "src"); src != nullptr) {
        if (spec_.uri.starts_with("srt")) {
            g_object_set(as_gobject(src), "uri", srt_listener_uri(spec_.uri).c_str(), nullptr);
            if (!spec_.passphrase.empty())
                g_object_set(as_gobject(src), "passphrase", spec_.passphrase.c_str(), nullptr);
        } else {
            g_object_set(as_gobject(src), "location", spec_.uri.c_str(), nullptr);
        }
        gst_object_unref(src);
    }
    tap_ = std::make_shared<Tap>();
    tap_->lane = lane_;
    tap_->run = runs_;
    GstElement* sink = gst_bin_get_by_name(as_bin(pipeline_.get()), "audio");
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = &on_sample;
    auto* held = new std::shared_ptr<Tap>(tap_);
    hand_over(held);
    gst_app_sink_set_callbacks(
        reinterpret_cast<GstAppSink*>(sink), &callbacks, held,
        [](gpointer data) { delete static_cast<std::shared_ptr<Tap>*>(data); });
    gst_object_unref(sink);
    const BusPtr bus(gst_element_get_bus(pipeline_.get()));
    gst_bus_add_watch(bus.get(), &AudioInput::on_bus_message, this);
    run_started_ = SteadyClock::now();
    if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        const MessagePtr failure(gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR));
        error_ = failure ? describe_bus_error(failure.get(), stage_id_)
                         : std::string("an element refused to start");
        end_run();
    }
}

void AudioInput::watch() {
    lane_->tick();
    if (!started_)
        return;
    const auto now = SteadyClock::now();
    if (ended_) {
        if (now - ended_at_ >= kRetry)
            start_run();
        return;
    }
    // A caller that had sent sound and went silent is gone: SRT notices only after ~5 s,
    // and the next caller needs a fresh listener.
    const int64_t last = tap_ ? tap_->last_ns.load() : 0;
    if (last != 0 && now - SteadyClock::time_point(std::chrono::nanoseconds(last)) >= reset_after_)
        start_run();
}

AudioInputHealth AudioInput::health() const {
    AudioInputHealth h;
    h.language = spec_.language;
    h.rendition = lane_->rendition();
    h.error = error_;
    h.runs = runs_;
    const uint64_t current = tap_ ? tap_->frames.load() : 0;
    h.frames = earlier_frames_ + current;
    h.silent_frames = lane_->silent_frames();
    const int64_t last = tap_ ? tap_->last_ns.load() : 0;
    if (!started_)
        h.state = "stopped";
    else if (last != 0 &&
             SteadyClock::now() - SteadyClock::time_point(std::chrono::nanoseconds(last)) <
                 kReceiving)
        h.state = "receiving";
    else
        h.state = h.frames > 0 ? "lost" : "waiting";
    return h;
}

std::vector<std::string> AudioInput::elements() const {
    return factories_in(pipeline_.get());
}

void AudioInput::handle(GstMessage* message) {
    if (ended_)
        return;
    if (message->type == GST_MESSAGE_ERROR) {
        error_ = describe_bus_error(message, stage_id_);
        end_run();
    } else if (message->type == GST_MESSAGE_EOS) {
        end_run();
    }
}

gboolean AudioInput::on_bus_message(GstBus*, GstMessage* message, gpointer data) {
    try {
        static_cast<AudioInput*>(data)->handle(message);
    } catch (const std::exception& e) {
        g_critical("audio input: exception while handling a bus message: %s", e.what());
    }
    return G_SOURCE_CONTINUE;
}

}  // namespace stagehub::pipelines
