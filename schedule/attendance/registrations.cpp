#include "schedule/attendance/registrations.hpp"

#include <random>
#include <stdexcept>
#include <utility>

#include "schedule/time_zone.hpp"
#include "schedule/trim.hpp"

namespace stagehub::attendance {
namespace {

using schedule::Database;
using schedule::Statement;
using schedule::Transaction;

// Tries before giving up on finding an unused code. With 31^6 ≈ 887 million codes a
// collision is rare; 32 in a row means the code source is broken, not unlucky.
constexpr int kCodeAttempts = 32;

std::string random_code() {
    std::random_device device;  // a CSPRNG on Linux (getrandom): codes must not be guessable
    std::uniform_int_distribution<size_t> pick(0, kCodeAlphabet.size() - 1);
    std::string code;
    for (size_t i = 0; i < kCodeLength; ++i)
        code += kCodeAlphabet[pick(device)];
    return code;
}

std::string in_quotes(std::string_view text) {
    std::string q = "'";
    q.append(text).append("'");
    return q;
}

Error invalid(std::string message) {
    return Error{ErrorCode::invalid_registration, std::move(message)};
}

size_t code_points(std::string_view text) {
    size_t count = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U)
            ++count;
    }
    return count;
}

// A plausible address: one '@' with something before it and a dotted domain after it, no
// spaces or control characters. Deliverability is not ours to judge.
bool looks_like_email(std::string_view email) {
    for (const char c : email) {
        if (static_cast<unsigned char>(c) <= 0x20U || c == 0x7F)
            return false;
    }
    const size_t at = email.find('@');
    if (at == 0 || at == std::string_view::npos ||
        email.find('@', at + 1) != std::string_view::npos)
        return false;
    const std::string_view domain = email.substr(at + 1);
    return domain.size() >= 3 && domain.find('.') != std::string_view::npos &&
           domain.front() != '.' && domain.back() != '.' &&
           domain.find("..") == std::string_view::npos;
}

Status check_fields(std::string_view name, std::string_view email) {
    if (name.empty())
        return invalid("name: must not be empty; send the attendee's name");
    if (const size_t length = code_points(name); length > kMaxNameLength) {
        std::string message = "name: at most ";
        message.append(std::to_string(kMaxNameLength))
            .append(" characters (this one has ")
            .append(std::to_string(length))
            .append("); shorten it");
        return invalid(std::move(message));
    }
    if (email.size() > kMaxEmailLength) {
        std::string message = "email: at most ";
        message.append(std::to_string(kMaxEmailLength))
            .append(" characters (this one has ")
            .append(std::to_string(email.size()))
            .append("); correct it or leave email out");
        return invalid(std::move(message));
    }
    if (!email.empty() && !looks_like_email(email)) {
        std::string message = "email: ";
        message.append(in_quotes(email))
            .append(
                " does not look like an e-mail address (like name@example.se); correct it or leave "
                "email out");
        return invalid(std::move(message));
    }
    return ok_status();
}

Error not_a_code(std::string_view text) {
    std::string message = in_quotes(text);
    message.append(" is not a check-in code: codes have ")
        .append(std::to_string(kCodeLength))
        .append(" letters and digits, like K7QF3M (no 0, O, 1, I or L)");
    return Error{ErrorCode::bad_request, std::move(message)};
}

Status check_day(std::string_view day) {
    if (!schedule::parse_date(day)) {
        std::string message = "day: ";
        message.append(in_quotes(day)).append(" is not a date like 2026-11-22");
        return Error{ErrorCode::bad_request, std::move(message)};
    }
    return ok_status();
}

Error unknown_code(std::string_view event_id, std::string_view code) {
    std::string message = "event ";
    message.append(in_quotes(event_id))
        .append(" has no registration with code ")
        .append(in_quotes(code))
        .append("; check the code, or check the person in as a walk-in");
    return Error{ErrorCode::not_found, std::move(message)};
}

Error no_event(std::string_view event_id) {
    std::string message = "there is no event ";
    message.append(in_quotes(event_id));
    return Error{ErrorCode::not_found, std::move(message)};
}

bool event_exists(Database& db, std::string_view event_id) {
    Statement query = db.prepare("SELECT 1 FROM events WHERE id = ?");
    query.bind(1, event_id);
    return query.step();
}

