#include "pipelines/program_pipeline.hpp"

#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>

#include "pipelines/gst_util.hpp"
#include "schedule/safe_path.hpp"

namespace stagehub::pipelines {
namespace {

// Three seconds of media in any queue before it pushes back: the encoders of the smaller
// renditions may lag the passthrough by that much without stalling it.
constexpr guint64 kQueueTime = 3 * GST_SECOND;

void size_queue(GstElement* queue) {
    g_object_set(as_gobject(queue), "max-size-time", kQueueTime, "max-size-buffers", 0u,
                 "max-size-bytes", 0u, nullptr);
}

std::string segment_file_name(const std::string& run_id, unsigned index) {
    std::array<char, 16> number{};
    std::snprintf(number.data(), number.size(), "%05u", index);
    return "seg-" + run_id + "-" + number.data() + ".ts";
}

GstElement* splitmuxsink_of(GstElement* hlssink2) {
    GstIterator* it = gst_bin_iterate_elements(as_bin(hlssink2));
    GValue item = G_VALUE_INIT;
    GstElement* found = nullptr;
    while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
        auto* element = static_cast<GstElement*>(g_value_get_object(&item));
        GstElementFactory* factory = gst_element_get_factory(element);
        if (factory != nullptr &&
            std::string(gst_plugin_feature_get_name(factory)) == "splitmuxsink") {
            found = element;
        }
        g_value_reset(&item);
    }
    g_value_unset(&item);
    gst_iterator_free(it);
    return found;  // owned by hlssink2
}

enum class RunState { idle, playing, stopping };

}  // namespace

std::string avc_codec_of(const GstCaps* caps) {
    if (caps == nullptr || gst_caps_get_size(caps) == 0)
        return "avc1.640028";
    const GstStructure* s = gst_caps_get_structure(caps, 0);
    const char* profile = gst_structure_get_string(s, "profile");
    const char* level = gst_structure_get_string(s, "level");
    const std::string p = profile != nullptr ? profile : "high";
    std::string prefix = "6400";  // profile_idc, then the constraint flags
    if (p == "constrained-baseline")
        prefix = "42E0";
    else if (p == "baseline")
        prefix = "4200";
    else if (p == "main")
        prefix = "4D40";
    else if (p == "high-4:4:4")
        prefix = "F400";
    else if (p == "high-10")
        prefix = "6E00";
    const double level_number = level != nullptr ? g_ascii_strtod(level, nullptr) : 4.0;
    std::array<char, 8> level_hex{};
    std::snprintf(level_hex.data(), level_hex.size(), "%02X",
                  static_cast<unsigned>(level_number * 10.0 + 0.5));
    return "avc1." + prefix + level_hex.data();
}

// One HLS rendition: an hlssink2 and what its fragments have told us.
struct Rendition {
    std::string name;
    bool audio_only = false;
    bool encoded = false;
    GstElement* sink = nullptr;  // hlssink2, owned by the pipeline
    std::filesystem::path dir;
    unsigned closed = 0;
    bool opened = false;
    GstClockTime opened_at = 0;
    std::chrono::system_clock::time_point opened_wall{};
    bool opened_after_switch = false;
    int64_t peak_bps = 0;
    // Encoded renditions: the source keyframes still to force (program PTS), filled on the
    // source's parser pad, drained where the decoded frame reaches this rendition's encoder.
    std::mutex keyframes_mutex;
    std::deque<GstClockTime> keyframes;
    // An extra sound's rendition: its lane and the appsrc the lane feeds.
    std::shared_ptr<AudioLane> lane;
    GstElement* lane_src = nullptr;
};

struct ProgramPipeline::Impl {
    // Passed by argument.
    ProgramConfig config;
    std::shared_ptr<SourceSwitch> input;
    Listener& listener;

