#include "server/app/application.hpp"

#include <glib.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "schedule/attendance/audience_report.hpp"
#include "schedule/ids.hpp"
#include "schedule/instant.hpp"
#include "schedule/migrations.hpp"
#include "schedule/programme_file.hpp"
#include "schedule/programme_json.hpp"
#include "schedule/visibility.hpp"
#include "server/api/caption_file.hpp"
#include "server/app/feedback_retention.hpp"
#include "server/app/health_routes.hpp"
#include "server/app/install_paths.hpp"
#include "server/app/log_writer.hpp"
#include "server/app/metrics_access.hpp"
#include "server/app/page_routes.hpp"
#include "server/app/registration_retention.hpp"
#include "server/app/request_log.hpp"
#include "server/auth/speaker_link.hpp"
#include "server/broadcast/lower_third.hpp"
#include "server/http/security_headers.hpp"

namespace stagehub::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The clock ticks every 250 ms (periodic_tasks.cpp); these count its ticks.
constexpr unsigned kPosterEveryTicks = 12;     // 3 s
constexpr unsigned kOpsHealthEveryTicks = 20;  // 5 s
constexpr unsigned kStatsEveryTicks = 20;      // 5 s
constexpr unsigned kAccessEveryTicks = 4;      // 1 s
constexpr size_t kSweepSlices = 20;            // every viewer looked at every 5 s

fs::path prepare_data_dir(const fs::path& data_dir) {
    std::error_code ec;
    fs::create_directories(data_dir / "media" / "live", ec);
    if (!ec)
        fs::create_directories(data_dir / "media" / "posters", ec);
    if (ec) {
        throw std::runtime_error("cannot create the data directory " + data_dir.string() + ": " +
                                 ec.message() + " (choose another with --data)");
    }
    return data_dir / "stagehub.db";
}

HeartbeatApi::Config heartbeat_config(const Options& options, const fs::path& database) {
    HeartbeatApi::Config config;
    config.database = database;
    config.rules.heartbeat_every = std::chrono::seconds{options.heartbeat_every_s};
    config.rules.leave_after = 3 * config.rules.heartbeat_every;
    config.per_connection_per_second = options.heartbeat_connection_rate;
    config.new_viewers_per_address_per_minute = options.new_viewers_per_minute;
    config.queue = static_cast<size_t>(options.heartbeat_queue);
    config.clock = options.attendance_clock;
    return config;
}

// The words of --asr-command (checked when the options were read); none: no recogniser.
std::vector<std::string> asr_argv(const Options& options) {
    if (options.asr_command.empty())
        return {};
    return command_argv(options.asr_command).value_or({});
}

DiskFloor disk_floor_of(const Options& options) {
    DiskFloor::FreeSpace free_space = options.free_space;
    if (!free_space)
        free_space = [dir = options.data_dir] { return free_bytes_at(dir); };
    return DiskFloor(static_cast<uint64_t>(options.disk_floor_mb) << 20, std::move(free_space));
}

}  // namespace

