#include "server/broadcast.hpp"

#include <glib.h>

#include <algorithm>
#include <exception>

#include "schedule/instant.hpp"

namespace stagehub::server {
namespace {

const char* name_of(StageState state) {
    switch (state) {
        case StageState::starting:
            return "starting";
        case StageState::live:
            return "live";
        case StageState::restarting:
            return "restarting";
        case StageState::failed:
            return "failed";
        case StageState::stopped:
            return "stopped";
    }
    return "unknown";
}

// A plugin that is not installed stays missing however often we retry.
bool is_permanent(const std::string& error) {
    return error.find("is missing; install") != std::string::npos;
}

}  // namespace

Broadcast::~Broadcast() {
    for (auto& [id, stage] : stages_)
        cancel_restart(stage);
}

void Broadcast::start_stage(const std::string& stage_id) {
    Stage& stage = stages_[stage_id];
    pipelines::StagePipelineConfig pipeline_config;
    pipeline_config.stage_id = stage_id;
    pipeline_config.output_dir = config_.live_dir / stage_id;
    pipeline_config.segment_seconds = config_.segment_seconds;
    pipeline_config.width = config_.width;
    pipeline_config.height = config_.height;
    // hlssink2's playlist restarts at sequence 0 with each run; players get ours.
    pipeline_config.playlist_name = ".pipeline.m3u8";
    stage.playlist = std::make_unique<pipelines::LivePlaylist>(
        pipeline_config.output_dir / "index.m3u8", config_.segment_seconds,
        static_cast<size_t>(pipeline_config.playlist_length));
    stage.playlist->resume();
    stage.pipeline = std::make_unique<pipelines::StagePipeline>(pipeline_config, *this);
    stage.backoff = config_.first_backoff;
    run(stage_id, stage);
}

void Broadcast::run(const std::string& stage_id, Stage& stage) {
    try {
        stage.state = StageState::starting;
        stage.run_started = Clock::now();
        stage.pipeline->start();
        g_message("stage %s: broadcasting to %s", stage_id.c_str(),
                  stage.pipeline->config().output_dir.c_str());
    } catch (const std::exception& e) {
        stage.error = e.what();
        g_warning("stage %s: cannot start the broadcast: %s", stage_id.c_str(), e.what());
        if (is_permanent(stage.error)) {
            stage.state = StageState::failed;
        } else {
            schedule_restart(stage_id, stage);
        }
    }
}

void Broadcast::schedule_restart(const std::string& stage_id, Stage& stage) {
    if (stopping_) {
        stage.state = StageState::failed;
        return;
    }
    // A run that stayed up for a while was a one-off failure: start over from the first
    // backoff. Otherwise keep doubling, so a stage that fails at once does not spin.
    if (Clock::now() - stage.run_started >= config_.stable_after)
        stage.backoff = config_.first_backoff;
    stage.state = StageState::restarting;
    g_message("stage %s: restarting in %lld ms", stage_id.c_str(),
              static_cast<long long>(stage.backoff.count()));
    struct Restart {
        Broadcast* self;
        std::string stage_id;
    };
    // On the thread-default context, where the pipelines' bus watches are too.
    GSource* timer = g_timeout_source_new(static_cast<guint>(stage.backoff.count()));
    g_source_set_callback(
        timer,
        [](gpointer data) -> gboolean {
            const auto* restart = static_cast<Restart*>(data);
            Stage& s = restart->self->stages_[restart->stage_id];
            g_source_unref(s.restart_timer);
            s.restart_timer = nullptr;
            ++s.restarts;
            restart->self->run(restart->stage_id, s);
            return G_SOURCE_REMOVE;
        },
        new Restart{this, stage_id}, [](gpointer data) { delete static_cast<Restart*>(data); });
    GMainContext* context = g_main_context_ref_thread_default();
    g_source_attach(timer, context);
    g_main_context_unref(context);
    stage.restart_timer = timer;
    stage.backoff = std::min(stage.backoff * 2, config_.max_backoff);
}

void Broadcast::cancel_restart(Stage& stage) {
    if (stage.restart_timer == nullptr)
        return;
    g_source_destroy(stage.restart_timer);
    g_source_unref(stage.restart_timer);
    stage.restart_timer = nullptr;
}

void Broadcast::show(const std::string& stage_id, const pipelines::LowerThird& text) {
    const auto it = stages_.find(stage_id);
    if (it != stages_.end() && it->second.pipeline)
        it->second.pipeline->set_lower_third(text);
}

void Broadcast::stop_all(std::function<void()> done) {
    stopping_ = true;
    on_all_stopped_ = std::move(done);
    for (auto& [id, stage] : stages_) {
        if (stage.restart_timer != nullptr) {
            cancel_restart(stage);
            stage.state = StageState::stopped;
        }
        if (stage.state == StageState::starting || stage.state == StageState::live)
            stage.pipeline->stop();
    }
    maybe_finish_stop();
}

void Broadcast::maybe_finish_stop() {
    if (!on_all_stopped_)
        return;
    for (const auto& [id, stage] : stages_) {
        if (stage.state == StageState::starting || stage.state == StageState::live)
            return;
    }
    auto done = std::move(on_all_stopped_);
    on_all_stopped_ = nullptr;
    done();
}

nlohmann::json Broadcast::health_of(const Stage& stage) const {
    using nlohmann::json;
    const bool live = stage.state == StageState::live;
    const auto uptime =
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - stage.run_started);
    return {{"state", name_of(stage.state)},
            {"segments", stage.segments},
            {"restarts", stage.restarts},
            {"uptime_seconds", live ? json(uptime.count()) : json(nullptr)},
            {"last_segment_at",
             stage.segments == 0
                 ? json(nullptr)
                 : json(format_instant_ms(std::chrono::time_point_cast<std::chrono::milliseconds>(
                       stage.last_segment_at)))},
            {"error", stage.error.empty() ? json(nullptr) : json(stage.error)}};
}

