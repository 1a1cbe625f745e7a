// Handing our own objects to GStreamer's streaming threads in a way ThreadSanitizer sees.
//
// GStreamer orders what the loop thread writes before a streaming thread reads it (object
// locks, GstTask's thread pool, queues): with GLib's futex-based GMutex/GCond and atomics
// in libraries not built with TSan, so TSan sees none of it. An object the loop thread
// fills and then gives to GStreamer (appsink callback data) would be reported on its first
// read. Instead of suppressing the reads (which would hide a real race in the same
// callbacks), the handoff itself is declared: `hand_over` after the last write on the
// giving side, `take_over` before the first read on the other; TSan then checks every
// access to the object against that edge. Both are no-ops outside TSan builds.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define STAGEHUB_TSAN_HANDOFF 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STAGEHUB_TSAN_HANDOFF 1
#endif
#endif

#ifdef STAGEHUB_TSAN_HANDOFF
#include <sanitizer/tsan_interface.h>
#endif

namespace stagehub::pipelines {

// The giving thread, once it is done writing what `object` leads to.
inline void hand_over([[maybe_unused]] void* object) {
#ifdef STAGEHUB_TSAN_HANDOFF
    __tsan_release(object);
#endif
}

// The receiving thread, before it reads what `object` leads to.
inline void take_over([[maybe_unused]] void* object) {
#ifdef STAGEHUB_TSAN_HANDOFF
    __tsan_acquire(object);
#endif
}

}  // namespace stagehub::pipelines
