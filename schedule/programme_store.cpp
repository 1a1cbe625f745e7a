#include "schedule/programme_store.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "schedule/audio_inputs.hpp"
#include "schedule/ids.hpp"
#include "schedule/json_text.hpp"
#include "schedule/validation.hpp"

namespace stagehub::schedule {
namespace {

using nlohmann::json;

int64_t seconds_of(Instant at) {
    return static_cast<int64_t>(at.time_since_epoch().count());
}

Instant instant_of(int64_t seconds) {
    return Instant{Seconds{seconds}};
}

void bind_optional(Statement& statement, int index, const std::optional<Instant>& at) {
    if (at) {
        statement.bind(index, seconds_of(*at));
    } else {
        statement.bind_null(index);
    }
}

std::vector<std::string> json_strings(const std::string& text) {
    std::vector<std::string> values;
    const json parsed = parse_json(text).value_or(json());
    if (parsed.is_array()) {
        for (const json& item : parsed) {
            if (item.is_string())
                values.push_back(item.get<std::string>());
        }
    }
    return values;
}

// Ids of the rows of `table` that belong to the event.
std::set<std::string> ids_of_event(Database& db, std::string_view table, std::string_view event) {
    std::set<std::string> ids;
    Statement query = db.prepare("SELECT id FROM " + std::string(table) + " WHERE event_id = ?");
    query.bind(1, event);
    while (query.step())
        ids.insert(query.column_text(0));
    return ids;
}

// The ids and guids of `programme` without their form that the database already holds for
// this event (people: for any, they are shared): stored before the id rule, so an edit may
// keep them (and rename or remove what carries them). Any other off-form id is refused.
std::set<std::string> stored_off_form_ids(Database& db, const Programme& programme) {
    std::set<std::string> kept;
    Statement stored = db.prepare(
        "SELECT 1 FROM events WHERE id = ?1 AND id = ?2 UNION ALL SELECT 1 FROM stages WHERE "
        "(id = ?1 OR guid = ?1) AND event_id = ?2 UNION ALL SELECT 1 FROM sessions WHERE "
        "(id = ?1 OR guid = ?1) AND event_id = ?2 UNION ALL SELECT 1 FROM people WHERE id = ?1 "
        "LIMIT 1");
    for (const std::string& id : off_form_ids(programme)) {
        stored.bind(1, id).bind(2, programme.event.id);
        if (stored.step())
            kept.insert(id);
        stored.reset();
    }
    return kept;
}

// The stored guid of a row, so an edit or a re-import without guids keeps the one
// already handed out (apps remember sessions by guid).
std::string stored_guid(Database& db, std::string_view table, std::string_view id) {
    Statement query = db.prepare("SELECT guid FROM " + std::string(table) + " WHERE id = ?");
    query.bind(1, id);
    return query.step() ? query.column_text(0) : std::string();
}

std::string guid_for(Database& db, std::string_view table, std::string_view id,
                     const std::string& given) {
    if (!given.empty())
        return given;
    std::string guid = stored_guid(db, table, id);
    return guid.empty() ? random_uuid() : guid;
}

}  // namespace

std::string random_uuid() {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    std::array<unsigned char, 16> bytes{};
    for (size_t i = 0; i < bytes.size(); i += 8) {
        const uint64_t value = generator();
        for (size_t j = 0; j < 8; ++j)
            bytes[i + j] = static_cast<unsigned char>(value >> (8 * j));
    }
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
    std::string text;
    std::array<char, 3> hex{};
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text += '-';
        std::snprintf(hex.data(), hex.size(), "%02x", bytes[i]);
        text += hex.data();
    }
    return text;
}

