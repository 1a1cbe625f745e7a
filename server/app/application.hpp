// The running stagehub: wires the programme (schedule), the stages' broadcasts
// (pipelines) and the web server together on one GMainLoop.
//
// Threads: constructed on any thread; run() and every handler run on the thread that
// calls run(), which iterates GLib's global default main context. request_shutdown()
// is the one member safe to call from any thread (or a signal handler source).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "schedule/captions/caption_store.hpp"
#include "schedule/database.hpp"
#include "schedule/now_next.hpp"
#include "schedule/panel_progress.hpp"
#include "schedule/programme_catalog.hpp"
#include "schedule/programme_store.hpp"
#include "server/api/accessibility_api.hpp"
#include "server/api/accounts_api.hpp"
#include "server/api/attendance_api.hpp"
#include "server/api/caption_api.hpp"
#include "server/api/caption_deadline.hpp"
#include "server/api/formats_api.hpp"
#include "server/api/heartbeat_api.hpp"
#include "server/api/live_api.hpp"
#include "server/api/panel_api.hpp"
#include "server/api/programme_api.hpp"
#include "server/api/programme_editor.hpp"
#include "server/api/replay_api.hpp"
#include "server/api/replay_caption_api.hpp"
#include "server/api/replay_subtitles_api.hpp"
#include "server/api/stage_control_api.hpp"
#include "server/api/stats_api.hpp"
#include "server/app/asr_captions.hpp"
#include "server/app/disk_floor.hpp"
#include "server/app/health_routes.hpp"
#include "server/app/options.hpp"
#include "server/app/periodic_tasks.hpp"
#include "server/app/server_metrics.hpp"
#include "server/auth/token_store.hpp"
#include "server/broadcast/stage_control_store.hpp"
#include "server/broadcast/stage_supervisor.hpp"
#include "server/http/api_router.hpp"
#include "server/http/http_server.hpp"
#include "server/http/loop_mailbox.hpp"
#include "server/http/static_files.hpp"
#include "server/live/live_channels.hpp"
#include "server/media/live_subtitles.hpp"
#include "server/media/playlist_reload.hpp"

typedef struct _GMainLoop GMainLoop;

namespace stagehub::server {

class Application : public HttpServer::Handler, public ProgrammeEditor::Listener {
  public:
    // Opens the database (migrating it) and imports the demo programme if one is given.
    // Throws with a message naming what failed and how to fix it.
    explicit Application(Options options);
    ~Application() override;

    // Listens, starts the stages and the clock; calls `on_ready(port)` once serving, then
    // runs until shutdown completes. Returns the process exit code.
    int run(const std::function<void(int port)>& on_ready);

    // Stops the stages with EOS (files end cleanly), closes every connection, then
    // returns from run(). Safe from any thread; a second call while stopping is a no-op.
    void request_shutdown();

    // The free-space floor's figures (free bytes, floor, state, archiving), read-only: for
    // /metrics. The loop thread's, like everything here.
    const DiskFigures& disk_figures() const { return disk_floor_.figures(); }

    // The REST routes, for tests that sweep every one of them.
    const ApiRouter& router() const { return router_; }
    // The metric families GET /metrics writes, for checks (the shipped dashboard's names).
    std::vector<std::string> metric_names() const { return metrics_->names(); }

    // HttpServer::Handler, on the loop thread.
    HttpResponse handle_http(const HttpRequest& request) override;
    void on_socket_open(SocketId socket, const SocketOpening& opening) override;
    void on_socket_message(SocketId socket, std::string_view text) override;
    void on_socket_close(SocketId socket) override;
    void on_socket_resync(SocketId socket, const std::vector<std::string>& channels) override;

    // ProgrammeEditor::Listener, on the loop thread: push the change to every screen and
    // re-judge now/next (a delay may change what is on).
    void on_programme_changed(const schedule::ChangeRecord& change) override;