    // Allocated by this, per run.
    ElementPtr pipeline;
    GstElement* video_src = nullptr;  // appsrcs, owned by the pipeline
    GstElement* audio_src = nullptr;
    GstElement* video_tee = nullptr;
    GstElement* audio_tee = nullptr;
    std::vector<std::unique_ptr<Rendition>> renditions;
    std::string run_id;
    RunState state = RunState::idle;
    GstClockTime source_end = 0;  // where the source rendition's last closed segment ended
    bool eos_pending = false;
    SourcePtr stop_timer;
    MainContextPtr context;
    struct Output {
        GstElement* bin = nullptr;      // owned by the pipeline
        std::vector<GstPad*> tee_pads;  // request pads, ours to release
    };
    std::map<std::string, Output> outputs;

    Impl(ProgramConfig c, std::shared_ptr<SourceSwitch> i, Listener& l)
        : config(std::move(c)), input(std::move(i)), listener(l) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("stage " + config.stage_id + ": " + what);
    }
    // output_dir/{rendition}, through the one join that refuses anything but a file name.
    std::filesystem::path rendition_dir(const std::string& name) const {
        auto dir = schedule::child_path(config.output_dir, name);
        if (!dir)
            fail("rendition " + name + ": " + dir.error().message);
        return std::move(dir).value();
    }
    GstElement* add(const char* factory, const std::string& name);
    GstElement* add_hls(Rendition& rendition);
    void link_tee(GstElement* tee, GstElement* sink_element, const char* sink_pad);
    void build();
    void add_lane(const std::shared_ptr<AudioLane>& lane);
    void teardown();
    void cancel_stop_timer();
    void end_run(const std::string* error);
    void send_eos();
    bool all_opened() const;
    void handle(GstMessage* message);
    void handle_fragment(GstMessage* message);
    void handle_forwarded_eos(GstMessage* message);
    std::chrono::system_clock::time_point wall_clock_of(GstClockTime running_time) const;

    static gboolean on_bus_message(GstBus*, GstMessage* message, gpointer data);
    static GstPadProbeReturn on_source_keyframe(GstPad*, GstPadProbeInfo* info, gpointer data);
    static GstPadProbeReturn on_decoded_frame(GstPad* pad, GstPadProbeInfo* info, gpointer data);
};

GstElement* ProgramPipeline::Impl::add(const char* factory, const std::string& name) {
    ElementPtr element = make_element(factory, name, config.stage_id);
    gst_bin_add(as_bin(pipeline.get()), element.get());
    return element.get();  // the pipeline holds it now
}

GstElement* ProgramPipeline::Impl::add_hls(Rendition& rendition) {
    std::error_code ec;
    std::filesystem::create_directories(rendition.dir, ec);
    if (ec)
        fail("cannot create " + rendition.dir.string() + ": " + ec.message());
    if (access(rendition.dir.c_str(), W_OK | X_OK) != 0)
        fail("cannot write to " + rendition.dir.string());
    GstElement* sink = add("hlssink2", "hls-" + rendition.name);
    const std::string location =
        escape_printf((rendition.dir / ("seg-" + run_id + "-")).string()) + "%05d.ts";
    // hlssink2's own playlist restarts at sequence 0 with every run; players get the one
    // stagehub writes (LivePlaylist). max-files 0: every segment stays, as the archive.
    const std::string playlist = (rendition.dir / ".pipeline.m3u8").string();
    g_object_set(as_gobject(sink), "location", location.c_str(), "playlist-location",
                 playlist.c_str(), "target-duration", static_cast<guint>(config.segment_seconds),
                 "playlist-length", 6u, "max-files", 0u, "send-keyframe-requests", FALSE, nullptr);
    rendition.sink = sink;
    return sink;
}

void ProgramPipeline::Impl::link_tee(GstElement* tee, GstElement* sink_element,
                                     const char* sink_pad) {
    GstElement* queue = add("queue", "");
    size_queue(queue);
    if (!gst_element_link(tee, queue) ||
        !gst_element_link_pads(queue, "src", sink_element, sink_pad)) {
        fail("cannot link the program's renditions");
    }
}

