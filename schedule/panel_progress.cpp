#include "schedule/panel_progress.hpp"

#include <chrono>

#include "schedule/instant.hpp"

namespace stagehub::schedule {

using nlohmann::json;

namespace {

Seconds speaker_share(const Session& session) {
    if (session.people.empty())
        return Seconds{0};
    return Seconds{session.duration.count() / static_cast<int64_t>(session.people.size())};
}

json speaker_json(const Programme& programme, const Session& session, size_t index) {
    const SessionPerson& sp = session.people[index];
    const Person* person = programme.find_person(sp.person_id);
    return {{"person", sp.person_id},
            {"name", person ? person->name : sp.person_id},
            {"role", to_string(sp.role)},
            {"position", index + 1}};
}

}  // namespace

Result<PanelProgress> step_panel(const Session& session, const PanelProgress& progress,
                                 PanelStep step, Instant now) {
    const int count = static_cast<int>(session.people.size());
    if (count == 0) {
        return Error{ErrorCode::no_running_order,
                     "session '" + session.id +
                         "' has nobody in its running order; add people "
                         "to it first"};
    }
    PanelProgress after = progress;
    switch (step) {
        case PanelStep::next:
            if (progress.position >= count) {
                return Error{ErrorCode::bad_state, "the last speaker of '" + session.id +
                                                       "' has already finished; restart the panel "
                                                       "to begin again"};
            }
            after.position = progress.position + 1;
            break;
        case PanelStep::previous:
            if (progress.position <= 0) {
                return Error{ErrorCode::bad_state,
                             "the panel '" + session.id + "' is not past its first speaker"};
            }
            after.position = progress.position - 1;
            break;
        case PanelStep::restart:
            after.position = -1;
            break;
    }
    after.speaker_since =
        after.position >= 0 && after.position < count ? std::optional<Instant>(now) : std::nullopt;
    return after;
}

json panel_json(const Programme& programme, const Session& session, const PanelProgress& progress,
                Instant at) {
    const int count = static_cast<int>(session.people.size());
    // Clamped: a running order shortened after the panel started must not index past it.
    const int position = std::min(progress.position, count);
    json order = json::array();
    for (size_t i = 0; i < session.people.size(); ++i)
        order.push_back(speaker_json(programme, session, i));
    const Seconds share = speaker_share(session);
    json current = nullptr;
    if (position >= 0 && position < count) {
        current = speaker_json(programme, session, static_cast<size_t>(position));
        const Instant since = progress.speaker_since.value_or(at);
        const Instant ends = since + share;
        current["since"] = format_instant(since);
        current["ends"] = format_instant(ends);
        current["seconds_left"] = std::chrono::duration_cast<Seconds>(ends - at).count();
    }
    const int next_position = position + 1;
    json next = next_position >= 0 && next_position < count
                    ? speaker_json(programme, session, static_cast<size_t>(next_position))
                    : json(nullptr);
    const char* state = position < 0 ? "waiting" : position >= count ? "finished" : "speaking";
    return {{"session", session.id},
            {"title", session.title},
            {"state", state},
            {"speaker_seconds", share.count()},
            {"order", std::move(order)},
            {"current", std::move(current)},
            {"next", std::move(next)}};
}

PanelProgress PanelProgressStore::get(const std::string& session_id) {
    Statement query =
        db_.prepare("SELECT position, speaker_since FROM panel_progress WHERE session_id = ?");
    query.bind(1, session_id);
    PanelProgress progress;
    if (query.step()) {
        progress.position = static_cast<int>(query.column_int(0));
        if (!query.column_is_null(1))
            progress.speaker_since = Instant{Seconds{query.column_int(1)}};
    }
    return progress;
}

void PanelProgressStore::put(const std::string& session_id, const PanelProgress& progress) {
    Statement upsert = db_.prepare(
        "INSERT INTO panel_progress (session_id, position, speaker_since) VALUES (?, ?, ?) "
        "ON CONFLICT (session_id) DO UPDATE SET position = excluded.position, "
        "speaker_since = excluded.speaker_since");
    upsert.bind(1, session_id).bind(2, int64_t{progress.position});
    if (progress.speaker_since) {
        upsert.bind(3, progress.speaker_since->time_since_epoch().count());
    } else {
        upsert.bind_null(3);
    }
    upsert.run();
}

}  // namespace stagehub::schedule
