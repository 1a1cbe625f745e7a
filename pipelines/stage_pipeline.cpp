// The stage pipeline: test sources, lower third and clock, H.264 + AAC, hlssink2 to disk.
//
//   videotestsrc → capsfilter → textoverlay → clockoverlay → videoconvert → x264enc
//                → h264parse → hlssink2.video
//   audiotestsrc → audioconvert → audioresample → capsfilter → avenc_aac → aacparse
//                → hlssink2.audio
#include "pipelines/stage_pipeline.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "pipelines/gst_ptr.hpp"

namespace stagehub::pipelines {
namespace {

// Which Debian package provides an element, for the error a user sees when it is missing.
constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kElementPackages{{
    {"videotestsrc", "gstreamer1.0-plugins-base"},
    {"audiotestsrc", "gstreamer1.0-plugins-base"},
    {"textoverlay", "gstreamer1.0-x"},
    {"clockoverlay", "gstreamer1.0-x"},
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

std::string_view debian_package(std::string_view factory) {
    for (const auto& [name, package] : kElementPackages) {
        if (name == factory)
            return package;
    }
    return "that provides it";
}

// Our own full reference to a new element (factory_make returns a floating one), so an
// exception between here and gst_bin_add cannot leak it.
ElementPtr make_element(const char* factory, const char* name, const std::string& stage_id) {
    GstElement* element = gst_element_factory_make(factory, name);
    if (element == nullptr) {
        throw std::runtime_error("stage " + stage_id + ": GStreamer element '" + factory +
                                 "' is missing; install the Debian package " +
                                 std::string(debian_package(factory)));
    }
    return ElementPtr(static_cast<GstElement*>(gst_object_ref_sink(element)));
}

// Enum and flags properties by their nick ("bottom", "zerolatency"): readable, and immune to
// the numbering of a plugin's enums.
void set_nick(GstElement* element, const char* property, const char* nick) {
    gst_util_set_object_arg(as_gobject(element), property, nick);
}

void set_caps(GstElement* capsfilter, const CapsPtr& caps) {
    g_object_set(as_gobject(capsfilter), "caps", caps.get(), nullptr);
}

// hlssink2 passes `location` through printf to number the segments: a '%' in the folder
// name must not be read as a conversion.
std::string escape_printf(const std::string& text) {
    std::string escaped;
    for (const char c : text) {
        escaped += c;
        if (c == '%')
            escaped += '%';
    }
    return escaped;
}

std::string utc_stamp() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::array<char, 32> text{};
    std::strftime(text.data(), text.size(), "%Y%m%dT%H%M%SZ", &utc);
    return text.data();
}

// A run id for segment names, unique in `dir`: segments are served as immutable, so a name
// must never be written twice. The start time in UTC, plus a counter when a run already
// started in the same second (a quick restart).
std::string unused_run_id(const std::filesystem::path& dir) {
    const std::string stamp = utc_stamp();
    for (int n = 1;; ++n) {
        const std::string id = n == 1 ? stamp : stamp + "-" + std::to_string(n);
        const std::string prefix = "seg-" + id + "-";
        std::error_code ec;
        bool taken = false;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
            if (entry.path().filename().string().starts_with(prefix)) {
                taken = true;
                break;
            }
        }
        if (!taken)
            return id;
    }
}

// textoverlay reads its "text" as Pango markup: the user's text is escaped, so "&" and "<" in
// a title show as typed, and the markup is ours alone (bold title, lighter second line).
std::string lower_third_markup(const LowerThird& text) {
    std::string markup;
    if (!text.title.empty()) {
        const GCharPtr title(g_markup_escape_text(text.title.c_str(), -1));
        markup += std::string("<b>") + title.get() + "</b>";
    }
    if (!text.subtitle.empty()) {
        const GCharPtr subtitle(g_markup_escape_text(text.subtitle.c_str(), -1));
        if (!markup.empty())
            markup += '\n';
        markup += std::string("<span size=\"smaller\">") + subtitle.get() + "</span>";
    }
    return markup;
}

std::string segment_file_name(const std::string& run_id, unsigned index) {
    std::array<char, 16> number{};
    std::snprintf(number.data(), number.size(), "%05u", index);
    return "seg-" + run_id + "-" + number.data() + ".ts";
}

enum class RunState { idle, playing, stopping };

}  // namespace

struct StagePipeline::Impl {
    // Passed by argument.
    StagePipelineConfig config;
    Listener& listener;
    LowerThird lower_third;  // what the overlay shows; kept across runs

