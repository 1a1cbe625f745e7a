#include "media_probe.hpp"

#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include <fstream>
#include <sstream>

namespace stagehub::testing {

std::string read_text_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> playlist_segments(const std::string& playlist) {
    std::vector<std::string> segments;
    std::istringstream lines(playlist);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line[0] != '#')
            segments.push_back(line);
    }
    return segments;
}

std::vector<double> playlist_durations(const std::string& playlist) {
    std::vector<double> durations;
    std::istringstream lines(playlist);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("#EXTINF:"))
            durations.push_back(std::stod(line.substr(8)));
    }
    return durations;
}

std::string discover_streams(const std::filesystem::path& file) {
    gst_init(nullptr, nullptr);
    GError* error = nullptr;
    GstDiscoverer* discoverer = gst_discoverer_new(10 * GST_SECOND, &error);
    if (discoverer == nullptr)
        return "error: no discoverer";
    gchar* uri = gst_filename_to_uri(file.c_str(), nullptr);
    GstDiscovererInfo* info = gst_discoverer_discover_uri(discoverer, uri, &error);
    g_free(uri);
    std::string streams;
    if (info == nullptr || gst_discoverer_info_get_result(info) != GST_DISCOVERER_OK) {
        streams = std::string("error: ") + (error ? error->message : "not readable");
    } else {
        GList* list = gst_discoverer_info_get_stream_list(info);
        for (GList* s = list; s != nullptr; s = s->next) {
            GstCaps* caps =
                gst_discoverer_stream_info_get_caps(static_cast<GstDiscovererStreamInfo*>(s->data));
            if (caps == nullptr)
                continue;
            gchar* text = gst_caps_to_string(caps);
            streams += std::string(text) + "\n";
            g_free(text);
            gst_caps_unref(caps);
        }
        gst_discoverer_stream_info_list_free(list);
    }
    if (error != nullptr)
        g_error_free(error);
    // Parenthesised calls: the macro forms cast old-style.
    if (info != nullptr)
        (g_object_unref)(info);
    (g_object_unref)(discoverer);
    return streams;
}

}  // namespace stagehub::testing
