#include "schedule/now_next.hpp"

namespace stagehub::schedule {

NowNext now_and_next(const Programme& programme, std::string_view stage_id, Instant at) {
    NowNext result;
    for (const Session& s : programme.sessions) {
        if (s.stage_id != stage_id)
            continue;
        if (s.start <= at && at < s.end()) {
            // Valid programmes do not overlap on a stage; if one ever did, the later start
            // is what the room sees.
            if (result.now == nullptr || result.now->start < s.start)
                result.now = &s;
        } else if (s.start > at) {
            if (result.next == nullptr || s.start < result.next->start)
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