Application::Application(Options options)
    : options_(std::move(options)),
      db_(prepare_data_dir(options_.data_dir)),
      store_(db_),
      catalog_(store_),
      archive_(db_, options_.data_dir / "media" / "live"),
      captions_(db_),
      disk_floor_(disk_floor_of(options_)),
      tokens_(db_),
      panels_(db_),
      channels_(store_, catalog_, panels_, tokens_,
                LiveChannels::Limits{static_cast<size_t>(options_.websocket_subscriptions)}),
      editor_(store_, catalog_, *this),
      programme_api_(store_, catalog_, tokens_, editor_),
      accounts_api_(catalog_, tokens_),
      live_api_(catalog_, tokens_, editor_),
      formats_api_(catalog_, tokens_, editor_),
      replay_api_(catalog_, tokens_, archive_, options_.data_dir / "media" / "posters", editor_),
      replay_subtitles_api_(replay_api_, captions_, archive_, tokens_),
      live_subtitles_(captions_, archive_,
                      [this](const std::string& stage, const std::string& rendition) {
                          return broadcast_ ? broadcast_->playlist(stage, rendition) : nullptr;
                      }),
      panel_api_(catalog_, tokens_, panels_,
                 [this](const std::string& session_id) { channels_.publish_panel(session_id); }),
      attendance_api_(catalog_, tokens_, db_, options_.attendance_clock,
                      AttendanceApi::Limits{options_.registrations_per_minute,
                                            options_.code_lookups_per_minute}),
      accessibility_api_(
          catalog_, tokens_, db_,
          AccessibilityDefaults{options_.accessibility_contact, options_.feedback_per_minute},
          [this](const schedule::Programme& programme) {
              return replay_api_.public_replays(programme, now_utc());
          },
          [this](const std::string& event_id, const json& message) {
              channels_.publish_event_ops(event_id, message);
          }),
      heartbeat_api_(catalog_, mailbox_, heartbeat_config(options_, db_.path()),
                     [this](uint64_t exchange, HttpResponse response) {
                         if (http_)
                             http_->complete(exchange, std::move(response));
                     }),
      stats_api_(catalog_, tokens_, mailbox_, db_.path(), heartbeat_api_.rules(),
                 [this](uint64_t exchange, HttpResponse response) {
                     if (http_)
                         http_->complete(exchange, std::move(response));
                 }),
      controls_(db_),
      stage_control_api_(catalog_, tokens_, controls_,
                         [this](const schedule::Stage& stage, const StageControl& control) {
                             on_control_changed(stage, control);
                         }),
      asr_captions_(captions_, catalog_),
      caption_api_(
          db_, catalog_, tokens_, captions_,
          [this](const captions::Cue& cue) { channels_.publish_caption_cue(cue); },
          [this](const std::string& stage, const std::string& language, const std::string& text) {
              channels_.publish_caption_partial(stage, language, text);
          }),
      caption_deadline_(
          db_, catalog_, archive_, captions_, replay_api_, editor_,
          {options_.caption_deadline_days,
           deadline_action_named(options_.caption_deadline_action).value_or(DeadlineAction::hide)},
          [this](const std::string& stage_id, const json& message) {
              channels_.publish_ops(stage_id, message);
          }),
      replay_caption_api_(catalog_, tokens_, replay_api_, captions_, caption_deadline_),
      checkpointer_(db_.path()),
      playlist_reload_(
          [this](const std::string& stage, const std::string& rendition) {
              return broadcast_ ? broadcast_->playlist(stage, rendition) : nullptr;
          },
          [this](const HttpRequest& request) {
              if (auto subtitles = live_subtitles_.answer_url(request.path))
                  return std::move(*subtitles);
              return serve_file(request);
          },
          [this](uint64_t exchange, HttpResponse response) {
              if (http_)
                  http_->complete(exchange, std::move(response));
          }) {
    install_log_writer(*log_format_named(options_.log_format));
    std::optional<std::string> metrics_token;
    if (!options_.metrics_token_file.empty()) {
        auto token = read_metrics_token(options_.metrics_token_file);
        if (!token)
            throw std::runtime_error(token.error().message);
        metrics_token = std::move(token).value();
    }
    metrics_ = std::make_unique<ServerMetrics>(metrics_sources(), std::move(metrics_token));
    schedule::migrate(db_);
    controls_.load();
    if (const int64_t forgotten = tokens_.forget_grants_of_deleted_events(); forgotten > 0)
        g_message("access: removed %lld grants to deleted events",
                  static_cast<long long>(forgotten));
    tokens_.limit_failures(options_.failed_tokens_per_minute);
    // Access changed through the API (a token revoked, a grant withdrawn): the open
    // websockets are re-judged at once, not at their next subscription.
    tokens_.on_change([this] { channels_.recheck_access(); });
    db_.execute("PRAGMA wal_autocheckpoint=0");
    if (!options_.programme_file.empty()) {
        auto programme = schedule::read_programme_file(options_.programme_file);
        if (!programme)
            throw std::runtime_error(programme.error().message);
        auto demo = schedule::retimed(std::move(programme).value(), now_utc(), options_.demo_speed);
        auto revision = store_.replace_event(demo, "demo");
        if (!revision)
            throw std::runtime_error(revision.error().message);
        g_message("demo programme '%s' starts now, %g× real time (revision %lld)",
                  demo.event.title.c_str(), options_.demo_speed, static_cast<long long>(*revision));
    }
    catalog_.reload();
    // Ids stored before the id rule: the server starts (refusing to would strand their
    // organisers), names each with what to do, and does not broadcast their stages.
    for (const auto& programme : catalog_.programmes()) {
        for (const std::string& note : schedule::off_form_notes(programme))
            g_warning("%s", note.c_str());
    }
    refresh_log_secrets();
    replay_api_.set_live_grace(options_.live_grace);
    replay_api_.set_organiser_fields([this](const ReplayApi::Window& replay, json& item) {
        item["captions"] = caption_deadline_.deadline_json(replay, caption_now());
    });

    options_.web_dir = web_dir_to_serve(options_.web_dir);
    if (!fs::is_regular_file(options_.web_dir / "index.html")) {
        throw std::runtime_error("no web pages at " + options_.web_dir.string() +
                                 " (index.html missing): pass --web DIR");
    }
    router_.allow_origins(options_.allowed_origins);
    static_files_.mount({"/", options_.web_dir, CachePolicy::revalidate, "index.html"});
    static_files_.mount({"/vendor/", options_.web_dir / "node_modules", CachePolicy::vendored, ""});
    static_files_.mount(
        {"/live/", options_.data_dir / "media" / "live", CachePolicy::live_media, ""});
    static_files_.mount(
        {"/posters/", options_.data_dir / "media" / "posters", CachePolicy::revalidate, ""});
    add_routes();
}

