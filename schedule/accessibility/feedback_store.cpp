#include "schedule/accessibility/feedback_store.hpp"

#include <algorithm>

#include "schedule/database.hpp"
#include "schedule/utf8.hpp"

namespace stagehub::accessibility {

namespace {

size_t characters(std::string_view utf8) {
    size_t count = 0;
    for (const char c : utf8) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++count;
    }
    return count;
}

bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Feedback read_row(const schedule::Statement& row) {
    Feedback f;
    f.id = row.column_int(0);
    f.event_id = row.column_text(1);
    f.received_ms = row.column_int(2);
    f.page = row.column_text(3);
    f.name = row.column_text(4);
    f.email = row.column_text(5);
    f.message = row.column_text(6);
    f.language = row.column_text(7);
    return f;
}

constexpr std::string_view kColumns =
    "id, event_id, received_ms, page, name, email, message, language";

}  // namespace

Status check_feedback(const Feedback& f) {
    std::string problems;
    auto problem = [&](std::string_view text) {
        problems.append(problems.empty() ? "" : "; ").append(text);
    };
    if (!schedule::is_utf8(f.message) || blank(f.message) ||
        characters(f.message) > kMaxFeedbackMessage)
        problem("message: required, at most 4000 characters");
    if (!schedule::is_utf8(f.name) || f.name.size() > kMaxFeedbackName)
        problem("name: at most 200 bytes of text, or leave it out");
    // An address the console can put in a mailto: link as it is: one @, no spaces, and
    // none of the characters that would add headers or a body to the organiser's reply.
    const bool odd_email =
        !f.email.empty() &&
        (std::count(f.email.begin(), f.email.end(), '@') != 1 ||
         f.email.find_first_of(" \t\r\n?&#%<>\"',;:()[]\\") != std::string::npos);
    if (!schedule::is_utf8(f.email) || f.email.size() > kMaxFeedbackEmail || odd_email)
        problem("email: an address with an @, at most 200 bytes, or leave it out");
    if (!schedule::is_utf8(f.page) || f.page.size() > kMaxFeedbackPage)
        problem("page: the address of the page, at most 500 bytes");
    if (f.language.size() > 12)
        problem("language: a language tag like \"sv\"");
    if (!problems.empty())
        return Error{ErrorCode::bad_field, std::move(problems)};
    return ok_status();
}

Feedback FeedbackStore::add(Feedback f) {
    schedule::Statement insert = db_.prepare(
        "INSERT INTO accessibility_feedback (event_id, received_ms, page, name, email, message, "
        "language) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
    insert.bind(1, f.event_id)
        .bind(2, f.received_ms)
        .bind(3, f.page)
        .bind(4, f.name)
        .bind(5, f.email)
        .bind(6, f.message)
        .bind(7, f.language);
    insert.step();
    f.id = insert.column_int(0);
    return f;
}

std::vector<Feedback> FeedbackStore::list(std::string_view event_id) const {
    schedule::Statement query =
        db_.prepare("SELECT " + std::string(kColumns) +
                    " FROM accessibility_feedback WHERE event_id = ? ORDER BY id DESC LIMIT ?");
    query.bind(1, event_id).bind(2, static_cast<int64_t>(kFeedbackListed));
    std::vector<Feedback> out;
    while (query.step())
        out.push_back(read_row(query));
    return out;
}

std::vector<Feedback> feedback_by_email(schedule::Database& db, std::string_view email) {
    schedule::Statement query = db.prepare(
        "SELECT " + std::string(kColumns) +
        " FROM accessibility_feedback WHERE email <> '' AND lower(trim(email)) = ? ORDER BY id");
    query.bind(1, email);
    std::vector<Feedback> out;
    while (query.step())
        out.push_back(read_row(query));
    return out;
}

int64_t erase_feedback_sender(schedule::Database& db, std::string_view email, int64_t now_ms) {
    schedule::Statement update = db.prepare(
        "UPDATE accessibility_feedback SET name = '', email = '', anonymised_ms = ? "
        "WHERE email <> '' AND lower(trim(email)) = ?");
    update.bind(1, now_ms).bind(2, email);
    update.run();
    return db.changes();
}

int64_t delete_feedback_before(schedule::Database& db, int64_t before_ms) {
    schedule::Statement remove =
        db.prepare("DELETE FROM accessibility_feedback WHERE received_ms < ?");
    remove.bind(1, before_ms);
    remove.run();
    return db.changes();
}

}  // namespace stagehub::accessibility
