// One extra audio input of a stage (an interpreter, a language booth): its runs, each a
// small pipeline from the network to the stage's AudioLane, started afresh when one ends
// or when the caller went silent (a new SRT caller needs a new listener), and what the
// stage's health says of it.
//
//   srtsrc (listener) → tsdemux → aacparse → appsink → AudioLane → the program's
//   appsrc → aacparse → hlssink2 "audio-{language}"
//
// Threads: public members on the loop thread (the runs' bus watches run there); the
// appsink callback on the run's streaming thread touches only the shared Tap (atomics) and
// the lane.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pipelines/audio_lane.hpp"
#include "pipelines/gst_ptr.hpp"

namespace stagehub::pipelines {

struct AudioInputHealth {
    std::string language;
    std::string rendition;  // "audio-en"
    std::string state;      // "receiving", "waiting" (never had data), "lost", "stopped"
    std::string error;      // the last reason a run failed, if any
    uint64_t runs = 0;
    uint64_t frames = 0;         // AAC frames received in all runs
    uint64_t silent_frames = 0;  // frames of silence put in during this program run
};

class AudioInput {
  public:
    AudioInput(AudioInputSpec spec, std::string stage_id, std::chrono::milliseconds hold,
               std::chrono::milliseconds reset_after);
    ~AudioInput();
    AudioInput(const AudioInput&) = delete;
    AudioInput& operator=(const AudioInput&) = delete;

    const AudioInputSpec& spec() const { return spec_; }
    const std::shared_ptr<AudioLane>& lane() const { return lane_; }

    // Starts listening; a run that cannot start is retried by watch().
    void start();
    void stop();
    // Every 100 ms while the stage runs: the lane's silence and release, and a new run when
    // the last one ended or its caller went silent.
    void watch();
    AudioInputHealth health() const;
    // The element factory names of the current run, for tests.
    std::vector<std::string> elements() const;

    struct Tap;

  private:
    void start_run();
    void end_run();
    void handle(GstMessage* message);
    static gboolean on_bus_message(GstBus*, GstMessage* message, gpointer data);

    // Passed by argument.
    const AudioInputSpec spec_;
    const std::string stage_id_;
    const std::chrono::milliseconds reset_after_;

    // Allocated by this.
    std::shared_ptr<AudioLane> lane_;
    ElementPtr pipeline_;
    std::shared_ptr<Tap> tap_;
    bool started_ = false;
    bool ended_ = false;
    uint64_t runs_ = 0;
    uint64_t earlier_frames_ = 0;  // frames of the runs before this one
    std::string error_;
    std::chrono::steady_clock::time_point run_started_{};
    std::chrono::steady_clock::time_point ended_at_{};
};

}  // namespace stagehub::pipelines
