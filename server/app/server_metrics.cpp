#include "server/app/server_metrics.hpp"

#include <chrono>
#include <string>

#include "schedule/database.hpp"
#include "server/app/metrics_access.hpp"

namespace stagehub::server {
namespace {

using metrics::FamilyWriter;
using metrics::Labels;
using metrics::MetricType;

// SQLite commits in WAL with synchronous=NORMAL write no fsync (the checkpointer does):
// most take tens of microseconds, a busy disk or a large batch of heartbeats milliseconds,
// a stalled disk seconds.
const std::vector<double> kCommitBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                            0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};

// The input states a stage's health reports (pipelines/stage_pipeline.cpp), and "none"
// when no pipeline runs: every one is written, 1 for the current, as Prometheus writes an
// enumeration.
constexpr const char* kInputStates[] = {"receiving", "waiting",       "lost", "restarting",
                                        "stopped",   "scheduled_off", "none"};
constexpr StageRunState kRunStates[] = {StageRunState::starting, StageRunState::live,
                                        StageRunState::restarting, StageRunState::failed,
                                        StageRunState::stopped};

void observe_commit(std::chrono::nanoseconds took) {
    ServerMetrics::commit_seconds().observe(std::chrono::duration<double>(took).count());
}

}  // namespace

metrics::Histogram& ServerMetrics::commit_seconds() {
    // For the process's life: commits come from threads that may outlive any one server.
    static metrics::Histogram histogram(kCommitBuckets);
    return histogram;
}

ServerMetrics::ServerMetrics(Sources sources, std::optional<std::string> token)
    : sources_(std::move(sources)), token_(std::move(token)) {
    schedule::Transaction::observe_commits(observe_commit);
    const double started =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    registry_.add_gauge("stagehub_start_time_seconds",
                        "When this stagehub process started, in seconds since the Unix epoch.",
                        [started] { return started; });
    add_http_families();
    add_websocket_families();
    add_heartbeat_families();
    add_database_families();
    add_stage_families();
    add_disk_families();
}

HttpResponse ServerMetrics::answer(const HttpRequest& request) const {
    if (request.method != HttpMethod::get && request.method != HttpMethod::head)
        return error_response(405, "method_not_allowed", "/metrics answers GET and HEAD");
    if (auto refused = refuse_metrics(request, token_))
        return std::move(*refused);
    HttpResponse response;
    response.content_type = std::string(metrics::kTextContentType);
    response.body = registry_.render();
    response.header("cache-control", "no-store");
    return response;
}

void ServerMetrics::answered(RequestClass request_class, int status) {
    requests_.add({std::string(name_of(request_class)), std::to_string(status)});
}

uint64_t ServerMetrics::requests(RequestClass request_class, int status) const {
    return requests_.value({std::string(name_of(request_class)), std::to_string(status)});
}

void ServerMetrics::add_http_families() {
    registry_.add(
        "stagehub_http_requests_total", "HTTP requests answered, by route class and status code.",
        MetricType::counter, [this](FamilyWriter& out) {
            for (const auto& [values, count] : requests_.values()) {
                out.sample({{"class", values[0]}, {"code", values[1]}}, static_cast<double>(count));
            }
        });
    registry_.add("stagehub_http_deferred_requests",
                  "Requests waiting for an answer given later (heartbeats being stored, reports).",
                  MetricType::gauge, [this](FamilyWriter& out) {
                      if (const HttpServer* http = sources_.http())
                          out.sample({}, static_cast<double>(http->deferred_count()));
                  });
    registry_.add("stagehub_http_playlist_waits",
                  "Live playlist requests waiting for their next segment (blocking reload).",
                  MetricType::gauge, [this](FamilyWriter& out) {
                      out.sample({}, static_cast<double>(sources_.playlist_waits()));
                  });
    registry_.add("stagehub_http_refused_connections_total",
                  "Connections closed at once for exceeding the per-address connection limit.",
                  MetricType::counter, [this](FamilyWriter& out) {
                      if (const HttpServer* http = sources_.http())
                          out.sample({}, static_cast<double>(http->counters().refused_connections));
                  });
}

