// RAII holders for GStreamer and GLib objects, so every path unrefs exactly once.
#pragma once

#include <gst/gst.h>

#include <memory>

namespace stagehub::pipelines {

struct GstObjectUnref {
    void operator()(GstElement* e) const { gst_object_unref(e); }
    void operator()(GstBus* b) const { gst_object_unref(b); }
    void operator()(GstPad* p) const { gst_object_unref(p); }
};
struct GFreeDeleter {
    void operator()(gchar* p) const { g_free(p); }
};
struct GErrorDeleter {
    void operator()(GError* e) const { g_error_free(e); }
};

using ElementPtr = std::unique_ptr<GstElement, GstObjectUnref>;
using BusPtr = std::unique_ptr<GstBus, GstObjectUnref>;
using PadPtr = std::unique_ptr<GstPad, GstObjectUnref>;
using GCharPtr = std::unique_ptr<gchar, GFreeDeleter>;
using GErrorPtr = std::unique_ptr<GError, GErrorDeleter>;

}  // namespace stagehub::pipelines
