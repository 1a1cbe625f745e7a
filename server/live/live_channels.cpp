#include "server/live/live_channels.hpp"

#include <glib.h>

#include <algorithm>
#include <type_traits>
#include <variant>

#include "schedule/change_feed.hpp"
#include "schedule/instant.hpp"
#include "schedule/json_text.hpp"
#include "schedule/programme_json.hpp"
#include "schedule/visibility.hpp"
#include "server/auth/access.hpp"
#include "server/broadcast/broadcast.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using schedule::Programme;

// Close code for a client that keeps sending what the protocol refuses (RFC 6455).
constexpr uint16_t kPolicyViolation = 1008;

std::string dump(const json& message) {
    return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A member of a parsed message, or null. By hand: json::value() trips GCC 12's
// -Wnull-dereference at -O3.
json member(const json& object, const char* name) {
    const auto it = object.find(name);
    return it == object.end() ? json() : *it;
}

json account_json(const Account& account) {
    return {{"name", account.name}, {"role", to_string(account.role)}, {"events", account.events}};
}

bool is_organiser(const std::optional<Account>& account) {
    return account && account->role == Role::organiser;
}

}  // namespace

LiveChannels::LiveChannels(schedule::ProgrammeStore& store, schedule::ProgrammeCatalog& catalog,
                           schedule::PanelProgressStore& panels, TokenStore& tokens, Limits limits)
    : store_(store),
      catalog_(catalog),
      panels_(panels),
      tokens_(tokens),
      limits_(limits),
      hub_(limits.max_subscriptions) {}

void LiveChannels::attach(HttpServer* http, Broadcast* broadcast) {
    http_ = http;
    broadcast_ = broadcast;
}

// --- sockets ----------------------------------------------------------------------------

void LiveChannels::opened(SocketId socket, const SocketOpening& opening) {
    Peer peer;
    peer.address = opening.address;
    peers_[socket] = std::move(peer);
    if (!opening.token.empty())
        authenticate(socket, opening.token);
}

void LiveChannels::closed(SocketId socket) {
    hub_.drop(socket);
    peers_.erase(socket);
}

void LiveChannels::resync(SocketId socket, const std::vector<std::string>& channels) {
    const auto peer = peers_.find(socket);
    if (peer == peers_.end())
        return;
    for (const std::string& name : channels) {
        const auto channel = parse_channel(name);
        // Only what it still follows and may still see.
        if (!channel || !hub_.channels_of(socket).contains(name) ||
            !may_follow(peer->second, *channel)) {
            continue;
        }
        for (SharedMessage& message : current_state(peer->second, *channel))
            send(socket, std::move(message));
    }
}

void LiveChannels::received(SocketId socket, std::string_view text) {
    if (!peers_.contains(socket))
        return;
    const json parsed = schedule::parse_json(text).value_or(json());
    if (!parsed.is_object()) {
        send_error(socket, "bad_json",
                   "the message is not a JSON object (nested at most " +
                       std::to_string(schedule::kMaxJsonDepth) + " levels)");
        return;
    }
    handle(socket, parsed);
}

void LiveChannels::handle(SocketId socket, const json& message) {
    const json type = member(message, "type");
    const std::string kind = type.is_string() ? type.get<std::string>() : "";
    if (kind != "subscribe" && kind != "unsubscribe" && kind != "auth") {
        send_error(socket, "unsupported",
                   "the message types are \"subscribe\", \"unsubscribe\" and \"auth\"");
        return;
    }
    const json token = member(message, "token");
    if (!token.is_null()) {
        if (!token.is_string() || token.get<std::string>().empty()) {
            send_error(socket, "unauthorized", "\"token\" must be a non-empty string");
            return;
        }
        if (!authenticate(socket, token.get<std::string>()))
            return;
    } else if (kind == "auth") {
        send_error(socket, "unauthorized", "\"auth\" needs a \"token\"");
        return;
    }
    if (kind == "auth")
        return;

    const json channels = member(message, "channels");
    if (!channels.is_array() || channels.empty()) {
        send_error(socket, "bad_request",
                   "\"channels\" must be a non-empty array of channel names, e.g. "
                   "[\"agenda:EVENT\", \"now:STAGE\"]");
        return;
    }
    if (channels.size() > limits_.max_subscriptions) {
        send_error(
            socket, "too_many_subscriptions",
            "at most " + std::to_string(limits_.max_subscriptions) + " channels per connection");
        return;
    }
    for (const json& item : channels) {
        // A name, or for a resume {"channel": "agenda:EVENT", "rev": N}.
        Request request;
        const json name = item.is_object() ? member(item, "channel") : item;
        if (!name.is_string()) {
            send_error(socket, "bad_request",
                       "each channel is a name or {\"channel\": name, \"rev\": number}");
            continue;
        }
        request.name = name.get<std::string>();
        if (item.is_object()) {
            const json rev = member(item, "rev");
            if (rev.is_number_integer() && rev.get<int64_t>() >= 0) {
                request.rev = rev.get<int64_t>();
            } else if (!rev.is_null()) {
                send_error(socket, "bad_request", "\"rev\" must be a revision number (0 or more)",
                           request.name);
                continue;
            }
        }
        if (kind == "subscribe") {
            subscribe(socket, request);
        } else {
            unsubscribe(socket, request.name);
        }
    }
}