void ServerMetrics::add_websocket_families() {
    const auto counter = [this](std::string name, std::string help,
                                uint64_t HttpServer::Counters::*field) {
        registry_.add(std::move(name), std::move(help), MetricType::counter,
                      [this, field](FamilyWriter& out) {
                          if (const HttpServer* http = sources_.http())
                              out.sample({}, static_cast<double>(http->counters().*field));
                      });
    };
    registry_.add("stagehub_websocket_connections", "Websockets open now.", MetricType::gauge,
                  [this](FamilyWriter& out) {
                      if (const HttpServer* http = sources_.http())
                          out.sample({}, static_cast<double>(http->socket_count()));
                  });
    counter("stagehub_websocket_messages_sent_total", "Websocket messages written to sockets.",
            &HttpServer::Counters::messages_sent);
    counter("stagehub_websocket_messages_received_total",
            "Websocket messages received from clients.", &HttpServer::Counters::messages_received);
    counter("stagehub_websocket_fell_behind_total",
            "Websockets that fell behind: their queue was dropped and they were resynchronised.",
            &HttpServer::Counters::fell_behind);
    counter("stagehub_websocket_closed_stuck_total",
            "Websockets closed for not catching up within --ws-stuck-timeout.",
            &HttpServer::Counters::closed_stuck);
}

void ServerMetrics::add_heartbeat_families() {
    registry_.add_gauge("stagehub_heartbeats_queued",
                        "Viewer heartbeats waiting for the database writer now.",
                        [this] { return static_cast<double>(sources_.heartbeats().queued); });
    registry_.add_gauge(
        "stagehub_heartbeat_queue_capacity",
        "Heartbeats the writer's queue holds before refusing (--heartbeat-queue).",
        [this] { return static_cast<double>(sources_.heartbeats().queue_capacity); });
    registry_.add_counter("stagehub_heartbeats_written_total",
                          "Viewer heartbeats stored in the database.",
                          [this] { return static_cast<double>(sources_.heartbeats().written); });
    registry_.add_counter("stagehub_heartbeat_batches_total",
                          "Commits of the heartbeat writer (each a batch of heartbeats).",
                          [this] { return static_cast<double>(sources_.heartbeats().batches); });
    registry_.add(
        "stagehub_heartbeats_rejected_total",
        "Viewer heartbeats not stored, by reason: invalid (400), rate_limited (429), "
        "queue_full (503), storage_failed (503).",
        MetricType::counter, [this](FamilyWriter& out) {
            const HeartbeatApi::Counters c = sources_.heartbeats();
            out.sample({{"reason", "invalid"}}, static_cast<double>(c.rejected));
            out.sample({{"reason", "rate_limited"}}, static_cast<double>(c.rate_limited));
            out.sample({{"reason", "queue_full"}}, static_cast<double>(c.refused_queue_full));
            out.sample({{"reason", "storage_failed"}}, static_cast<double>(c.failed));
        });
}

void ServerMetrics::add_database_families() {
    registry_.add("stagehub_database_commit_duration_seconds",
                  "Time SQLite took to COMMIT a transaction, on any thread of the server.",
                  MetricType::histogram,
                  [](FamilyWriter& out) { out.histogram({}, commit_seconds().snapshot()); });
}