void ProgramPipeline::Impl::build() {
    if (config.segment_seconds < 1)
        fail("invalid segment length");
    pipeline.reset(static_cast<GstElement*>(
        gst_object_ref_sink(gst_pipeline_new(("program-" + config.stage_id).c_str()))));

    video_src = add("appsrc", "video-in");
    audio_src = add("appsrc", "audio-in");
    // Live, in time, never blocking the switch (which pushes from the sources' streaming
    // threads): if the program cannot keep up, newest buffers are dropped after 3 s queued.
    for (GstElement* src : {video_src, audio_src}) {
        g_object_set(as_gobject(src), "is-live", TRUE, "do-timestamp", FALSE, "block", FALSE,
                     "max-bytes", guint64{0}, "max-buffers", guint64{0}, "max-time", kQueueTime,
                     nullptr);
        set_nick(src, "format", "time");
        set_nick(src, "leaky-type", "downstream");
    }
    GstElement* video_parse = add("h264parse", "video-parse");
    g_object_set(as_gobject(video_parse), "config-interval", -1, nullptr);
    video_tee = add("tee", "video-tee");
    link_chain({video_src, video_parse, video_tee}, config.stage_id);
    GstElement* audio_parse = add("aacparse", "audio-parse");
    audio_tee = add("tee", "audio-tee");
    g_object_set(as_gobject(audio_tee), "allow-not-linked", TRUE, nullptr);
    g_object_set(as_gobject(video_tee), "allow-not-linked", TRUE, nullptr);
    link_chain({audio_src, audio_parse, audio_tee}, config.stage_id);

    renditions.clear();
    auto& top = renditions.emplace_back(std::make_unique<Rendition>());
    top->name = kSourceRendition;
    top->dir = rendition_dir(top->name);
    GstElement* top_sink = add_hls(*top);
    link_tee(video_tee, top_sink, "video");
    link_tee(audio_tee, top_sink, "audio");

    if (!config.ladder.encoded.empty()) {
        GstElement* decode_queue = add("queue", "decode-queue");
        size_queue(decode_queue);
        GstElement* decoder = add("avdec_h264", "decoder");
        GstElement* convert = add("videoconvert", "decoded-convert");
        GstElement* raw_tee = add("tee", "decoded-tee");
        if (!gst_element_link(video_tee, decode_queue))
            fail("cannot link the decoder");
        link_chain({decode_queue, decoder, convert, raw_tee}, config.stage_id);
        for (const EncodedRendition& spec : config.ladder.encoded) {
            auto& r = renditions.emplace_back(std::make_unique<Rendition>());
            r->name = spec.name;
            r->encoded = true;
            r->dir = rendition_dir(spec.name);
            GstElement* queue = add("queue", "queue-" + spec.name);
            size_queue(queue);
            GstElement* scale = add("videoscale", "scale-" + spec.name);
            GstElement* caps = add("capsfilter", "size-" + spec.name);
            const CapsPtr size(gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT, spec.width,
                                                   "height", G_TYPE_INT, spec.height, nullptr));
            set_caps(caps, size.get());
            GstElement* encoder = add("x264enc", "encode-" + spec.name);
            // Keyframes only where forced (at the source's); the cap is a safety net.
            g_object_set(as_gobject(encoder), "bitrate", static_cast<guint>(spec.video_kbps),
                         "key-int-max", 250u, "option-string", "scenecut=0", nullptr);
            set_nick(encoder, "tune", "zerolatency");
            set_nick(encoder, "speed-preset", "veryfast");
            GstElement* parse = add("h264parse", "parse-" + spec.name);
            g_object_set(as_gobject(parse), "config-interval", -1, nullptr);
            GstElement* sink = add_hls(*r);
            if (!gst_element_link(raw_tee, queue))
                fail("cannot link rendition " + spec.name);
            link_chain({queue, scale, caps, encoder, parse}, config.stage_id);
            if (!gst_element_link_pads(parse, "src", sink, "video"))
                fail("cannot link rendition " + spec.name);
            link_tee(audio_tee, sink, "audio");
            const PadPtr pad(gst_element_get_static_pad(queue, "src"));
            gst_pad_add_probe(pad.get(), GST_PAD_PROBE_TYPE_BUFFER, &Impl::on_decoded_frame,
                              r.get(), nullptr);
        }
        const PadPtr parsed(gst_element_get_static_pad(video_parse, "src"));
        gst_pad_add_probe(parsed.get(), GST_PAD_PROBE_TYPE_BUFFER, &Impl::on_source_keyframe, this,
                          nullptr);
    }
    if (config.ladder.audio_only) {
        auto& audio = renditions.emplace_back(std::make_unique<Rendition>());
        audio->name = kAudioRendition;
        audio->audio_only = true;
        audio->dir = rendition_dir(audio->name);
        link_tee(audio_tee, add_hls(*audio), "audio");
    }
    for (const auto& lane : config.audio_lanes)
        add_lane(lane);
    // The extra sounds end where the picture's last segment does, known once the end of
    // stream has reached its muxer (a bin keeps its children's EOS to itself unless told).
    if (!config.audio_lanes.empty())
        g_object_set(as_gobject(pipeline.get()), "message-forward", TRUE, nullptr);

    context.reset(g_main_context_ref_thread_default());
    const BusPtr bus(gst_element_get_bus(pipeline.get()));
    gst_bus_add_watch(bus.get(), &Impl::on_bus_message, this);
}

