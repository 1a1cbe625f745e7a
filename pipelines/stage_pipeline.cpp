#include "pipelines/stage_pipeline.hpp"

#include <glib.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <utility>

#include "pipelines/gst_ptr.hpp"

namespace stagehub::pipelines {
namespace {

// Which Debian package provides an element, for the error a user sees when it is missing.
constexpr std::array<std::pair<const char*, const char*>, 13> kElementPackages{{
    {"videotestsrc", "gstreamer1.0-plugins-base"},
    {"audiotestsrc", "gstreamer1.0-plugins-base"},
    {"textoverlay", "gstreamer1.0-plugins-base"},
    {"clockoverlay", "gstreamer1.0-plugins-base"},
    {"videoconvert", "gstreamer1.0-plugins-base"},
    {"audioconvert", "gstreamer1.0-plugins-base"},
    {"audioresample", "gstreamer1.0-plugins-base"},
    {"capsfilter", "libgstreamer1.0-0"},
    {"x264enc", "gstreamer1.0-plugins-ugly"},
    {"h264parse", "gstreamer1.0-plugins-bad"},
    {"aacparse", "gstreamer1.0-plugins-good"},
    {"hlssink2", "gstreamer1.0-plugins-bad"},
    {"avenc_aac", "gstreamer1.0-libav"},
}};

GstElement* make(const char* factory, const std::string& stage_id) {
    GstElement* element = gst_element_factory_make(factory, nullptr);
    if (element != nullptr)
        return element;
    const char* package = "a GStreamer plugin package";
    for (const auto& [name, provider] : kElementPackages) {
        if (std::string_view(name) == factory)
            package = provider;
    }
    throw std::runtime_error("stage " + stage_id + ": GStreamer element '" + factory +
                             "' is missing; install the Debian package " + package);
}

GstCaps* caps(const char* text) {
    return gst_caps_from_string(text);
}

// A run id unique per start, so segment names (served as immutable) never repeat.
std::string run_id() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%S", &utc);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    return std::string(text) + std::to_string(1000 + millis).substr(1);
}

GObject* as_object(GstElement* e) {
    return reinterpret_cast<GObject*>(e);
}

// Enum properties by their nick ("bottom", "zerolatency"): readable, and immune to the
// numbering of a plugin's enums.
void set_enum(GstElement* element, const char* property, const char* nick) {
    gst_util_set_object_arg(as_object(element), property, nick);
}

}  // namespace

struct StagePipeline::Impl {
    StagePipelineConfig config;
    Listener& listener;
    ElementPtr pipeline;
    GstElement* overlay = nullptr;  // owned by the pipeline
    std::string segment_prefix;     // output_dir/seg-<run>-, completed by a 5-digit index
    guint64 fragment_opened_at = 0;
    unsigned fragments_closed = 0;
    guint bus_watch = 0;
    guint stop_timer = 0;
    bool running = false;
    bool stopping = false;

    Impl(StagePipelineConfig c, Listener& l) : config(std::move(c)), listener(l) {}

    void build();
    std::filesystem::path segment_path(unsigned index) const {
        char number[16];
        std::snprintf(number, sizeof number, "%05u", index);
        return segment_prefix + number + ".ts";
    }
    void finish_stop();
    void fail(const std::string& message);
    static gboolean on_bus_message(GstBus* bus, GstMessage* message, gpointer data);
};