int64_t as_ms(TimePoint at) {
    return at.time_since_epoch().count();
}

TimePoint from_ms(int64_t ms) {
    return TimePoint{Millis{ms}};
}

constexpr std::string_view kRegistrationColumns =
    "id, event_id, code, name, email, mode, created_ms";

Registration read_registration(const Statement& row) {
    Registration r;
    r.id = row.column_int(0);
    r.event_id = row.column_text(1);
    r.code = row.column_text(2);
    r.name = row.column_text(3);
    r.email = row.column_text(4);
    r.mode = registration_mode_from_string(row.column_text(5)).value_or(RegistrationMode::web);
    r.created = from_ms(row.column_int(6));
    return r;
}

std::string select_registrations(std::string_view where) {
    std::string sql = "SELECT ";
    sql.append(kRegistrationColumns).append(" FROM registrations WHERE ").append(where);
    return sql;
}

int64_t single_count(Statement& query) {
    return query.step() ? query.column_int(0) : 0;
}

int64_t checked_in_on(Database& db, std::string_view event_id, std::string_view day) {
    Statement query = db.prepare("SELECT count(*) FROM check_ins WHERE event_id = ? AND day = ?");
    query.bind(1, event_id).bind(2, day);
    return single_count(query);
}

}  // namespace

std::string_view to_string(RegistrationMode mode) {
    return mode == RegistrationMode::in_person ? "in_person" : "web";
}

std::optional<RegistrationMode> registration_mode_from_string(std::string_view text) {
    if (text == "in_person")
        return RegistrationMode::in_person;
    if (text == "web")
        return RegistrationMode::web;
    return std::nullopt;
}

std::optional<std::string> normalise_code(std::string_view text) {
    std::string code;
    for (const char c : text) {
        if (c == ' ' || c == '-')
            continue;
        const char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        if (kCodeAlphabet.find(upper) == std::string_view::npos || code.size() == kCodeLength)
            return std::nullopt;
        code += upper;
    }
    if (code.size() != kCodeLength)
        return std::nullopt;
    return code;
}

RegistrationStore::RegistrationStore(Database& db, CodeSource make_code)
    : db_(db), make_code_(make_code ? std::move(make_code) : CodeSource(random_code)) {}