// appsrc → aacparse → hlssink2 "audio-{language}", whose splitmuxsink splits only where
// the lane tells it (where the picture's segments open), never on its own clock.
void ProgramPipeline::Impl::add_lane(const std::shared_ptr<AudioLane>& lane) {
    auto& r = renditions.emplace_back(std::make_unique<Rendition>());
    r->name = lane->rendition();
    r->audio_only = true;
    r->lane = lane;
    r->dir = rendition_dir(r->name);
    r->lane_src = add("appsrc", "in-" + r->name);
    g_object_set(as_gobject(r->lane_src), "is-live", TRUE, "do-timestamp", FALSE, "block", FALSE,
                 "max-bytes", guint64{0}, "max-buffers", guint64{0}, "max-time", guint64{0},
                 nullptr);
    set_nick(r->lane_src, "format", "time");
    GstElement* parse = add("aacparse", "parse-" + r->name);
    GstElement* sink = add_hls(*r);
    if (GstElement* splitter = splitmuxsink_of(sink); splitter != nullptr)
        g_object_set(as_gobject(splitter), "max-size-time", guint64{0}, nullptr);
    link_chain({r->lane_src, parse}, config.stage_id);
    if (!gst_element_link_pads(parse, "src", sink, "audio"))
        fail("cannot link rendition " + r->name);
}

// Streaming thread (the program's video): remember each source keyframe for every encoded
// rendition.
GstPadProbeReturn ProgramPipeline::Impl::on_source_keyframe(GstPad*, GstPadProbeInfo* info,
                                                            gpointer data) {
    auto* self = static_cast<Impl*>(data);
    GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    if (buffer == nullptr || GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT) ||
        !GST_BUFFER_PTS_IS_VALID(buffer)) {
        return GST_PAD_PROBE_OK;
    }
    for (const auto& r : self->renditions) {
        if (!r->encoded)
            continue;
        const std::lock_guard lock(r->keyframes_mutex);
        r->keyframes.push_back(GST_BUFFER_PTS(buffer));
        if (r->keyframes.size() > 64)
            r->keyframes.pop_front();  // a stalled branch must not grow this without bound
    }
    return GST_PAD_PROBE_OK;
}

