#include "server/live/live_messages.hpp"

#include <type_traits>
#include <variant>

#include "schedule/captions/cue_text.hpp"
#include "schedule/change_feed.hpp"
#include "schedule/instant.hpp"
#include "schedule/programme_json.hpp"
#include "schedule/visibility.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using schedule::Programme;

std::string dump(const json& message) {
    return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

json account_json(const Account& account) {
    return {{"name", account.name}, {"role", to_string(account.role)}, {"events", account.events}};
}

// Every ops message, whatever it tells: on the ops channel, with the time it was sent.
SharedMessage on_ops_channel(json message) {
    const std::string channel = Channel{ChannelKind::ops, ""}.name();
    message["channel"] = channel;
    message["server_time"] = server_time();
    return make_message(dump(message), channel);
}

}  // namespace

SharedMessage authenticated_message(const Account& account) {
    return make_message(dump({{"channel", kSystemChannel},
                              {"type", "authenticated"},
                              {"account", account_json(account)},
                              {"server_time", server_time()}}));
}

SharedMessage error_message(ErrorCode code, const std::string& message,
                            const std::string& subject) {
    json error = {{"channel", kSystemChannel},
                  {"type", "error"},
                  {"error", {{"code", code}, {"message", message}}},
                  {"server_time", server_time()}};
    if (!subject.empty())
        error["subject"] = subject;
    return make_message(dump(error));
}

SharedMessage subscribed_message(const Channel& channel, const std::optional<CatchUp>& catch_up) {
    const std::string name = channel.name();
    json ack = {{"channel", name}, {"type", "subscribed"}, {"server_time", server_time()}};
    if (catch_up) {
        ack["rev"] = catch_up->revision;
        ack["catch_up"] = catch_up->missed ? "deltas" : "snapshot";
        if (catch_up->missed)
            ack["missed"] = *catch_up->missed;
    }
    return make_message(dump(ack), name);
}

SharedMessage unsubscribed_message(const std::string& channel_name) {
    return make_message(dump({{"channel", channel_name}, {"type", "unsubscribed"}}));
}

SharedMessage panel_removed_message(const Channel& channel) {
    return make_message(dump({{"channel", channel.name()}, {"type", "removed"}}));
}

// Applying one to the state at any earlier revision gives the state now.
SharedMessage agenda_message(const schedule::ChangeRecord& change, const Programme* current) {
    const schedule::Reader reader = schedule::public_reader();
    const schedule::EventDelta delta =
        schedule::event_delta(change.event_id, current, {change}, reader, now_utc());
    const std::string channel = Channel{ChannelKind::agenda, change.event_id}.name();
    json message = {{"channel", channel},
                    {"rev", change.revision},
                    {"server_time", server_time()},
                    {"change", schedule::change_json(change, current, reader)}};
    std::visit(
        [&](const auto& part) {
            using Part = std::decay_t<decltype(part)>;
            if constexpr (std::is_same_v<Part, schedule::EventDelta::Snapshot>) {
                message["type"] = "snapshot";
                message["event"] = part.event;
            } else if constexpr (std::is_same_v<Part, schedule::EventDelta::Removed>) {
                message["type"] = "removed";
                message["event"] = change.event_id;
            } else {
                message["type"] = "delta";
                message["event"] = change.event_id;
                message["sessions"] = part.sessions;
                message["removed_sessions"] = part.removed_sessions;
            }
        },
        delta.change);
    return make_message(dump(message), channel);
}

SharedMessage snapshot_message(const Programme& programme, int64_t revision) {
    const std::string channel = Channel{ChannelKind::agenda, programme.event.id}.name();
    const json message = {{"channel", channel},
                          {"type", "snapshot"},
                          {"rev", revision},
                          {"server_time", server_time()},
                          {"event", schedule::event_json(programme, now_utc())}};
    return make_message(dump(message), channel);
}

SharedMessage now_message(const Programme& programme, const std::string& stage_id,
                          const schedule::NowNext& now_next) {
    const std::string channel = Channel{ChannelKind::now, stage_id}.name();
    json message = schedule::now_next_json(programme, now_next, now_utc());
    message["channel"] = channel;
    message["type"] = "now";
    message["stage"] = stage_id;
    message["server_time"] = server_time();
    return make_message(dump(message), channel);
}

SharedMessage panel_message(const Programme& owner, const schedule::Session& session,
                            const schedule::PanelProgress& progress) {
    const std::string channel = Channel{ChannelKind::panel, session.id}.name();
    json message = schedule::panel_json(owner, session, progress, now_utc());
    message["channel"] = channel;
    message["type"] = "panel";
    message["server_time"] = server_time();
    return make_message(dump(message), channel);
}

// Screens following each stage (a watch page follows the stage it shows) and the event's
// agenda; the attendance figures of heartbeats join them here.
SharedMessage stats_message(const Programme& programme,
                            const std::map<std::string, size_t>& watching, const ChannelHub& hub) {
    const auto screens = [&hub](ChannelKind kind, const std::string& id) {
        return hub.subscribers(Channel{kind, id}.name()).size();
    };
    const std::string channel = Channel{ChannelKind::stats, programme.event.id}.name();
    json stages = json::array();
    size_t web_viewers = 0;
    for (const schedule::Stage& stage : programme.stages) {
        const auto it = watching.find(stage.id);
        const size_t viewers = it == watching.end() ? 0 : it->second;
        web_viewers += viewers;
        stages.push_back({{"stage", stage.id},
                          {"name", stage.name},
                          {"viewers", viewers},
                          {"screens", screens(ChannelKind::now, stage.id)}});
    }
    const json message = {{"channel", channel},
                          {"type", "viewers"},
                          {"event", programme.event.id},
                          {"server_time", server_time()},
                          {"agenda_screens", screens(ChannelKind::agenda, programme.event.id)},
                          {"web_viewers", web_viewers},
                          {"stages", std::move(stages)}};
    return make_message(dump(message), channel);
}

SharedMessage caption_cue_message(const captions::Cue& cue) {
    using Ms = std::chrono::sys_time<std::chrono::milliseconds>;
    const std::string channel = Channel{ChannelKind::captions, cue.stage_id}.name();
    return make_message(
        dump({{"channel", channel},
              {"type", "cue"},
              {"stage", cue.stage_id},
              {"language", cue.language},
              {"kind", captions::to_string(cue.kind)},
              {"id", cue.id},
              {"start", format_instant_ms(Ms{std::chrono::milliseconds{cue.start_ms}})},
              {"end", format_instant_ms(Ms{std::chrono::milliseconds{cue.end_ms}})},
              {"text", captions::plain_from_cue_text(cue.text)}}),
        channel);
}

SharedMessage caption_partial_message(const std::string& stage_id, const std::string& language,
                                      const std::string& text) {
    const std::string channel = Channel{ChannelKind::captions, stage_id}.name();
    return make_message(dump({{"channel", channel},
                              {"type", "partial"},
                              {"stage", stage_id},
                              {"language", language},
                              {"kind", "captions"},
                              {"text", text}}),
                        channel);
}

SharedMessage ops_message(const schedule::Stage& stage, const json& event) {
    return on_ops_channel(schedule::redact_json(event, schedule::secrets_of(stage)));
}

SharedMessage server_ops_message(const json& event) {
    return on_ops_channel(event);
}

SharedMessage ops_health_message(const schedule::Stage& stage, const json& health) {
    return on_ops_channel({{"type", "health"},
                           {"stage", stage.id},
                           {"health", schedule::redact_json(health, schedule::secrets_of(stage))}});
}

}  // namespace stagehub::server