Application::~Application() {
    channels_.attach(nullptr, nullptr);
    periodic_.stop_all();
    http_.reset();
    broadcast_.reset();
    if (loop_ != nullptr)
        g_main_loop_unref(loop_);
}

void Application::add_routes() {
    add_stage_health_routes(router_, tokens_, catalog_, health_sources());
    programme_api_.add_routes(router_);
    accounts_api_.add_routes(router_);
    live_api_.add_routes(router_);
    formats_api_.add_routes(router_);
    replay_api_.add_routes(router_);
    replay_subtitles_api_.add_routes(router_);
    replay_caption_api_.add_routes(router_);
    panel_api_.add_routes(router_);
    attendance_api_.add_routes(router_);
    accessibility_api_.add_routes(router_);
    heartbeat_api_.add_routes(router_);
    stats_api_.add_routes(router_);
    stage_control_api_.add_routes(router_);
    caption_api_.add_routes(router_);
    channels_.count_viewers_with([this] { return heartbeat_api_.watching_now(); });
    // An erased recording takes its captions; a replay shown or hidden by hand is the
    // organiser's, not the 14-day rule's.
    replay_api_.on_visibility_edited([this](const std::string& session_id) {
        caption_deadline_.on_visibility_edited(session_id);
    });
    replay_api_.set_erase_captions([this](const std::string& stage_id,
                                          const std::string& session_id, pipelines::WallTime from,
                                          pipelines::WallTime to) {
        return captions_.erase_recording(stage_id, session_id, from.time_since_epoch().count(),
                                         to.time_since_epoch().count());
    });
    channels_.read_captions_from(&captions_);
    // A recogniser's lines reach the room screens and pages like a captioner's.
    asr_captions_.on_cue_added(
        [this](const captions::Cue& cue) { channels_.publish_caption_cue(cue); });
    add_public_health_route(router_, catalog_, health_sources());
}

HealthSources Application::health_sources() {
    HealthSources sources;
    sources.broadcast_health = [this](const std::string& stage_id) {
        return broadcast_ ? broadcast_->stage_health(stage_id) : json(nullptr);
    };
    sources.control = [this](const std::string& stage_id) { return controls_.get(stage_id); };
    sources.counters = [this] {
        return json{{"status", shutting_down_ ? "stopping" : "ok"},
                    {"sockets", http_ ? http_->socket_count() : 0},
                    {"sockets_fell_behind", http_ ? http_->resync_count() : 0},
                    {"heartbeats", heartbeat_api_.health()},
                    {"playlist_waits", playlist_reload_.waiting()},
                    {"disk", disk_json(disk_floor_.figures(), false)}};
    };
    sources.disk = [this] { return disk_json(disk_floor_.figures(), true); };
    return sources;
}