void StagePipeline::Impl::build() {
    const std::string& id = config.stage_id;
    pipeline.reset(gst_pipeline_new(("stage-" + id).c_str()));
    gst_object_ref_sink(pipeline.get());

    GstElement* video_source = make("videotestsrc", id);
    GstElement* video_caps = make("capsfilter", id);
    overlay = make("textoverlay", id);
    GstElement* clock = make("clockoverlay", id);
    GstElement* convert = make("videoconvert", id);
    GstElement* encoder = make("x264enc", id);
    GstElement* h264 = make("h264parse", id);
    GstElement* audio_source = make("audiotestsrc", id);
    GstElement* audio_convert = make("audioconvert", id);
    GstElement* resample = make("audioresample", id);
    GstElement* audio_caps = make("capsfilter", id);
    GstElement* aac = make("avenc_aac", id);
    GstElement* aac_parse = make("aacparse", id);
    GstElement* sink = make("hlssink2", id);

    gst_bin_add_many(reinterpret_cast<GstBin*>(pipeline.get()), video_source, video_caps, overlay,
                     clock, convert, encoder, h264, audio_source, audio_convert, resample,
                     audio_caps, aac, aac_parse, sink, nullptr);

    // A moving ball on a calm background: motion shows at a glance that the picture is live.
    g_object_set(as_object(video_source), "is-live", TRUE, "background-color", 0xff1f3a5fu,
                 "foreground-color", 0xffffffffu, nullptr);
    set_enum(video_source, "pattern", "ball");
    GstCaps* video = gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT, config.width, "height",
                                         G_TYPE_INT, config.height, "framerate", GST_TYPE_FRACTION,
                                         config.framerate, 1, nullptr);
    g_object_set(as_object(video_caps), "caps", video, nullptr);
    gst_caps_unref(video);

    // Font sizes follow the picture height so the layout holds from 360p to 1080p.
    const int font_size = std::max(6, config.height / 40);
    const std::string title_font = "Sans " + std::to_string(font_size);
    g_object_set(as_object(overlay), "shaded-background", TRUE, "font-desc", title_font.c_str(),
                 "xpad", config.width / 32, "ypad", config.height / 16, "text", "", nullptr);
    set_enum(overlay, "valignment", "bottom");
    set_enum(overlay, "halignment", "left");
    set_enum(overlay, "line-alignment", "left");
    set_enum(overlay, "wrap-mode", "word");
    // Wall-clock time in a corner: shows the picture is live, and later lets a test read
    // glass-to-glass latency off the picture.
    const std::string clock_font = "Sans " + std::to_string(std::max(5, font_size * 3 / 4));
    g_object_set(as_object(clock), "shaded-background", TRUE, "font-desc", clock_font.c_str(),
                 "time-format", "%H:%M:%S", nullptr);
    set_enum(clock, "valignment", "top");
    set_enum(clock, "halignment", "right");

    const int keyframe_interval = config.framerate * config.segment_seconds;
    g_object_set(as_object(encoder), "bitrate", static_cast<guint>(config.video_kbps),
                 "key-int-max", static_cast<guint>(keyframe_interval), nullptr);
    set_enum(encoder, "tune", "zerolatency");
    set_enum(encoder, "speed-preset", "veryfast");
    // Every segment must start on a keyframe; h264parse repeats SPS/PPS in-band so each
    // segment decodes on its own.
    g_object_set(as_object(h264), "config-interval", -1, nullptr);

    g_object_set(as_object(audio_source), "is-live", TRUE, "freq", 440.0, "volume", 0.05, nullptr);
    set_enum(audio_source, "wave", "sine");
    GstCaps* audio = caps("audio/x-raw,rate=48000,channels=2");
    g_object_set(as_object(audio_caps), "caps", audio, nullptr);
    gst_caps_unref(audio);
    g_object_set(as_object(aac), "bitrate", config.audio_kbps * 1000, nullptr);

    std::error_code ec;
    std::filesystem::create_directories(config.output_dir, ec);
    if (ec) {
        throw std::runtime_error("stage " + id + ": cannot create " + config.output_dir.string() +
                                 ": " + ec.message());
    }
    segment_prefix = (config.output_dir / ("seg-" + run_id() + "-")).string();
    fragments_closed = 0;
    const std::string segments = segment_prefix + "%05d.ts";
    const std::string playlist = (config.output_dir / "index.m3u8").string();
    g_object_set(as_object(sink), "location", segments.c_str(), "playlist-location",
                 playlist.c_str(), "target-duration", static_cast<guint>(config.segment_seconds),
                 "playlist-length", static_cast<guint>(config.playlist_length), "max-files", 0u,
                 nullptr);

    const bool linked = gst_element_link_many(video_source, video_caps, overlay, clock, convert,
                                              encoder, h264, nullptr) &&
                        gst_element_link_many(audio_source, audio_convert, resample, audio_caps,
                                              aac, aac_parse, nullptr) &&
                        gst_element_link_pads(h264, "src", sink, "video") &&
                        gst_element_link_pads(aac_parse, "src", sink, "audio");
    if (!linked)
        throw std::runtime_error("stage " + id + ": cannot link the broadcast pipeline");

    BusPtr bus(gst_element_get_bus(pipeline.get()));
    bus_watch = gst_bus_add_watch(bus.get(), &Impl::on_bus_message, this);
}

void StagePipeline::Impl::fail(const std::string& message) {
    running = false;
    if (stop_timer != 0) {
        g_source_remove(stop_timer);
        stop_timer = 0;
    }
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    listener.on_pipeline_error(config.stage_id, message);
}

void StagePipeline::Impl::finish_stop() {
    if (!running)
        return;
    running = false;
    if (stop_timer != 0) {
        g_source_remove(stop_timer);
        stop_timer = 0;
    }
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    listener.on_pipeline_stopped(config.stage_id);
}

