#include "server/auth/token_store.hpp"

#include <glib.h>
#include <sys/random.h>

#include <array>
#include <stdexcept>

#include "schedule/instant.hpp"

namespace stagehub::server {
namespace {

using schedule::Statement;

constexpr std::string_view kTokenPrefix = "shb_";

std::string base64url(const unsigned char* data, size_t size) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string text;
    uint32_t buffer = 0;
    int bits = 0;
    for (size_t i = 0; i < size; ++i) {
        buffer = (buffer << 8) | data[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            text += kAlphabet[(buffer >> bits) & 0x3f];
        }
    }
    if (bits > 0)
        text += kAlphabet[(buffer << (6 - bits)) & 0x3f];
    return text;
}

}  // namespace

std::string_view to_string(Role role) {
    switch (role) {
        case Role::organiser:
            return "organiser";
        case Role::staff:
            return "staff";
        case Role::speaker:
            return "speaker";
        case Role::captioner:
            return "captioner";
    }
    return "unknown";
}

std::optional<Role> role_from_string(std::string_view text) {
    for (const Role role : {Role::organiser, Role::staff, Role::speaker, Role::captioner}) {
        if (to_string(role) == text)
            return role;
    }
    return std::nullopt;
}

std::string Account::describe() const {
    std::string text(to_string(role));
    text.append(" ").append(std::to_string(id)).append(" (").append(name).append(")");
    return text;
}

std::string new_token() {
    std::array<unsigned char, 32> bytes{};
    size_t filled = 0;
    while (filled < bytes.size()) {
        const ssize_t n = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
        if (n < 0)
            throw std::runtime_error("the kernel's random source (getrandom) failed");
        filled += static_cast<size_t>(n);
    }
    return std::string(kTokenPrefix) + base64url(bytes.data(), bytes.size());
}

std::string token_hash(std::string_view token) {
    gchar* hex = g_compute_checksum_for_data(
        G_CHECKSUM_SHA256, reinterpret_cast<const guchar*>(token.data()), token.size());
    std::string result = hex;
    g_free(hex);
    return result;
}

