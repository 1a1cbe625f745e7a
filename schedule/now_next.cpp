#include "schedule/now_next.hpp"

namespace stagehub::schedule {

NowNext now_and_next(const Programme& programme, std::string_view stage_id, Instant at) {
    NowNext result;
    for (const Session& s : programme.sessions) {
        if (s.stage_id != stage_id || s.cancelled)
            continue;
        // Effective times: a session started early or late by an organiser is on when it
        // really is, not when it was planned.
        const Instant start = s.effective_start();
        if (start <= at && at < s.effective_end()) {
            // Valid programmes do not overlap on a stage; if one ever did, the later start
            // is what the room sees.
            if (result.now == nullptr || result.now->effective_start() < start)
                result.now = &s;
        } else if (start > at) {
            if (result.next == nullptr || start < result.next->effective_start())
                result.next = &s;
        }
    }
    return result;
}

std::vector<std::string> NowTracker::update(const Programme& programme, Instant at) {
    std::vector<std::string> changed;
    for (const Stage& stage : programme.stages) {
        const NowNext nn = now_and_next(programme, stage.id, at);
        Ids ids{nn.now ? nn.now->id : std::string(), nn.next ? nn.next->id : std::string()};
        const auto it = last_.find(stage.id);
        if (it == last_.end() || !(it->second == ids)) {
            last_[stage.id] = std::move(ids);
            changed.push_back(stage.id);
        }
    }
    return changed;
}

}  // namespace stagehub::schedule
