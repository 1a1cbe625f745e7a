#include "schedule/programme_json.hpp"

namespace stagehub::schedule {

using nlohmann::json;

json session_json(const Programme& programme, const Session& session) {
    json people = json::array();
    for (const SessionPerson& sp : session.people) {
        const Person* person = programme.find_person(sp.person_id);
        people.push_back({{"id", sp.person_id},
                          {"name", person ? person->name : sp.person_id},
                          {"affiliation", person ? person->affiliation : ""},
                          {"role", to_string(sp.role)}});
    }
    return {{"id", session.id},
            {"event", programme.event.id},
            {"stage", session.stage_id},
            {"kind", to_string(session.kind)},
            {"title", session.title},
            {"abstract", session.abstract},
            {"theme", session.theme},
            {"start", format_instant(session.start)},
            {"end", format_instant(session.end())},
            {"people", std::move(people)}};
}

json event_json(const Programme& programme, Instant at) {
    json stages = json::array();
    for (const Stage& stage : programme.stages) {
        const NowNext nn = now_and_next(programme, stage.id, at);
        stages.push_back({{"id", stage.id},
                          {"name", stage.name},
                          {"live", {{"hls", "/live/" + stage.id + "/index.m3u8"}}},
                          {"now", nn.now ? json(nn.now->id) : json(nullptr)},
                          {"next", nn.next ? json(nn.next->id) : json(nullptr)}});
    }
    json sessions = json::array();
    for (const Session& s : programme.sessions)
        sessions.push_back(session_json(programme, s));
    const Event& e = programme.event;
    return {{"id", e.id},
            {"title", e.title},
            {"organiser", e.organiser},
            {"time_zone", e.time_zone},
            {"language", e.language},
            {"venue", e.venue},
            {"description", e.description},
            {"stages", std::move(stages)},
            {"sessions", std::move(sessions)}};
}

json now_next_json(const Programme& programme, const NowNext& now_next) {
    return {{"now", now_next.now ? session_json(programme, *now_next.now) : json(nullptr)},
            {"next", now_next.next ? session_json(programme, *now_next.next) : json(nullptr)}};
}

}  // namespace stagehub::schedule
