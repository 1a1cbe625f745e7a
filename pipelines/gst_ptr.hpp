// RAII holders for GStreamer and GLib objects, so every path releases exactly once, and
// cast helpers that replace GLib's C casting macros (G_OBJECT(), GST_BIN(), ...), which are
// old-style casts under our warning flags.
#pragma once

#include <gst/gst.h>

#include <memory>

namespace stagehub::pipelines {

// A deleter calling the C function that releases one reference or one allocation.
template <auto release>
struct Release {
    template <typename T>
    void operator()(T* p) const {
        release(p);
    }
};

// Holders own one *full* reference: adopt a floating one with gst_object_ref_sink first.
using ElementPtr = std::unique_ptr<GstElement, Release<gst_object_unref>>;
using BusPtr = std::unique_ptr<GstBus, Release<gst_object_unref>>;
using PadPtr = std::unique_ptr<GstPad, Release<gst_object_unref>>;
using PluginFeaturePtr = std::unique_ptr<GstPluginFeature, Release<gst_object_unref>>;
using MessagePtr = std::unique_ptr<GstMessage, Release<gst_message_unref>>;
using CapsPtr = std::unique_ptr<GstCaps, Release<gst_caps_unref>>;
using GCharPtr = std::unique_ptr<gchar, Release<g_free>>;
using GErrorPtr = std::unique_ptr<GError, Release<g_error_free>>;
using MainContextPtr = std::unique_ptr<GMainContext, Release<g_main_context_unref>>;
using MainLoopPtr = std::unique_ptr<GMainLoop, Release<g_main_loop_unref>>;
using SourcePtr = std::unique_ptr<GSource, Release<g_source_unref>>;

// Upcasts along the GObject hierarchy. Each GStreamer instance struct begins with its parent
// struct, so the pointers are interconvertible; these say so once instead of at every call.
inline GObject* as_gobject(GstElement* element) {
    return reinterpret_cast<GObject*>(element);
}
inline GstObject* as_gst_object(GstElement* element) {
    return reinterpret_cast<GstObject*>(element);
}
inline GstBin* as_bin(GstElement* pipeline_or_bin) {
    return reinterpret_cast<GstBin*>(pipeline_or_bin);
}

}  // namespace stagehub::pipelines