ServerMetrics::Sources Application::metrics_sources() {
    ServerMetrics::Sources sources;
    sources.http = [this]() -> const HttpServer* { return http_.get(); };
    sources.heartbeats = [this] { return heartbeat_api_.counters(); };
    sources.playlist_waits = [this] { return playlist_reload_.waiting(); };
    sources.disk = [this] { return disk_floor_.figures(); };
    // The stages of the programme as it is now, so a removed stage leaves the metrics.
    sources.stages = [this] {
        std::vector<ServerMetrics::StageSample> stages;
        const auto& archived = archive_.bytes_by_stage();
        for (const schedule::Programme& programme : catalog_.programmes()) {
            for (const schedule::Stage& stage : programme.stages) {
                if (!stage.broadcast)
                    continue;
                const auto bytes = archived.find(stage.id);
                stages.push_back({stage.id,
                                  broadcast_ ? broadcast_->figures(stage.id) : std::nullopt,
                                  bytes == archived.end() ? 0 : bytes->second});
            }
        }
        return stages;
    };
    return sources;
}

void Application::on_answered(const HttpRequest& request, const HttpResponse& response) {
    const RequestClass request_class =
        request_class_of(request.path, metrics_->take_replay(request.exchange));
    metrics_->answered(request_class, response.status);
    log_error_answer(request, response, request_class);
}

// Every stage's secrets, for the log writer. Kept once seen: a stage edited or removed may
// still log its old source while it stops.
void Application::refresh_log_secrets() {
    for (const schedule::Programme& programme : catalog_.programmes()) {
        for (const schedule::Stage& stage : programme.stages) {
            for (std::string& secret : schedule::secrets_of(stage))
                log_secrets_.insert(std::move(secret));
        }
    }
    set_log_secrets({log_secrets_.begin(), log_secrets_.end()});
}

