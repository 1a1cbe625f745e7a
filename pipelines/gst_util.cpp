#include "pipelines/gst_util.hpp"

#include <array>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "pipelines/missing_element.hpp"

namespace stagehub::pipelines {
namespace {

// Which Debian package provides an element, for the error a user sees when it is missing.
constexpr std::array<std::pair<std::string_view, std::string_view>, 33> kElementPackages{{
    {"videotestsrc", "gstreamer1.0-plugins-base"},
    {"audiotestsrc", "gstreamer1.0-plugins-base"},
    {"videoconvert", "gstreamer1.0-plugins-base"},
    {"videoscale", "gstreamer1.0-plugins-base"},
    {"audioconvert", "gstreamer1.0-plugins-base"},
    {"audioresample", "gstreamer1.0-plugins-base"},
    {"appsrc", "gstreamer1.0-plugins-base"},
    {"appsink", "gstreamer1.0-plugins-base"},
    {"parsebin", "gstreamer1.0-plugins-base"},
    {"textoverlay", "gstreamer1.0-x"},
    {"clockoverlay", "gstreamer1.0-x"},
    {"capsfilter", "libgstreamer1.0-0"},
    {"queue", "libgstreamer1.0-0"},
    {"tee", "libgstreamer1.0-0"},
    {"filesrc", "libgstreamer1.0-0"},
    {"x264enc", "gstreamer1.0-plugins-ugly"},
    {"h264parse", "gstreamer1.0-plugins-bad"},
    {"hlssink2", "gstreamer1.0-plugins-bad"},
    {"srtsrc", "gstreamer1.0-plugins-bad"},
    {"srtsink", "gstreamer1.0-plugins-bad"},
    {"rtmp2src", "gstreamer1.0-plugins-bad"},
    {"tsdemux", "gstreamer1.0-plugins-bad"},
    {"mpegtsmux", "gstreamer1.0-plugins-bad"},
    {"aacparse", "gstreamer1.0-plugins-good"},
    {"flvdemux", "gstreamer1.0-plugins-good"},
    {"qtdemux", "gstreamer1.0-plugins-good"},
    {"rtspsrc", "gstreamer1.0-plugins-good"},
    {"rtph264depay", "gstreamer1.0-plugins-good"},
    {"rtpmp4gdepay", "gstreamer1.0-plugins-good"},
    {"avenc_aac", "gstreamer1.0-libav"},
    {"avdec_h264", "gstreamer1.0-libav"},
    {"jpegenc", "gstreamer1.0-plugins-good"},
    {"imagefreeze", "gstreamer1.0-plugins-good"},
}};

}  // namespace

std::string debian_package_of(const std::string& factory) {
    for (const auto& [name, package] : kElementPackages) {
        if (name == factory)
            return std::string(package);
    }
    return "that provides it";
}

ElementPtr make_element(const char* factory, const std::string& name, const std::string& stage_id) {
    GstElement* element = gst_element_factory_make(factory, name.empty() ? nullptr : name.c_str());
    if (element == nullptr)
        throw MissingElementError(stage_id, factory);
    return ElementPtr(static_cast<GstElement*>(gst_object_ref_sink(element)));
}

void require_elements(const std::vector<const char*>& factories, const std::string& stage_id) {
    for (const char* factory : factories) {
        GstElementFactory* found = gst_element_factory_find(factory);
        if (found == nullptr)
            make_element(factory, "", stage_id);  // throws the error naming the package
        else
            gst_object_unref(found);
    }
}

void set_nick(GstElement* element, const char* property, const char* nick) {
    gst_util_set_object_arg(as_gobject(element), property, nick);
}

void set_caps(GstElement* capsfilter, GstCaps* caps) {
    g_object_set(as_gobject(capsfilter), "caps", caps, nullptr);
}

void link_chain(std::initializer_list<GstElement*> chain, const std::string& stage_id) {
    GstElement* previous = nullptr;
    for (GstElement* element : chain) {
        if (previous != nullptr && !gst_element_link(previous, element)) {
            const GCharPtr from(gst_object_get_name(as_gst_object(previous)));
            const GCharPtr to(gst_object_get_name(as_gst_object(element)));
            std::string what = "stage ";
            what.append(stage_id).append(": cannot link ").append(from.get());
            what.append(" to ").append(to.get());
            throw std::runtime_error(what);
        }
        previous = element;
    }
}

std::string describe_bus_error(GstMessage* message, const std::string& stage_id) {
    GError* raw_error = nullptr;
    gchar* raw_debug = nullptr;
    gst_message_parse_error(message, &raw_error, &raw_debug);
    const GErrorPtr error(raw_error);
    const GCharPtr debug(raw_debug);
    const GCharPtr source(gst_object_get_name(message->src));
    std::string text = source ? source.get() : "?";
    text.append(": ").append(error ? error->message : "unknown error");
    g_warning("stage %s: error from %s (%s)", stage_id.c_str(), text.c_str(),
              debug ? debug.get() : "no details");
    return text;
}

std::vector<std::string> factories_in(GstElement* bin) {
    std::vector<std::string> names;
    if (bin == nullptr)
        return names;
    GstIterator* it = gst_bin_iterate_recurse(as_bin(bin));
    GValue item = G_VALUE_INIT;
    while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
        auto* element = static_cast<GstElement*>(g_value_get_object(&item));
        if (GstElementFactory* factory = gst_element_get_factory(element); factory != nullptr)
            names.emplace_back(gst_plugin_feature_get_name(factory));
        g_value_reset(&item);
    }
    g_value_unset(&item);
    gst_iterator_free(it);
    return names;
}

void log_bus_warning(GstMessage* message, const std::string& stage_id) {
    GError* raw_error = nullptr;
    gchar* raw_debug = nullptr;
    gst_message_parse_warning(message, &raw_error, &raw_debug);
    const GErrorPtr error(raw_error);
    const GCharPtr debug(raw_debug);
    const GCharPtr source(gst_object_get_name(message->src));
    g_warning("stage %s: warning from %s: %s (%s)", stage_id.c_str(), source ? source.get() : "?",
              error ? error->message : "?", debug ? debug.get() : "no details");
}

GstClockTime running_time_now(GstElement* pipeline) {
    GstClock* clock = gst_element_get_clock(pipeline);
    if (clock == nullptr)
        return 0;
    const GstClockTime now = gst_clock_get_time(clock);
    gst_object_unref(clock);
    const GstClockTime base = gst_element_get_base_time(pipeline);
    return now > base ? now - base : 0;
}

void destroy_source(GSource*& source) {
    if (source == nullptr)
        return;
    g_source_destroy(source);
    g_source_unref(source);
    source = nullptr;
}

std::string escape_printf(const std::string& text) {
    std::string escaped;
    for (const char c : text) {
        escaped += c;
        if (c == '%')
            escaped += '%';
    }
    return escaped;
}

}  // namespace stagehub::pipelines