bool LiveChannels::authenticate(SocketId socket, const std::string& token) {
    Peer& peer = peers_[socket];
    auto attempt = tokens_.authenticate_from(peer.address, token);
    if (attempt.refused) {
        send_error(socket, "rate_limited",
                   rate_limited(*attempt.refused, "too many unknown or revoked tokens").message);
        return false;
    }
    if (!attempt.account) {
        send_error(socket, "unauthorized",
                   "the token is unknown or revoked; ask an organiser for a new one");
        return false;
    }
    auto& account = attempt.account;
    const bool changed = !peer.account || peer.account->id != account->id;
    peer.account = std::move(*account);
    peer.token_hash = token_hash(token);
    if (changed) {
        send(socket, make_message(dump({{"channel", "system"},
                                        {"type", "authenticated"},
                                        {"account", account_json(*peer.account)},
                                        {"server_time", server_time()}})));
    }
    return true;
}

void LiveChannels::subscribe(SocketId socket, const Request& request) {
    const auto channel = parse_channel(request.name);
    if (!channel) {
        send_error(socket, "unknown_channel",
                   std::string("'")
                       .append(request.name.substr(0, 160))
                       .append("' is not a channel: agenda:EVENT, now:STAGE, panel:SESSION, "
                               "stats:EVENT or ops"),
                   request.name.substr(0, 160));
        return;
    }
    // The token as it is now: it may have been revoked, or its grants changed.
    reauthorise(socket);
    const Peer& peer = peers_[socket];
    if (const Status allowed = may_follow(peer, *channel); !allowed) {
        send_error(socket, allowed.error().code, allowed.error().message, request.name);
        return;
    }
    if (hub_.subscribe(socket, request.name) == ChannelHub::Added::over_limit) {
        send_error(socket, "too_many_subscriptions",
                   "this connection already follows " + std::to_string(hub_.max_per_socket()) +
                       " channels; unsubscribe from one first",
                   request.name);
        return;
    }
    json ack = {{"channel", request.name}, {"type", "subscribed"}, {"server_time", server_time()}};
    std::optional<std::vector<SharedMessage>> missed;
    if (channel->kind == ChannelKind::agenda && request.rev) {
        missed = catch_up(channel->id, *request.rev);
        ack["rev"] = catalog_.revision();
        ack["catch_up"] = missed ? "deltas" : "snapshot";
        if (missed)
            ack["missed"] = missed->size();
    }
    std::vector<SharedMessage> messages =
        missed ? std::move(*missed) : current_state(peer, *channel);
    send(socket, make_message(dump(ack), request.name));
    for (SharedMessage& message : messages)
        send(socket, std::move(message));
}

void LiveChannels::reauthorise(SocketId socket) {
    Peer& peer = peers_[socket];
    if (peer.token_hash.empty())
        return;
    if (auto account = tokens_.account_by_hash(peer.token_hash)) {
        peer.account = std::move(*account);
    } else {
        peer.account.reset();
        peer.token_hash.clear();
        send_notice(socket, "unauthorized",
                    "the token of this connection was revoked; it now follows public channels "
                    "only");
    }
    const std::set<std::string> followed = hub_.channels_of(socket);
    for (const std::string& name : followed) {
        const auto channel = parse_channel(name);
        if (!channel)
            continue;
        const Status allowed = may_follow(peer, *channel);
        if (allowed)
            continue;
        hub_.unsubscribe(socket, name);
        send_notice(socket, allowed.error().code, "no longer followed: " + allowed.error().message,
                    name);
    }
}

void LiveChannels::recheck_access() {
    const size_t fingerprint = tokens_.access_fingerprint();
    if (access_fingerprint_ == fingerprint)
        return;
    access_fingerprint_ = fingerprint;
    for (auto& [socket, peer] : peers_) {
        if (!peer.token_hash.empty())
            reauthorise(socket);
    }
}