Status ProgrammeStore::check_ids_free(const Programme& programme) {
    // Stage and session ids are global (they appear in URLs); refuse to take one that
    // another event owns rather than silently moving it between events.
    Statement stage_owner = db_.prepare("SELECT event_id FROM stages WHERE id = ?");
    for (const Stage& stage : programme.stages) {
        stage_owner.bind(1, stage.id);
        if (stage_owner.step() && stage_owner.column_text(0) != programme.event.id) {
            return Error{ErrorCode::id_conflict, "stage id '" + stage.id +
                                                     "' already belongs to event '" +
                                                     stage_owner.column_text(0) + "'"};
        }
        stage_owner.reset();
    }
    Statement session_owner = db_.prepare("SELECT event_id FROM sessions WHERE id = ?");
    for (const Session& session : programme.sessions) {
        session_owner.bind(1, session.id);
        if (session_owner.step() && session_owner.column_text(0) != programme.event.id) {
            return Error{ErrorCode::id_conflict, "session id '" + session.id +
                                                     "' already belongs to event '" +
                                                     session_owner.column_text(0) + "'"};
        }
        session_owner.reset();
    }
    return ok_status();
}

void ProgrammeStore::write_event_fields(const Event& e) {
    db_.prepare(
           "INSERT INTO events (id, title, organisers, time_zone, languages, venue, description, "
           "published) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
           "title = excluded.title, organisers = excluded.organisers, "
           "time_zone = excluded.time_zone, languages = excluded.languages, "
           "venue = excluded.venue, description = excluded.description, "
           "published = excluded.published")
        .bind(1, e.id)
        .bind(2, e.title)
        .bind(3, json(e.organisers).dump())
        .bind(4, e.time_zone)
        .bind(5, json(e.languages).dump())
        .bind(6, e.venue)
        .bind(7, e.description)
        .bind(8, int64_t{e.published})
        .run();
    db_.prepare("DELETE FROM event_days WHERE event_id = ?").bind(1, e.id).run();
    Statement insert_day = db_.prepare(
        "INSERT INTO event_days (event_id, position, starts_at, ends_at) VALUES (?, ?, ?, ?)");
    int64_t position = 0;
    for (const EventDay& day : e.days) {
        insert_day.bind(1, e.id)
            .bind(2, position++)
            .bind(3, seconds_of(day.start))
            .bind(4, seconds_of(day.end));
        insert_day.run();
    }
}

void ProgrammeStore::add_stages(const Programme& programme) {
    Statement upsert = db_.prepare(
        "INSERT INTO stages (id, event_id, name, position, guid, broadcast, capacity, location, "
        "source_kind, source_url, source_passphrase, lower_third, audio_inputs) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "name = excluded.name, position = excluded.position, guid = excluded.guid, "
        "broadcast = excluded.broadcast, capacity = excluded.capacity, "
        "location = excluded.location, source_kind = excluded.source_kind, "
        "source_url = excluded.source_url, source_passphrase = excluded.source_passphrase, "
        "lower_third = excluded.lower_third, audio_inputs = excluded.audio_inputs");
    int64_t position = 0;
    for (const Stage& stage : programme.stages) {
        upsert.bind(1, stage.id)
            .bind(2, programme.event.id)
            .bind(3, stage.name)
            .bind(4, position++)
            .bind(5, guid_for(db_, "stages", stage.id, stage.guid))
            .bind(6, int64_t{stage.broadcast})
            .bind(7, int64_t{stage.capacity})
            .bind(8, stage.location)
            .bind(9, to_string(stage.source.kind))
            .bind(10, stage.source.url)
            .bind(11, stage.source.passphrase)
            .bind(12, to_string(stage.lower_third))
            .bind(13, audio_inputs_column(stage.audio_inputs));
        upsert.run();
    }
}

void ProgrammeStore::remove_stages_not_in(const Programme& programme) {
    std::set<std::string> gone = ids_of_event(db_, "stages", programme.event.id);
    for (const Stage& stage : programme.stages)
        gone.erase(stage.id);
    // Sessions have been moved off the stages that go by now; none is lost with them.
    Statement remove = db_.prepare("DELETE FROM stages WHERE id = ?");
    for (const std::string& id : gone) {
        remove.bind(1, id);
        remove.run();
    }
}

