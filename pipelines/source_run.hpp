// One run of one source of a stage: a GStreamer pipeline from where the media comes from
// (an SRT caller, an RTMP or RTSP stream, a file, the test pattern, the slate) to two
// appsinks, whose samples go to the stage's SourceSwitch. H.264 + AAC input is parsed, not
// decoded (the top rendition is a passthrough); the test pattern and the slate encode
// their own picture. A reconnect, the next file, a restart: each is a new run, with a new
// pipeline and a fresh demuxer.
//
// Threads: public members on the loop thread (the bus watch runs there). The appsink
// callbacks run on streaming threads and touch only the shared Tap (atomics) and the
// switch. Tearing a run down can block for seconds (srtsrc with a dead peer waits ~4 s), so
// the destructor hands the pipeline to a background thread to reach NULL.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipelines/gst_ptr.hpp"
#include "pipelines/source_switch.hpp"
#include "pipelines/stage_pipeline_types.hpp"

namespace stagehub::pipelines {

// What one run plays.
struct SourceSpec {
    enum class Kind { pattern, slate, srt, rtmp, rtsp, file };
    Kind kind = Kind::pattern;
    std::string uri;         // srt://:9000, rtmp://…, rtsp://…, or a file path
    std::string passphrase;  // SRT encryption; empty for none
    // Decode, draw the lower third and encode again (a burned-in lower third over a live
    // input; costs a full encode of the top rendition).
    bool burn_in = false;
    // Pictures this run encodes itself (pattern, slate, burn-in).
    int width = 1280;
    int height = 720;
    int framerate = 25;
    int keyframe_seconds = 1;  // StagePipelineConfig::keyframe_seconds
    int video_kbps = 2500;
    int audio_kbps = 128;
    LowerThird text;  // pattern / burn-in: the lower third; slate: the card's two lines
};

// "test_pattern", "slate", "srt", "rtmp", "rtsp", "file": as the programme names them.
const char* name_of(SourceSpec::Kind kind);

// A moment's view of a run, for stage health.
struct SourceStats {
    bool receiving = false;       // a video frame within the last second
    double video_kbps = 0;        // since the previous stats() call
    double fps = 0;               // since the previous stats() call
    uint64_t frames = 0;          // video frames in this run
    uint64_t dropped_frames = 0;  // gaps in the frame timestamps, counted in frames
    std::optional<double> last_keyframe_age_s;
    double keyframe_interval_s = 0;  // the last gap between two keyframes
    int width = 0;
    int height = 0;
    double framerate = 0;  // from the caps
    double uptime_s = 0;   // since the run started
};

class SourceRun {
  public:
    class Listener {
      public:
        virtual ~Listener() = default;
        // The run's pipeline ended (end of file, the peer went away, an error). Loop
        // thread; the listener may destroy the run from inside.
        virtual void on_source_ended(uint64_t run, const std::string* error) = 0;
    };

    SourceRun(SourceSpec spec, Feed feed, uint64_t run, std::shared_ptr<SourceSwitch> target,
              Listener& listener, std::string stage_id);
    ~SourceRun();
    SourceRun(const SourceRun&) = delete;
    SourceRun& operator=(const SourceRun&) = delete;

    // Builds and plays. Throws std::runtime_error naming the stage and what failed (a
    // missing element with its Debian package, a port in use, a missing file).
    void start();

    // Changes the drawn text (pattern, slate, burn-in) from the next frame on.
    void set_text(const LowerThird& text);

    uint64_t run() const { return run_; }
    Feed feed() const { return feed_; }
    const SourceSpec& spec() const { return spec_; }
    // Since the last video sample, or since the start when none came yet.
    std::chrono::steady_clock::duration silent_for() const;
    bool had_data() const;
    SourceStats stats();
    // Factory names of every element in the run's graph.
    std::vector<std::string> elements() const;

    struct Tap;  // what the streaming threads see

  private:
    void handle(GstMessage* message);
    static gboolean on_bus_message(GstBus* bus, GstMessage* message, gpointer data);

    SourceSpec spec_;
    Feed feed_;
    uint64_t run_;
    std::shared_ptr<SourceSwitch> target_;
    Listener& listener_;
    std::string stage_id_;

    ElementPtr pipeline_;
    GstElement* overlay_ = nullptr;  // owned by pipeline_; null when nothing is drawn
    std::shared_ptr<Tap> tap_;
    bool ended_ = false;
    std::chrono::steady_clock::time_point started_{};
    std::chrono::steady_clock::time_point stats_at_{};
    uint64_t stats_bytes_ = 0;
    uint64_t stats_frames_ = 0;
    double rate_kbps_ = 0;
    double rate_fps_ = 0;
};

// Waits (bounded) until every pipeline handed to a background thread has reached NULL:
// at process exit, so no GStreamer thread outlives main.
void wait_for_released_pipelines(std::chrono::milliseconds timeout);

// Sets the pipeline to NULL on a background thread and drops it there.
void release_in_background(ElementPtr pipeline);

// The lower third as Pango markup: the user's text escaped, the markup ours alone.
std::string lower_third_markup(const LowerThird& text);

}  // namespace stagehub::pipelines
