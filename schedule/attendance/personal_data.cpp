#include "schedule/attendance/personal_data.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "schedule/database.hpp"
#include "schedule/instant.hpp"
#include "schedule/trim.hpp"

namespace stagehub::attendance {
namespace {

using schedule::Database;
using schedule::Statement;
using schedule::Transaction;
using json = nlohmann::json;

std::string sha256_hex(std::string_view text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(kHex[digest[i] >> 4]);
        hex.push_back(kHex[digest[i] & 0xf]);
    }
    return hex;
}

int64_t as_ms(TimePoint at) {
    return at.time_since_epoch().count();
}

TimePoint from_ms(int64_t ms) {
    return TimePoint{Millis{ms}};
}

// The subject's registrations that still hold personal data. Emails are stored trimmed;
// lower() folds ASCII only, as the subject's value is folded.
Statement select_subject(Database& db, const DataSubject& subject, std::string_view columns) {
    std::string sql = "SELECT ";
    sql.append(columns).append(" FROM registrations r WHERE r.anonymised_ms IS NULL AND ");
    sql.append(subject.kind == DataSubject::Kind::email ? "r.email != '' AND lower(r.email) = ?"
                                                        : "r.code = ?");
    sql.append(" ORDER BY r.created_ms, r.id");
    Statement query = db.prepare(sql);
    query.bind(1, subject.value);
    return query;
}

std::vector<int64_t> subject_ids(Database& db, const DataSubject& subject) {
    std::vector<int64_t> ids;
    Statement query = select_subject(db, subject, "r.id");
    while (query.step())
        ids.push_back(query.column_int(0));
    return ids;
}

int64_t count_rows(Database& db, std::string_view table, int64_t registration_id) {
    std::string sql = "SELECT count(*) FROM ";
    sql.append(table).append(" WHERE registration_id = ?");
    Statement query = db.prepare(sql);
    query.bind(1, registration_id);
    return query.step() ? query.column_int(0) : 0;
}

// The row stays for the figures; what names or reaches the person goes. "~" is outside the
// code alphabet, so the new code is unique and no scan or lookup can ever match it.
Anonymised anonymise(Database& db, const std::vector<int64_t>& ids, TimePoint now) {
    Anonymised done;
    Statement update = db.prepare(
        "UPDATE registrations SET name = '', email = '', code = '~' || id, anonymised_ms = ? "
        "WHERE id = ? AND anonymised_ms IS NULL");
    for (const int64_t id : ids) {
        update.bind(1, as_ms(now)).bind(2, id);
        update.run();
        update.reset();
        if (db.changes() == 0)
            continue;
        ++done.registrations;
        done.check_ins += count_rows(db, "check_ins", id);
        done.presence += count_rows(db, "session_presence", id);
    }
    return done;
}

void audit(Database& db, TimePoint now, std::string_view action, std::string_view subject,
           const Anonymised& counts, std::string_view actor) {
    Statement insert = db.prepare(
        "INSERT INTO privacy_audit (at_ms, action, subject, registrations, check_ins, presence, "
        "actor, feedback) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, as_ms(now))
        .bind(2, action)
        .bind(3, subject)
        .bind(4, counts.registrations)
        .bind(5, counts.check_ins)
        .bind(6, counts.presence)
        .bind(7, actor)
        .bind(8, counts.feedback);
    insert.run();
}

void add_check_ins(Database& db, HeldRegistration& held) {
    Statement query =
        db.prepare("SELECT day, at_ms FROM check_ins WHERE registration_id = ? ORDER BY day");
    query.bind(1, held.registration.id);
    while (query.step())
        held.check_ins.push_back({query.column_text(0), from_ms(query.column_int(1))});
}

void add_presence(Database& db, HeldRegistration& held) {
    Statement query = db.prepare(
        "SELECT p.session_id, coalesce(s.title, ''), p.at_ms FROM session_presence p "
        "LEFT JOIN sessions s ON s.id = p.session_id WHERE p.registration_id = ? "
        "ORDER BY p.at_ms");
    query.bind(1, held.registration.id);
    while (query.step()) {
        held.presence.push_back(
            {query.column_text(0), query.column_text(1), from_ms(query.column_int(2))});
    }
}

std::vector<ProgrammeNameMatch> people_named(Database& db,
                                             const std::vector<HeldRegistration>& found) {
    std::map<std::string, ProgrammeNameMatch> people;
    Statement query = db.prepare(
        "SELECT p.id, p.name, p.affiliation, s.event_id, s.id FROM people p "
        "LEFT JOIN session_people sp ON sp.person_id = p.id "
        "LEFT JOIN sessions s ON s.id = sp.session_id "
        "WHERE lower(p.name) = lower(?) ORDER BY p.id, s.event_id, s.starts_at");
    for (const HeldRegistration& held : found) {
        if (held.registration.name.empty())
            continue;
        query.bind(1, held.registration.name);
        while (query.step()) {
            ProgrammeNameMatch& person = people[query.column_text(0)];
            person.person_id = query.column_text(0);
            person.name = query.column_text(1);
            person.affiliation = query.column_text(2);
            if (!query.column_is_null(4)) {
                const std::string where = query.column_text(3) + "/" + query.column_text(4);
                if (std::find(person.sessions.begin(), person.sessions.end(), where) ==
                    person.sessions.end()) {
                    person.sessions.push_back(where);
                }
            }
        }
        query.reset();
    }
    std::vector<ProgrammeNameMatch> list;
    for (auto& [id, person] : people)
        list.push_back(std::move(person));
    return list;
}

std::string when(TimePoint at) {
    return format_instant_ms(at);
}

}  // namespace

std::string DataSubject::audit_label() const {
    return kind == Kind::email ? "email-sha256:" + sha256_hex(value) : "code:" + value;
}

Result<DataSubject> subject_by_email(std::string_view email) {
    const std::string_view text = schedule::trim(email);
    if (text.empty() || text.find('@') == std::string_view::npos) {
        return Error{ErrorCode::bad_arguments,
                     "--email needs the address the person registered with, like "
                     "anna@example.se"};
    }
    DataSubject subject{DataSubject::Kind::email, std::string(text)};
    for (char& c : subject.value) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return subject;
}

Result<DataSubject> subject_by_code(std::string_view code) {
    const auto canonical = normalise_code(code);
    if (!canonical) {
        std::string message = "--code: '";
        message.append(code).append(
            "' is not a check-in code: codes have 6 letters and digits, like K7QF3M");
        return Error{ErrorCode::bad_arguments, std::move(message)};
    }
    return DataSubject{DataSubject::Kind::code, *canonical};
}

PersonalData export_personal_data(Database& db, const DataSubject& subject, TimePoint now,
                                  std::string_view actor) {
    PersonalData data;
    Transaction transaction(db);
    Statement query =
        select_subject(db, subject,
                       "r.id, r.event_id, r.code, r.name, r.email, r.mode, r.created_ms, "
                       "coalesce((SELECT title FROM events e WHERE e.id = r.event_id), '')");
    Anonymised counts;
    while (query.step()) {
        HeldRegistration held;
        Registration& r = held.registration;
        r.id = query.column_int(0);
        r.event_id = query.column_text(1);
        r.code = query.column_text(2);
        r.name = query.column_text(3);
        r.email = query.column_text(4);
        r.mode =
            registration_mode_from_string(query.column_text(5)).value_or(RegistrationMode::web);
        r.created = from_ms(query.column_int(6));
        held.event_title = query.column_text(7);
        add_check_ins(db, held);
        add_presence(db, held);
        ++counts.registrations;
        counts.check_ins += static_cast<int64_t>(held.check_ins.size());
        counts.presence += static_cast<int64_t>(held.presence.size());
        data.registrations.push_back(std::move(held));
    }
    data.programme_people = people_named(db, data.registrations);
    if (subject.kind == DataSubject::Kind::email) {
        data.feedback = accessibility::feedback_by_email(db, subject.value);
        counts.feedback = static_cast<int64_t>(data.feedback.size());
    }
    audit(db, now, "export", subject.audit_label(), counts, actor);
    transaction.commit();
    return data;
}

json personal_data_json(const DataSubject& subject, const PersonalData& data, TimePoint now) {
    json registrations = json::array();
    for (const HeldRegistration& held : data.registrations) {
        const Registration& r = held.registration;
        json check_ins = json::array();
        for (const HeldCheckIn& c : held.check_ins)
            check_ins.push_back({{"day", c.day}, {"at", when(c.at)}});
        json presence = json::array();
        for (const HeldPresence& p : held.presence) {
            presence.push_back(
                {{"session", p.session_id}, {"title", p.session_title}, {"at", when(p.at)}});
        }
        registrations.push_back({{"event", r.event_id},
                                 {"event_title", held.event_title},
                                 {"id", r.id},
                                 {"code", r.code},
                                 {"name", r.name},
                                 {"email", r.email},
                                 {"mode", to_string(r.mode)},
                                 {"registered_at", when(r.created)},
                                 {"check_ins", std::move(check_ins)},
                                 {"presence", std::move(presence)}});
    }
    json people = json::array();
    for (const ProgrammeNameMatch& p : data.programme_people) {
        people.push_back({{"person", p.person_id},
                          {"name", p.name},
                          {"affiliation", p.affiliation},
                          {"sessions", p.sessions}});
    }
    json feedback = json::array();
    for (const accessibility::Feedback& f : data.feedback) {
        feedback.push_back({{"event", f.event_id},
                            {"id", f.id},
                            {"received_at", when(from_ms(f.received_ms))},
                            {"page", f.page},
                            {"name", f.name},
                            {"email", f.email},
                            {"message", f.message}});
    }
    const bool by_email = subject.kind == DataSubject::Kind::email;
    return {{"format", "stagehub-personal-data/1"},
            {"generated_at", when(now)},
            {"subject", {{by_email ? "email" : "code", subject.value}}},
            {"registrations", std::move(registrations)},
            {"programme_people_same_name", std::move(people)},
            {"accessibility_feedback", std::move(feedback)},
            {"not_linked",
             "the programme stores people by name and affiliation, without email: "
             "programme_people_same_name lists those named as a registration found, for "
             "the controller to judge. Web viewers are random ids in their browsers, not "
             "linked to a registration; no IP address or user agent is stored."}};
}

Anonymised erase_personal_data(Database& db, const DataSubject& subject, TimePoint now,
                               std::string_view actor) {
    Transaction transaction(db);
    Anonymised done = anonymise(db, subject_ids(db, subject), now);
    if (subject.kind == DataSubject::Kind::email)
        done.feedback = accessibility::erase_feedback_sender(db, subject.value, as_ms(now));
    audit(db, now, "erase", subject.audit_label(), done, actor);
    transaction.commit();
    return done;
}

std::optional<TimePoint> event_end(const schedule::Programme& programme) {
    std::optional<Instant> end;
    const auto later = [&end](Instant at) {
        if (!end || at > *end)
            end = at;
    };
    for (const schedule::EventDay& day : programme.event.days)
        later(day.end);
    for (const schedule::Session& session : programme.sessions) {
        if (!session.cancelled)
            later(session.effective_end());
    }
    if (!end)
        return std::nullopt;
    return std::chrono::time_point_cast<Millis>(*end);
}

std::vector<RetentionRun> apply_registration_retention(
    Database& db, const std::vector<schedule::Programme>& programmes, TimePoint now,
    std::chrono::days keep) {
    std::vector<RetentionRun> runs;
    for (const schedule::Programme& programme : programmes) {
        const auto end = event_end(programme);
        if (!end || *end + keep > now)
            continue;
        // Looked at outside a transaction, so an hour with nothing to do writes nothing; the
        // update skips a row anonymised in between.
        std::vector<int64_t> ids;
        Statement query =
            db.prepare("SELECT id FROM registrations WHERE event_id = ? AND anonymised_ms IS NULL");
        query.bind(1, programme.event.id);
        while (query.step())
            ids.push_back(query.column_int(0));
        if (ids.empty())
            continue;
        Transaction transaction(db);
        RetentionRun run{programme.event.id, anonymise(db, ids, now)};
        audit(db, now, "retention", "event:" + programme.event.id, run.anonymised, "retention");
        transaction.commit();
        runs.push_back(std::move(run));
    }
    return runs;
}

}  // namespace stagehub::attendance