void ProgrammeStore::write_sessions(const Programme& programme) {
    std::set<std::string> gone = ids_of_event(db_, "sessions", programme.event.id);
    for (const Session& s : programme.sessions)
        gone.erase(s.id);
    Statement remove = db_.prepare("DELETE FROM sessions WHERE id = ?");
    for (const std::string& id : gone) {
        remove.bind(1, id);
        remove.run();
    }

    Statement upsert = db_.prepare(
        "INSERT INTO sessions (id, event_id, stage_id, kind, title, abstract, theme, starts_at, "
        "duration_s, guid, language, actual_start, actual_end, attendance, cancelled, "
        "replay_allowed, published) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET stage_id = excluded.stage_id, kind = excluded.kind, "
        "title = excluded.title, abstract = excluded.abstract, theme = excluded.theme, "
        "starts_at = excluded.starts_at, duration_s = excluded.duration_s, "
        "guid = excluded.guid, language = excluded.language, "
        "actual_start = excluded.actual_start, actual_end = excluded.actual_end, "
        "attendance = excluded.attendance, cancelled = excluded.cancelled, "
        "replay_allowed = excluded.replay_allowed, published = excluded.published");
    Statement clear_people = db_.prepare("DELETE FROM session_people WHERE session_id = ?");
    Statement insert_person = db_.prepare(
        "INSERT INTO session_people (session_id, person_id, role, position) VALUES (?, ?, ?, ?)");
    Statement clear_follow_ups = db_.prepare("DELETE FROM session_follow_ups WHERE session_id = ?");
    Statement insert_follow_up = db_.prepare(
        "INSERT INTO session_follow_ups (session_id, followed_id, position) VALUES (?, ?, ?)");
    for (const Session& s : programme.sessions) {
        upsert.bind(1, s.id)
            .bind(2, programme.event.id)
            .bind(3, s.stage_id)
            .bind(4, to_string(s.kind))
            .bind(5, s.title)
            .bind(6, s.abstract)
            .bind(7, s.theme)
            .bind(8, seconds_of(s.start))
            .bind(9, static_cast<int64_t>(s.duration.count()))
            .bind(10, guid_for(db_, "sessions", s.id, s.guid))
            .bind(11, s.language);
        bind_optional(upsert, 12, s.actual_start);
        bind_optional(upsert, 13, s.actual_end);
        upsert.bind(14, to_string(s.attendance))
            .bind(15, int64_t{s.cancelled})
            .bind(16, int64_t{s.replay_allowed})
            .bind(17, int64_t{s.published});
        upsert.run();
        clear_people.bind(1, s.id);
        clear_people.run();
        int64_t position = 0;
        for (const SessionPerson& p : s.people) {
            insert_person.bind(1, s.id)
                .bind(2, p.person_id)
                .bind(3, to_string(p.role))
                .bind(4, position++);
            insert_person.run();
        }
    }
    // Follow-ups after every session exists: a panel may name a talk stored after it.
    for (const Session& s : programme.sessions) {
        clear_follow_ups.bind(1, s.id);
        clear_follow_ups.run();
        int64_t position = 0;
        for (const std::string& followed : s.follows_up) {
            insert_follow_up.bind(1, s.id).bind(2, followed).bind(3, position++);
            insert_follow_up.run();
        }
    }
}

