#include "server/broadcast.hpp"

#include <glib.h>

#include <exception>

namespace stagehub::server {
namespace {

const char* name_of(StageState state) {
    switch (state) {
        case StageState::starting:
            return "starting";
        case StageState::live:
            return "live";
        case StageState::failed:
            return "failed";
        case StageState::stopped:
            return "stopped";
    }
    return "unknown";
}

}  // namespace

void Broadcast::start_stage(const std::string& stage_id) {
    Stage& stage = stages_[stage_id];
    pipelines::StagePipelineConfig pipeline_config;
    pipeline_config.stage_id = stage_id;
    pipeline_config.output_dir = config_.live_dir / stage_id;
    pipeline_config.segment_seconds = config_.segment_seconds;
    pipeline_config.width = config_.width;
    pipeline_config.height = config_.height;
    stage.pipeline = std::make_unique<pipelines::StagePipeline>(pipeline_config, *this);
    try {
        stage.pipeline->start();
        g_message("stage %s: broadcasting to %s", stage_id.c_str(),
                  pipeline_config.output_dir.c_str());
    } catch (const std::exception& e) {
        stage.state = StageState::failed;
        stage.error = e.what();
        g_warning("stage %s: cannot start the broadcast: %s", stage_id.c_str(), e.what());
    }
}

void Broadcast::show(const std::string& stage_id, const pipelines::LowerThird& text) {
    const auto it = stages_.find(stage_id);
    if (it != stages_.end() && it->second.pipeline && it->second.state != StageState::failed) {
        it->second.pipeline->set_lower_third(text);
    }
}

void Broadcast::stop_all(std::function<void()> done) {
    on_all_stopped_ = std::move(done);
    for (auto& [id, stage] : stages_) {
        if (stage.state == StageState::starting || stage.state == StageState::live) {
            stage.pipeline->stop();
        }
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

nlohmann::json Broadcast::health() const {
    nlohmann::json stages = nlohmann::json::object();
    for (const auto& [id, stage] : stages_) {
        stages[id] = {
            {"state", name_of(stage.state)},
            {"segments", stage.segments},
            {"error", stage.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(stage.error)}};
    }
    return stages;
}

void Broadcast::on_pipeline_error(const std::string& stage_id, const std::string& message) {
    Stage& stage = stages_[stage_id];
    stage.state = StageState::failed;
    stage.error = message;
    g_warning("stage %s: broadcast failed: %s", stage_id.c_str(), message.c_str());
    maybe_finish_stop();
}

void Broadcast::on_segment_closed(const std::string& stage_id,
                                  const pipelines::ClosedSegment& segment) {
    Stage& stage = stages_[stage_id];
    archive_.add(stage_id, segment);
    ++stage.segments;
    if (stage.state == StageState::starting) {
        stage.state = StageState::live;
        g_message("stage %s: live", stage_id.c_str());
    }
}

void Broadcast::on_pipeline_stopped(const std::string& stage_id) {
    Stage& stage = stages_[stage_id];
    if (stage.state != StageState::failed)
        stage.state = StageState::stopped;
    g_message("stage %s: broadcast stopped, files complete", stage_id.c_str());
    maybe_finish_stop();
}

}  // namespace stagehub::server