int Application::run(const std::function<void(int port)>& on_ready) {
    // One loop per process (docs/ARCHITECTURE.md, "One loop"): every source is attached to
    // GLib's default context, so a second Application running beside the first would have
    // its sockets served by the first one's thread, now and then answering nothing at all.
    if (!g_main_context_acquire(nullptr)) {
        g_critical("another loop already runs this process's main context: one server per process");
        return 1;
    }
    loop_ = g_main_loop_new(nullptr, FALSE);
    HttpServer::Config http_config;
    http_config.host = options_.host;
    // A replay's caption file may be 2 MiB (server/api/caption_file.hpp); every other
    // request keeps the 1 MiB limit.
    http_config.body_limit = [](HttpMethod method, std::string_view path) -> size_t {
        return ReplayCaptionApi::takes_a_file(method, path) ? kMaxCaptionFileBytes + 4096 : 0;
    };
    http_config.port = options_.port;
    http_config.websocket_timeout_s = static_cast<uint16_t>(options_.websocket_timeout_s);
    http_config.allowed_origins = options_.allowed_origins;
    http_config.tls_cert = options_.tls_cert.string();
    http_config.tls_key = options_.tls_key.string();
    http_config.max_sockets_per_address = static_cast<size_t>(options_.websockets_per_address);
    http_config.max_connections_per_address = static_cast<size_t>(options_.connections_per_address);
    http_config.trusted_proxies = TrustedProxies::parse(options_.trusted_proxies);
    http_config.header_timeout_s = static_cast<unsigned>(options_.header_timeout_s);
    http_config.body_timeout_s = static_cast<unsigned>(options_.body_timeout_s);
    http_config.max_queued_messages = static_cast<size_t>(options_.websocket_queue_messages);
    http_config.stuck_timeout_s = static_cast<uint16_t>(options_.websocket_stuck_timeout_s);
    // Every answer's security headers, decided in server/security_headers.
    http_config.finish_headers =
        [policy = SecurityPolicy{!options_.tls_cert.empty(), options_.embed_origins}](
            const HttpRequest& request, HttpResponse& response) {
            add_security_headers(policy, request, response);
        };
    http_config.on_answered = [this](const HttpRequest& request, const HttpResponse& response) {
        on_answered(request, response);
    };
    http_ = std::make_unique<HttpServer>(http_config, *this, loop_);
    http_->start();
    channels_.attach(http_.get(), nullptr);

    if (options_.broadcast) {
        broadcast_ = std::make_unique<StageSupervisor>(
            StageSupervisor::Config{.live_dir = options_.data_dir / "media" / "live",
                                    .segment_seconds = options_.segment_seconds,
                                    .width = options_.video_width,
                                    .height = options_.video_height,
                                    .ladder = options_.ladder,
                                    .live_grace = options_.live_grace,
                                    .asr_command = asr_argv(options_)},
            archive_);
        broadcast_->set_archiving(disk_floor_.archiving());
        broadcast_->on_ops([this](const std::string& stage_id, const json& event) {
            channels_.publish_ops(stage_id, event);
        });
        broadcast_->set_subtitle_tracks([this](const std::string& stage_id) {
            const auto* owner = catalog_.find_stage_owner(stage_id);
            return live_subtitles_.tracks(
                stage_id, owner ? owner->event.languages : std::vector<std::string>{});
        });
        broadcast_->on_asr_line([this](const std::string& stage_id, const std::string& text,
                                       std::chrono::system_clock::time_point at) {
            if (const auto cue = asr_captions_.add_line(stage_id, text, at); !cue.ok()) {
                g_warning("stage %s: a line of its speech recogniser was not stored: %s",
                          stage_id.c_str(), cue.error().message.c_str());
            }
        });
        broadcast_->on_listed([this](const std::string& stage_id, const std::string& rendition) {
            playlist_reload_.listed(stage_id, rendition);
        });
        broadcast_->on_language([this](const std::string& stage_id) {
            const schedule::Programme* owner = catalog_.find_stage_owner(stage_id);
            return owner != nullptr ? owner->event.language() : std::string("sv");
        });
        replay_api_.set_live_listing([this](const std::string& stage, const std::string& rendition,
                                            const std::string& file) {
            return broadcast_ != nullptr && broadcast_->serves_live(stage, rendition, file);
        });
        channels_.attach(http_.get(), broadcast_.get());
        for (const auto& programme : catalog_.programmes()) {
            for (const auto& stage : programme.stages) {
                if (stage.broadcast)
                    broadcast_->apply_control(stage, controls_.get(stage.id));
            }
        }
    }
    PeriodicTasks::Tasks tasks;
    tasks.tick = [this] { tick(); };
    if (options_.retention_days > 0)
        tasks.retention = [this] { apply_retention(); };
    // PASSIVE: copies what no reader still needs, never waits for the writers; the WAL is
    // reused from its start once all of it has been copied.
    tasks.checkpoint = [this] {
        checkpointer_.run(
            [](schedule::Database& db) { db.execute("PRAGMA wal_checkpoint(PASSIVE)"); });
    };
    tasks.compaction = [this] { compact_attendance(); };
    if (options_.registration_retention_days > 0 || options_.feedback_retention_days > 0)
        tasks.registrations = [this] { retain_registrations(); };
    if (options_.registration_retention_days == 0) {
        g_message(
            "privacy: registrations are kept without a time limit "
            "(--registration-retention-days 0): the controller's records decision says why");
    }
    if (disk_floor_.state() != DiskState::off) {
        tasks.disk = [this] { check_disk(); };
        tasks.disk_every = options_.disk_check_every;
    }
    tasks.captions = [this] { caption_deadline_.run(caption_now()); };
    tasks.captions_every = options_.caption_deadline_every;
    periodic_.start(std::move(tasks));

    if (on_ready)
        on_ready(http_->port());
    if (shutdown_requested_)
        begin_shutdown();
    g_main_loop_run(loop_);
    g_main_context_release(nullptr);
    return 0;
}

// Old replays go by age; a few thousand deletes an hour at most, quick enough for the loop.
void Application::apply_retention() {
    const auto cutoff = std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now() - std::chrono::days{options_.retention_days});
    const int64_t removed = archive_.remove_older_than(cutoff);
    const int64_t cues = captions_.delete_cues_before(cutoff.time_since_epoch().count());
    if (removed > 0 || cues > 0) {
        g_message(
            "retention: removed %lld archived segments and %lld caption cues older than %d days",
            static_cast<long long>(removed), static_cast<long long>(cues), options_.retention_days);
    }
}

