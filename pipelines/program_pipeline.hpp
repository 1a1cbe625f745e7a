// A stage's program: the one pipeline that writes its HLS, and never stops while the stage
// is on air, whatever its sources do (they come and go in front of it, see SourceSwitch).
//
//   appsrc video → h264parse → tee ─┬→ queue → hlssink2 "source"      (passthrough: no encode)
//                                   ├→ queue → avdec_h264 → tee ─┬→ queue [keyframe probe]
//                                   │                            │   → videoscale → x264enc
//                                   │                            │   → hlssink2 "720p"
//                                   │                            └→ … one branch per rendition
//                                   └→ (second outputs, added while running)
//   appsrc audio → aacparse → tee → queue → every hlssink2's audio, and hlssink2 "audio"
//
// Keyframes are aligned across renditions by forcing one in every encoded rendition at the
// exact frame where the source has one, so every rendition splits at the same instants.
//
// Threads: public members on the loop thread, where the bus watch runs. The keyframe probes
// run on streaming threads and touch only their own mutex-guarded queues.
#pragma once

#include <gst/gst.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipelines/audio_lane.hpp"
#include "pipelines/gst_ptr.hpp"
#include "pipelines/ladder.hpp"
#include "pipelines/source_switch.hpp"
#include "pipelines/stage_pipeline_types.hpp"

namespace stagehub::pipelines {

struct ProgramConfig {
    std::string stage_id;
    std::filesystem::path output_dir;  // each rendition writes to output_dir/{name}/
    int segment_seconds = 2;
    Ladder ladder;
    // Extra sounds (interpretation): one audio-only rendition each, split where the
    // picture's renditions are (AudioLane).
    std::vector<std::shared_ptr<AudioLane>> audio_lanes;
};

// What a master playlist says of a rendition.
struct RenditionInfo {
    std::string name;
    bool audio_only = false;
    int width = 0;
    int height = 0;
    double framerate = 0;
    std::string codecs;     // e.g. "avc1.64001f,mp4a.40.2"
    int64_t bandwidth = 0;  // peak bits per second over the segments so far
    // An alternative sound (#EXT-X-MEDIA:TYPE=AUDIO), not a variant: its language and the
    // name players show. Empty for the ladder's renditions.
    std::string language{};
    std::string label{};
    bool describes_video = false;  // audio description (CHARACTERISTICS describes-video)
};

class ProgramPipeline {
  public:
    class Listener {
      public:
        virtual ~Listener() = default;
        virtual void on_segment_closed(const ClosedSegment& segment) = 0;
        // The program failed and writes nothing more. May destroy the program.
        virtual void on_program_error(const std::string& message) = 0;
        // stop() finished (EOS reached every sink, or the stop timed out). May destroy it.
        virtual void on_program_stopped() = 0;
    };

    ProgramPipeline(ProgramConfig config, std::shared_ptr<SourceSwitch> input, Listener& listener);
    ~ProgramPipeline();
    ProgramPipeline(const ProgramPipeline&) = delete;
    ProgramPipeline& operator=(const ProgramPipeline&) = delete;

    // Builds, plays and attaches the switch. Throws std::runtime_error naming the stage and
    // the missing element, the folder it cannot write, or the element that refused to start.
    void start(const std::string& run_id);
    // Detaches the switch and ends the stream so every file is finalised; reports
    // on_program_stopped at the latest after `timeout_ms`.
    void stop(unsigned timeout_ms);
    bool running() const;

    std::vector<RenditionInfo> renditions() const;
    // Factory names of every element in the running graph.
    std::vector<std::string> elements() const;

    // A second output beside HLS (a local display, an SRT feed to the room): `output` is a
    // bin with ghost sink pads "video" (H.264 byte-stream) and/or "audio" (ADTS AAC). It is
    // linked to the program's tees while running, without touching the rest of the graph.
    // It is brought to PLAYING before it is linked, so this call lasts as long as its
    // sinks take to start (a network sink connecting); the program runs on meanwhile.
    // Returns false if it could not start or be linked (it is then not kept).
    bool add_output(const std::string& name, GstElement* output);
    // Unlinks and stops an output added before; the HLS renditions run on.
    void remove_output(const std::string& name);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// "avc1.PPCCLL" from the profile and level fields h264parse puts in the caps.
std::string avc_codec_of(const GstCaps* caps);

}  // namespace stagehub::pipelines
