// Accounts and their bearer tokens: organisers (edit their events), staff (read their
// events' statistics) and speakers (read their own sessions, by a personal link). Tokens
// are 256 random bits shown once at creation; only their SHA-256 is stored, so a copy of
// the database does not hand out access.
//
// Threads: loop thread (the API), or the CLI's only thread.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/database.hpp"
#include "schedule/result.hpp"

namespace stagehub::server {

enum class Role { organiser, staff, speaker };
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

    void grant(int64_t account_id, std::string_view event_id);
    std::vector<Account> accounts_in_event(std::string_view event_id);
    // Revokes every token of the account. False when no such account.
    bool revoke(int64_t account_id);

  private:
    std::optional<Account> load(int64_t account_id);

    schedule::Database& db_;
};

// "shb_" + 43 characters of base64url: 256 bits from the kernel's CSPRNG.
std::string new_token();
// Lower-case hex SHA-256.
std::string token_hash(std::string_view token);

}  // namespace stagehub::server