void Application::check_disk() {
    const std::optional<DiskState> changed = disk_floor_.check();
    if (!changed)
        return;
    const DiskFigures& disk = disk_floor_.figures();
    const auto mib = [](uint64_t bytes) { return static_cast<unsigned long long>(bytes >> 20); };
    if (*changed == DiskState::low) {
        g_warning(
            "disk: %llu MiB free on the data folder's disk, below the floor of %llu MiB: new "
            "segments are no longer archived for replays (live goes on); free space above "
            "%llu MiB resumes archiving (--disk-floor-mb)",
            mib(disk.free_bytes.value_or(0)), mib(disk.floor_bytes), mib(disk.resume_bytes));
    } else {
        g_message("disk: %llu MiB free, above %llu MiB again: archiving for replays resumed",
                  mib(disk.free_bytes.value_or(0)), mib(disk.resume_bytes));
    }
    if (broadcast_)
        broadcast_->set_archiving(disk.archiving);
    json message = disk_json(disk, true);
    message["type"] = "disk";
    channels_.publish_server_ops(message, *changed == DiskState::low);
}

void Application::compact_attendance() {
    const auto older_than =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()) -
        std::chrono::days{options_.heartbeat_retention_days};
    const attendance::CountingRules rules = heartbeat_api_.rules();
    for (const schedule::Programme& programme : catalog_.programmes()) {
        heartbeat_api_.writer().run([programme, older_than, rules](schedule::Database& db) {
            try {
                const int64_t compacted =
                    attendance::compact_event(db, programme, older_than, rules);
                if (compacted > 0) {
                    g_message(
                        "attendance: compacted %lld heartbeats of %s older than their "
                        "retention into per-minute figures",
                        static_cast<long long>(compacted), programme.event.id.c_str());
                }
            } catch (const std::exception& e) {
                g_warning("attendance: compacting the heartbeats of %s failed: %s",
                          programme.event.id.c_str(), e.what());
            }
        });
    }
}

void Application::retain_registrations() {
    const auto now = options_.attendance_clock
                         ? options_.attendance_clock()
                         : std::chrono::time_point_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now());
    if (options_.registration_retention_days > 0) {
        heartbeat_api_.writer().run(registration_retention_job(
            catalog_.programmes(), now, options_.registration_retention_days));
    }
    if (options_.feedback_retention_days > 0)
        heartbeat_api_.writer().run(feedback_retention_job(now, options_.feedback_retention_days));
}

Instant Application::caption_now() const {
    return options_.caption_clock ? std::chrono::time_point_cast<Seconds>(options_.caption_clock())
                                  : now_utc();
}

void Application::request_shutdown() {
    shutdown_requested_ = true;
    // Hop onto the loop thread; begin_shutdown touches application state.
    g_main_context_invoke(
        nullptr,
        [](gpointer self) -> gboolean {
            auto* app = static_cast<Application*>(self);
            if (app->loop_ != nullptr)
                app->begin_shutdown();
            return G_SOURCE_REMOVE;
        },
        this);
}

void Application::begin_shutdown() {
    if (shutting_down_)
        return;
    shutting_down_ = true;
    g_message("shutting down: ending the broadcasts cleanly");
    periodic_.stop_clock();
    const auto close_server = [this] { http_->shutdown([this] { g_main_loop_quit(loop_); }); };
    if (broadcast_) {
        broadcast_->stop_all(close_server);
    } else {
        close_server();
    }
}