    // Allocated by this, per run.
    ElementPtr pipeline;
    GstElement* overlay = nullptr;  // owned by `pipeline`
    GstElement* hls = nullptr;      // owned by `pipeline`
    std::string run_id;
    MainContextPtr context;  // where the bus watch and the stop timer run
    SourcePtr stop_timer;
    RunState state = RunState::idle;
    // hlssink2 (1.22) posts no message of its own per segment. It forwards its splitmuxsink's
    // "splitmuxsink-fragment-opened/-closed" (with "running-time", but no location: the files
    // are written through hlssink2's streams) after listing the fragment in the playlist.
    // Fragment ids start at 0 and grow by one, and `location` is printf'd with the id, so the
    // k-th closed fragment is file k.
    GstClockTime fragment_opened_at = 0;
    std::chrono::system_clock::time_point fragment_opened_wall{};
    unsigned fragments_closed = 0;
    bool fragment_opened = false;
    // hlssink2 turns an EOS that arrives before its first fragment has opened into an ERROR
    // ("Fragment closed without knowing its location"). So a stop() that early waits for the
    // first fragment to open (the bus delivers in order, so one in flight is seen), then
    // sends EOS; the stop timer still bounds the wait if no media ever flows.
    bool eos_pending = false;

    Impl(StagePipelineConfig c, Listener& l) : config(std::move(c)), listener(l) {}

    [[noreturn]] void throw_error(const std::string& what) const {
        throw std::runtime_error("stage " + config.stage_id + ": " + what);
    }

    void build();
    void teardown();
    void cancel_stop_timer();
    void arm_stop_timer(unsigned timeout_ms);
    void end_run(const std::string* error);
    void send_eos();
    void handle(GstMessage* message);
    void handle_element_message(GstMessage* message);
    std::chrono::system_clock::time_point wall_clock_of(GstClockTime running_time) const;
    std::string describe_error(GstMessage* message) const;