// Streaming thread (one rendition's branch): the decoded frame that was a source keyframe
// becomes a keyframe here too. Running time NONE means "this next frame": x264enc ignored
// requests carrying a real running time after its first (docs/BROADCAST_DESIGN.md §4).
GstPadProbeReturn ProgramPipeline::Impl::on_decoded_frame(GstPad* pad, GstPadProbeInfo* info,
                                                          gpointer data) {
    auto* rendition = static_cast<Rendition*>(data);
    GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    if (buffer == nullptr || !GST_BUFFER_PTS_IS_VALID(buffer))
        return GST_PAD_PROBE_OK;
    const GstClockTime pts = GST_BUFFER_PTS(buffer);
    bool force = false;
    {
        const std::lock_guard lock(rendition->keyframes_mutex);
        while (!rendition->keyframes.empty() && rendition->keyframes.front() < pts)
            rendition->keyframes.pop_front();  // never decoded (dropped upstream)
        if (!rendition->keyframes.empty() && rendition->keyframes.front() == pts) {
            rendition->keyframes.pop_front();
            force = true;
        }
    }
    if (force) {
        gst_pad_push_event(pad, gst_video_event_new_downstream_force_key_unit(
                                    pts, GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE, TRUE, 0));
    }
    return GST_PAD_PROBE_OK;
}

void ProgramPipeline::Impl::cancel_stop_timer() {
    if (stop_timer) {
        g_source_destroy(stop_timer.get());
        stop_timer.reset();
    }
}

void ProgramPipeline::Impl::teardown() {
    cancel_stop_timer();
    input->detach();
    for (const auto& lane : config.audio_lanes)
        lane->detach();
    if (pipeline) {
        const BusPtr bus(gst_element_get_bus(pipeline.get()));
        gst_bus_remove_watch(bus.get());
        gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    }
    for (auto& [name, output] : outputs) {
        for (GstPad* pad : output.tee_pads)
            gst_object_unref(pad);
    }
    outputs.clear();
    pipeline.reset();
    video_src = audio_src = video_tee = audio_tee = nullptr;
    renditions.clear();
    state = RunState::idle;
}

// The one way a run ends: the switch let go, NULL state, then exactly one report, last, as
// the listener may destroy us. The pipeline stays (in NULL) until the next start().
void ProgramPipeline::Impl::end_run(const std::string* error) {
    cancel_stop_timer();
    input->detach();
    for (const auto& lane : config.audio_lanes)
        lane->detach();
    state = RunState::idle;
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    if (error != nullptr)
        listener.on_program_error(*error);
    else
        listener.on_program_stopped();
}

// The end of stream goes in behind the last picture, and behind the sound that belongs to
// it (which lags in the source's encoder); a source without sound gets a second.
void ProgramPipeline::Impl::send_eos() {
    eos_pending = false;
    input->finish();
    GSource* timer = g_timeout_source_new(1000);
    g_source_set_callback(
        timer,
        [](gpointer data) -> gboolean {
            (*static_cast<std::shared_ptr<SourceSwitch>*>(data))->give_up_finishing();
            return G_SOURCE_REMOVE;
        },
        new std::shared_ptr<SourceSwitch>(input),
        [](gpointer data) { delete static_cast<std::shared_ptr<SourceSwitch>*>(data); });
    g_source_attach(timer, context.get());
    g_source_unref(timer);
}

// hlssink2 turns an EOS that arrives before its first fragment has opened into an ERROR, so
// a stop waits for every rendition to have opened one (the stop timer bounds the wait).
bool ProgramPipeline::Impl::all_opened() const {
    // The extra sounds are not waited for: they end after the picture, and their last
    // fragment opens with what the lane sends then (AudioLane::finish).
    return std::all_of(renditions.begin(), renditions.end(),
                       [](const auto& r) { return r->lane || r->opened || r->closed > 0; });
}

std::chrono::system_clock::time_point ProgramPipeline::Impl::wall_clock_of(
    GstClockTime running_time) const {
    const auto wall_now = std::chrono::system_clock::now();
    const GstClockTime running_now = running_time_now(pipeline.get());
    const GstClockTime behind = running_now > running_time ? running_now - running_time : 0;
    return wall_now - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                          std::chrono::nanoseconds(behind));
}

void ProgramPipeline::Impl::handle(GstMessage* message) {
    switch (message->type) {
        case GST_MESSAGE_ERROR: {
            const std::string text = describe_bus_error(message, config.stage_id);
            if (state != RunState::idle)
                end_run(&text);
            return;
        }
        case GST_MESSAGE_WARNING:
            log_bus_warning(message, config.stage_id);
            return;
        case GST_MESSAGE_EOS:
            if (state != RunState::idle)
                end_run(nullptr);
            return;
        case GST_MESSAGE_ELEMENT:
            handle_forwarded_eos(message);
            handle_fragment(message);
            return;
        default:
            return;
    }
}

