#include "server/broadcast/interpretation.hpp"

namespace stagehub::server {

std::vector<pipelines::AudioInputSpec> audio_input_specs(const schedule::Stage& stage) {
    std::vector<pipelines::AudioInputSpec> specs;
    for (const schedule::AudioInput& input : stage.audio_inputs)
        specs.push_back(
            {input.language, input.name, input.url, input.passphrase, input.describes_video});
    return specs;
}

std::vector<pipelines::RenditionInfo> audio_input_renditions(
    const std::vector<pipelines::AudioInputSpec>& inputs) {
    std::vector<pipelines::RenditionInfo> renditions;
    for (const auto& input : inputs) {
        pipelines::RenditionInfo r;
        r.name = pipelines::audio_rendition_name(input.language, input.describes_video);
        r.audio_only = true;
        r.codecs = "mp4a.40.2";
        r.language = input.language;
        r.label = input.name;
        r.describes_video = input.describes_video;
        renditions.push_back(std::move(r));
    }
    return renditions;
}

nlohmann::json audio_inputs_health_json(const std::vector<pipelines::AudioInputHealth>& inputs) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& input : inputs) {
        list.push_back({{"language", input.language},
                        {"rendition", input.rendition},
                        {"state", input.state},
                        {"runs", input.runs},
                        {"frames", input.frames},
                        {"silent_frames", input.silent_frames},
                        {"error", input.error.empty() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(input.error)}});
    }
    return list;
}

}  // namespace stagehub::server
