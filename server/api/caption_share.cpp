#include "server/api/caption_share.hpp"

#include <chrono>
#include <cmath>

namespace stagehub::server {

std::set<std::string> captioned_replays(const captions::CaptionStore& store,
                                        const schedule::Programme& programme) {
    const auto ms = [](Instant at) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
    };
    std::set<std::string> captioned;
    for (const schedule::Session& s : programme.sessions) {
        if (s.cancelled || !s.replay_allowed)
            continue;
        for (const auto& track : store.replay_tracks(s.id, s.stage_id, ms(s.effective_start()),
                                                     ms(s.effective_end()))) {
            if (track.kind == captions::CueKind::captions && track.cues > 0) {
                captioned.insert(s.id);
                break;
            }
        }
    }
    return captioned;
}

void add_caption_share(nlohmann::json& report, const std::set<std::string>& captioned) {
    int64_t views = 0;
    int64_t captioned_views = 0;
    for (nlohmann::json& row : report.at("sessions")) {
        const bool is_captioned = captioned.contains(row.at("session").get<std::string>());
        row["replay_captioned"] = is_captioned;
        const int64_t n = row.at("replay_views").get<int64_t>();
        views += n;
        captioned_views += is_captioned ? n : 0;
    }
    nlohmann::json& totals = report["totals"];
    totals["replay_views_captioned"] = captioned_views;
    totals["replay_captioned_share"] =
        views == 0 ? nlohmann::json(nullptr)
                   : nlohmann::json(std::round(static_cast<double>(captioned_views) * 1000.0 /
                                               static_cast<double>(views)) /
                                    1000.0);
}

}  // namespace stagehub::server