// hlssink2 (1.22) forwards its splitmuxsink's "splitmuxsink-fragment-opened/-closed" after
// listing the fragment; ids start at 0 and grow by one, and `location` is printf'd with
// the id, so the k-th closed fragment is file k.
void ProgramPipeline::Impl::handle_fragment(GstMessage* message) {
    const GstStructure* s = gst_message_get_structure(message);
    if (s == nullptr || state == RunState::idle)
        return;
    Rendition* rendition = nullptr;
    for (const auto& r : renditions) {
        if (gst_object_has_as_ancestor(message->src, as_gst_object(r->sink)))
            rendition = r.get();
    }
    GstClockTime running_time = 0;
    if (rendition == nullptr || !gst_structure_get_clock_time(s, "running-time", &running_time))
        return;
    if (gst_structure_has_name(s, "splitmuxsink-fragment-opened")) {
        // A video fragment that opens at a switch starts a new picture. (Audio-only
        // fragments do not split at switches; their timestamps run on unbroken.)
        rendition->opened_after_switch = !rendition->audio_only && rendition->opened &&
                                         input->switched_within(rendition->opened_at, running_time);
        rendition->opened_at = running_time;
        rendition->opened_wall = wall_clock_of(running_time);
        rendition->opened = true;
        if (rendition->name == kSourceRendition) {
            for (const auto& lane : config.audio_lanes)
                lane->split_at(running_time);
        }
        if (eos_pending && all_opened())
            send_eos();
    } else if (gst_structure_has_name(s, "splitmuxsink-fragment-closed")) {
        if (rendition->name == kSourceRendition)
            source_end = running_time;
        ClosedSegment segment;
        segment.rendition = rendition->name;
        segment.index = rendition->closed++;
        segment.path = rendition->dir / segment_file_name(run_id, segment.index);
        segment.run_id = run_id;
        segment.started_at = rendition->opened_wall;
        segment.duration_s = static_cast<double>(running_time - rendition->opened_at) /
                             static_cast<double>(GST_SECOND);
        segment.discontinuity = rendition->opened_after_switch;
        std::error_code ec;
        const auto bytes = std::filesystem::file_size(segment.path, ec);
        if (!ec && segment.duration_s > 0.1) {
            rendition->peak_bps = std::max(
                rendition->peak_bps,
                static_cast<int64_t>(static_cast<double>(bytes) * 8.0 / segment.duration_s));
        }
        listener.on_segment_closed(segment);
    }
}

// The source rendition's end of stream: its last segment is closed, and every split the
// extra sounds need is known. They end there too.
void ProgramPipeline::Impl::handle_forwarded_eos(GstMessage* message) {
    const GstStructure* s = gst_message_get_structure(message);
    if (s == nullptr || !gst_structure_has_name(s, "GstBinForwarded") || renditions.empty())
        return;
    GstMessage* inner = nullptr;
    if (!gst_structure_get(s, "message", GST_TYPE_MESSAGE, &inner, nullptr) || inner == nullptr)
        return;
    const MessagePtr held(inner);
    if (inner->type != GST_MESSAGE_EOS || inner->src != as_gst_object(renditions.front()->sink))
        return;
    for (const auto& lane : config.audio_lanes)
        lane->finish(source_end);
}

gboolean ProgramPipeline::Impl::on_bus_message(GstBus*, GstMessage* message, gpointer data) {
    try {
        static_cast<Impl*>(data)->handle(message);
    } catch (const std::exception& e) {
        g_critical("program pipeline: exception while handling a bus message: %s", e.what());
    } catch (...) {
        g_critical("program pipeline: unknown exception while handling a bus message");
    }
    return G_SOURCE_CONTINUE;
}

