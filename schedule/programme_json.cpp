#include "schedule/programme_json.hpp"

#include <algorithm>

#include "schedule/programme_file.hpp"
#include "schedule/visibility.hpp"

namespace stagehub::schedule {

using nlohmann::json;

namespace {

json optional_instant(const std::optional<Instant>& at) {
    return at ? json(format_instant(*at)) : json(nullptr);
}

}  // namespace

json session_json(const Programme& programme, const Session& session, Instant at) {
    json people = json::array();
    for (const SessionPerson& sp : session.people) {
        const Person* person = programme.find_person(sp.person_id);
        people.push_back({{"id", sp.person_id},
                          {"name", person ? person->name : sp.person_id},
                          {"affiliation", person ? person->affiliation : ""},
                          {"role", to_string(sp.role)}});
    }
    return {{"id", session.id},
            {"guid", session.guid},
            {"event", programme.event.id},
            {"stage", session.stage_id},
            {"kind", to_string(session.kind)},
            {"title", session.title},
            {"abstract", session.abstract},
            {"theme", session.theme},
            {"language", session.language.empty() ? programme.event.language() : session.language},
            {"start", format_instant(session.effective_start())},
            {"end", format_instant(session.effective_end())},
            {"planned_start", format_instant(session.start)},
            {"planned_end", format_instant(session.planned_end())},
            {"duration_minutes", session.duration.count() / 60},
            {"actual_start", optional_instant(session.actual_start)},
            {"actual_end", optional_instant(session.actual_end)},
            {"state", to_string(session.state_at(at))},
            {"attendance", to_string(session.attendance)},
            {"replay_allowed", session.replay_allowed},
            {"published", session.published},
            {"follows_up", session.follows_up},
            {"people", std::move(people)}};
}

json event_fields_json(const Event& e) {
    // The programme file's event, plus the main language resolved for clients.
    json fields = event_file_json(e);
    fields["language"] = e.language();
    return fields;
}

json event_json(const Programme& programme, Instant at) {
    json stages = json::array();
    for (const Stage& stage : programme.stages) {
        const NowNext nn = now_and_next(programme, stage.id, at);
        stages.push_back(
            {{"id", stage.id},
             {"name", stage.name},
             {"broadcast", stage.broadcast},
             {"capacity", stage.capacity},
             {"location", stage.location},
             // The kind only: addresses and passphrases are the organisers'.
             {"source", to_string(stage.source.kind)},
             {"lower_third", to_string(stage.effective_lower_third())},
             {"live",
              stage.broadcast ? json{{"hls", "/live/" + stage.id + "/index.m3u8"}} : json(nullptr)},
             {"now", nn.now ? json(nn.now->id) : json(nullptr)},
             {"next", nn.next ? json(nn.next->id) : json(nullptr)}});
    }
    json sessions = json::array();
    for (const Session& s : programme.sessions)
        sessions.push_back(session_json(programme, s, at));
    json event = event_fields_json(programme.event);
    event["stages"] = std::move(stages);
    event["sessions"] = std::move(sessions);
    return event;
}

json now_next_json(const Programme& programme, const NowNext& now_next, Instant at) {
    return {{"now", now_next.now ? session_json(programme, *now_next.now, at) : json(nullptr)},
            {"next", now_next.next ? session_json(programme, *now_next.next, at) : json(nullptr)}};
}

std::optional<Programme> published_part(const Programme& programme) {
    return visible_part(programme, Sight{});
}

}  // namespace stagehub::schedule
