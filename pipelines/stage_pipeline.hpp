// One live stage: its program pipeline writing the HLS ladder, the run of its input (SRT,
// RTMP, RTSP, a file, the test pattern) and, while the input is lost, the fallback slate;
// a watchdog that switches between them (docs/BROADCAST.md, "Faults").
//
// Threads: every public member runs on the GMainLoop thread that owns the application
// state. Bus watches and the watchdog are attached to that thread's main context, so the
// Listener is only ever called on that thread too. GStreamer streaming threads touch only
// the SourceSwitch and the runs' counters.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipelines/audio_input.hpp"
#include "pipelines/ladder.hpp"
#include "pipelines/missing_element.hpp"
#include "pipelines/program_pipeline.hpp"
#include "pipelines/source_run.hpp"
#include "pipelines/source_switch.hpp"
#include "pipelines/stage_pipeline_types.hpp"

namespace stagehub::pipelines {

struct StagePipelineConfig {
    std::string stage_id;              // used in logs and reports, e.g. "main"
    std::filesystem::path output_dir;  // renditions go to output_dir/{rendition}/
    int segment_seconds = 2;           // HLS target duration
    // Keyframes in the pictures stagehub encodes (test pattern, slate, burned-in lower
    // third). A live segment is closed one GOP after its end (splitmuxsink gathers whole
    // GOPs), so a 1 s GOP lists each segment a second after its end rather than a whole
    // segment later: glass-to-glass latency, docs/BENCHMARKS.md. Divides segment_seconds.
    int keyframe_seconds = 1;
    Ladder ladder;
    // The stage's input. The test pattern's (and the slate's, until an input told its
    // size) picture size and rate are in here too.
    SourceSpec source;
    // No input frame for this long: the slate goes on air.
    std::chrono::milliseconds silence_timeout{1000};
    // An SRT input that had data and has been silent this long is started afresh: a
    // killed sender is only noticed by SRT after ~5 s, and a new caller needs a new run.
    std::chrono::milliseconds listener_reset_after{3000};
    std::chrono::milliseconds input_retry{1000};  // between attempts to (re)start the input
    LowerThird slate_text{"We'll be right back", ""};
    // Extra sounds (interpretation), each its own audio-only rendition "audio-{language}".
    std::vector<AudioInputSpec> audio_inputs;
    // The language of the program's own sound (the event's main language), for players.
    std::string language = "sv";
};

// What the stage's health report says of its media.
struct StageMediaHealth {
    Feed on_air = Feed::none;
    std::string input_state;  // "receiving", "waiting" (never had data), "lost", "restarting"
    std::string input_error;  // the last reason the input failed, if any
    std::optional<SourceStats> input;
    uint64_t input_runs = 0;
    uint64_t switches = 0;
    double slate_seconds = 0;  // time on the slate during this run
    // Buffers whose timestamps the switch's guards had to move forward during this run
    // (see TimestampGuard): a source that keeps needing it has a fault.
    uint64_t timestamps_moved = 0;
    std::vector<AudioInputHealth> audio_inputs;
};

// The file a scheduled folder holds for a session: `{folder}/{session id}.{any extension}`
// (e.g. valkommen.mp4), or "" when there is none.
std::string file_for_session(const std::filesystem::path& folder, const std::string& session_id);

class StagePipeline : public SourceRun::Listener, public ProgramPipeline::Listener {
  public:
    // Reports upward; called on the main loop thread only, never from inside a public
    // member of this class. Every run (start() to the end) ends with exactly one of
    // on_pipeline_error or on_pipeline_stopped; after it, running() is false. The listener
    // may destroy the StagePipeline from inside either of those two calls.
    class Listener {
      public:
        virtual ~Listener() = default;
        // The program pipeline hit an error and writes nothing more. `message` names the
        // element that failed. (Input failures are not errors: the slate covers them.)
        virtual void on_pipeline_error(const std::string& stage_id, const std::string& message) = 0;
        // A segment of one rendition was closed; in order per rendition.
        virtual void on_segment_closed(const std::string& stage_id,
                                       const ClosedSegment& segment) = 0;
        // stop() finished: every file is final.
        virtual void on_pipeline_stopped(const std::string& stage_id) = 0;
        // The picture on air changed: the input came (back), or the slate covers its loss or
        // an organiser put it up (the switch's `cause`; `reason` is the detail, in English).
        virtual void on_feed_switched(const std::string&, const FeedSwitch&,
                                      const std::string& /*reason*/) {}
    };