nlohmann::json Broadcast::health() const {
    nlohmann::json stages = nlohmann::json::object();
    for (const auto& [id, stage] : stages_)
        stages[id] = health_of(stage);
    return stages;
}

nlohmann::json Broadcast::stage_health(const std::string& stage_id) const {
    const auto it = stages_.find(stage_id);
    return it == stages_.end() ? nlohmann::json(nullptr) : health_of(it->second);
}

void Broadcast::on_pipeline_error(const std::string& stage_id, const std::string& message) {
    Stage& stage = stages_[stage_id];
    stage.error = message;
    g_warning("stage %s: broadcast failed: %s", stage_id.c_str(), message.c_str());
    if (stopping_) {
        stage.state = StageState::failed;
        maybe_finish_stop();
        return;
    }
    schedule_restart(stage_id, stage);
}

void Broadcast::on_segment_closed(const std::string& stage_id,
                                  const pipelines::ClosedSegment& segment) {
    Stage& stage = stages_[stage_id];
    archive_.add(stage_id, segment);
    if (stage.playlist)
        stage.playlist->add(segment.path.filename().string(), segment.duration_s, segment.run_id);
    ++stage.segments;
    stage.last_segment_at =
        segment.started_at + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                 std::chrono::duration<double>(segment.duration_s));
    if (stage.state == StageState::starting) {
        stage.state = StageState::live;
        g_message("stage %s: live", stage_id.c_str());
    }
}

void Broadcast::on_pipeline_stopped(const std::string& stage_id) {
    Stage& stage = stages_[stage_id];
    if (stage.state != StageState::failed)
        stage.state = StageState::stopped;
    if (stage.playlist)
        stage.playlist->end();
    g_message("stage %s: broadcast stopped, files complete", stage_id.c_str());
    maybe_finish_stop();
}

}  // namespace stagehub::server