    static gboolean on_bus_message(GstBus* bus, GstMessage* message, gpointer data);
    static gboolean on_stop_timeout(gpointer data);
};

void StagePipeline::Impl::build() {
    const std::string& id = config.stage_id;
    if (config.segment_seconds < 1 || config.framerate < 1 || config.width < 16 ||
        config.height < 16 || config.playlist_length < 0) {
        throw_error("invalid pipeline configuration");
    }

    // Every element first: a missing plugin fails before anything touches the disk.
    ElementPtr video_source = make_element("videotestsrc", "video-source", id);
    ElementPtr video_caps = make_element("capsfilter", "video-caps", id);
    ElementPtr text = make_element("textoverlay", "lower-third", id);
    ElementPtr clock = make_element("clockoverlay", "clock", id);
    ElementPtr video_convert = make_element("videoconvert", "video-convert", id);
    ElementPtr video_encoder = make_element("x264enc", "video-encoder", id);
    ElementPtr video_parser = make_element("h264parse", "video-parser", id);
    ElementPtr audio_source = make_element("audiotestsrc", "audio-source", id);
    ElementPtr audio_convert = make_element("audioconvert", "audio-convert", id);
    ElementPtr audio_resample = make_element("audioresample", "audio-resample", id);
    ElementPtr audio_caps = make_element("capsfilter", "audio-caps", id);
    ElementPtr audio_encoder = make_element("avenc_aac", "audio-encoder", id);
    ElementPtr audio_parser = make_element("aacparse", "audio-parser", id);
    ElementPtr sink = make_element("hlssink2", "hls", id);

    std::error_code ec;
    std::filesystem::create_directories(config.output_dir, ec);
    if (ec)
        throw_error("cannot create " + config.output_dir.string() + ": " + ec.message());
    if (access(config.output_dir.c_str(), W_OK | X_OK) != 0)
        throw_error("cannot write to " + config.output_dir.string());

    // A moving ball on a calm background: motion shows at a glance that the picture is live.
    g_object_set(as_gobject(video_source.get()), "is-live", TRUE, "background-color", 0xff1f3a5fu,
                 "foreground-color", 0xffffffffu, nullptr);
    set_nick(video_source.get(), "pattern", "ball");
    // I420 from the start: what x264enc takes, and cheap for the overlays to draw on.
    set_caps(video_caps.get(), CapsPtr(gst_caps_new_simple(
                                   "video/x-raw", "format", G_TYPE_STRING, "I420", "width",
                                   G_TYPE_INT, config.width, "height", G_TYPE_INT, config.height,
                                   "framerate", GST_TYPE_FRACTION, config.framerate, 1, nullptr)));

    // Font sizes are for a 640-pixel-wide picture: textoverlay's auto-resize (on by default)
    // scales them with the width, so the layout holds from 320x180 to 1080p. Scaling them
    // here too would square the factor. The padding is not scaled by textoverlay: keep the
    // text inside the 5% action-safe margin ourselves.
    const int xpad = config.width / 20;
    const int ypad = config.height / 20;
    g_object_set(as_gobject(text.get()), "font-desc", "Sans 14", "shaded-background", TRUE, "xpad",
                 xpad, "ypad", ypad, "text", lower_third_markup(lower_third).c_str(), nullptr);
    set_nick(text.get(), "valignment", "bottom");
    set_nick(text.get(), "halignment", "left");
    set_nick(text.get(), "line-alignment", "left");
    set_nick(text.get(), "wrap-mode", "word");
    // Wall-clock time top right: shows the picture is live, and lets a test read
    // glass-to-glass latency off the picture.
    g_object_set(as_gobject(clock.get()), "font-desc", "Sans 11", "shaded-background", TRUE, "xpad",
                 xpad, "ypad", ypad, "time-format", "%H:%M:%S", nullptr);
    set_nick(clock.get(), "valignment", "top");
    set_nick(clock.get(), "halignment", "right");

    // A keyframe exactly every segment, so each segment starts on one and plays on its own
    // (hlssink2 also asks upstream for a keyframe at each split).
    const auto keyframe_interval = static_cast<guint>(config.framerate * config.segment_seconds);
    g_object_set(as_gobject(video_encoder.get()), "bitrate", static_cast<guint>(config.video_kbps),
                 "key-int-max", keyframe_interval, nullptr);
    set_nick(video_encoder.get(), "tune", "zerolatency");
    set_nick(video_encoder.get(), "speed-preset", "veryfast");
    // SPS/PPS before every keyframe: a player may join at any segment.
    g_object_set(as_gobject(video_parser.get()), "config-interval", -1, nullptr);

    g_object_set(as_gobject(audio_source.get()), "is-live", TRUE, "freq", 440.0, "volume", 0.1,
                 nullptr);
    set_nick(audio_source.get(), "wave", "sine");
    set_caps(audio_caps.get(), CapsPtr(gst_caps_new_simple("audio/x-raw", "rate", G_TYPE_INT, 48000,
                                                           "channels", G_TYPE_INT, 2, nullptr)));
    g_object_set(as_gobject(audio_encoder.get()), "bitrate", config.audio_kbps * 1000, nullptr);

    run_id = unused_run_id(config.output_dir);
    const std::string segments =
        escape_printf((config.output_dir / ("seg-" + run_id + "-")).string()) + "%05d.ts";
    const std::string playlist = (config.output_dir / config.playlist_name).string();
    // max-files 0: every segment stays on disk, as the replay archive.
    g_object_set(as_gobject(sink.get()), "location", segments.c_str(), "playlist-location",
                 playlist.c_str(), "target-duration", static_cast<guint>(config.segment_seconds),
                 "playlist-length", static_cast<guint>(config.playlist_length), "max-files", 0u,
                 nullptr);

    ElementPtr bin(
        static_cast<GstElement*>(gst_object_ref_sink(gst_pipeline_new(("stage-" + id).c_str()))));
    gst_bin_add_many(as_bin(bin.get()), video_source.get(), video_caps.get(), text.get(),
                     clock.get(), video_convert.get(), video_encoder.get(), video_parser.get(),
                     audio_source.get(), audio_convert.get(), audio_resample.get(),
                     audio_caps.get(), audio_encoder.get(), audio_parser.get(), sink.get(),
                     nullptr);
    const bool linked =
        gst_element_link_many(video_source.get(), video_caps.get(), text.get(), clock.get(),
                              video_convert.get(), video_encoder.get(), video_parser.get(),
                              nullptr) &&
        gst_element_link_many(audio_source.get(), audio_convert.get(), audio_resample.get(),
                              audio_caps.get(), audio_encoder.get(), audio_parser.get(), nullptr) &&
        gst_element_link_pads(video_parser.get(), "src", sink.get(), "video") &&
        gst_element_link_pads(audio_parser.get(), "src", sink.get(), "audio");
    if (!linked)
        throw_error("cannot link the broadcast pipeline");

    pipeline = std::move(bin);
    overlay = text.get();
    hls = sink.get();
    fragment_opened_at = 0;
    fragments_closed = 0;
    fragment_opened = false;
    eos_pending = false;
    // gst_bus_add_watch attaches to the thread-default context; the stop timer must run on
    // the same one, so remember it.
    context.reset(g_main_context_ref_thread_default());
    const BusPtr bus(gst_element_get_bus(pipeline.get()));
    gst_bus_add_watch(bus.get(), &Impl::on_bus_message, this);
}

// Back to no pipeline at all. Setting NULL from PLAYING makes hlssink2 close the playlist
// with #EXT-X-ENDLIST, though the segment being written is left unlisted.
void StagePipeline::Impl::teardown() {
    cancel_stop_timer();
    if (pipeline) {
        const BusPtr bus(gst_element_get_bus(pipeline.get()));
        gst_bus_remove_watch(bus.get());
        gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    }
    pipeline.reset();
    overlay = nullptr;
    hls = nullptr;
    state = RunState::idle;
}

void StagePipeline::Impl::cancel_stop_timer() {
    if (stop_timer) {
        g_source_destroy(stop_timer.get());
        stop_timer.reset();
    }
}

void StagePipeline::Impl::arm_stop_timer(unsigned timeout_ms) {
    stop_timer.reset(g_timeout_source_new(timeout_ms));
    g_source_set_callback(stop_timer.get(), &Impl::on_stop_timeout, this, nullptr);
    g_source_attach(stop_timer.get(), context.get());
}

// The one way a run ends: NULL state, then exactly one report. The report comes last, as
// the listener may destroy us. The pipeline object stays (in NULL, its bus flushed) until
// the next start() or the destructor, so this is safe inside its own bus watch.
void StagePipeline::Impl::end_run(const std::string* error) {
    cancel_stop_timer();
    state = RunState::idle;
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    if (error != nullptr) {
        listener.on_pipeline_error(config.stage_id, *error);
    } else {
        listener.on_pipeline_stopped(config.stage_id);
    }
}

// To the pipeline, which hands EOS to every source; it flows down and finalises the files.
void StagePipeline::Impl::send_eos() {
    eos_pending = false;
    gst_element_send_event(pipeline.get(), gst_event_new_eos());
}

std::string StagePipeline::Impl::describe_error(GstMessage* message) const {
    GError* raw_error = nullptr;
    gchar* raw_debug = nullptr;
    gst_message_parse_error(message, &raw_error, &raw_debug);
    const GErrorPtr error(raw_error);
    const GCharPtr debug(raw_debug);
    const GCharPtr source(gst_object_get_name(message->src));
    std::string text = std::string(source ? source.get() : "?") + ": " +
                       (error ? error->message : "unknown error");
    g_warning("stage %s: error from %s (%s)", config.stage_id.c_str(), text.c_str(),
              debug ? debug.get() : "no details");
    return text;
}

void StagePipeline::Impl::handle(GstMessage* message) {
    switch (message->type) {
        case GST_MESSAGE_ERROR: {
            const std::string text = describe_error(message);
            if (state != RunState::idle)
                end_run(&text);
            return;
        }
        case GST_MESSAGE_WARNING: {
            GError* raw_error = nullptr;
            gchar* raw_debug = nullptr;
            gst_message_parse_warning(message, &raw_error, &raw_debug);
            const GErrorPtr error(raw_error);
            const GCharPtr debug(raw_debug);
            const GCharPtr source(gst_object_get_name(message->src));
            g_warning("stage %s: warning from %s: %s (%s)", config.stage_id.c_str(),
                      source ? source.get() : "?", error ? error->message : "?",
                      debug ? debug.get() : "no details");
            return;
        }
        case GST_MESSAGE_EOS:
            // The pipeline posts EOS once every sink has it; hlssink2 has by then closed
            // the last segment, listed it and rewritten the playlist with #EXT-X-ENDLIST.
            if (state != RunState::idle)
                end_run(nullptr);
            return;
        case GST_MESSAGE_ELEMENT:
            handle_element_message(message);
            return;
        default:
            return;
    }
}

// The wall-clock time at which the pipeline's running time was `running_time`: now, minus
// how far the running time has moved on since. The pipeline clock is the system clock, so
// this is exact up to the time between the two clock reads.
std::chrono::system_clock::time_point StagePipeline::Impl::wall_clock_of(
    GstClockTime running_time) const {
    const auto wall_now = std::chrono::system_clock::now();
    GstClock* clock = gst_element_get_clock(pipeline.get());
    if (clock == nullptr)
        return wall_now;
    const GstClockTime clock_now = gst_clock_get_time(clock);
    gst_object_unref(clock);
    const GstClockTime base = gst_element_get_base_time(pipeline.get());
    const GstClockTime running_now = clock_now > base ? clock_now - base : 0;
    const GstClockTime behind = running_now > running_time ? running_now - running_time : 0;
    return wall_now - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                          std::chrono::nanoseconds(behind));
}

