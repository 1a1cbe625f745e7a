#include "schedule/programme_stats.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "schedule/now_next.hpp"

namespace stagehub::schedule {

using nlohmann::json;

namespace {

long long late_minutes(const Session& s) {
    return std::max<long long>(0, (s.effective_start() - s.start).count() / 60);
}

}  // namespace

json programme_stats_json(const Programme& programme, Instant at) {
    std::map<std::string, int> by_kind;
    std::map<std::string, int> by_state;
    std::set<std::string> people;
    std::set<std::string> speakers;
    long long planned_seconds = 0;
    int late_sessions = 0;
    long long max_late = 0;
    for (const Session& s : programme.sessions) {
        ++by_kind[std::string(to_string(s.kind))];
        ++by_state[std::string(to_string(s.state_at(at)))];
        for (const SessionPerson& p : s.people) {
            people.insert(p.person_id);
            if (p.role != PersonRole::moderator)
                speakers.insert(p.person_id);
        }
        if (s.cancelled)
            continue;
        planned_seconds += s.duration.count();
        if (late_minutes(s) > 0)
            ++late_sessions;
        max_late = std::max(max_late, late_minutes(s));
    }
    json stages = json::array();
    for (const Stage& stage : programme.stages) {
        int count = 0;
        long long stage_seconds = 0;
        long long stage_max_late = 0;
        for (const Session& s : programme.sessions) {
            if (s.stage_id != stage.id || s.cancelled)
                continue;
            ++count;
            stage_seconds += s.duration.count();
            stage_max_late = std::max(stage_max_late, late_minutes(s));
        }
        const NowNext nn = now_and_next(programme, stage.id, at);
        const Session* current = nn.now ? nn.now : nn.next;
        stages.push_back({{"id", stage.id},
                          {"name", stage.name},
                          {"sessions", count},
                          {"planned_minutes", stage_seconds / 60},
                          {"late_minutes_now", current ? late_minutes(*current) : 0},
                          {"max_late_minutes", stage_max_late}});
    }
    return {{"event", programme.event.id},
            {"sessions", programme.sessions.size()},
            {"by_kind", by_kind},
            {"by_state", by_state},
            {"people", people.size()},
            {"speakers", speakers.size()},
            {"planned_minutes", planned_seconds / 60},
            {"late_sessions", late_sessions},
            {"max_late_minutes", max_late},
            {"stages", std::move(stages)}};
}

}  // namespace stagehub::schedule
