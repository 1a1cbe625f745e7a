// StageSupervisor: the live side of every stage. One StagePipeline per stage, the
// playlists players load (a master and one media playlist per rendition, written by us so
// they outlive pipeline runs), their state for health reports, the lower third and slate
// each one shows, and restarts: a program pipeline that fails is started again after a
// backoff (1 s, doubling to 30 s; back to 1 s once a run has stayed up for a minute), and
// never takes the server or another stage down. Input losses are not failures: the slate
// covers them.
//
// Threads: loop thread only (pipelines report through their bus watches on the loop).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pipelines/live_playlist.hpp"
#include "pipelines/segment_archive.hpp"
#include "pipelines/stage_pipeline.hpp"
#include "pipelines/subtitle_playlist.hpp"
#include "schedule/model.hpp"
#include "server/broadcast/asr_process.hpp"
#include "server/broadcast/live_only_segments.hpp"
#include "server/broadcast/stage_control_store.hpp"
#include "server/broadcast/stage_run_state.hpp"

typedef struct _GSource GSource;

namespace stagehub::server {

class StageSupervisor : public pipelines::StagePipeline::Listener {
  public:
    struct Config {
        std::filesystem::path live_dir;  // each stage writes to live_dir/<stage id>/
        int segment_seconds = 2;
        int width = 1280;  // the test pattern's (and the slate's default) picture
        int height = 720;
        pipelines::Ladder ladder;
        std::chrono::milliseconds first_backoff{1000};
        std::chrono::milliseconds max_backoff{30000};
        std::chrono::seconds stable_after{60};  // a run this long resets the backoff
        // How long after its end a segment that left the live playlist is still served as
        // live (Options::live_grace); a segment not archived is deleted after that.
        std::chrono::seconds live_grace{60};
        // `--asr-command` split into words (command_argv); empty: no speech recognition.
        // Each broadcasting stage runs one, fed its program sound (asr_process.hpp).
        std::vector<std::string> asr_command{};
    };

    // Every closed segment is indexed in `archive` (the replay archive) while archiving is on.
    StageSupervisor(Config config, pipelines::SegmentArchive& archive)
        : config_(std::move(config)), archive_(archive) {}
    ~StageSupervisor() override;
    StageSupervisor(const StageSupervisor&) = delete;
    StageSupervisor& operator=(const StageSupervisor&) = delete;

    // Starts a pipeline for the stage, or, for one already broadcasting whose source
    // changed, restarts it on the new source. A stage that fails to start is retried with
    // backoff (a missing plugin is not: that needs a fix, and is reported as failed).
    void start_stage(const schedule::Stage& stage);
    bool has_stage(const std::string& stage_id) const { return stages_.contains(stage_id); }
    void show(const std::string& stage_id, const pipelines::LowerThird& text);
    // The session on now on a stage (empty: none): a stage whose source is a folder of
    // recordings plays that session's file ({folder}/{session}.mp4), once, from its start.
    void play_session(const std::string& stage_id, const std::string& session_id);
    // The slate's card while the input is lost (e.g. "We'll be right back" / "Next: …").
    void show_slate(const std::string& stage_id, const pipelines::LowerThird& text);

    // An organiser's hand (server/stage_control_api), at start-up and on every change. Off
    // air: the stage's pipeline ends cleanly (EOS: the playlists end, attendees see the
    // off-air card) and stays stopped, failures included, until put back on air: a new run,
    // its playlists continuing after a discontinuity; a stage never off air just starts
    // (start_stage). A slate text: the slate instead of the input, that text its card's
    // first line (the second stays the schedule's "Next: …"), kept across runs.
    void apply_control(const schedule::Stage& stage, const StageControl& control);

    // Where switches and health go for organisers (the `ops` websocket channel).
    void on_ops(std::function<void(const std::string& stage_id, const nlohmann::json&)> sink) {
        ops_ = std::move(sink);
    }

    // Whenever a rendition's live playlist is rewritten (a segment listed, the broadcast
    // ended): blocking playlist reloads wait for it (server/playlist_reload).
    void on_listed(
        std::function<void(const std::string& stage_id, const std::string& rendition)> sink) {
        listed_ = std::move(sink);
    }
    // The subtitle tracks a stage's live master lists (pipelines/subtitle_playlist.hpp),
    // asked each time the master may be rewritten (a segment of the top rendition listed).
    using SubtitleTracks =
        std::function<std::vector<pipelines::SubtitleTrack>(const std::string& stage_id)>;
    void set_subtitle_tracks(SubtitleTracks tracks) { subtitle_tracks_ = std::move(tracks); }
    // Each line a stage's speech recogniser printed, and when it arrived (a live cue).
    void on_asr_line(std::function<void(const std::string& stage_id, const std::string& text,
                                        std::chrono::system_clock::time_point at)>
                         sink) {
        asr_line_ = std::move(sink);
    }
    // Whether new segments go to the replay archive (on by default). Off (the disk is below
    // its floor, server/app/disk_floor.hpp): each new segment serves the live playlists
    // only and is deleted once no player may ask for it any more (live_only_segments.hpp);
    // what is archived stays. Back on: the first archived segment of each rendition begins
    // a new picture, so a replay across the gap plays through it.
    void set_archiving(bool on) { archiving_ = on; }
    bool archiving() const { return archiving_; }
    // Whether a live segment file may be served as live: listed in its rendition's playlist,
    // or not archived and still within the live grace (server/api/replay_api's listing).
    bool serves_live(const std::string& stage_id, const std::string& rendition,
                     const std::string& file) const;

