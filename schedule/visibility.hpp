// The one rule of what a reader may see of an event, and of which strings are secrets.
// Every output path goes through it: the REST answers and the exports read the programme
// through visible_part (server/api/event_access.hpp visible_event, schedule::Reader::view,
// ProgrammeCatalog::published), the websocket channels through the catalog's published
// view, health through the published stages, and the log writer redacts secrets_of every
// stage (server/app/log_writer.hpp).
//
//   reader                            unpublished parts   stage source (url, passphrase)
//   public, attendee, speaker, staff  no                  no (the kind only)
//   organiser of another event        no                  no
//   organiser of this event           yes                 url yes; passphrase never in a GET
//
// A speaker sees their own unpublished sessions through may_see_session
// (server/auth/access.hpp), never through a whole-event view.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/model.hpp"

namespace stagehub::schedule {

// What one reader may see of one event.
struct Sight {
    bool unpublished = false;  // unpublished events and sessions, and the people only in them
    bool secrets = false;      // stage sources' addresses (organisers of the event)
};

// The sight of the event's organisers: everything.
constexpr Sight kWholeSight{true, true};

// The event as a reader with `sight` may see it; nullopt when the event itself is hidden.
// Without `unpublished`: unpublished sessions are gone, and with them links to them
// (follows_up) and the people who appear in no visible session. Without `secrets`: every
// stage source keeps only its kind (url and passphrase emptied).
std::optional<Programme> visible_part(const Programme& programme, Sight sight);

// The secret parts of a stage's source, as they may appear in text (a GStreamer error, a
// log line): the passphrase, the password of a URL's user information, an RTMP stream key
// (the path after the application), and the values of query arguments such as
// `passphrase=`, `streamid=` or `key=`. Parts shorter than 4 characters are left out
// (redacting them would garble unrelated text).
std::vector<std::string> secrets_of(const Stage& stage);

// `text` with each of `secrets` replaced by "***", and the password of any URL's user
// information ("scheme://user:password@host") too, known or not.
std::string redact(std::string_view text, const std::vector<std::string>& secrets = {});
// Every string in `value` redacted (a health report carrying GStreamer's error text).
nlohmann::json redact_json(nlohmann::json value, const std::vector<std::string>& secrets);

}  // namespace stagehub::schedule
