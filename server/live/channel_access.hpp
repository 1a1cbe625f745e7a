// Who may follow which websocket channel, judged on the account as it is now (empty: the
// public). What a socket may not know of is answered exactly like what does not exist, so
// a refusal never confirms that a private event, stage or session is there.
//
// Threads: the loop thread, which owns the catalog.
#pragma once

#include <optional>
#include <string_view>

#include "schedule/programme_catalog.hpp"
#include "schedule/result.hpp"
#include "server/auth/token_store.hpp"
#include "server/live/channel_name.hpp"

namespace stagehub::server {

// Ok, or why this account may not follow the channel: "unknown_channel" (also for one it
// may not know of), "unauthorized" (it needs a token), "forbidden" (not this token).
Status may_follow(const std::optional<Account>& account, const Channel& channel,
                  const schedule::ProgrammeCatalog& catalog);

// Whether the account hears the ops messages of an event's stages (addresses, errors,
// switches): the event's organisers only.
bool hears_ops_of(const std::optional<Account>& account, std::string_view event_id);

// The event holding the session, published or not; null when there is none.
const schedule::Programme* find_session_owner(const schedule::ProgrammeCatalog& catalog,
                                              std::string_view session_id);

}  // namespace stagehub::server