Result<TokenStore::Issued> TokenStore::create_account(
    std::string_view name, Role role, std::string_view person_id,
    const std::set<std::string, std::less<>>& events, std::string_view created_by) {
    if (name.empty())
        return Error{ErrorCode::bad_field, "name: an account needs a name (who holds the token)"};
    if (role == Role::speaker) {
        if (person_id.empty())
            return Error{ErrorCode::bad_field, "person: a speaker link needs the person it is for"};
        Statement person = db_.prepare("SELECT 1 FROM people WHERE id = ?");
        person.bind(1, person_id);
        if (!person.step()) {
            std::string message = "person: there is no person '";
            message.append(person_id).append("' in any programme");
            return Error{ErrorCode::bad_field, std::move(message)};
        }
    }
    schedule::Transaction tx(db_);
    Statement insert = db_.prepare(
        "INSERT INTO accounts (name, role, person_id, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, name).bind(2, to_string(role));
    if (person_id.empty()) {
        insert.bind_null(3);
    } else {
        insert.bind(3, person_id);
    }
    const int64_t now = now_utc().time_since_epoch().count();
    insert.bind(4, now).bind(5, created_by).run();
    const int64_t account_id = db_.last_insert_rowid();
    for (const std::string& event : events)
        grant(account_id, event);
    const std::string token = new_token();
    db_.prepare("INSERT INTO tokens (hash, account_id, created_at) VALUES (?, ?, ?)")
        .bind(1, token_hash(token))
        .bind(2, account_id)
        .bind(3, now)
        .run();
    tx.commit();
    return Issued{*load(account_id), token};
}

std::optional<Account> TokenStore::authenticate(std::string_view token) {
    if (!token.starts_with(kTokenPrefix))
        return std::nullopt;
    return account_by_hash(token_hash(token));
}

std::optional<Account> TokenStore::account_by_hash(const std::string& hash) {
    Statement query =
        db_.prepare("SELECT account_id FROM tokens WHERE hash = ? AND revoked_at IS NULL");
    query.bind(1, hash);
    if (!query.step())
        return std::nullopt;
    return load(query.column_int(0));
}

TokenStore::Attempt TokenStore::authenticate_from(const std::string& address,
                                                  std::string_view token) {
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    if (const auto wait = failures_.exhausted(address, now))
        return Attempt{std::nullopt, wait};
    auto account = authenticate(token);
    if (!account)
        failures_.spend(address, now);
    return Attempt{std::move(account), std::nullopt};
}

void TokenStore::grant(int64_t account_id, std::string_view event_id) {
    db_.prepare("INSERT OR IGNORE INTO event_grants (account_id, event_id) VALUES (?, ?)")
        .bind(1, account_id)
        .bind(2, event_id)
        .run();
    changed();
}

std::optional<TokenStore::Withdrawn> TokenStore::withdraw(int64_t account_id,
                                                          std::string_view event_id) {
    schedule::Transaction tx(db_);
    db_.prepare("DELETE FROM event_grants WHERE account_id = ? AND event_id = ?")
        .bind(1, account_id)
        .bind(2, event_id)
        .run();
    if (db_.changes() == 0)
        return std::nullopt;
    Withdrawn withdrawn;
    Statement left = db_.prepare("SELECT 1 FROM event_grants WHERE account_id = ?");
    left.bind(1, account_id);
    if (!left.step()) {
        db_.prepare("UPDATE tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL")
            .bind(1, static_cast<int64_t>(now_utc().time_since_epoch().count()))
            .bind(2, account_id)
            .run();
        withdrawn.tokens_revoked = true;
    }
    tx.commit();
    changed();
    return withdrawn;
}

size_t TokenStore::access_fingerprint() {
    // Small tables (accounts × their events): read whole, hashed.
    Statement query = db_.prepare(
        "SELECT (SELECT count(*) FROM tokens WHERE revoked_at IS NULL) || '|' || "
        "(SELECT count(*) FROM accounts) || '|' || "
        "COALESCE((SELECT group_concat(account_id || ':' || event_id, ',') FROM "
        "(SELECT account_id, event_id FROM event_grants ORDER BY account_id, event_id)), '')");
    query.step();
    return std::hash<std::string>{}(query.column_text(0));
}

int64_t TokenStore::forget_grants_of_deleted_events() {
    db_.prepare(
           "DELETE FROM event_grants WHERE event_id NOT IN (SELECT id FROM events) AND "
           "event_id IN (SELECT event_id FROM change_log WHERE operation = 'delete_event')")
        .run();
    const int64_t forgotten = db_.changes();
    if (forgotten > 0)
        changed();
    return forgotten;
}

std::vector<Account> TokenStore::accounts_in_event(std::string_view event_id) {
    Statement query =
        db_.prepare("SELECT account_id FROM event_grants WHERE event_id = ? ORDER BY account_id");
    query.bind(1, event_id);
    std::vector<Account> accounts;
    while (query.step()) {
        if (auto account = load(query.column_int(0)))
            accounts.push_back(std::move(*account));
    }
    return accounts;
}

bool TokenStore::revoke(int64_t account_id) {
    if (!load(account_id))
        return false;
    db_.prepare("UPDATE tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL")
        .bind(1, static_cast<int64_t>(now_utc().time_since_epoch().count()))
        .bind(2, account_id)
        .run();
    changed();
    return true;
}

std::optional<Account> TokenStore::load(int64_t account_id) {
    Statement query =
        db_.prepare("SELECT id, name, role, COALESCE(person_id, '') FROM accounts WHERE id = ?");
    query.bind(1, account_id);
    if (!query.step())
        return std::nullopt;
    Account account;
    account.id = query.column_int(0);
    account.name = query.column_text(1);
    account.role = role_from_string(query.column_text(2)).value_or(Role::speaker);
    account.person_id = query.column_text(3);
    Statement events = db_.prepare("SELECT event_id FROM event_grants WHERE account_id = ?");
    events.bind(1, account_id);
    while (events.step())
        account.events.insert(events.column_text(0));
    return account;
}

}  // namespace stagehub::server