gboolean StagePipeline::Impl::on_bus_message(GstBus*, GstMessage* message, gpointer data) {
    auto* self = static_cast<Impl*>(data);
    switch (GST_MESSAGE_TYPE(message)) {
        case GST_MESSAGE_ERROR: {
            GError* raw_error = nullptr;
            gchar* raw_debug = nullptr;
            gst_message_parse_error(message, &raw_error, &raw_debug);
            const GErrorPtr error(raw_error);
            const GCharPtr debug(raw_debug);
            const GCharPtr source(gst_object_get_name(GST_MESSAGE_SRC(message)));
            const std::string text = std::string(source.get()) + ": " + error->message;
            g_warning("stage %s: pipeline error from %s (%s)", self->config.stage_id.c_str(),
                      text.c_str(), debug ? debug.get() : "no details");
            if (self->running)
                self->fail(text);
            break;
        }
        case GST_MESSAGE_WARNING: {
            GError* raw_error = nullptr;
            gchar* raw_debug = nullptr;
            gst_message_parse_warning(message, &raw_error, &raw_debug);
            const GErrorPtr error(raw_error);
            const GCharPtr debug(raw_debug);
            g_warning("stage %s: %s", self->config.stage_id.c_str(), error->message);
            break;
        }
        case GST_MESSAGE_EOS:
            self->finish_stop();
            break;
        case GST_MESSAGE_ELEMENT: {
            // hlssink2 (1.22) forwards its splitmuxsink's fragment messages, without a
            // location (it writes through its own streams). Fragments are numbered from 0
            // in order, so the k-th closed fragment is segment_name(k).
            const GstStructure* s = gst_message_get_structure(message);
            guint64 running_time = 0;
            if (s == nullptr || !gst_structure_get_uint64(s, "running-time", &running_time))
                break;
            if (gst_structure_has_name(s, "splitmuxsink-fragment-opened")) {
                self->fragment_opened_at = running_time;
            } else if (gst_structure_has_name(s, "splitmuxsink-fragment-closed")) {
                const double duration =
                    static_cast<double>(running_time - self->fragment_opened_at) / GST_SECOND;
                self->listener.on_segment_closed(
                    self->config.stage_id, self->segment_path(self->fragments_closed++), duration);
            }
            break;
        }
        default:
            break;
    }
    return G_SOURCE_CONTINUE;
}

StagePipeline::StagePipeline(StagePipelineConfig config, Listener& listener)
    : impl_(std::make_unique<Impl>(std::move(config), listener)) {}

StagePipeline::~StagePipeline() {
    if (impl_->stop_timer != 0)
        g_source_remove(impl_->stop_timer);
    if (impl_->bus_watch != 0)
        g_source_remove(impl_->bus_watch);
    if (impl_->pipeline)
        gst_element_set_state(impl_->pipeline.get(), GST_STATE_NULL);
}

void StagePipeline::start() {
    if (impl_->running)
        return;
    impl_->build();
    if (gst_element_set_state(impl_->pipeline.get(), GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE) {
        gst_element_set_state(impl_->pipeline.get(), GST_STATE_NULL);
        throw std::runtime_error("stage " + impl_->config.stage_id +
                                 ": the broadcast pipeline failed to start (see the log for the "
                                 "element that refused)");
    }
    impl_->running = true;
    impl_->stopping = false;
}

void StagePipeline::set_lower_third(const LowerThird& text) {
    if (impl_->overlay == nullptr)
        return;
    // textoverlay reads Pango markup: escape, so "<" and "&" in titles show as typed.
    const GCharPtr title(g_markup_escape_text(text.title.c_str(), -1));
    std::string markup = std::string("<b>") + title.get() + "</b>";
    if (!text.subtitle.empty()) {
        const GCharPtr subtitle(g_markup_escape_text(text.subtitle.c_str(), -1));
        markup +=
            std::string("\n<span size=\"80%\" weight=\"normal\">") + subtitle.get() + "</span>";
    }
    g_object_set(as_object(impl_->overlay), "text", markup.c_str(), nullptr);
}

void StagePipeline::stop(unsigned timeout_ms) {
    if (!impl_->running || impl_->stopping)
        return;
    impl_->stopping = true;
    gst_element_send_event(impl_->pipeline.get(), gst_event_new_eos());
    impl_->stop_timer = g_timeout_add(
        timeout_ms,
        [](gpointer data) -> gboolean {
            auto* self = static_cast<Impl*>(data);
            self->stop_timer = 0;
            g_warning("stage %s: no end of stream within the stop timeout; files may be cut short",
                      self->config.stage_id.c_str());
            self->finish_stop();
            return G_SOURCE_REMOVE;
        },
        impl_.get());
}

bool StagePipeline::running() const {
    return impl_->running;
}
const StagePipelineConfig& StagePipeline::config() const {
    return impl_->config;
}

}  // namespace stagehub::pipelines
