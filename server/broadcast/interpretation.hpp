// A stage's interpretation (its extra audio inputs) between the programme and the
// pipelines: the inputs a stage's pipeline takes, the renditions its master lists before
// the pipeline has reported any, and what its health says of them.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "pipelines/audio_input.hpp"
#include "pipelines/program_pipeline.hpp"
#include "schedule/model.hpp"

namespace stagehub::server {

std::vector<pipelines::AudioInputSpec> audio_input_specs(const schedule::Stage& stage);

// One alternative-sound rendition per input, as the master lists them.
std::vector<pipelines::RenditionInfo> audio_input_renditions(
    const std::vector<pipelines::AudioInputSpec>& inputs);

// [{"language","rendition","state","runs","frames","silent_frames","error"}]
nlohmann::json audio_inputs_health_json(const std::vector<pipelines::AudioInputHealth>& inputs);

}  // namespace stagehub::server
