// Who is asking, and what they may do: the request edge's reading of the Authorization
// header, and the rules of the roles (docs/API.md, "Roles").
//
//   public     reads published events and sessions
//   organiser  everything in the events granted to them, unpublished parts included;
//              imports new events (and is granted them)
//   staff      statistics and the change log of their events
//   speaker    their own sessions and panels, by a personal link token
//   captioner  posts live captions to the stages of the events granted to them; reads
//              only what the public reads (no programme edits, statistics or ops)
//
// No token on an endpoint that needs one → 401; a token of the wrong role or for another
// event → 403; a bad or revoked token → 401 on every endpoint, public ones included, so a
// client learns its token is dead instead of silently seeing less. An address that has
// sent too many bad tokens lately → 429 before its token is looked up.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "schedule/model.hpp"
#include "schedule/result.hpp"
#include "server/auth/error_status.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

struct Caller {
    std::optional<Account> account;  // empty: the public

    bool is(Role role) const { return account && account->role == role; }
    bool organises(std::string_view event_id) const {
        return is(Role::organiser) && account->acts_in(event_id);
    }
    // Organisers of the event see its unpublished parts; everyone else the published ones.
    bool sees_unpublished(std::string_view event_id) const { return organises(event_id); }
    std::string actor() const { return account ? account->describe() : "public"; }
};

// Who is asking, or the answer that refuses them: 401 `unauthorized` (malformed header,
// unknown or revoked token), 429 `rate_limited` (this address failed too often lately).
using Identified = std::variant<Caller, HttpResponse>;
Identified identify(const HttpRequest& request, TokenStore& tokens);

// Why something was refused for a while: "too many X from your address; try again in N s",
// N whole seconds, at least 1.
struct RateLimited {
    int64_t seconds;
    std::string message;
};
RateLimited rate_limited(std::chrono::milliseconds wait, std::string_view what);
// 429 `rate_limited` with Retry-After (whole seconds, at least 1); nothing was done.
// `what` says what was refused ("too many registrations"; "from your address" follows).
HttpResponse rate_limited_response(std::chrono::milliseconds wait, std::string_view what);

// Each: ok, or "unauthorized" (no token) / "forbidden" (wrong role or event).
Status require_organiser_of(const Caller& caller, std::string_view event_id);
Status require_organiser(const Caller& caller);
Status require_staff_of(const Caller& caller, std::string_view event_id);  // staff or organiser
Status require_speaker(const Caller& caller);
// A captioner or an organiser of the event: who may post its stages' live captions.
Status require_captioner_of(const Caller& caller, std::string_view event_id);

// Whether a session is visible to this account (empty: the public): when it and its event
// are published; before that to the event's organisers and to the session's own speakers
// (they prepare with it).
bool may_see_session(const std::optional<Account>& account, const schedule::Programme& programme,
                     const schedule::Session& session);

}  // namespace stagehub::server