ProgramPipeline::ProgramPipeline(ProgramConfig config, std::shared_ptr<SourceSwitch> input,
                                 Listener& listener)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(input), listener)) {}

ProgramPipeline::~ProgramPipeline() {
    impl_->teardown();
}

void ProgramPipeline::start(const std::string& run_id) {
    if (impl_->state != RunState::idle)
        return;
    impl_->teardown();
    impl_->run_id = run_id;
    impl_->eos_pending = false;
    impl_->source_end = 0;
    try {
        impl_->build();
    } catch (...) {
        impl_->teardown();
        throw;
    }
    if (gst_element_set_state(impl_->pipeline.get(), GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE) {
        const BusPtr bus(gst_element_get_bus(impl_->pipeline.get()));
        const MessagePtr error(gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR));
        const std::string why = error ? describe_bus_error(error.get(), impl_->config.stage_id)
                                      : std::string("an element refused to start");
        impl_->teardown();
        impl_->fail("the broadcast pipeline failed to start: " + why);
    }
    impl_->state = RunState::playing;
    SourceSwitch::Outlet outlet;
    outlet.pipeline = impl_->pipeline.get();
    outlet.video = impl_->video_src;
    outlet.audio = impl_->audio_src;
    for (const auto& r : impl_->renditions) {
        if (!r->audio_only)
            outlet.splitters.push_back(splitmuxsink_of(r->sink));
    }
    std::erase(outlet.splitters, nullptr);
    impl_->input->attach(outlet);
    for (const auto& r : impl_->renditions) {
        if (r->lane)
            r->lane->attach(impl_->pipeline.get(), r->lane_src, splitmuxsink_of(r->sink));
    }
}

void ProgramPipeline::stop(unsigned timeout_ms) {
    if (impl_->state != RunState::playing)
        return;
    // The sources keep feeding until every rendition has a fragment open, then the end of
    // stream goes in behind the last pushed frame.
    impl_->state = RunState::stopping;
    impl_->stop_timer.reset(g_timeout_source_new(timeout_ms));
    g_source_set_callback(
        impl_->stop_timer.get(),
        [](gpointer data) -> gboolean {
            auto* self = static_cast<Impl*>(data);
            g_warning(
                "stage %s: no end of stream within the stop timeout; forcing the stop, the "
                "last segment may be missing from the playlist",
                self->config.stage_id.c_str());
            self->end_run(nullptr);
            return G_SOURCE_REMOVE;
        },
        impl_.get(), nullptr);
    g_source_attach(impl_->stop_timer.get(), impl_->context.get());
    if (impl_->all_opened())
        impl_->send_eos();
    else
        impl_->eos_pending = true;
}

bool ProgramPipeline::running() const {
    return impl_->state != RunState::idle;
}

std::vector<RenditionInfo> ProgramPipeline::renditions() const {
    std::vector<RenditionInfo> infos;
    for (const auto& r : impl_->renditions) {
        RenditionInfo& info = infos.emplace_back();
        info.bandwidth = r->peak_bps;
        info.name = r->name;
        info.audio_only = r->audio_only;
        if (!r->audio_only && r->sink != nullptr) {
            const PadPtr pad(gst_element_get_static_pad(r->sink, "video"));
            const CapsPtr caps(pad ? gst_pad_get_current_caps(pad.get()) : nullptr);
            if (caps && gst_caps_get_size(caps.get()) > 0) {
                const GstStructure* s = gst_caps_get_structure(caps.get(), 0);
                gst_structure_get_int(s, "width", &info.width);
                gst_structure_get_int(s, "height", &info.height);
                int n = 0;
                int d = 1;
                if (gst_structure_get_fraction(s, "framerate", &n, &d) && d > 0)
                    info.framerate = static_cast<double>(n) / d;
            }
            info.codecs = avc_codec_of(caps.get()) + ",mp4a.40.2";
        } else {
            info.codecs = "mp4a.40.2";
        }
    }
    return infos;
}

std::vector<std::string> ProgramPipeline::elements() const {
    return factories_in(impl_->pipeline.get());
}

