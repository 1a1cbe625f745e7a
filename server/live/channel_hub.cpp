#include "server/live/channel_hub.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace stagehub::server {
namespace {

constexpr std::array<std::pair<ChannelKind, std::string_view>, 4> kKindsWithId = {{
    {ChannelKind::agenda, "agenda"},
    {ChannelKind::now, "now"},
    {ChannelKind::panel, "panel"},
    {ChannelKind::stats, "stats"},
}};

// Slugs as the programme makes them (lower-case letters, digits, '-', '_', '.'); anything
// else cannot name something that exists, so it is refused before any lookup.
bool is_slug(std::string_view id) {
    return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
}

const std::unordered_set<SocketId> kNoSockets;
const std::set<std::string> kNoChannels;

}  // namespace

std::string Channel::name() const {
    if (kind == ChannelKind::ops)
        return "ops";
    for (const auto& [k, prefix] : kKindsWithId) {
        if (k == kind)
            return std::string(prefix).append(":").append(id);
    }
    return id;
}

std::optional<Channel> parse_channel(std::string_view name) {
    if (name == "ops")
        return Channel{ChannelKind::ops, ""};
    const size_t colon = name.find(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    const std::string_view prefix = name.substr(0, colon);
    const std::string_view id = name.substr(colon + 1);
    if (!is_slug(id))
        return std::nullopt;
    for (const auto& [kind, known] : kKindsWithId) {
        if (known == prefix)
            return Channel{kind, std::string(id)};
    }
    return std::nullopt;
}

ChannelHub::Added ChannelHub::subscribe(SocketId socket, const std::string& channel) {
    auto& mine = by_socket_[socket];
    if (mine.contains(channel))
        return Added::already;
    if (mine.size() >= max_per_socket_) {
        if (mine.empty())
            by_socket_.erase(socket);
        return Added::over_limit;
    }
    mine.insert(channel);
    by_channel_[channel].insert(socket);
    return Added::added;
}

bool ChannelHub::unsubscribe(SocketId socket, const std::string& channel) {
    const auto mine = by_socket_.find(socket);
    if (mine == by_socket_.end() || mine->second.erase(channel) == 0)
        return false;
    if (mine->second.empty())
        by_socket_.erase(mine);
    if (const auto followers = by_channel_.find(channel); followers != by_channel_.end()) {
        followers->second.erase(socket);
        if (followers->second.empty())
            by_channel_.erase(followers);
    }
    return true;
}

void ChannelHub::drop(SocketId socket) {
    const auto mine = by_socket_.find(socket);
    if (mine == by_socket_.end())
        return;
    for (const std::string& channel : mine->second) {
        if (const auto followers = by_channel_.find(channel); followers != by_channel_.end()) {
            followers->second.erase(socket);
            if (followers->second.empty())
                by_channel_.erase(followers);
        }
    }
    by_socket_.erase(mine);
}

const std::unordered_set<SocketId>& ChannelHub::subscribers(const std::string& channel) const {
    const auto it = by_channel_.find(channel);
    return it == by_channel_.end() ? kNoSockets : it->second;
}

const std::set<std::string>& ChannelHub::channels_of(SocketId socket) const {
    const auto it = by_socket_.find(socket);
    return it == by_socket_.end() ? kNoChannels : it->second;
}

std::vector<std::string> ChannelHub::followed() const {
    std::vector<std::string> channels;
    channels.reserve(by_channel_.size());
    for (const auto& [channel, sockets] : by_channel_)
        channels.push_back(channel);
    return channels;
}

}  // namespace stagehub::server
