// Which event (and session) a request reaches, as its caller may: the event as a reader
// sees it, or the event its organisers or staff work on. The checks come in one order
// everywhere: who the caller is (401/403) before whether the event exists (404).
//
// Threads: loop thread (reads the catalog).
#pragma once

#include <optional>
#include <string_view>

#include "schedule/change_feed.hpp"
#include "schedule/programme_catalog.hpp"
#include "server/auth/access.hpp"

namespace stagehub::server {

schedule::Reader reader_for(const Caller& caller);

// The event as this caller may see it: whole for its organisers, the published part for
// everyone else, nothing (and so 404, not 403: existence is not revealed) when unpublished.
std::optional<schedule::Programme> visible_event(const schedule::ProgrammeCatalog& catalog,
                                                 const Caller& caller, std::string_view event_id);
// The same, or no_such_event.
Result<schedule::Programme> seen_event(const schedule::ProgrammeCatalog& catalog,
                                       const Caller& caller, std::string_view event_id);

// The whole event, for a caller who organises it (or, for staffed_event, works on it as
// staff or organiser). Errors: 401/403, then no_such_event.
Result<const schedule::Programme*> organised_event(const schedule::ProgrammeCatalog& catalog,
                                                   const Caller& caller, std::string_view event_id);
Result<const schedule::Programme*> staffed_event(const schedule::ProgrammeCatalog& catalog,
                                                 const Caller& caller, std::string_view event_id);

// A session of the event by its id, or no_such_session naming the event.
Result<const schedule::Session*> session_of(const schedule::Programme& programme,
                                            std::string_view session_id);

}  // namespace stagehub::server
