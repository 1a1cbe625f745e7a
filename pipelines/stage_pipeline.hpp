// One live stage: a GStreamer pipeline from a source to HLS files on disk.
//
// Threads: every public member runs on the GMainLoop thread that owns the application
// state. The pipeline's bus watch is attached to that thread's main context, so the
// Listener is only ever called on that thread too. GStreamer streaming threads never
// touch this object's state: they post bus messages.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace stagehub::pipelines {

// What the lower third shows: the session on now and who is on stage.
struct LowerThird {
    std::string title;     // e.g. "Idéslussen – så fick vi idéerna att flyta"
    std::string subtitle;  // e.g. "Anna Lindqvist, Jonas Berg"; empty hides the second line
};

// A segment file that is complete and listed in the live playlist: the unit of the replay
// archive.
struct ClosedSegment {
    std::filesystem::path path;  // output_dir / file name
    std::string run_id;          // the run that wrote it; timestamps restart with each run
    unsigned index = 0;          // its number within the run, from 0
    // Wall-clock time of its first frame: its running time mapped through the pipeline clock
    // (the system clock) at the moment the fragment opened.
    std::chrono::system_clock::time_point started_at;
    double duration_s = 0;

    bool operator==(const ClosedSegment&) const = default;
};

struct StagePipelineConfig {
    std::string stage_id;              // used in logs and reports, e.g. "main"
    std::filesystem::path output_dir;  // the playlist and segments go here; created if missing
    // hlssink2's own playlist. Its media sequence restarts at 0 with every run, so a server
    // that restarts pipelines keeps its own live playlist (LivePlaylist) under index.m3u8 and
    // points this one elsewhere.
    std::string playlist_name = "index.m3u8";
    int segment_seconds = 2;   // HLS target duration; also the keyframe interval
    int playlist_length = 10;  // segments listed in the live playlist window
    int width = 1280;
    int height = 720;
    int framerate = 25;
    int video_kbps = 2500;
    int audio_kbps = 128;
};

class StagePipeline {
  public:
    // Reports upward; called on the main loop thread only, never from inside a member
    // function of this class. Every run (start() to the end) ends with exactly one of
    // on_pipeline_error or on_pipeline_stopped; after it, running() is false. The listener may
    // destroy the StagePipeline from inside either of those two calls.
    class Listener {
      public:
        virtual ~Listener() = default;
        // The pipeline hit an error and is no longer producing media. `message` names the
        // element that failed. Also ends a run that was stopping: its files may be cut short.
        virtual void on_pipeline_error(const std::string& stage_id, const std::string& message) = 0;
        // A segment file was closed and listed in the playlist (the playlist on disk already
        // lists it). Reported in segment order.
        virtual void on_segment_closed(const std::string& stage_id,
                                       const ClosedSegment& segment) = 0;
        // stop() finished: EOS reached every sink (or the stop timed out), files are final.
        virtual void on_pipeline_stopped(const std::string& stage_id) = 0;
    };

    StagePipeline(StagePipelineConfig config, Listener& listener);
    ~StagePipeline();  // sets the pipeline to NULL if still running; prefer stop() first
    StagePipeline(const StagePipeline&) = delete;
    StagePipeline& operator=(const StagePipeline&) = delete;

    // Builds the element graph and sets it PLAYING. Throws std::runtime_error naming the stage
    // and the missing element (and the Debian package that provides it), the output folder
    // that cannot be created, or the element that refused to start. No-op while running; after
    // a run has ended it starts a new run, whose segment names differ from every earlier run's.
    // Attaches the bus watch to the calling thread's thread-default main context.
    void start();

    // Shows new text in the lower third from the next frame on. Remembered, so it may be set
    // before start() and survives a restart. Shown literally: no markup is interpreted.
    void set_lower_third(const LowerThird& text);

    // Sends EOS so the last segment and the playlist are finalised, then sets NULL.
    // Completion is reported through Listener::on_pipeline_stopped, at the latest after
    // `timeout_ms`. Safe to call more than once: a run reports stopped once; a call while
    // not running reports nothing.
    void stop(unsigned timeout_ms = 5000);

    // From a successful start() until the run's final report (stopping counts as running).
    bool running() const;
    const StagePipelineConfig& config() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace stagehub::pipelines