void StagePipeline::Impl::handle_element_message(GstMessage* message) {
    const GstStructure* s = gst_message_get_structure(message);
    if (s == nullptr || state == RunState::idle ||
        !gst_object_has_as_ancestor(message->src, as_gst_object(hls))) {
        return;
    }
    GstClockTime running_time = 0;
    if (!gst_structure_get_clock_time(s, "running-time", &running_time))
        return;
    if (gst_structure_has_name(s, "splitmuxsink-fragment-opened")) {
        fragment_opened_at = running_time;
        fragment_opened_wall = wall_clock_of(running_time);
        fragment_opened = true;
        if (eos_pending)
            send_eos();
    } else if (gst_structure_has_name(s, "splitmuxsink-fragment-closed")) {
        ClosedSegment segment;
        segment.index = fragments_closed++;
        segment.path = config.output_dir / segment_file_name(run_id, segment.index);
        segment.run_id = run_id;
        segment.started_at = fragment_opened_wall;
        segment.duration_s = static_cast<double>(running_time - fragment_opened_at) /
                             static_cast<double>(GST_SECOND);
        listener.on_segment_closed(config.stage_id, segment);
    }
}

// Runs on the loop thread. No exception may unwind into GLib.
gboolean StagePipeline::Impl::on_bus_message(GstBus*, GstMessage* message, gpointer data) {
    auto* self = static_cast<Impl*>(data);
    try {
        self->handle(message);
    } catch (const std::exception& e) {
        g_critical("stage pipeline: exception while handling a bus message: %s", e.what());
    } catch (...) {
        g_critical("stage pipeline: unknown exception while handling a bus message");
    }
    return G_SOURCE_CONTINUE;
}

