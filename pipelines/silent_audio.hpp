// One AAC frame of silence (ADTS, 48 kHz stereo, 1024 samples = 21.3 ms), encoded once by
// GStreamer's own AAC encoder. The switch fills the program's sound with it when the
// source on air sends pictures but no sound (a camera without a microphone): every
// rendition's muxer needs both tracks to advance, so without sound no segment would close.
#pragma once

#include <gst/gst.h>

#include <string>

#include "pipelines/gst_ptr.hpp"

namespace stagehub::pipelines {

// gst_sample_unref is static inline in GStreamer's headers: a holder naming it directly
// would give every function returning one internal linkage.
inline void release_sample(GstSample* sample) {
    gst_sample_unref(sample);
}
using SamplePtr = std::unique_ptr<GstSample, Release<release_sample>>;

// Runs a tiny encoding pipeline to completion, once per stage (its cost: docs/BENCHMARKS.md,
// "Figures behind design choices"). Throws
// std::runtime_error naming the stage and the problem (a missing encoder, with its package).
SamplePtr make_silent_aac_frame(const std::string& stage_id);

}  // namespace stagehub::pipelines
