// One live stage: a GStreamer pipeline from a source to HLS files on disk.
//
// Threads: every public member runs on the GMainLoop thread that owns the application
// state. The pipeline's bus watch is attached to that thread's main context, so the
// Listener is only ever called on that thread too. GStreamer streaming threads never
// touch this object's state: they post bus messages.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace stagehub::pipelines {

// What the lower third shows: the session on now and who is on stage.
struct LowerThird {
    std::string title;     // e.g. "Idéslussen – så fick vi idéerna att flyta"
    std::string subtitle;  // e.g. "Anna Lindqvist, Jonas Berg"; empty hides the second line
};

struct StagePipelineConfig {
    std::string stage_id;              // used in logs and reports, e.g. "main"
    std::filesystem::path output_dir;  // index.m3u8 and segments go here; created if missing
    int segment_seconds = 2;           // HLS target duration; also the keyframe interval
    int playlist_length = 10;          // segments listed in the live playlist window
    int width = 1280;
    int height = 720;
    int framerate = 25;
    int video_kbps = 2500;
    int audio_kbps = 128;
};

class StagePipeline {
  public:
    // Reports upward; called on the main loop thread only.
    class Listener {
      public:
        virtual ~Listener() = default;
        // The pipeline hit an error and is no longer producing media.
        virtual void on_pipeline_error(const std::string& stage_id, const std::string& message) = 0;
        // A segment file was closed and listed in the playlist.
        virtual void on_segment_closed(const std::string& stage_id,
                                       const std::filesystem::path& segment, double duration_s) = 0;
        // stop() finished: EOS reached every sink (or the stop timed out), files are final.
        virtual void on_pipeline_stopped(const std::string& stage_id) = 0;
    };

    StagePipeline(StagePipelineConfig config, Listener& listener);
    ~StagePipeline();  // sets the pipeline to NULL if still running; prefer stop() first
    StagePipeline(const StagePipeline&) = delete;
    StagePipeline& operator=(const StagePipeline&) = delete;

    // Builds the element graph and sets it PLAYING. Throws std::runtime_error naming the
    // missing element (and the Debian package that provides it) or the failed state change.
    void start();

    // Shows new text in the lower third from the next frame on.
    void set_lower_third(const LowerThird& text);

    // Sends EOS so the last segment and the playlist are finalised, then sets NULL.
    // Completion is reported through Listener::on_pipeline_stopped, at the latest after
    // `timeout_ms`. Safe to call more than once.
    void stop(unsigned timeout_ms = 5000);

    bool running() const;
    const StagePipelineConfig& config() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace stagehub::pipelines