void LiveChannels::unsubscribe(SocketId socket, const std::string& name) {
    if (!hub_.unsubscribe(socket, name)) {
        send_error(socket, "not_subscribed",
                   std::string("this connection does not follow '")
                       .append(name.substr(0, 160))
                       .append("'"),
                   name.substr(0, 160));
        return;
    }
    send(socket, make_message(dump({{"channel", name}, {"type", "unsubscribed"}})));
}

const Programme* LiveChannels::find_session_owner(std::string_view session_id) const {
    for (const Programme& programme : catalog_.programmes()) {
        if (programme.find_session(session_id) != nullptr)
            return &programme;
    }
    return nullptr;
}

Status LiveChannels::may_follow(const Peer& peer, const Channel& channel) const {
    const auto unknown = [&] {
        return Status(
            Error{"unknown_channel",
                  std::string("there is no channel '").append(channel.name()).append("'")});
    };
    switch (channel.kind) {
        case ChannelKind::agenda: {
            const Programme* programme = catalog_.find_event(channel.id);
            return programme != nullptr && programme->event.published ? ok_status() : unknown();
        }
        case ChannelKind::now: {
            const Programme* owner = catalog_.find_stage_owner(channel.id);
            return owner != nullptr && owner->event.published ? ok_status() : unknown();
        }
        case ChannelKind::panel: {
            const Programme* owner = find_session_owner(channel.id);
            if (owner == nullptr)
                return unknown();
            return may_see_session(peer.account, *owner, *owner->find_session(channel.id))
                       ? ok_status()
                       : unknown();
        }
        case ChannelKind::stats:
            if (!peer.account) {
                return Error{
                    "unauthorized",
                    std::string("stats:")
                        .append(channel.id)
                        .append(" needs a staff or organiser token: send \"token\" with the "
                                "subscription")};
            }
            if ((peer.account->role != Role::staff && peer.account->role != Role::organiser) ||
                !peer.account->acts_in(channel.id)) {
                return Error{"forbidden",
                             std::string("stats:")
                                 .append(channel.id)
                                 .append(" is for the event's staff and organisers; this token "
                                         "is for ")
                                 .append(peer.account->describe())};
            }
            return catalog_.find_event(channel.id) != nullptr ? ok_status() : unknown();
        case ChannelKind::ops:
            if (!peer.account) {
                return Error{"unauthorized",
                             "the ops channel needs an organiser token: send \"token\" with "
                             "the subscription"};
            }
            if (!is_organiser(peer.account)) {
                return Error{"forbidden",
                             "only organisers may subscribe to ops; this token is for " +
                                 peer.account->describe()};
            }
            return ok_status();
    }
    return unknown();
}

std::vector<SharedMessage> LiveChannels::current_state(const Peer& peer,
                                                       const Channel& channel) const {
    const Instant now = now_utc();
    switch (channel.kind) {
        case ChannelKind::agenda:
            for (const Programme& programme : catalog_.published()) {
                if (programme.event.id == channel.id)
                    return {snapshot_message(programme)};
            }
            return {};
        case ChannelKind::now:
            for (const Programme& programme : catalog_.published()) {
                if (programme.find_stage(channel.id) != nullptr) {
                    return {now_message(programme, channel.id,
                                        schedule::now_and_next(programme, channel.id, now))};
                }
            }
            return {};
        case ChannelKind::panel:
            if (auto message = panel_message(channel.id))
                return {*message};
            return {};
        case ChannelKind::stats:
            if (const Programme* programme = catalog_.find_event(channel.id))
                return {stats_message(*programme)};
            return {};
        case ChannelKind::ops:
            return peer.account ? health_messages(*peer.account) : std::vector<SharedMessage>{};
    }
    return {};
}

std::optional<std::vector<SharedMessage>> LiveChannels::catch_up(const std::string& event_id,
                                                                 int64_t rev) {
    if (rev > catalog_.revision())
        return std::nullopt;  // a revision this server never had (another database)
    const auto changes = store_.changes_since(rev, event_id);
    if (changes.size() > limits_.max_catch_up)
        return std::nullopt;
    std::vector<SharedMessage> messages;
    messages.reserve(changes.size());
    for (const schedule::ChangeRecord& change : changes)
        messages.push_back(agenda_message(change));
    return messages;
}

// --- messages ---------------------------------------------------------------------------