    // A rendition's live playlist, or null when the stage does not broadcast it.
    const pipelines::LivePlaylist* playlist(const std::string& stage_id,
                                            const std::string& rendition) const;

    // The pipeline settings a stage's source gives (exposed for tests).
    pipelines::StagePipelineConfig pipeline_config_for(const schedule::Stage& stage) const;

    // Stops every pipeline with EOS; `done` runs once all have finished their files.
    void stop_all(std::function<void()> done);

    // A stage's figures as numbers, for metrics (server/app/server_metrics): the same
    // sources as its health, without the texts.
    struct StageFigures {
        StageRunState state = StageRunState::starting;
        std::string input_state;  // as in health's source.state; "" without a pipeline
        std::optional<double> video_bytes_per_second;  // the input's, over its last second
        std::optional<double> frames_per_second;
        std::optional<double> segment_age_seconds;  // since the last segment ended
        uint64_t restarts = 0;
        uint64_t program_errors = 0;
        uint64_t segments = 0;
    };
    // Null when the stage is not broadcasting.
    std::optional<StageFigures> figures(const std::string& stage_id);

    // {"stage id": health} for the health endpoints (docs/API.md).
    nlohmann::json health();
    // One stage's health, or null when there is no such stage.
    nlohmann::json stage_health(const std::string& stage_id);

    void on_pipeline_error(const std::string& stage_id, const std::string& message) override;
    void on_segment_closed(const std::string& stage_id,
                           const pipelines::ClosedSegment& segment) override;
    void on_pipeline_stopped(const std::string& stage_id) override;
    void on_feed_switched(const std::string& stage_id, const pipelines::FeedSwitch& change,
                          const std::string& reason) override;

  private:
    using Clock = std::chrono::steady_clock;
    struct Stage {
        std::unique_ptr<pipelines::StagePipeline> pipeline;
        // {rendition}/index.m3u8: ours, so they keep counting across pipeline runs and
        // restarts. index.m3u8 beside them is the master.
        std::map<std::string, std::unique_ptr<pipelines::LivePlaylist>> playlists;
        std::string master;  // as last written
        // A source edit waits for the running pipeline to stop, then starts this.
        std::optional<pipelines::StagePipelineConfig> pending_config;
        std::string source_kind;
        StageRunState state = StageRunState::starting;  // moved by record() only
        StageControl control;                           // the organisers' hand on it
        pipelines::LowerThird scheduled_slate;          // the card the schedule asks for
        std::string error;
        // Every failure of the program pipeline (at start or while running) since the server
        // started, whatever came of it: a stage that restarts by itself still had an outage.
        uint64_t program_errors = 0;
        std::chrono::system_clock::time_point last_program_error_at{};
        uint64_t segments = 0;
        unsigned restarts = 0;
        std::chrono::milliseconds backoff{0};
        GSource* restart_timer = nullptr;  // a pending restart; ours (one reference)
        Clock::time_point run_started{};
        std::chrono::system_clock::time_point last_segment_at{};
        // Segments kept for live only while archiving is off; the renditions whose next
        // archived segment follows a gap in the archive.
        LiveOnlySegments live_only;
        std::set<std::string> archive_gap;
        // Its speech recogniser: started with its first run, fed by an audio tap joined to
        // every run, ended with the broadcast.
        std::unique_ptr<AsrProcess> asr;

        void record(StageRunEvent event) { state = next_state(state, event); }
    };
    bool broadcastable(const schedule::Stage& stage) const;
    void run(const std::string& stage_id, Stage& stage);
    void not_started(const std::string& stage_id, Stage& stage, const std::string& message);
    void open_stage(const std::string& stage_id, Stage& stage,
                    pipelines::StagePipelineConfig config);
    void write_master(Stage& stage);
    void end_playlists(const std::string& stage_id, Stage& stage);
    void take_off_air(const std::string& stage_id, Stage& stage);
    void put_back_on_air(const schedule::Stage& stage_info, Stage& stage);
    static void apply_slate(Stage& stage);
    void schedule_restart(const std::string& stage_id, Stage& stage);
    static void count_program_error(Stage& stage, const std::string& message);
    static void cancel_restart(Stage& stage);
    void maybe_finish_stop();
    void attach_asr(const std::string& stage_id, Stage& stage);
    static void stop_asr(Stage& stage);
    void keep_segment(const std::string& stage_id, Stage& stage,
                      const pipelines::ClosedSegment& segment);
    void adopt_unarchived(Stage& stage, const std::filesystem::path& folder,
                          const pipelines::LivePlaylist& playlist);
    nlohmann::json health_of(Stage& stage);

    Config config_;
    pipelines::SegmentArchive& archive_;
    std::map<std::string, Stage> stages_;
    std::function<void()> on_all_stopped_;
    std::function<void(const std::string&, const nlohmann::json&)> ops_;
    std::function<void(const std::string&, const std::string&)> listed_;
    SubtitleTracks subtitle_tracks_;
    std::function<void(const std::string&, const std::string&,
                       std::chrono::system_clock::time_point)>
        asr_line_;
    bool stopping_ = false;
    bool archiving_ = true;
};

}  // namespace stagehub::server
