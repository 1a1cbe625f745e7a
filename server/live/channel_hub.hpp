// Who follows which websocket channel (docs/PROTOCOL.md). Pure bookkeeping: no sockets,
// no JSON; the LiveChannels decide who may follow what and what to send. Channels are
// kept by their names (server/live/channel_name.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "server/live/channel_name.hpp"

namespace stagehub::server {

using SocketId = uint64_t;

class ChannelHub {
  public:
    explicit ChannelHub(size_t max_per_socket) : max_per_socket_(max_per_socket) {}

    enum class Added { added, already, over_limit };
    Added subscribe(SocketId socket, const std::string& channel);
    // False when the socket did not follow it.
    bool unsubscribe(SocketId socket, const std::string& channel);
    // Forgets the socket (it closed).
    void drop(SocketId socket);

    // The sockets following `channel`; empty when none.
    const std::unordered_set<SocketId>& subscribers(const std::string& channel) const;
    const std::set<std::string>& channels_of(SocketId socket) const;
    // Every channel someone follows (a copy: publishing may unsubscribe).
    std::vector<std::string> followed() const;
    size_t max_per_socket() const { return max_per_socket_; }

  private:
    size_t max_per_socket_;
    std::unordered_map<std::string, std::unordered_set<SocketId>> by_channel_;
    std::unordered_map<SocketId, std::set<std::string>> by_socket_;
};

}  // namespace stagehub::server
