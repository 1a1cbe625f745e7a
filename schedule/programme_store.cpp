#include "schedule/programme_store.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "schedule/validation.hpp"

namespace stagehub::schedule {
namespace {

// Each session's people in their speaking order; positions are 0-based.
void insert_session_people(Database& db, const Session& session) {
    Statement insert = db.prepare(
        "INSERT INTO session_people (session_id, person_id, role, position) VALUES (?, ?, ?, ?)");
    int64_t position = 0;
    for (const SessionPerson& p : session.people) {
        insert.bind(1, session.id)
            .bind(2, p.person_id)
            .bind(3, to_string(p.role))
            .bind(4, position++);
        insert.run();
    }
}

}  // namespace

Status ProgrammeStore::check_ids_free(const Programme& programme) {
    // Stage and session ids are global (they appear in URLs); refuse to take one that
    // another event owns rather than silently moving it between events.
    Statement stage_owner = db_.prepare("SELECT event_id FROM stages WHERE id = ?");
    for (const Stage& stage : programme.stages) {
        stage_owner.bind(1, stage.id);
        if (stage_owner.step() && stage_owner.column_text(0) != programme.event.id) {
            return Error{"id_conflict", "stage id '" + stage.id + "' already belongs to event '" +
                                            stage_owner.column_text(0) + "'"};
        }
        stage_owner.reset();
    }
    Statement session_owner = db_.prepare("SELECT event_id FROM sessions WHERE id = ?");
    for (const Session& session : programme.sessions) {
        session_owner.bind(1, session.id);
        if (session_owner.step() && session_owner.column_text(0) != programme.event.id) {
            return Error{"id_conflict", "session id '" + session.id +
                                            "' already belongs to event '" +
                                            session_owner.column_text(0) + "'"};
        }
        session_owner.reset();
    }
    return ok_status();
}

Result<int64_t> ProgrammeStore::replace_event(const Programme& programme, std::string_view actor) {
    if (const auto problems = validate(programme); !problems.empty()) {
        std::string message = "the programme of event '" + programme.event.id + "' is invalid:";
        for (const Error& e : problems)
            message += "\n- " + e.message;
        return Error{"invalid_programme", message};
    }

    Transaction tx(db_);
    if (const Status free = check_ids_free(programme); !free)
        return free.error();

    db_.prepare(
           "INSERT INTO events (id, title, organiser, time_zone, language, venue, description) "
           "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
           "organiser = excluded.organiser, time_zone = excluded.time_zone, "
           "language = excluded.language, venue = excluded.venue, "
           "description = excluded.description")
        .bind(1, programme.event.id)
        .bind(2, programme.event.title)
        .bind(3, programme.event.organiser)
        .bind(4, programme.event.time_zone)
        .bind(5, programme.event.language)
        .bind(6, programme.event.venue)
        .bind(7, programme.event.description)
        .run();
    db_.prepare("DELETE FROM sessions WHERE event_id = ?").bind(1, programme.event.id).run();
    db_.prepare("DELETE FROM stages WHERE event_id = ?").bind(1, programme.event.id).run();

    Statement insert_stage =
        db_.prepare("INSERT INTO stages (id, event_id, name, position) VALUES (?, ?, ?, ?)");
    int64_t position = 0;
    for (const Stage& stage : programme.stages) {
        insert_stage.bind(1, stage.id)
            .bind(2, programme.event.id)
            .bind(3, stage.name)
            .bind(4, position++);
        insert_stage.run();
    }
    Statement upsert_person = db_.prepare(
        "INSERT INTO people (id, name, affiliation) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE "
        "SET name = excluded.name, affiliation = excluded.affiliation");
    for (const Person& person : programme.people) {
        upsert_person.bind(1, person.id).bind(2, person.name).bind(3, person.affiliation);
        upsert_person.run();
    }
    Statement insert_session = db_.prepare(
        "INSERT INTO sessions (id, event_id, stage_id, kind, title, abstract, theme, starts_at, "
        "duration_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const Session& s : programme.sessions) {
        insert_session.bind(1, s.id)
            .bind(2, programme.event.id)
            .bind(3, s.stage_id)
            .bind(4, to_string(s.kind))
            .bind(5, s.title)
            .bind(6, s.abstract)
            .bind(7, s.theme)
            .bind(8, static_cast<int64_t>(s.start.time_since_epoch().count()))
            .bind(9, static_cast<int64_t>(s.duration.count()));
        insert_session.run();
        insert_session_people(db_, s);
    }

    db_.prepare("INSERT INTO change_log (event_id, at, actor, summary) VALUES (?, ?, ?, ?)")
        .bind(1, programme.event.id)
        .bind(2, static_cast<int64_t>(now_utc().time_since_epoch().count()))
        .bind(3, actor)
        .bind(4,
              "replaced the programme (" + std::to_string(programme.sessions.size()) + " sessions)")
        .run();
    const int64_t revision = db_.last_insert_rowid();
    tx.commit();
    return revision;
}

Result<Programme> ProgrammeStore::load_event(std::string_view event_id) {
    Programme programme;
    Statement event = db_.prepare(
        "SELECT id, title, organiser, time_zone, language, venue, description FROM events "
        "WHERE id = ?");
    event.bind(1, event_id);
    if (!event.step()) {
        return Error{"not_found", "there is no event '" + std::string(event_id) + "'"};
    }
    programme.event = Event{event.column_text(0), event.column_text(1), event.column_text(2),
                            event.column_text(3), event.column_text(4), event.column_text(5),
                            event.column_text(6)};

    Statement stages =
        db_.prepare("SELECT id, name FROM stages WHERE event_id = ? ORDER BY position");
    stages.bind(1, event_id);
    while (stages.step())
        programme.stages.push_back(Stage{stages.column_text(0), stages.column_text(1)});

    Statement sessions = db_.prepare(
        "SELECT id, stage_id, kind, title, abstract, theme, starts_at, duration_s FROM sessions "
        "WHERE event_id = ? ORDER BY starts_at, stage_id");
    sessions.bind(1, event_id);
    while (sessions.step()) {
        Session s;
        s.id = sessions.column_text(0);
        s.stage_id = sessions.column_text(1);
        // The CHECK constraint guarantees a known kind.
        s.kind = session_kind_from_string(sessions.column_text(2)).value_or(SessionKind::talk);
        s.title = sessions.column_text(3);
        s.abstract = sessions.column_text(4);
        s.theme = sessions.column_text(5);
        s.start = Instant{Seconds{sessions.column_int(6)}};
        s.duration = Seconds{sessions.column_int(7)};
        programme.sessions.push_back(std::move(s));
    }

    Statement people = db_.prepare(
        "SELECT sp.session_id, sp.person_id, sp.role, p.name, p.affiliation "
        "FROM session_people sp JOIN sessions s ON s.id = sp.session_id "
        "JOIN people p ON p.id = sp.person_id WHERE s.event_id = ? "
        "ORDER BY sp.session_id, sp.position");
    people.bind(1, event_id);
    std::map<std::string, Session*, std::less<>> by_id;
    for (Session& s : programme.sessions)
        by_id.emplace(s.id, &s);
    std::set<std::string> seen_people;
    while (people.step()) {
        if (const auto it = by_id.find(people.column_text(0)); it != by_id.end()) {
            it->second->people.push_back(SessionPerson{
                people.column_text(1),
                person_role_from_string(people.column_text(2)).value_or(PersonRole::speaker)});
        }
        if (seen_people.insert(people.column_text(1)).second) {
            programme.people.push_back(
                Person{people.column_text(1), people.column_text(3), people.column_text(4)});
        }
    }
    std::sort(programme.people.begin(), programme.people.end(),
              [](const Person& a, const Person& b) { return a.id < b.id; });
    return programme;
}

std::vector<std::string> ProgrammeStore::event_ids() {
    std::vector<std::string> ids;
    Statement query = db_.prepare("SELECT id FROM events ORDER BY id");
    while (query.step())
        ids.push_back(query.column_text(0));
    return ids;
}

int64_t ProgrammeStore::revision() {
    Statement query = db_.prepare("SELECT COALESCE(MAX(revision), 0) FROM change_log");
    query.step();
    return query.column_int(0);
}

}  // namespace stagehub::schedule