void Application::tick() {
    const Instant now = now_utc();
    // Posters every few seconds: a replay appears seconds after its session ends.
    if (++ticks_ % kPosterEveryTicks == 0)
        replay_api_.make_missing_posters(now);
    if (ticks_ % kOpsHealthEveryTicks == 0)
        channels_.publish_ops_health();
    // A slice of the viewers each tick: one pass over all of a large audience held the loop
    // long enough to show in every request's latency (docs/BENCHMARKS.md, "Figures behind
    // design choices").
    heartbeat_api_.sweep(kSweepSlices);
    playlist_reload_.expire(std::chrono::steady_clock::now());
    if (ticks_ % kStatsEveryTicks == 0)
        channels_.publish_stats();
    // Access changed by another process (`stagehub admin revoke`) reaches open websockets
    // within a second.
    if (ticks_ % kAccessEveryTicks == 0)
        channels_.recheck_access();
    // The published view: the screens and the picture are public.
    for (const auto& programme : catalog_.published()) {
        // The tracker spans events; stage ids are globally unique.
        for (const std::string& stage_id : now_tracker_.update(programme, now)) {
            publish_now(programme, stage_id, now);
        }
    }
}

// `at` is the instant the tracker judged, so the push and the lower third agree with it.
void Application::publish_now(const schedule::Programme& programme, const std::string& stage_id,
                              Instant at) {
    const auto now_next = schedule::now_and_next(programme, stage_id, at);
    // Burned in only where the stage wants it: a player-drawn or absent lower third leaves
    // the picture clean.
    const schedule::Stage* stage = programme.find_stage(stage_id);
    const bool burned =
        stage != nullptr && stage->effective_lower_third() == schedule::LowerThirdMode::burned_in;
    if (broadcast_) {
        broadcast_->show(stage_id,
                         burned ? lower_third_for(programme, now_next) : pipelines::LowerThird{});
        broadcast_->show_slate(stage_id, slate_for(programme, now_next));
        broadcast_->play_session(stage_id, now_next.now != nullptr ? now_next.now->id : "");
    }
    channels_.publish_now(programme, stage_id, now_next);
}

HttpResponse Application::handle_http(const HttpRequest& request) {
    try {
        const PageRoute route = route_of(request.path);
        switch (route.destination) {
            case Destination::api:
                return router_.dispatch(request);
            case Destination::metrics:
                return metrics_->answer(request);
            case Destination::socket_endpoint:
                return error_response(
                    Error{ErrorCode::upgrade_required,
                          "/ws is a websocket endpoint; connect with a websocket client"});
            case Destination::embed_page:
                return embed_page(request, route.page);
            case Destination::page:
                return page(request, route.page);
            case Destination::media:
                return serve_media(request);
            case Destination::static_file:
                break;
        }
        return serve_file(request);
    } catch (const std::exception& e) {
        g_warning("request %s: %s failed: %s", request.request_id.c_str(),
                  loggable_path(request.path).c_str(), e.what());
        return error_response(
            Error{ErrorCode::internal, std::string("the server failed: ") + e.what()});
    }
}

void Application::on_control_changed(const schedule::Stage& stage, const StageControl& control) {
    if (broadcast_)
        broadcast_->apply_control(stage, control);
    json message = control_json(control);
    message["type"] = "control";
    message["stage"] = stage.id;
    channels_.publish_ops(stage.id, message);
    // The slate's "Next: …" line and the lower third come with the now/next judgement.
    now_tracker_.invalidate(stage.id);
    tick();
}

// /live/ and /posters/: each file only to whom the replay rules allow it, cached as long as
// that holds (server/api/replay_api.hpp, media_reach). Anything else is 404, as if absent.
HttpResponse Application::serve_media(const HttpRequest& request) {
    const bool live = request.path.starts_with("/live/");
    const std::string_view rest =
        std::string_view(request.path)
            .substr(live ? std::size("/live/") - 1 : std::size("/posters/") - 1);
    const auto relative = safe_relative(rest);
    auto identified = identify(request, tokens_);
    if (auto* refused = std::get_if<HttpResponse>(&identified))
        return std::move(*refused);
    const Caller& caller = std::get<Caller>(identified);
    const Instant now = now_utc();
    if (const auto subtitles =
            live && relative ? parse_subtitle_path(relative->generic_string()) : std::nullopt) {
        return serve_live_subtitles(request, *subtitles, caller, now);
    }
    const MediaReach reach = !relative ? MediaReach::none
                             : live ? replay_api_.live_file_reach(relative->string(), caller, now)
                                    : replay_api_.poster_reach(relative->string(), caller, now);
    std::optional<CachePolicy> cache;
    switch (reach) {
        case MediaReach::none:
            return error_response(Error{ErrorCode::not_found, "no file at " + request.path});
        case MediaReach::live:
            if (auto waiting = playlist_reload_.take(request, std::chrono::steady_clock::now()))
                return std::move(*waiting);
            break;  // the mount's live policy
        case MediaReach::replay:
            cache = CachePolicy::withdrawable;
            metrics_->mark_replay(request.exchange);
            break;
        case MediaReach::organisers:
            cache = CachePolicy::private_media;
            metrics_->mark_replay(request.exchange);
            break;
    }
    if (auto response = static_files_.serve(request, cache))
        return std::move(*response);
    return error_response(Error{ErrorCode::not_found, "no file at " + request.path});
}