Result<Registration> RegistrationStore::register_attendee(std::string_view event_id,
                                                          std::string_view name,
                                                          std::string_view email,
                                                          RegistrationMode mode, TimePoint at) {
    Registration r{0,
                   std::string(event_id),
                   {},
                   std::string(schedule::trim(name)),
                   std::string(schedule::trim(email)),
                   mode,
                   at};
    if (const Status fields = check_fields(r.name, r.email); !fields)
        return fields.error();
    // One transaction: the code is free when looked at and still free when written.
    Transaction transaction(db_);
    if (!event_exists(db_, event_id))
        return no_event(event_id);
    Statement taken = db_.prepare("SELECT 1 FROM registrations WHERE code = ?");
    for (int attempt = 0; attempt < kCodeAttempts && r.code.empty(); ++attempt) {
        std::string candidate = make_code_();
        taken.bind(1, candidate);
        const bool used = taken.step();
        taken.reset();
        if (!used && normalise_code(candidate) == candidate)
            r.code = std::move(candidate);
    }
    if (r.code.empty())
        throw std::runtime_error("no unused check-in code after 32 tries");
    Statement insert = db_.prepare(
        "INSERT INTO registrations (event_id, code, name, email, mode, created_ms) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, r.event_id)
        .bind(2, r.code)
        .bind(3, r.name)
        .bind(4, r.email)
        .bind(5, to_string(mode))
        .bind(6, as_ms(at));
    insert.run();
    r.id = db_.last_insert_rowid();
    transaction.commit();
    return r;
}

std::optional<Registration> RegistrationStore::find_by_code(std::string_view code) {
    const auto canonical = normalise_code(code);
    if (!canonical)
        return std::nullopt;
    Statement query = db_.prepare(select_registrations("code = ?"));
    query.bind(1, *canonical);
    if (!query.step())
        return std::nullopt;
    return read_registration(query);
}

std::optional<Registration> RegistrationStore::find_in_event(std::string_view event_id,
                                                             const std::string& code) {
    Statement query = db_.prepare(select_registrations("code = ? AND event_id = ?"));
    query.bind(1, code).bind(2, event_id);
    if (!query.step())
        return std::nullopt;
    return read_registration(query);
}

std::vector<RegisteredAttendee> RegistrationStore::list(std::string_view event_id) {
    std::vector<RegisteredAttendee> attendees;
    std::map<int64_t, size_t> index;
    Statement query = db_.prepare(
        select_registrations("event_id = ? AND anonymised_ms IS NULL ORDER BY created_ms, id"));
    query.bind(1, event_id);
    while (query.step()) {
        index[query.column_int(0)] = attendees.size();
        attendees.push_back(RegisteredAttendee{read_registration(query), {}});
    }
    Statement days = db_.prepare(
        "SELECT registration_id, day, at_ms FROM check_ins "
        "WHERE event_id = ? AND registration_id IS NOT NULL");
    days.bind(1, event_id);
    while (days.step()) {
        if (const auto it = index.find(days.column_int(0)); it != index.end())
            attendees[it->second].checked_in[days.column_text(1)] = from_ms(days.column_int(2));
    }
    return attendees;
}

Status RegistrationStore::remove(std::string_view event_id, int64_t registration_id) {
    // Check-ins and presence go with it (ON DELETE CASCADE), in the same statement.
    Statement remove = db_.prepare("DELETE FROM registrations WHERE id = ? AND event_id = ?");
    remove.bind(1, registration_id).bind(2, event_id);
    remove.run();
    if (db_.changes() == 0) {
        std::string message = "event ";
        message.append(in_quotes(event_id))
            .append(" has no registration ")
            .append(std::to_string(registration_id));
        return Error{ErrorCode::not_found, std::move(message)};
    }
    return ok_status();
}

Result<Admission> RegistrationStore::check_in(std::string_view event_id, std::string_view code,
                                              std::string_view day, TimePoint at,
                                              std::string_view by) {
    const auto canonical = normalise_code(code);
    if (!canonical)
        return not_a_code(code);
    if (const Status valid_day = check_day(day); !valid_day)
        return valid_day.error();
    auto registration = find_in_event(event_id, *canonical);
    if (!registration)
        return unknown_code(event_id, *canonical);
    // Insert-if-new, the time that stands, and the day's count, all in one view of the table.
    Transaction transaction(db_);
    Statement insert = db_.prepare(
        "INSERT INTO check_ins (event_id, registration_id, day, at_ms, by_account) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (registration_id, day) DO NOTHING");
    insert.bind(1, event_id).bind(2, registration->id).bind(3, day).bind(4, as_ms(at)).bind(5, by);
    insert.run();
    const bool first = db_.changes() == 1;
    Statement first_at =
        db_.prepare("SELECT at_ms FROM check_ins WHERE registration_id = ? AND day = ?");
    first_at.bind(1, registration->id).bind(2, day);
    Admission admission;
    admission.status = first ? Admission::Status::checked_in : Admission::Status::already;
    admission.at = first_at.step() ? from_ms(first_at.column_int(0)) : at;
    admission.registration = std::move(registration);
    admission.count = checked_in_on(db_, event_id, day);
    transaction.commit();
    return admission;
}

Result<Admission> RegistrationStore::check_in_walk_in(std::string_view event_id,
                                                      std::string_view day, TimePoint at,
                                                      std::string_view by) {
    if (const Status valid_day = check_day(day); !valid_day)
        return valid_day.error();
    Transaction transaction(db_);
    if (!event_exists(db_, event_id))
        return no_event(event_id);
    Statement insert = db_.prepare(
        "INSERT INTO check_ins (event_id, registration_id, day, at_ms, by_account) "
        "VALUES (?, NULL, ?, ?, ?)");
    insert.bind(1, event_id).bind(2, day).bind(3, as_ms(at)).bind(4, by);
    insert.run();
    Admission admission;
    admission.at = at;
    admission.count = checked_in_on(db_, event_id, day);
    transaction.commit();
    return admission;
}

Result<std::string> RegistrationStore::session_event(std::string_view session_id) {
    Statement query = db_.prepare("SELECT event_id FROM sessions WHERE id = ?");
    query.bind(1, session_id);
    if (!query.step()) {
        std::string message = "there is no session ";
        message.append(in_quotes(session_id));
        return Error{ErrorCode::not_found, std::move(message)};
    }
    return query.column_text(0);
}

int64_t RegistrationStore::present(std::string_view session_id) {
    Statement query = db_.prepare("SELECT count(*) FROM session_presence WHERE session_id = ?");
    query.bind(1, session_id);
    return single_count(query);
}

Result<Admission> RegistrationStore::mark_present(std::string_view session_id,
                                                  std::string_view code, int64_t capacity,
                                                  TimePoint at) {
    const auto canonical = normalise_code(code);
    if (!canonical)
        return not_a_code(code);
    auto event_id = session_event(session_id);
    if (!event_id)
        return event_id.error();
    auto registration = find_in_event(*event_id, *canonical);
    if (!registration)
        return unknown_code(*event_id, *canonical);
    return admit_to_session(session_id, registration, capacity, at);
}

Result<Admission> RegistrationStore::mark_present_walk_in(std::string_view session_id,
                                                          int64_t capacity, TimePoint at) {
    if (auto event_id = session_event(session_id); !event_id)
        return event_id.error();
    return admit_to_session(session_id, std::nullopt, capacity, at);
}

Result<Admission> RegistrationStore::admit_to_session(
    std::string_view session_id, const std::optional<Registration>& registration, int64_t capacity,
    TimePoint at) {
    // The seat count and the insert in one transaction: two door devices cannot both take
    // the last seat.
    Transaction transaction(db_);
    Admission admission;
    admission.registration = registration;
    if (registration) {
        Statement earlier = db_.prepare(
            "SELECT at_ms FROM session_presence WHERE session_id = ? AND registration_id = ?");
        earlier.bind(1, session_id).bind(2, registration->id);
        if (earlier.step()) {
            admission.status = Admission::Status::already;
            admission.at = from_ms(earlier.column_int(0));
            admission.count = present(session_id);
            return admission;
        }
    }
    const int64_t before = present(session_id);
    if (capacity > 0 && before >= capacity) {
        std::string message = "session ";
        message.append(in_quotes(session_id))
            .append(" is full: all ")
            .append(std::to_string(capacity))
            .append(
                " seats of its stage (its capacity) are taken; raise the stage's capacity "
                "to let more in");
        return Error{ErrorCode::full, std::move(message)};
    }
    Statement insert = db_.prepare(
        "INSERT INTO session_presence (session_id, registration_id, at_ms) VALUES (?, ?, ?)");
    insert.bind(1, session_id);
    if (registration) {
        insert.bind(2, registration->id);
    } else {
        insert.bind_null(2);
    }
    insert.bind(3, as_ms(at));
    insert.run();
    admission.at = at;
    admission.count = before + 1;
    transaction.commit();
    return admission;
}

InPersonCounts in_person_counts(Database& db, std::string_view event_id) {
    InPersonCounts counts;
    Statement days = db.prepare(
        "SELECT day, count(*) FROM check_ins WHERE event_id = ? GROUP BY day ORDER BY day");
    days.bind(1, event_id);
    while (days.step())
        counts.per_day[days.column_text(0)] = days.column_int(1);

    Statement sessions = db.prepare(
        "SELECT p.session_id, count(*) FROM session_presence p "
        "JOIN sessions s ON s.id = p.session_id WHERE s.event_id = ? GROUP BY p.session_id");
    sessions.bind(1, event_id);
    while (sessions.step())
        counts.per_session[sessions.column_text(0)] = sessions.column_int(1);

    Statement registered = db.prepare(
        "SELECT count(*), coalesce(sum(mode = 'in_person'), 0) FROM registrations "
        "WHERE event_id = ?");
    registered.bind(1, event_id);
    if (registered.step()) {
        counts.registered = registered.column_int(0);
        counts.registered_in_person = registered.column_int(1);
    }

    // A registration checked in on three days is one person; every walk-in is one more.
    Statement people = db.prepare(
        "SELECT count(DISTINCT registration_id) + coalesce(sum(registration_id IS NULL), 0) "
        "FROM check_ins WHERE event_id = ?");
    people.bind(1, event_id);
    if (people.step())
        counts.people = people.column_int(0);
    return counts;
}

}  // namespace stagehub::attendance