  private:
    void add_routes();
    void tick();
    void apply_retention();
    // Looks at the free space; on a change stops or resumes archiving, logs it once and
    // tells the consoles on ops.
    void check_disk();
    // Raw heartbeats past their retention become per-minute and per-span figures, on the
    // heartbeat writer's thread.
    void compact_attendance();
    // Registrations past their retention are anonymised, on the same thread.
    void retain_registrations();
    // The 14-day rule's clock: the system's, or the one a test set (Options::caption_clock).
    Instant caption_now() const;
    void publish_now(const schedule::Programme& programme, const std::string& stage_id, Instant at);
    // An organiser's change (StageControlApi), applied and told to the consoles.
    void on_control_changed(const schedule::Stage& stage, const StageControl& control);
    void begin_shutdown();
    HttpResponse serve_file(const HttpRequest& request);   // the static files, or 404
    HttpResponse serve_media(const HttpRequest& request);  // /live/ and /posters/, or 404
    HttpResponse serve_live_subtitles(const HttpRequest& request, const SubtitlePath& path,
                                      const Caller& caller, Instant now);
    // What the health routes read of this server (the broadcast, the counters).
    HealthSources health_sources();
    // What the metrics read of this server at each scrape.
    ServerMetrics::Sources metrics_sources();
    // Every answer as it goes out: counted by route class, an error logged with its id.
    void on_answered(const HttpRequest& request, const HttpResponse& response);
    void refresh_log_secrets();
    HttpResponse embed_page(const HttpRequest& request, const std::string& file);
    HttpResponse page(const HttpRequest& request, const std::string& file);

    // Passed by argument.
    Options options_;
    // Allocated by this.
    schedule::Database db_;
    schedule::ProgrammeStore store_;
    schedule::ProgrammeCatalog catalog_;
    schedule::NowTracker now_tracker_;
    pipelines::SegmentArchive archive_;
    captions::CaptionStore captions_;
    DiskFloor disk_floor_;
    TokenStore tokens_;
    schedule::PanelProgressStore panels_;
    LiveChannels channels_;
    ProgrammeEditor editor_;
    ProgrammeApi programme_api_;
    AccountsApi accounts_api_;
    LiveApi live_api_;
    FormatsApi formats_api_;
    ReplayApi replay_api_;
    ReplaySubtitlesApi replay_subtitles_api_;  // WebVTT renditions of replays
    LiveSubtitles live_subtitles_;             // WebVTT renditions of live stages
    PanelApi panel_api_;
    AttendanceApi attendance_api_;
    AccessibilityApi accessibility_api_;
    LoopMailbox mailbox_;
    HeartbeatApi heartbeat_api_;
    StatsApi stats_api_;
    StageControlStore controls_;
    StageControlApi stage_control_api_;
    // Caption cues (schedule/captions); the speech recognisers' lines become live cues.
    AsrCaptions asr_captions_;
    CaptionApi caption_api_;
    CaptionDeadline caption_deadline_;
    ReplayCaptionApi replay_caption_api_;
    // Checkpoints the WAL every second (no connection of the server checkpoints on commit:
    // the loop and the heartbeat writer never wait on an fsync).
    schedule::DatabaseWorker checkpointer_;
    StaticFiles static_files_;
    // Live playlist requests waiting for their next segment (LL-HLS blocking reload).
    BlockingPlaylistReload playlist_reload_;
    ApiRouter router_;
    // GET /metrics and the request counts (server/app/server_metrics.hpp).
    std::unique_ptr<ServerMetrics> metrics_;
    std::unique_ptr<StageSupervisor> broadcast_;
    std::unique_ptr<HttpServer> http_;
    GMainLoop* loop_ = nullptr;
    PeriodicTasks periodic_;
    unsigned ticks_ = 0;
    std::set<std::string> log_secrets_;
    bool shutting_down_ = false;
    std::atomic<bool> shutdown_requested_{false};
};

}  // namespace stagehub::server
