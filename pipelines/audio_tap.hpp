// A stage's program sound as a speech recogniser wants it: 16 kHz mono signed 16-bit
// little-endian PCM, taken from the program's AAC as a second output
// (ProgramPipeline::add_output) and handed to whoever reads it through a PcmQueue.
//
//   ghost "audio" → queue (leaky, 1 s) → avdec_aac → audioconvert → audioresample
//                 → audio/x-raw,format=S16LE,rate=16000,channels=1 → appsink
//
// It never holds the program back: the leaky queue decouples the tee from the decoder (a
// slow decode drops the oldest sound there), the appsink never waits for a clock or a
// reader, and a PcmQueue nobody drains drops its oldest sound past its capacity.
//
// Threads: the appsink's callback runs on the tap's streaming thread and only pushes into
// the PcmQueue; everything else is the caller's (the loop thread).
#pragma once

#include <gst/gst.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace stagehub::pipelines {

// The PCM format of the tap (docs/CAPTIONS.md, "Speech recognition").
inline constexpr int kTapRate = 16000;
inline constexpr size_t kTapBytesPerSecond = kTapRate * 2;  // mono, 16 bits

// Bytes of PCM between a streaming thread that pushes and a reader that takes; bounded,
// the oldest sound goes first when full, so what is read is always the latest.
// Every member may be called from any thread.
class PcmQueue {
  public:
    explicit PcmQueue(size_t capacity_bytes) : capacity_(capacity_bytes) {}

    void push(const uint8_t* data, size_t size);
    // Up to `max_bytes` (even: whole samples) from the oldest on; "" when empty.
    std::string take(size_t max_bytes);
    void clear();

    uint64_t bytes_in() const;
    uint64_t bytes_dropped() const;

  private:
    const size_t capacity_;
    mutable std::mutex mutex_;
    std::string data_;  // guarded by mutex_
    uint64_t bytes_in_ = 0;
    uint64_t bytes_dropped_ = 0;
};

// A new, floating bin with one ghost sink pad "audio" (ADTS or raw AAC, as the program's
// tee carries it) that pushes its PCM into `pcm`, for ProgramPipeline::add_output /
// StagePipeline::add_output. Throws MissingElementError naming the stage when a plugin is
// not installed.
GstElement* make_audio_tap(const std::string& stage_id, std::shared_ptr<PcmQueue> pcm);

}  // namespace stagehub::pipelines
