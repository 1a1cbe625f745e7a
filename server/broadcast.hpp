// The live side of every stage: one StagePipeline per stage, their state for health
// reports, and the lower third each one shows.
//
// Threads: loop thread only (pipelines report through their bus watches on the loop).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipelines/segment_archive.hpp"
#include "pipelines/stage_pipeline.hpp"

namespace stagehub::server {

enum class StageState { starting, live, failed, stopped };

class Broadcast : public pipelines::StagePipeline::Listener {
  public:
    struct Config {
        std::filesystem::path live_dir;  // each stage writes to live_dir/<stage id>/
        int segment_seconds = 2;
        int width = 1280;
        int height = 720;
    };

    // Every closed segment is indexed in `archive` (the replay archive).
    Broadcast(Config config, pipelines::SegmentArchive& archive)
        : config_(std::move(config)), archive_(archive) {}

    // Starts a pipeline for the stage. A stage that fails to start is reported as failed
    // (with the reason) and does not stop the others or the server.
    void start_stage(const std::string& stage_id);
    bool has_stage(const std::string& stage_id) const { return stages_.contains(stage_id); }
    void show(const std::string& stage_id, const pipelines::LowerThird& text);

    // Stops every pipeline with EOS; `done` runs once all have finished their files.
    void stop_all(std::function<void()> done);

    // {"stage id": {"state", "segments", "error"}} for the health endpoint.
    nlohmann::json health() const;

    void on_pipeline_error(const std::string& stage_id, const std::string& message) override;
    void on_segment_closed(const std::string& stage_id,
                           const pipelines::ClosedSegment& segment) override;
    void on_pipeline_stopped(const std::string& stage_id) override;

  private:
    struct Stage {
        std::unique_ptr<pipelines::StagePipeline> pipeline;
        StageState state = StageState::starting;
        std::string error;
        uint64_t segments = 0;
    };
    void maybe_finish_stop();

    Config config_;
    pipelines::SegmentArchive& archive_;
    std::map<std::string, Stage> stages_;
    std::function<void()> on_all_stopped_;
};

}  // namespace stagehub::server
