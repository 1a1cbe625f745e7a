// Every message the websocket channels send (docs/PROTOCOL.md), built from what it says
// and serialised once, so that one SharedMessage goes to every follower. Deciding who
// gets it is LiveChannels'; these only build.
//
// Threads: the loop thread (they read the catalog's programmes as they are).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "schedule/captions/cue.hpp"
#include "schedule/model.hpp"
#include "schedule/now_next.hpp"
#include "schedule/panel_progress.hpp"
#include "schedule/programme_store.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/http_server.hpp"
#include "server/live/channel_hub.hpp"

namespace stagehub::server {

// --- to one socket ----------------------------------------------------------------------

SharedMessage authenticated_message(const Account& account);
// An error on the system channel; `subject` names the channel it is about, if any.
SharedMessage error_message(ErrorCode code, const std::string& message, const std::string& subject);

// How an agenda follower resuming from a revision is brought up to date.
struct CatchUp {
    int64_t revision = 0;          // the catalog's, now
    std::optional<size_t> missed;  // deltas that follow; nullopt: a snapshot follows
};
SharedMessage subscribed_message(const Channel& channel, const std::optional<CatchUp>& catch_up);
SharedMessage unsubscribed_message(const std::string& channel_name);
// A panel the socket may no longer see: it is unsubscribed.
SharedMessage panel_removed_message(const Channel& channel);

// --- the state of a channel, and its changes ---------------------------------------------

// agenda:{event} after one change, in the same shapes as GET /api/v1/programme?since=REV
// for the public (schedule/change_feed.hpp): "delta", "snapshot" or "removed". `current` is
// the event as it is now, or null.
SharedMessage agenda_message(const schedule::ChangeRecord& change,
                             const schedule::Programme* current);
// agenda:{event} whole, at the catalog's `revision`.
SharedMessage snapshot_message(const schedule::Programme& programme, int64_t revision);
SharedMessage now_message(const schedule::Programme& programme, const std::string& stage_id,
                          const schedule::NowNext& now_next);
SharedMessage panel_message(const schedule::Programme& owner, const schedule::Session& session,
                            const schedule::PanelProgress& progress);
// stats:{event}: the live web viewers of each stage (`watching`, from heartbeats) beside
// the screens following its now channel and the event's agenda (`hub`).
SharedMessage stats_message(const schedule::Programme& programme,
                            const std::map<std::string, size_t>& watching, const ChannelHub& hub);

// captions:{stage}: a cue as it was stored, its text plain (a room screen shows it as is).
SharedMessage caption_cue_message(const captions::Cue& cue);
// captions:{stage}: the line being typed in a language; empty text clears it.
SharedMessage caption_partial_message(const std::string& stage_id, const std::string& language,
                                      const std::string& text);

// ops: an event of a stage (a switch, a control change, its health), as its organisers
// see it: the stage's secrets redacted (GStreamer's error text quotes its URL).
SharedMessage ops_message(const schedule::Stage& stage, const nlohmann::json& event);
// ops: a stage's health, for a follower that just subscribed.
SharedMessage ops_health_message(const schedule::Stage& stage, const nlohmann::json& health);
// ops: an event of the whole server, of no stage (the disk below its floor): no names.
SharedMessage server_ops_message(const nlohmann::json& event);

}  // namespace stagehub::server