bool ProgramPipeline::add_output(const std::string& name, GstElement* output) {
    Impl& d = *impl_;
    if (d.state != RunState::playing || d.outputs.contains(name))
        return false;
    // A sink joining a playing pipeline must not take it back to preroll: the program
    // would stall until the newcomer had its first buffer (it did, now and then, for
    // seconds: docs/BENCHMARKS.md, "Figures behind design choices").
    if (GST_IS_BIN(output)) {
        GstIterator* sinks = gst_bin_iterate_sinks(as_bin(output));
        gst_iterator_foreach(
            sinks,
            [](const GValue* item, gpointer) {
                auto* sink = static_cast<GstElement*>(g_value_get_object(item));
                if (g_object_class_find_property(G_OBJECT_GET_CLASS(sink), "async") != nullptr)
                    g_object_set(as_gobject(sink), "async", FALSE, nullptr);
            },
            nullptr);
        gst_iterator_free(sinks);
    } else if (g_object_class_find_property(G_OBJECT_GET_CLASS(output), "async") != nullptr) {
        g_object_set(as_gobject(output), "async", FALSE, nullptr);
    }
    gst_bin_add(as_bin(d.pipeline.get()), output);
    // Playing before linked: a tee that pushes into a pad still flushing (the newcomer in
    // NULL) gets FLUSHING back, passes it upstream, and the program's source task pauses
    // for good. Unlinked, the tee's push answers NOT_LINKED, which it is told to allow.
    if (!gst_element_sync_state_with_parent(output)) {
        gst_element_set_state(output, GST_STATE_NULL);
        gst_bin_remove(as_bin(d.pipeline.get()), output);
        return false;
    }
    Impl::Output added;
    added.bin = output;
    bool linked = false;
    for (auto [tee, pad_name] :
         {std::pair{d.video_tee, "video"}, std::pair{d.audio_tee, "audio"}}) {
        const PadPtr sink_pad(gst_element_get_static_pad(output, pad_name));
        if (!sink_pad)
            continue;
        GstPad* tee_pad = gst_element_request_pad_simple(tee, "src_%u");
        if (gst_pad_link(tee_pad, sink_pad.get()) != GST_PAD_LINK_OK) {
            gst_element_release_request_pad(tee, tee_pad);
            gst_object_unref(tee_pad);
            continue;
        }
        added.tee_pads.push_back(tee_pad);
        linked = true;
    }
    if (!linked) {
        gst_element_set_state(output, GST_STATE_NULL);
        gst_bin_remove(as_bin(d.pipeline.get()), output);
        return false;
    }
    d.outputs.emplace(name, added);
    return true;
}

void ProgramPipeline::remove_output(const std::string& name) {
    Impl& d = *impl_;
    const auto it = d.outputs.find(name);
    if (it == d.outputs.end())
        return;
    // Unlinking a tee pad while a buffer passes would drop it mid-push: each tee pad is
    // unlinked when idle; the tee's other branches run on meanwhile.
    for (GstPad* tee_pad : it->second.tee_pads) {
        gst_pad_add_probe(
            tee_pad, GST_PAD_PROBE_TYPE_IDLE,
            [](GstPad* pad, GstPadProbeInfo*, gpointer) -> GstPadProbeReturn {
                GstPad* peer = gst_pad_get_peer(pad);
                if (peer != nullptr) {
                    gst_pad_unlink(pad, peer);
                    gst_object_unref(peer);
                }
                GstElement* tee = gst_pad_get_parent_element(pad);
                if (tee != nullptr) {
                    gst_element_release_request_pad(tee, pad);
                    gst_object_unref(tee);
                }
                return GST_PAD_PROBE_REMOVE;
            },
            nullptr, nullptr);
        gst_object_unref(tee_pad);
    }
    GstElement* bin = it->second.bin;
    d.outputs.erase(it);
    gst_element_set_locked_state(bin, TRUE);
    gst_element_set_state(bin, GST_STATE_NULL);
    gst_bin_remove(as_bin(d.pipeline.get()), bin);
}

}  // namespace stagehub::pipelines