gboolean StagePipeline::Impl::on_stop_timeout(gpointer data) {
    auto* self = static_cast<Impl*>(data);
    try {
        g_warning(
            "stage %s: no end of stream within the stop timeout; forcing the stop, the "
            "last segment may be missing from the playlist",
            self->config.stage_id.c_str());
        // end_run() destroys this source while it dispatches, which GLib allows.
        self->end_run(nullptr);
    } catch (...) {
        g_critical("stage pipeline: exception in the stop timeout");
    }
    return G_SOURCE_REMOVE;
}

StagePipeline::StagePipeline(StagePipelineConfig config, Listener& listener)
    : impl_(std::make_unique<Impl>(std::move(config), listener)) {}

StagePipeline::~StagePipeline() {
    impl_->teardown();
}

void StagePipeline::start() {
    if (impl_->state != RunState::idle)
        return;
    impl_->teardown();
    try {
        impl_->build();
    } catch (...) {
        impl_->teardown();
        throw;
    }
    if (gst_element_set_state(impl_->pipeline.get(), GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE) {
        // The element that refused has posted why; say it in the exception, not later
        // through the listener.
        const BusPtr bus(gst_element_get_bus(impl_->pipeline.get()));
        const MessagePtr error(gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR));
        const std::string why =
            error ? impl_->describe_error(error.get()) : std::string("an element refused to start");
        impl_->teardown();
        impl_->throw_error("the broadcast pipeline failed to start: " + why);
    }
    impl_->state = RunState::playing;
}

void StagePipeline::set_lower_third(const LowerThird& text) {
    impl_->lower_third = text;
    if (impl_->overlay != nullptr) {
        g_object_set(as_gobject(impl_->overlay), "text", lower_third_markup(text).c_str(), nullptr);
    }
}

void StagePipeline::stop(unsigned timeout_ms) {
    if (impl_->state != RunState::playing)
        return;
    impl_->state = RunState::stopping;
    impl_->arm_stop_timer(timeout_ms);
    if (impl_->fragment_opened)
        impl_->send_eos();
    else
        impl_->eos_pending = true;
}

bool StagePipeline::running() const {
    return impl_->state != RunState::idle;
}

const StagePipelineConfig& StagePipeline::config() const {
    return impl_->config;
}

}  // namespace stagehub::pipelines
