// An extra sound of a stage (an interpreter, a language booth) on the program's timeline:
// its samples re-timed onto the program's running time, silence wherever the input is
// absent or lost, so its audio-only rendition keeps advancing beside the picture; and split
// at the very instants the picture's renditions are split (docs/BROADCAST.md,
// "Interpretation audio").
//
// The splits are known only once the picture's muxer has opened a segment, about a GOP
// after its keyframe went in; so what the lane sends is held back by `hold` (longer than a
// GOP), and every split reaches the lane's muxer before the sound it cuts.
//
// Threads: push() on the input run's streaming thread; everything else on the loop thread.
// One mutex guards the state; nothing under it blocks (the appsrc never blocks).
#pragma once

#include <gst/gst.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

namespace stagehub::pipelines {

inline constexpr std::string_view kDescribedSuffix = "-described";

// One extra audio input of a stage, as its programme names it.
struct AudioInputSpec {
    std::string language;          // BCP 47, e.g. "en"
    std::string name;              // what players show, e.g. "English (interpretation)"
    std::string uri;               // srt://:9101 (stagehub listens)
    std::string passphrase;        // SRT encryption; empty for none
    bool describes_video = false;  // a describer: the programme's sound, described

    bool operator==(const AudioInputSpec&) const = default;
};

// "audio-en": the rendition (and folder) of an input's sound; "audio-en-described" for a
// describer's (no language subtag has 9 characters, so it is never a language's). The
// language is kept to letters, digits and '-', lower case, so it is always a safe file name.
std::string audio_rendition_name(const std::string& language, bool describes_video = false);

class AudioLane {
  public:
    AudioLane(std::string rendition, std::chrono::milliseconds hold);
    ~AudioLane();
    AudioLane(const AudioLane&) = delete;
    AudioLane& operator=(const AudioLane&) = delete;

    const std::string& rendition() const { return rendition_; }

    // Loop thread, before attach(): one AAC frame of silence (silent_audio.hpp).
    void set_silence(GstSample* frame);
    // Loop thread: a new program run. `splitter` is the lane rendition's splitmuxsink, which
    // splits only where told (split_at).
    void attach(GstElement* pipeline, GstElement* appsrc, GstElement* splitter);
    void detach();
    // Loop thread: the picture's segment opened at this program running time. The first
    // one starts the lane's timeline.
    void split_at(GstClockTime running_time);
    // Loop thread, often (every 100 ms): silence where the input sent nothing for a
    // second, and what was held long enough goes to the program.
    void tick();
    // Loop thread, at the end of a program run, once the picture's last segment closed at
    // `end` (program running time): what is held up to there goes out (silence where
    // nothing is), then the end of stream. Detaches.
    void finish(GstClockTime end);

    // Loop thread: the input's current run; samples of other runs are dropped.
    void set_run(uint64_t run);
    // Streaming thread. Consumes nothing.
    void push(uint64_t run, GstSample* sample);

    // Buffers sent (sound and silence) and silent frames put in during this program run.
    uint64_t sent() const;
    uint64_t silent_frames() const;

  private:
    struct Held {
        GstClockTime pts = 0;
        GstBuffer* buffer = nullptr;  // ours
        GstCaps* caps = nullptr;      // ours
    };
    GstClockTime now() const;
    void fill_silence(GstClockTime up_to);
    void hold(GstClockTime pts, GstBuffer* buffer, GstCaps* caps);
    void release(GstClockTime up_to);
    void clear();

    // Passed by argument.
    const std::string rendition_;
    const GstClockTime hold_;

    // Allocated by this.
    mutable std::mutex mutex_;
    GstElement* pipeline_ = nullptr;  // the program's, while attached
    GstElement* appsrc_ = nullptr;
    GstElement* splitter_ = nullptr;
    GstSample* silence_ = nullptr;  // ours
    bool started_ = false;          // the picture's first segment opened
    uint64_t run_ = 0;
    bool anchored_ = false;
    GstClockTimeDiff offset_ = 0;  // program time = input running time + offset
    GstClockTime end_ = 0;         // program time up to which sound is held or sent
    std::deque<Held> held_;
    uint64_t sent_ = 0;
    uint64_t silent_ = 0;
};

}  // namespace stagehub::pipelines