    StagePipeline(StagePipelineConfig config, Listener& listener);
    ~StagePipeline() override;
    StagePipeline(const StagePipeline&) = delete;
    StagePipeline& operator=(const StagePipeline&) = delete;

    // Starts the program and the input. Throws MissingElementError naming the stage and the
    // missing element (with its Debian package), or std::runtime_error naming the output
    // folder that cannot be written or the element that refused to start. An input that cannot
    // start is not an error here: the slate covers it and the input is retried. No-op while
    // running; a new run gets segment names that differ from every earlier run's.
    void start();

    // Sends EOS so the last segments and playlists are final. Reported through
    // Listener::on_pipeline_stopped, at the latest after `timeout_ms`.
    void stop(unsigned timeout_ms = 5000);

    // The lower third of the test pattern or of a burned-in input; remembered across runs.
    // Shown literally: no markup is interpreted.
    void set_lower_third(const LowerThird& text);
    // The slate card's two lines (e.g. "We'll be right back" / "Next: 10:30 Panel").
    void set_slate_text(const LowerThird& text);
    // An organiser's slate: on air at its first keyframe instead of the input, which keeps
    // running unseen, until released (the input is back at its next keyframe). Remembered
    // across runs.
    void hold_slate(bool held);

    // A file source whose `uri` is a folder plays what the schedule says: the file of the
    // session on now, from its start, once; nothing (the slate) when `file` is empty. A
    // change restarts the input on the new file. No-op for other sources.
    void set_scheduled_file(const std::string& file);
    bool scheduled() const;

    bool running() const;
    const StagePipelineConfig& config() const { return config_; }
    StageMediaHealth health();
    std::vector<RenditionInfo> renditions() const;
    // What runs now: the factory names in the program and in the current input run (e.g.
    // to show that a passthrough input encodes nothing but the smaller renditions).
    std::vector<std::string> program_elements() const { return program_.elements(); }
    std::vector<std::string> input_elements() const;
    // A second output fed from the program (see ProgramPipeline::add_output).
    bool add_output(const std::string& name, GstElement* output);
    void remove_output(const std::string& name);

    // SourceRun::Listener and ProgramPipeline::Listener (loop thread).
    void on_source_ended(uint64_t run, const std::string* error) override;
    void on_segment_closed(const ClosedSegment& segment) override;
    void on_program_error(const std::string& message) override;
    void on_program_stopped() override;

  private:
    enum class RunState { idle, playing, stopping };
    void start_input();
    void schedule_input(std::chrono::milliseconds after);
    void start_slate();
    void watch();
    void report_switches();
    bool observe_input();
    void choose_feed(bool input_live);
    void put_up_slate();
    void renew_silent_listener();
    void end_sources();
    void cancel_timers();
    SourceSpec next_input_spec();
    std::vector<const char*> elements_needed() const;
    static gboolean on_watchdog(gpointer data);
    static gboolean on_input_timer(gpointer data);

    // Passed by argument.
    StagePipelineConfig config_;
    Listener& listener_;

    // Allocated by this.
    std::shared_ptr<SourceSwitch> switch_;
    std::vector<std::unique_ptr<AudioInput>> audio_inputs_;  // before program_: it has their lanes
    ProgramPipeline program_;
    std::unique_ptr<SourceRun> input_;
    std::unique_ptr<SourceRun> slate_;
    bool slate_held_ = false;
    RunState state_ = RunState::idle;
    uint64_t next_run_ = 1;
    uint64_t input_runs_ = 0;
    std::string input_error_;
    std::vector<std::string> playlist_;  // file sources: the files in play order
    std::string scheduled_file_;         // a folder source: the file of the session on now
    size_t playlist_next_ = 0;
    GSource* watchdog_ = nullptr;
    GSource* input_timer_ = nullptr;
    uint64_t switches_ = 0;
    bool silence_ready_ = false;
    std::chrono::steady_clock::duration slate_time_{};
    std::chrono::steady_clock::time_point slate_since_{};
    Feed on_air_ = Feed::none;
    int input_width_ = 0;
    int input_height_ = 0;
    double input_framerate_ = 0;
};

}  // namespace stagehub::pipelines