int64_t ProgrammeStore::log_change(std::string_view event_id, const ChangeNote& note) {
    db_.prepare(
           "INSERT INTO change_log (event_id, at, actor, summary, operation, sessions, "
           "whole_event, public_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, event_id)
        .bind(2, seconds_of(now_utc()))
        .bind(3, note.actor)
        .bind(4, note.summary)
        .bind(5, note.operation)
        .bind(6, json(note.sessions).dump())
        .bind(7, int64_t{note.whole_event})
        .bind(8, json(note.public_before).dump())
        .run();
    return db_.last_insert_rowid();
}

Result<int64_t> ProgrammeStore::save_event(const Programme& programme, const ChangeNote& note) {
    const std::set<std::string> kept = stored_off_form_ids(db_, programme);
    if (const auto problems = validate(programme, kept); !problems.empty()) {
        if (problems.size() == 1)
            return problems.front();
        std::string message = "the programme of event '" + programme.event.id + "' is invalid:";
        for (const Error& e : problems)
            message += "\n- " + e.message;
        return Error{ErrorCode::invalid_programme, message};
    }

    Transaction tx(db_);
    if (const Status free = check_ids_free(programme); !free)
        return free.error();
    write_event_fields(programme.event);
    Statement upsert_person = db_.prepare(
        "INSERT INTO people (id, name, affiliation) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE "
        "SET name = excluded.name, affiliation = excluded.affiliation");
    for (const Person& person : programme.people) {
        upsert_person.bind(1, person.id).bind(2, person.name).bind(3, person.affiliation);
        upsert_person.run();
    }
    // Stages are added before the sessions on them and removed after the sessions have
    // left them (removing a stage cascades to the sessions still on it).
    add_stages(programme);
    write_sessions(programme);
    remove_stages_not_in(programme);
    const int64_t revision = log_change(programme.event.id, note);
    tx.commit();
    return revision;
}

Result<int64_t> ProgrammeStore::replace_event(const Programme& programme, std::string_view actor) {
    return save_event(programme,
                      ChangeNote{std::string(actor),
                                 "replace",
                                 "replaced the programme (" +
                                     std::to_string(programme.sessions.size()) + " sessions)",
                                 {},
                                 true,
                                 {}});
}

Result<int64_t> ProgrammeStore::delete_event(std::string_view event_id, std::string_view actor) {
    Transaction tx(db_);
    Statement remove = db_.prepare("DELETE FROM events WHERE id = ?");
    remove.bind(1, event_id);
    remove.run();
    if (db_.changes() == 0)
        return Error{ErrorCode::not_found, "there is no event '" + std::string(event_id) + "'"};
    // Access to the event goes with it: an event imported later under the same id is
    // nobody's from before.
    db_.prepare("DELETE FROM event_grants WHERE event_id = ?").bind(1, event_id).run();
    const int64_t revision = log_change(
        event_id,
        ChangeNote{std::string(actor), "delete_event", "deleted the event", {}, true, {}});
    tx.commit();
    return revision;
}

Result<Programme> ProgrammeStore::load_event(std::string_view event_id) {
    Programme programme;
    Statement event = db_.prepare(
        "SELECT id, title, organisers, time_zone, languages, venue, description, published "
        "FROM events WHERE id = ?");
    event.bind(1, event_id);
    if (!event.step()) {
        return Error{ErrorCode::not_found, "there is no event '" + std::string(event_id) + "'"};
    }
    Event& e = programme.event;
    e.id = event.column_text(0);
    e.title = event.column_text(1);
    e.organisers = json_strings(event.column_text(2));
    e.time_zone = event.column_text(3);
    e.languages = json_strings(event.column_text(4));
    e.venue = event.column_text(5);
    e.description = event.column_text(6);
    e.published = event.column_int(7) != 0;

    Statement days = db_.prepare(
        "SELECT starts_at, ends_at FROM event_days WHERE event_id = ? ORDER BY position");
    days.bind(1, event_id);
    while (days.step())
        e.days.push_back(EventDay{instant_of(days.column_int(0)), instant_of(days.column_int(1))});

    Statement stages = db_.prepare(
        "SELECT id, name, guid, broadcast, capacity, location, source_kind, source_url, "
        "source_passphrase, lower_third, audio_inputs FROM stages WHERE event_id = ? "
        "ORDER BY position");
    stages.bind(1, event_id);
    while (stages.step()) {
        Stage stage;
        stage.id = stages.column_text(0);
        stage.name = stages.column_text(1);
        stage.guid = stages.column_text(2);
        stage.broadcast = stages.column_int(3) != 0;
        stage.capacity = static_cast<int>(stages.column_int(4));
        stage.location = stages.column_text(5);
        // CHECK constraints guarantee known names.
        stage.source.kind =
            source_kind_from_string(stages.column_text(6)).value_or(SourceKind::test_pattern);
        stage.source.url = stages.column_text(7);
        stage.source.passphrase = stages.column_text(8);
        stage.lower_third =
            lower_third_mode_from_string(stages.column_text(9)).value_or(LowerThirdMode::automatic);
        stage.audio_inputs = audio_inputs_from_column(stages.column_text(10));
        programme.stages.push_back(std::move(stage));
    }

    Statement sessions = db_.prepare(
        "SELECT id, stage_id, kind, title, abstract, theme, starts_at, duration_s, guid, "
        "language, actual_start, actual_end, attendance, cancelled, replay_allowed, published "
        "FROM sessions WHERE event_id = ? ORDER BY starts_at, stage_id");
    sessions.bind(1, event_id);
    while (sessions.step()) {
        Session s;
        s.id = sessions.column_text(0);
        s.stage_id = sessions.column_text(1);
        // CHECK constraints guarantee known kinds and modes.
        s.kind = session_kind_from_string(sessions.column_text(2)).value_or(SessionKind::talk);
        s.title = sessions.column_text(3);
        s.abstract = sessions.column_text(4);
        s.theme = sessions.column_text(5);
        s.start = instant_of(sessions.column_int(6));
        s.duration = Seconds{sessions.column_int(7)};
        s.guid = sessions.column_text(8);
        s.language = sessions.column_text(9);
        if (!sessions.column_is_null(10))
            s.actual_start = instant_of(sessions.column_int(10));
        if (!sessions.column_is_null(11))
            s.actual_end = instant_of(sessions.column_int(11));
        s.attendance =
            attendance_mode_from_string(sessions.column_text(12)).value_or(AttendanceMode::hybrid);
        s.cancelled = sessions.column_int(13) != 0;
        s.replay_allowed = sessions.column_int(14) != 0;
        s.published = sessions.column_int(15) != 0;
        programme.sessions.push_back(std::move(s));
    }
    std::map<std::string, Session*, std::less<>> by_id;
    for (Session& s : programme.sessions)
        by_id.emplace(s.id, &s);

    Statement people = db_.prepare(
        "SELECT sp.session_id, sp.person_id, sp.role, p.name, p.affiliation "
        "FROM session_people sp JOIN sessions s ON s.id = sp.session_id "
        "JOIN people p ON p.id = sp.person_id WHERE s.event_id = ? "
        "ORDER BY sp.session_id, sp.position");
    people.bind(1, event_id);
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

    Statement follow_ups = db_.prepare(
        "SELECT f.session_id, f.followed_id FROM session_follow_ups f "
        "JOIN sessions s ON s.id = f.session_id WHERE s.event_id = ? "
        "ORDER BY f.session_id, f.position");
    follow_ups.bind(1, event_id);
    while (follow_ups.step()) {
        if (const auto it = by_id.find(follow_ups.column_text(0)); it != by_id.end())
            it->second->follows_up.push_back(follow_ups.column_text(1));
    }
    return programme;
}

std::optional<Person> ProgrammeStore::load_person(std::string_view person_id) {
    Statement query = db_.prepare("SELECT id, name, affiliation FROM people WHERE id = ?");
    query.bind(1, person_id);
    if (!query.step())
        return std::nullopt;
    return Person{query.column_text(0), query.column_text(1), query.column_text(2)};
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

std::vector<ChangeRecord> ProgrammeStore::changes_since(int64_t revision,
                                                        std::optional<std::string_view> event_id) {
    Statement query = db_.prepare(
        "SELECT revision, event_id, at, actor, operation, summary, sessions, whole_event, "
        "public_before "
        "FROM change_log WHERE revision > ?1 AND (?2 IS NULL OR event_id = ?2) "
        "ORDER BY revision");
    query.bind(1, revision);
    if (event_id) {
        query.bind(2, *event_id);
    } else {
        query.bind_null(2);
    }
    std::vector<ChangeRecord> changes;
    while (query.step()) {
        changes.push_back(ChangeRecord{query.column_int(0), query.column_text(1),
                                       instant_of(query.column_int(2)), query.column_text(3),
                                       query.column_text(4), query.column_text(5),
                                       json_strings(query.column_text(6)), query.column_int(7) != 0,
                                       json_strings(query.column_text(8))});
    }
    return changes;
}

}  // namespace stagehub::schedule
