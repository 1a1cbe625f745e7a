#include "server/live/live_channels.hpp"

#include <glib.h>

#include <chrono>

#include "schedule/instant.hpp"
#include "server/auth/access.hpp"
#include "server/broadcast/stage_supervisor.hpp"
#include "server/live/channel_access.hpp"
#include "server/live/live_messages.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using schedule::Programme;

// Close code for a client that keeps sending what the protocol refuses (RFC 6455).
constexpr uint16_t kPolicyViolation = 1008;

// A name as the client sent it, cut short enough to quote back.
std::string quotable(const std::string& name) {
    return name.substr(0, 160);
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

void LiveChannels::attach(HttpServer* http, StageSupervisor* broadcast) {
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
            !may_follow(peer->second.account, *channel, catalog_)) {
            continue;
        }
        for (SharedMessage& message : current_state(peer->second, *channel))
            send(socket, std::move(message));
    }
}

// The token first (a subscription may need it), then each channel in order: one refused
// item does not stop the others.
void LiveChannels::received(SocketId socket, std::string_view text) {
    if (!peers_.contains(socket))
        return;
    const auto message = parse_client_message(text, limits_.max_subscriptions);
    if (!message) {
        send_error(socket, message.error());
        return;
    }
    if (!message->token.empty() && !authenticate(socket, message->token))
        return;
    if (message->type == ClientMessageType::auth)
        return;
    if (!message->channels) {
        send_error(socket, message->channels.error());
        return;
    }
    for (const ChannelRequest& request : *message->channels) {
        if (request.refused) {
            send_error(socket, *request.refused, request.name);
        } else if (message->type == ClientMessageType::subscribe) {
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
        send_error(
            socket,
            Error{ErrorCode::rate_limited,
                  rate_limited(*attempt.refused, "too many unknown or revoked tokens").message});
        return false;
    }
    if (!attempt.account) {
        send_error(socket,
                   Error{ErrorCode::unauthorized,
                         "the token is unknown or revoked; ask an organiser for a new one"});
        return false;
    }
    auto& account = attempt.account;
    const bool changed = !peer.account || peer.account->id != account->id;
    peer.account = std::move(*account);
    peer.token_hash = token_hash(token);
    if (changed)
        send(socket, authenticated_message(*peer.account));
    return true;
}

void LiveChannels::subscribe(SocketId socket, const ChannelRequest& request) {
    const auto channel = parse_channel(request.name);
    if (!channel) {
        send_error(socket,
                   Error{ErrorCode::unknown_channel,
                         std::string("'")
                             .append(quotable(request.name))
                             .append("' is not a channel: agenda:EVENT, now:STAGE, "
                                     "panel:SESSION, stats:EVENT, captions:STAGE or ops")},
                   quotable(request.name));
        return;
    }
    // The token as it is now: it may have been revoked, or its grants changed.
    reauthorise(socket);
    const Peer& peer = peers_[socket];
    if (const Status allowed = may_follow(peer.account, *channel, catalog_); !allowed) {
        send_error(socket, allowed.error(), request.name);
        return;
    }
    if (hub_.subscribe(socket, request.name) == ChannelHub::Added::over_limit) {
        send_error(
            socket,
            Error{ErrorCode::too_many_subscriptions, "this connection already follows " +
                                                         std::to_string(hub_.max_per_socket()) +
                                                         " channels; unsubscribe from one first"},
            request.name);
        return;
    }
    std::optional<CatchUp> resumed;
    std::optional<std::vector<SharedMessage>> missed;
    if (channel->kind == ChannelKind::agenda && request.rev) {
        missed = catch_up(channel->id, *request.rev);
        resumed = CatchUp{catalog_.revision(),
                          missed ? std::optional<size_t>(missed->size()) : std::nullopt};
    }
    std::vector<SharedMessage> messages =
        missed ? std::move(*missed) : current_state(peer, *channel);
    send(socket, subscribed_message(*channel, resumed));
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
        send_notice(socket, Error{ErrorCode::unauthorized,
                                  "the token of this connection was revoked; it now follows "
                                  "public channels only"});
    }
    const std::set<std::string> followed = hub_.channels_of(socket);
    for (const std::string& name : followed) {
        const auto channel = parse_channel(name);
        if (!channel)
            continue;
        const Status allowed = may_follow(peer.account, *channel, catalog_);
        if (allowed)
            continue;
        hub_.unsubscribe(socket, name);
        send_notice(socket,
                    Error{allowed.error().code, "no longer followed: " + allowed.error().message},
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
        send_error(socket,
                   Error{ErrorCode::not_subscribed, std::string("this connection does not follow '")
                                                        .append(quotable(name))
                                                        .append("'")},
                   quotable(name));
        return;
    }
    send(socket, unsubscribed_message(name));
}

// --- the state of a channel -------------------------------------------------------------

std::vector<SharedMessage> LiveChannels::current_state(const Peer& peer,
                                                       const Channel& channel) const {
    switch (channel.kind) {
        case ChannelKind::agenda:
            for (const Programme& programme : catalog_.published()) {
                if (programme.event.id == channel.id)
                    return {agenda_snapshot(programme)};
            }
            return {};
        case ChannelKind::now:
            for (const Programme& programme : catalog_.published()) {
                if (programme.find_stage(channel.id) != nullptr) {
                    return {now_message(programme, channel.id,
                                        schedule::now_and_next(programme, channel.id, now_utc()))};
                }
            }
            return {};
        case ChannelKind::panel:
            if (auto message = panel_state(channel.id))
                return {*message};
            return {};
        case ChannelKind::stats:
            if (const Programme* programme = catalog_.find_event(channel.id))
                return {stats_state(*programme)};
            return {};
        case ChannelKind::captions:
            return captions_state(channel.id);
        case ChannelKind::ops: {
            std::vector<SharedMessage> messages = health_messages(peer.account);
            if (lasting_server_ops_)
                messages.push_back(*lasting_server_ops_);
            return messages;
        }
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
        messages.push_back(agenda_message(change, catalog_.find_event(change.event_id)));
    return messages;
}

// The last snapshot of each event is shared by the screens that subscribe within a second
// of it at the same revision.
SharedMessage LiveChannels::agenda_snapshot(const Programme& programme) const {
    constexpr int64_t kReuseUs = 1'000'000;
    CachedSnapshot& cached = snapshots_[programme.event.id];
    const int64_t now_us = g_get_monotonic_time();
    if (cached.message && cached.revision == catalog_.revision() &&
        now_us - cached.made_us < kReuseUs) {
        return cached.message;
    }
    cached = {catalog_.revision(), now_us, snapshot_message(programme, catalog_.revision())};
    return cached.message;
}

std::optional<SharedMessage> LiveChannels::panel_state(const std::string& session_id) const {
    const Programme* owner = find_session_owner(catalog_, session_id);
    if (owner == nullptr)
        return std::nullopt;
    return panel_message(*owner, *owner->find_session(session_id), panels_.get(session_id));
}

SharedMessage LiveChannels::stats_state(const Programme& programme) const {
    const auto watching = watching_ ? watching_() : std::map<std::string, size_t>{};
    return stats_message(programme, watching, hub_);
}

// The health of every stage of the events whose ops the account hears.
std::vector<SharedMessage> LiveChannels::health_messages(
    const std::optional<Account>& account) const {
    std::vector<SharedMessage> messages;
    if (broadcast_ == nullptr)
        return messages;
    const json stages = broadcast_->health();
    for (auto it = stages.begin(); it != stages.end(); ++it) {
        const Programme* owner = catalog_.find_stage_owner(it.key());
        if (owner != nullptr && hears_ops_of(account, owner->event.id))
            messages.push_back(ops_health_message(*owner->find_stage(it.key()), it.value()));
    }
    return messages;
}

// The last few cues of each kind and language the stage has live cues in (captions, then
// descriptions; oldest first), then the lines being typed.
std::vector<SharedMessage> LiveChannels::captions_state(const std::string& stage_id) const {
    constexpr size_t kLastCues = 5;
    std::vector<SharedMessage> messages;
    if (captions_ != nullptr) {
        // Lines of the last minutes only: a room screen switched on after a break should
        // not show what was said before it.
        const int64_t since_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(
                (std::chrono::system_clock::now() - std::chrono::minutes{5}).time_since_epoch())
                .count();
        for (const captions::CueKind kind :
             {captions::CueKind::captions, captions::CueKind::descriptions}) {
            for (const std::string& language : captions_->live_languages(stage_id, kind)) {
                for (const captions::Cue& cue :
                     captions_->latest_live_cues(stage_id, language, kind, kLastCues, since_ms))
                    messages.push_back(caption_cue_message(cue));
            }
        }
    }
    for (const CaptionPartials::Partial& partial : partials_.current(stage_id))
        messages.push_back(caption_partial_message(stage_id, partial.language, partial.text));
    return messages;
}

// --- publishing -------------------------------------------------------------------------

void LiveChannels::publish_caption_cue(const captions::Cue& cue) {
    send_to_caption_followers(cue.stage_id, caption_cue_message(cue));
}

void LiveChannels::publish_caption_partial(const std::string& stage_id, const std::string& language,
                                           const std::string& text) {
    if (partials_.set(stage_id, language, text))
        send_to_caption_followers(stage_id, caption_partial_message(stage_id, language, text));
}

void LiveChannels::send_to_caption_followers(const std::string& stage_id,
                                             const SharedMessage& message) {
    const Channel parsed{ChannelKind::captions, stage_id};
    const std::string channel = parsed.name();
    const auto& followers = hub_.subscribers(channel);
    if (followers.empty())
        return;
    const Programme* owner = catalog_.find_stage_owner(stage_id);
    if (owner != nullptr && owner->event.published) {
        send_to_followers(channel, message);
        return;
    }
    std::vector<SocketId> refused;
    for (const SocketId socket : followers) {
        const Status allowed = may_follow(peers_[socket].account, parsed, catalog_);
        if (allowed) {
            send(socket, message);
        } else {
            refused.push_back(socket);
        }
    }
    for (const SocketId socket : refused) {
        hub_.unsubscribe(socket, channel);
        send(socket, panel_removed_message(parsed));
    }
}

void LiveChannels::publish_change(const schedule::ChangeRecord& change) {
    send_to_followers(Channel{ChannelKind::agenda, change.event_id}.name(),
                      agenda_message(change, catalog_.find_event(change.event_id)));
    // A running order edited, a session renamed or unpublished: its panel followers see it.
    for (const std::string& channel : hub_.followed()) {
        const auto parsed = parse_channel(channel);
        if (parsed && parsed->kind == ChannelKind::panel) {
            const Programme* owner = find_session_owner(catalog_, parsed->id);
            if (owner == nullptr || owner->event.id == change.event_id)
                publish_panel(parsed->id);
        }
    }
}

void LiveChannels::publish_now(const Programme& programme, const std::string& stage_id,
                               const schedule::NowNext& now_next) {
    const std::string channel = Channel{ChannelKind::now, stage_id}.name();
    if (!hub_.subscribers(channel).empty())
        send_to_followers(channel, now_message(programme, stage_id, now_next));
}

// Followers who may no longer see the session (it was unpublished, or deleted) are told it
// is gone and unsubscribed, instead of being sent what they may not see.
void LiveChannels::publish_panel(const std::string& session_id) {
    const Channel parsed{ChannelKind::panel, session_id};
    const std::string channel = parsed.name();
    const auto& followers = hub_.subscribers(channel);
    if (followers.empty())
        return;
    std::vector<SocketId> allowed;
    std::vector<SocketId> refused;
    for (const SocketId socket : followers)
        (may_follow(peers_[socket].account, parsed, catalog_) ? allowed : refused)
            .push_back(socket);
    if (!allowed.empty()) {
        if (auto message = panel_state(session_id)) {
            for (const SocketId socket : allowed)
                send(socket, *message);
        }
    }
    for (const SocketId socket : refused) {
        hub_.unsubscribe(socket, channel);
        send(socket, panel_removed_message(parsed));
    }
}

// To the organisers of the stage's event only: addresses and errors are theirs.
void LiveChannels::publish_ops(const std::string& stage_id, const json& event) {
    const auto& followers = hub_.subscribers(Channel{ChannelKind::ops, ""}.name());
    if (followers.empty())
        return;
    const Programme* owner = catalog_.find_stage_owner(stage_id);
    if (owner == nullptr)
        return;
    const SharedMessage message = ops_message(*owner->find_stage(stage_id), event);
    for (const SocketId socket : followers) {
        if (hears_ops_of(peers_[socket].account, owner->event.id))
            send(socket, message);
    }
}

void LiveChannels::publish_event_ops(const std::string& event_id, const json& event) {
    const auto& followers = hub_.subscribers(Channel{ChannelKind::ops, ""}.name());
    if (followers.empty())
        return;
    const SharedMessage message = server_ops_message(event);
    for (const SocketId socket : followers) {
        if (hears_ops_of(peers_[socket].account, event_id))
            send(socket, message);
    }
}

void LiveChannels::publish_server_ops(const json& event, bool lasting) {
    const SharedMessage message = server_ops_message(event);
    lasting_server_ops_ = lasting ? std::optional(message) : std::nullopt;
    send_to_followers(Channel{ChannelKind::ops, ""}.name(), message);
}

void LiveChannels::publish_ops_health() {
    if (broadcast_ == nullptr || hub_.subscribers(Channel{ChannelKind::ops, ""}.name()).empty())
        return;
    const json stages = broadcast_->health();
    for (auto it = stages.begin(); it != stages.end(); ++it)
        publish_ops(it.key(), {{"type", "health"}, {"stage", it.key()}, {"health", it.value()}});
}

void LiveChannels::publish_stats() {
    for (const Programme& programme : catalog_.programmes()) {
        const std::string channel = Channel{ChannelKind::stats, programme.event.id}.name();
        if (!hub_.subscribers(channel).empty())
            send_to_followers(channel, stats_state(programme));
    }
}

size_t LiveChannels::followers(const std::string& channel) const {
    return hub_.subscribers(channel).size();
}

// --- sending ----------------------------------------------------------------------------

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
void LiveChannels::send_error(SocketId socket, const Error& error, const std::string& subject) {
    send_notice(socket, error, subject);
    Peer& peer = peers_[socket];
    if (++peer.errors > limits_.max_errors && http_ != nullptr) {
        g_message("websocket %llu closed after %u bad messages",
                  static_cast<unsigned long long>(socket), peer.errors);
        http_->close(socket, kPolicyViolation,
                     "too many bad messages (" + std::to_string(peer.errors) + ")");
    }
}

void LiveChannels::send_notice(SocketId socket, const Error& error, const std::string& subject) {
    send(socket, error_message(error.code, error.message, subject));
}

}  // namespace stagehub::server