// The same shapes as GET /api/v1/programme?since=REV, for the public: applying one to the
// state at any earlier revision gives the state now (schedule/change_feed.hpp).
SharedMessage LiveChannels::agenda_message(const schedule::ChangeRecord& change) const {
    const Instant now = now_utc();
    const Programme* programme = catalog_.find_event(change.event_id);
    const schedule::Reader reader = schedule::public_reader();
    const schedule::EventDelta delta =
        schedule::event_delta(change.event_id, programme, {change}, reader, now);
    const std::string channel = "agenda:" + change.event_id;
    json message = {{"channel", channel},
                    {"rev", change.revision},
                    {"server_time", server_time()},
                    {"change", schedule::change_json(change, programme, reader)}};
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

SharedMessage LiveChannels::snapshot_message(const Programme& programme) const {
    constexpr int64_t kReuseUs = 1'000'000;
    CachedSnapshot& cached = snapshots_[programme.event.id];
    const int64_t now_us = g_get_monotonic_time();
    if (cached.message && cached.revision == catalog_.revision() &&
        now_us - cached.made_us < kReuseUs) {
        return cached.message;
    }
    const std::string channel = "agenda:" + programme.event.id;
    const json message = {{"channel", channel},
                          {"type", "snapshot"},
                          {"rev", catalog_.revision()},
                          {"server_time", server_time()},
                          {"event", schedule::event_json(programme, now_utc())}};
    cached = {catalog_.revision(), now_us, make_message(dump(message), channel)};
    return cached.message;
}

SharedMessage LiveChannels::now_message(const Programme& programme, const std::string& stage_id,
                                        const schedule::NowNext& now_next) const {
    const std::string channel = "now:" + stage_id;
    json message = schedule::now_next_json(programme, now_next, now_utc());
    message["channel"] = channel;
    message["type"] = "now";
    message["stage"] = stage_id;
    message["server_time"] = server_time();
    return make_message(dump(message), channel);
}

std::optional<SharedMessage> LiveChannels::panel_message(const std::string& session_id) const {
    const Programme* owner = find_session_owner(session_id);
    if (owner == nullptr)
        return std::nullopt;
    const std::string channel = "panel:" + session_id;
    json message = schedule::panel_json(*owner, *owner->find_session(session_id),
                                        panels_.get(session_id), now_utc());
    message["channel"] = channel;
    message["type"] = "panel";
    message["server_time"] = server_time();
    return make_message(dump(message), channel);
}

// Screens following each stage (a watch page follows the stage it shows) and the event's
// agenda; the attendance figures of heartbeats join them here.
SharedMessage LiveChannels::stats_message(const Programme& programme) const {
    const std::string channel = "stats:" + programme.event.id;
    json stages = json::array();
    const auto watching = watching_ ? watching_() : std::map<std::string, size_t>{};
    size_t web_viewers = 0;
    for (const schedule::Stage& stage : programme.stages) {
        const auto it = watching.find(stage.id);
        const size_t viewers = it == watching.end() ? 0 : it->second;
        web_viewers += viewers;
        stages.push_back({{"stage", stage.id},
                          {"name", stage.name},
                          {"viewers", viewers},
                          {"screens", followers("now:" + stage.id)}});
    }
    const json message = {{"channel", channel},
                          {"type", "viewers"},
                          {"event", programme.event.id},
                          {"server_time", server_time()},
                          {"agenda_screens", followers("agenda:" + programme.event.id)},
                          {"web_viewers", web_viewers},
                          {"stages", std::move(stages)}};
    return make_message(dump(message), channel);
}

std::vector<SharedMessage> LiveChannels::health_messages(const Account& account) const {
    std::vector<SharedMessage> messages;
    if (broadcast_ == nullptr)
        return messages;
    const json stages = broadcast_->health();
    for (auto it = stages.begin(); it != stages.end(); ++it) {
        const Programme* owner = catalog_.find_stage_owner(it.key());
        if (owner == nullptr || !account.acts_in(owner->event.id))
            continue;
        const json health =
            schedule::redact_json(it.value(), schedule::secrets_of(*owner->find_stage(it.key())));
        const json message = {{"channel", "ops"},
                              {"type", "health"},
                              {"stage", it.key()},
                              {"health", health},
                              {"server_time", server_time()}};
        messages.push_back(make_message(dump(message), "ops"));
    }
    return messages;
}

// --- publishing -------------------------------------------------------------------------

void LiveChannels::publish_change(const schedule::ChangeRecord& change) {
    send_to_followers("agenda:" + change.event_id, agenda_message(change));
    // A running order edited, a session renamed or unpublished: its panel followers see it.
    for (const std::string& channel : hub_.followed()) {
        const auto parsed = parse_channel(channel);
        if (parsed && parsed->kind == ChannelKind::panel) {
            const Programme* owner = find_session_owner(parsed->id);
            if (owner == nullptr || owner->event.id == change.event_id)
                publish_panel(parsed->id);
        }
    }
}

void LiveChannels::publish_now(const Programme& programme, const std::string& stage_id,
                               const schedule::NowNext& now_next) {
    const std::string channel = "now:" + stage_id;
    if (!hub_.subscribers(channel).empty())
        send_to_followers(channel, now_message(programme, stage_id, now_next));
}

// Followers who may no longer see the session (it was unpublished, or deleted) are told it
// is gone and unsubscribed, instead of being sent what they may not see.
void LiveChannels::publish_panel(const std::string& session_id) {
    const std::string channel = "panel:" + session_id;
    const auto& followers = hub_.subscribers(channel);
    if (followers.empty())
        return;
    const Channel parsed{ChannelKind::panel, session_id};
    std::vector<SocketId> allowed;
    std::vector<SocketId> refused;
    for (const SocketId socket : followers)
        (may_follow(peers_[socket], parsed) ? allowed : refused).push_back(socket);
    if (!allowed.empty()) {
        if (auto message = panel_message(session_id)) {
            for (const SocketId socket : allowed)
                send(socket, *message);
        }
    }
    for (const SocketId socket : refused) {
        hub_.unsubscribe(socket, channel);
        send(socket, make_message(dump({{"channel", channel}, {"type", "removed"}})));
    }
}

// To the organisers of the stage's event only: addresses and errors are theirs, and even
// so the stage's secrets are redacted from them (GStreamer's error text quotes its URL).
void LiveChannels::publish_ops(const std::string& stage_id, const json& event) {
    const auto& followers = hub_.subscribers("ops");
    if (followers.empty())
        return;
    const Programme* owner = catalog_.find_stage_owner(stage_id);
    if (owner == nullptr)
        return;
    json message = schedule::redact_json(event, schedule::secrets_of(*owner->find_stage(stage_id)));
    message["channel"] = "ops";
    message["server_time"] = server_time();
    const SharedMessage shared = make_message(dump(message), "ops");
    for (const SocketId socket : followers) {
        const auto& account = peers_[socket].account;
        if (is_organiser(account) && account->acts_in(owner->event.id))
            send(socket, shared);
    }
}

void LiveChannels::publish_ops_health() {
    if (broadcast_ == nullptr || hub_.subscribers("ops").empty())
        return;
    const json stages = broadcast_->health();
    for (auto it = stages.begin(); it != stages.end(); ++it)
        publish_ops(it.key(), {{"type", "health"}, {"stage", it.key()}, {"health", it.value()}});
}

void LiveChannels::publish_stats() {
    for (const Programme& programme : catalog_.programmes()) {
        const std::string channel = "stats:" + programme.event.id;
        if (!hub_.subscribers(channel).empty())
            send_to_followers(channel, stats_message(programme));
    }
}

size_t LiveChannels::followers(const std::string& channel) const {
    return hub_.subscribers(channel).size();
}

void LiveChannels::send(SocketId socket, SharedMessage message) {
    if (http_ != nullptr)
        http_->send(socket, std::move(message));
}

void LiveChannels::send_to_followers(const std::string& channel, const SharedMessage& message) {
    if (http_ == nullptr)
        return;
    for (const SocketId socket : hub_.subscribers(channel))
        http_->send(socket, message);
}

// Errors keep the connection open, up to a point: a client that keeps sending what the
// protocol refuses is closed with 1008 and the reason.
void LiveChannels::send_error(SocketId socket, const std::string& code, const std::string& message,
                              const std::string& subject) {
    send_notice(socket, code, message, subject);
    Peer& peer = peers_[socket];
    if (++peer.errors > limits_.max_errors && http_ != nullptr) {
        g_message("websocket %llu closed after %u bad messages",
                  static_cast<unsigned long long>(socket), peer.errors);
        http_->close(socket, kPolicyViolation,
                     "too many bad messages (" + std::to_string(peer.errors) + ")");
    }
}

void LiveChannels::send_notice(SocketId socket, const std::string& code, const std::string& message,
                               const std::string& subject) {
    json error = {{"channel", "system"},
                  {"type", "error"},
                  {"error", {{"code", code}, {"message", message}}},
                  {"server_time", server_time()}};
    if (!subject.empty())
        error["subject"] = subject;
    send(socket, make_message(dump(error)));
}

}  // namespace stagehub::server
