// Accounts and their bearer tokens: organisers (edit their events), staff (read their
// events' statistics), speakers (read their own sessions, by a personal link) and
// captioners (post live captions to their events' stages). Tokens are 256 random bits
// shown once at creation; only their SHA-256 is stored, so a copy of the database does not
// hand out access.
//
// Access follows the store at once: every change of a grant or a token here is told to
// the listener (the server re-judges its open websockets), and changes made by another
// process (`stagehub admin revoke`) show in access_fingerprint().
//
// Threads: loop thread (the API), or the CLI's only thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/database.hpp"
#include "schedule/result.hpp"
#include "server/http/address_rate_limit.hpp"

namespace stagehub::server {

enum class Role { organiser, staff, speaker, captioner };
std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view text);

struct Account {
    int64_t id = 0;
    std::string name;
    Role role = Role::organiser;
    std::string person_id;                      // speakers: the person they are in the programme
    std::set<std::string, std::less<>> events;  // the events the account acts in

    bool acts_in(std::string_view event_id) const { return events.contains(event_id); }
    // "organiser 3 (Anna Berg)", for the change log's "who".
    std::string describe() const;
};

class TokenStore {
  public:
    explicit TokenStore(schedule::Database& db) : db_(db) {}

    struct Issued {
        Account account;
        std::string token;  // the only time it exists in clear
    };
    // Errors: "bad_field" (empty name, speaker without a person, a person that does not
    // exist).
    Result<Issued> create_account(std::string_view name, Role role, std::string_view person_id,
                                  const std::set<std::string, std::less<>>& events,
                                  std::string_view created_by);

    // The account a token belongs to, unless the token is unknown or revoked.
    std::optional<Account> authenticate(std::string_view token);
    // The same by the token's hash, as it is now: for a connection that keeps a token.
    std::optional<Account> account_by_hash(const std::string& hash);

    // A token presented from a client's address. Each unknown or revoked one counts
    // against the address; past the limit (limit_failures) the address is refused for a
    // while before its tokens are even looked up, so guessing costs time.
    struct Attempt {
        std::optional<Account> account;                    // the token's, if good
        std::optional<std::chrono::milliseconds> refused;  // set: not looked up; wait this
    };
    Attempt authenticate_from(const std::string& address, std::string_view token);
    // Failed token attempts one address may make a minute (0: no limit).
    void limit_failures(int per_minute) { failures_ = AddressRateLimit::per_minute(per_minute); }

    void grant(int64_t account_id, std::string_view event_id);
    std::vector<Account> accounts_in_event(std::string_view event_id);
    // Revokes every token of the account. False when no such account.
    bool revoke(int64_t account_id);
    // Ends the account's access to one event: its grant goes, its other events stay. An
    // account left with no event has nothing it was given its token for: its tokens are
    // revoked too. Nullopt when the account has no grant to the event.
    struct Withdrawn {
        bool tokens_revoked = false;
    };
    std::optional<Withdrawn> withdraw(int64_t account_id, std::string_view event_id);

    // Told after every change of a grant or a token made through this store.
    void on_change(std::function<void()> listener) { on_change_ = std::move(listener); }
    // Changes whenever a token is revoked or a grant added or removed, by any process on
    // the database: compared now and then to see access change under open connections.
    size_t access_fingerprint();
    // Grants to events that were deleted before grants went with their event (a database
    // from before that): removed, so an id imported again grants nothing to the old
    // event's accounts. Grants naming an event not yet imported are kept. Returns how
    // many went.
    int64_t forget_grants_of_deleted_events();

  private:
    std::optional<Account> load(int64_t account_id);
    void changed() const {
        if (on_change_)
            on_change_();
    }

    schedule::Database& db_;
    AddressRateLimit failures_{0, 0};
    std::function<void()> on_change_;
};

// "shb_" + 43 characters of base64url: 256 bits from the kernel's CSPRNG.
std::string new_token();
// Lower-case hex SHA-256.
std::string token_hash(std::string_view token);

}  // namespace stagehub::server
