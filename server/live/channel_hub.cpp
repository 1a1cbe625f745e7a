#include "server/live/channel_hub.hpp"

namespace stagehub::server {
namespace {

const std::unordered_set<SocketId> kNoSockets;
const std::set<std::string> kNoChannels;

}  // namespace

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
