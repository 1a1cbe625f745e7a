#include "pipelines/silent_audio.hpp"

#include <gst/app/gstappsink.h>

#include <stdexcept>

#include "pipelines/gst_util.hpp"

namespace stagehub::pipelines {

SamplePtr make_silent_aac_frame(const std::string& stage_id) {
    require_elements({"audiotestsrc", "avenc_aac", "aacparse", "appsink"}, stage_id);
    // A few frames: the encoder's first output frames carry its start-up, the later ones
    // are plain steady-state silence.
    GError* raw_error = nullptr;
    GstElement* parsed = gst_parse_launch(
        "audiotestsrc wave=silence num-buffers=8 samplesperbuffer=1024 ! "
        "audio/x-raw,rate=48000,channels=2 ! avenc_aac ! aacparse ! "
        "audio/mpeg,mpegversion=4,stream-format=adts ! appsink name=sink sync=false",
        &raw_error);
    const GErrorPtr error(raw_error);
    if (parsed == nullptr || error) {
        if (parsed != nullptr)
            gst_object_unref(parsed);
        throw std::runtime_error("stage " + stage_id + ": cannot encode silence: " +
                                 (error ? error->message : "unknown error"));
    }
    const ElementPtr pipeline(static_cast<GstElement*>(gst_object_ref_sink(parsed)));
    GstElement* sink = gst_bin_get_by_name(as_bin(pipeline.get()), "sink");
    const ElementPtr sink_ref(sink);
    gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
    SamplePtr last;
    for (;;) {
        GstSample* sample =
            gst_app_sink_try_pull_sample(reinterpret_cast<GstAppSink*>(sink), 2 * GST_SECOND);
        if (sample == nullptr)
            break;  // end of stream (or a stall, bounded by the timeout)
        last.reset(sample);
    }
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    if (!last)
        throw std::runtime_error("stage " + stage_id + ": the AAC encoder produced no silence");
    return last;
}

}  // namespace stagehub::pipelines
