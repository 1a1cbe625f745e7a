#include "pipelines/audio_tap.hpp"

#include <gst/app/gstappsink.h>

#include <algorithm>
#include <stdexcept>

#include "pipelines/gst_util.hpp"

namespace stagehub::pipelines {

void PcmQueue::push(const uint8_t* data, size_t size) {
    const std::lock_guard lock(mutex_);
    bytes_in_ += size;
    data_.append(reinterpret_cast<const char*>(data), size);
    if (data_.size() > capacity_) {
        size_t excess = data_.size() - capacity_;
        excess += excess % 2;  // whole samples, so the reader's stream stays aligned
        excess = std::min(excess, data_.size());
        data_.erase(0, excess);
        bytes_dropped_ += excess;
    }
}

std::string PcmQueue::take(size_t max_bytes) {
    const std::lock_guard lock(mutex_);
    size_t n = std::min(max_bytes, data_.size());
    n -= n % 2;
    std::string out = data_.substr(0, n);
    data_.erase(0, n);
    return out;
}

void PcmQueue::clear() {
    const std::lock_guard lock(mutex_);
    data_.clear();
}

uint64_t PcmQueue::bytes_in() const {
    const std::lock_guard lock(mutex_);
    return bytes_in_;
}

uint64_t PcmQueue::bytes_dropped() const {
    const std::lock_guard lock(mutex_);
    return bytes_dropped_;
}

namespace {

// The tap's streaming thread: one decoded, resampled buffer into the queue.
GstFlowReturn on_pcm(GstAppSink* sink, gpointer data) {
    auto* pcm = static_cast<std::shared_ptr<PcmQueue>*>(data);
    GstSample* sample = gst_app_sink_pull_sample(sink);
    if (sample == nullptr)
        return GST_FLOW_EOS;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    GstMapInfo map;
    if (buffer != nullptr && gst_buffer_map(buffer, &map, GST_MAP_READ)) {
        (*pcm)->push(map.data, map.size);
        gst_buffer_unmap(buffer, &map);
    }
    gst_sample_unref(sample);
    return GST_FLOW_OK;
}

}  // namespace

GstElement* make_audio_tap(const std::string& stage_id, std::shared_ptr<PcmQueue> pcm) {
    if (!pcm)
        throw std::invalid_argument("stage " + stage_id + ": an audio tap needs a queue");
    ElementPtr queue = make_element("queue", "asr-queue", stage_id);
    ElementPtr decoder = make_element("avdec_aac", "asr-decode", stage_id);
    ElementPtr convert = make_element("audioconvert", "asr-convert", stage_id);
    ElementPtr resample = make_element("audioresample", "asr-resample", stage_id);
    ElementPtr format = make_element("capsfilter", "asr-format", stage_id);
    ElementPtr sink = make_element("appsink", "asr-sink", stage_id);

    // A second of sound at most waits for the decoder; past it the oldest goes, never the
    // program's time.
    g_object_set(as_gobject(queue.get()), "max-size-time", guint64{GST_SECOND}, "max-size-buffers",
                 0u, "max-size-bytes", 0u, nullptr);
    set_nick(queue.get(), "leaky", "downstream");
    // A corrupt AAC frame is skipped, never an error: an error here would end the program.
    g_object_set(as_gobject(decoder.get()), "max-errors", -1, nullptr);
    const CapsPtr caps(gst_caps_new_simple("audio/x-raw", "format", G_TYPE_STRING, "S16LE", "rate",
                                           G_TYPE_INT, kTapRate, "channels", G_TYPE_INT, 1,
                                           "layout", G_TYPE_STRING, "interleaved", nullptr));
    set_caps(format.get(), caps.get());
    // Not in time (the reader is a process, not a clock), never blocking: a full appsink
    // drops its oldest buffer.
    g_object_set(as_gobject(sink.get()), "sync", FALSE, "async", FALSE, "max-buffers", 16u, "drop",
                 TRUE, "emit-signals", FALSE, nullptr);
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = &on_pcm;
    gst_app_sink_set_callbacks(reinterpret_cast<GstAppSink*>(sink.get()), &callbacks,
                               new std::shared_ptr<PcmQueue>(std::move(pcm)), [](gpointer data) {
                                   delete static_cast<std::shared_ptr<PcmQueue>*>(data);
                               });

    GstElement* bin = gst_bin_new(("asr-tap-" + stage_id).c_str());
    for (GstElement* element :
         {queue.get(), decoder.get(), convert.get(), resample.get(), format.get(), sink.get()})
        gst_bin_add(as_bin(bin), element);
    try {
        link_chain(
            {queue.get(), decoder.get(), convert.get(), resample.get(), format.get(), sink.get()},
            stage_id);
    } catch (...) {
        gst_object_unref(gst_object_ref_sink(bin));
        throw;
    }
    const PadPtr target(gst_element_get_static_pad(queue.get(), "sink"));
    gst_element_add_pad(bin, gst_ghost_pad_new("audio", target.get()));
    return bin;
}

}  // namespace stagehub::pipelines