// A live WebVTT rendition's playlist or segment (server/media/live_subtitles.hpp), read
// under the rules of the video file it mirrors.
HttpResponse Application::serve_live_subtitles(const HttpRequest& request, const SubtitlePath& path,
                                               const Caller& caller, Instant now) {
    switch (replay_api_.live_file_reach(path.video_file(), caller, now)) {
        case MediaReach::none:
            return error_response(Error{ErrorCode::not_found, "no file at " + request.path});
        case MediaReach::live:
            if (auto waiting = playlist_reload_.take(request, std::chrono::steady_clock::now()))
                return std::move(*waiting);
            return live_subtitles_.answer(path);
        case MediaReach::replay:
            // After the live window a replay's captions are its own (an organiser may have
            // corrected them): they are served under /api/v1/replays/, never from here.
            return error_response(Error{ErrorCode::not_found, "no file at " + request.path});
        case MediaReach::organisers:
            break;
    }
    return live_subtitles_.answer(path, "private, no-store");
}

HttpResponse Application::serve_file(const HttpRequest& request) {
    if (auto response = static_files_.serve(request))
        return std::move(*response);
    return error_response(Error{ErrorCode::not_found, "no file at " + request.path});
}

// /embed/{stage}: the player page for organisers' own sites (web/embed.html; it reads the
// stage from its URL). Other sites may frame it (server/security_headers): that is its purpose.
HttpResponse Application::embed_page(const HttpRequest& request, const std::string& file) {
    const std::string stage_id = request.path.substr(std::string_view("/embed/").size());
    const auto* owner = catalog_.find_stage_owner(stage_id);
    if (owner == nullptr || !owner->event.published) {
        return error_response(
            Error{ErrorCode::not_found,
                  "there is no stage '" + stage_id + "' to embed; the URL is /embed/{stage}"});
    }
    return page(request, file);
}

// A page of web/ served at an address of its own (the page reads its parameter from it).
HttpResponse Application::page(const HttpRequest& request, const std::string& file) {
    HttpRequest page = request;
    page.path = file;
    if (auto response = static_files_.serve(page))
        return std::move(*response);
    return error_response(
        Error{ErrorCode::not_found, "the page " + file + " is missing from the web folder"});
}

void Application::on_socket_open(SocketId socket, const SocketOpening& opening) {
    channels_.opened(socket, opening);
}

void Application::on_socket_message(SocketId socket, std::string_view text) {
    channels_.received(socket, text);
}

void Application::on_socket_close(SocketId socket) {
    channels_.closed(socket);
}

void Application::on_socket_resync(SocketId socket, const std::vector<std::string>& channels) {
    channels_.resync(socket, channels);
}

void Application::on_programme_changed(const schedule::ChangeRecord& change) {
    refresh_log_secrets();
    g_message("revision %lld: %s: %s (by %s)", static_cast<long long>(change.revision),
              change.event_id.c_str(), change.summary.c_str(), change.actor.c_str());
    // A deleted event took its grants with it: its followers lose what they followed.
    channels_.recheck_access();
    channels_.publish_change(change);
    const schedule::Programme* programme = catalog_.find_event(change.event_id);
    if (programme != nullptr) {
        for (const auto& stage : programme->stages) {
            now_tracker_.invalidate(stage.id);
            // A new stage goes on air; one whose source was edited restarts on it.
            if (broadcast_ && stage.broadcast)
                broadcast_->apply_control(stage, controls_.get(stage.id));
        }
    }
    tick();
}

}  // namespace stagehub::server