void ServerMetrics::add_stage_families() {
    using Figures = StageSupervisor::StageFigures;
    // A per-stage family: one sample per stage of the programme that has the figure.
    const auto per_stage = [this](std::string name, std::string help, MetricType type,
                                  std::function<std::optional<double>(const StageSample&)> read) {
        registry_.add(std::move(name), std::move(help), type,
                      [this, read = std::move(read)](FamilyWriter& out) {
                          for (const StageSample& stage : sources_.stages()) {
                              if (const auto value = read(stage))
                                  out.sample({{"stage", stage.stage_id}}, *value);
                          }
                      });
    };
    per_stage("stagehub_stage_on_air",
              "1 while the stage's broadcast is live (segments listed), else 0.", MetricType::gauge,
              [](const StageSample& s) -> std::optional<double> {
                  return s.figures && s.figures->state == StageRunState::live ? 1.0 : 0.0;
              });
    // An enumeration per stage, as Prometheus writes one: a sample per possible state, 1 for
    // the stage's current one.
    const auto per_stage_state = [this](std::string name, std::string help,
                                        std::vector<std::string> states,
                                        std::function<std::string(const Figures&)> current_of) {
        registry_.add(std::move(name), std::move(help), MetricType::gauge,
                      [this, states = std::move(states),
                       current_of = std::move(current_of)](FamilyWriter& out) {
                          for (const StageSample& stage : sources_.stages()) {
                              if (!stage.figures)
                                  continue;
                              const std::string current = current_of(*stage.figures);
                              for (const std::string& state : states) {
                                  out.sample({{"stage", stage.stage_id}, {"state", state}},
                                             current == state ? 1.0 : 0.0);
                              }
                          }
                      });
    };
    std::vector<std::string> run_states;
    for (const StageRunState state : kRunStates)
        run_states.emplace_back(name_of(state));
    per_stage_state("stagehub_stage_state",
                    "The stage's broadcast state: 1 for the current one (starting, live, "
                    "restarting, failed, stopped), 0 for the others.",
                    std::move(run_states),
                    [](const Figures& figures) { return std::string(name_of(figures.state)); });
    per_stage_state("stagehub_stage_input_state",
                    "The stage input's state: 1 for the current one, 0 for the others (none: no "
                    "pipeline runs).",
                    {std::begin(kInputStates), std::end(kInputStates)}, [](const Figures& figures) {
                        return figures.input_state.empty() ? std::string("none")
                                                           : figures.input_state;
                    });
    per_stage("stagehub_stage_input_video_bytes_per_second",
              "The input's video bitrate over its last second, in bytes per second.",
              MetricType::gauge, [](const StageSample& s) {
                  return s.figures ? s.figures->video_bytes_per_second : std::nullopt;
              });
    per_stage("stagehub_stage_input_frames_per_second",
              "The input's video frames per second over its last second.", MetricType::gauge,
              [](const StageSample& s) {
                  return s.figures ? s.figures->frames_per_second : std::nullopt;
              });
    per_stage("stagehub_stage_segment_age_seconds",
              "Seconds since the stage's last live segment ended (grows while no segment comes).",
              MetricType::gauge, [](const StageSample& s) {
                  return s.figures ? s.figures->segment_age_seconds : std::nullopt;
              });
    const auto count = [](uint64_t Figures::*field) {
        return [field](const StageSample& s) -> std::optional<double> {
            if (!s.figures)
                return std::nullopt;
            return static_cast<double>((*s.figures).*field);
        };
    };
    per_stage("stagehub_stage_restarts_total",
              "Restarts of the stage's broadcast after a failure, since the server started.",
              MetricType::counter, count(&Figures::restarts));
    per_stage("stagehub_stage_program_errors_total",
              "Failures of the stage's program pipeline, since the server started.",
              MetricType::counter, count(&Figures::program_errors));
    per_stage("stagehub_stage_segments_total",
              "Live segments the stage has listed (source rendition), since the server started.",
              MetricType::counter, count(&Figures::segments));
    per_stage("stagehub_stage_archive_bytes",
              "Bytes of the stage's segments kept in the replay archive (every rendition).",
              MetricType::gauge, [](const StageSample& s) -> std::optional<double> {
                  return static_cast<double>(s.archive_bytes);
              });
}

// Free disk space and the archiving floor (issue 17, "Disk space") are measured by the
// disk floor's own unit. Its families go here, read from it like the stages above, e.g.
// stagehub_disk_free_bytes{path="data"}, stagehub_disk_floor_bytes and
// stagehub_archiving_paused (1 while below the floor).
void ServerMetrics::add_disk_families() {
    // With the floor off (--disk-floor-mb 0) nothing is measured: the families have no
    // sample, and an alert on stagehub_disk_low then stays silent rather than lying.
    const auto gauge = [this](std::string name, std::string help,
                              std::optional<double> (*read)(const DiskFigures&)) {
        registry_.add(std::move(name), std::move(help), MetricType::gauge,
                      [this, read](FamilyWriter& out) {
                          if (const auto value = read(sources_.disk()))
                              out.sample({}, *value);
                      });
    };
    gauge("stagehub_disk_free_bytes",
          "Bytes the service may still write on the data folder's filesystem, as last seen.",
          [](const DiskFigures& d) -> std::optional<double> {
              if (d.state == DiskState::off || !d.free_bytes)
                  return std::nullopt;
              return static_cast<double>(*d.free_bytes);
          });
    gauge("stagehub_disk_floor_bytes", "The free-space floor (--disk-floor-mb), in bytes.",
          [](const DiskFigures& d) -> std::optional<double> {
              if (d.state == DiskState::off)
                  return std::nullopt;
              return static_cast<double>(d.floor_bytes);
          });
    gauge("stagehub_disk_low", "1 while free space is below the floor (archiving stopped), else 0.",
          [](const DiskFigures& d) -> std::optional<double> {
              if (d.state == DiskState::off)
                  return std::nullopt;
              return d.state == DiskState::low ? 1.0 : 0.0;
          });
    gauge("stagehub_archiving", "1 while new segments are kept for replays, else 0.",
          [](const DiskFigures& d) -> std::optional<double> { return d.archiving ? 1.0 : 0.0; });
    registry_.add_counter("stagehub_disk_low_events_total",
                          "Times free space fell below the floor since the server started.",
                          [this] { return static_cast<double>(sources_.disk().times_low); });
}

}  // namespace stagehub::server
