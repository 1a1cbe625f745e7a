// The start of every organiser's edit of an event, in one order: the caller organises the
// event (401/403), it exists (404), the body is a JSON object when one is needed (400),
// and whether the edit is only a dry run.
//
// Threads: loop thread (reads the catalog).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "schedule/programme_catalog.hpp"
#include "server/auth/access.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

enum class EditBody {
    none,         // the path says it all (a removal); a body is not read
    json_object,  // the body is required, a JSON object
};

struct EditStart {
    const schedule::Programme* before;           // the event as it is, in the catalog
    nlohmann::json body;                         // {} when no body was asked for
    bool dry_run = false;                        // only show what the edit would do
    const schedule::Session* session = nullptr;  // begin_session_edit's session, in `before`
};

Result<EditStart> begin_edit(const schedule::ProgrammeCatalog& catalog, const HttpRequest& request,
                             std::string_view event_id, const Caller& caller, EditBody body);
// The same for an edit of one session the path names; then 404 when the event has no such
// session.
Result<EditStart> begin_session_edit(const schedule::ProgrammeCatalog& catalog,
                                     const HttpRequest& request, std::string_view event_id,
                                     std::string_view session_id, const Caller& caller,
                                     EditBody body);

}  // namespace stagehub::server
