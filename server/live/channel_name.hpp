// The names of the websocket channels (docs/PROTOCOL.md), built and parsed here only:
//
//   agenda:{event}   now:{stage}   panel:{session}   stats:{event}   captions:{stage}   ops
//
// Ids are the programme's slugs. `system` is no channel one can follow: it is where the
// server's own messages to one socket (errors, "authenticated") say they come from.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stagehub::server {

enum class ChannelKind { agenda, now, panel, stats, captions, ops };

struct Channel {
    ChannelKind kind = ChannelKind::agenda;
    std::string id;  // empty for ops

    // The name on the wire, e.g. "now:stora-salen"; the one place names are built.
    std::string name() const;
    bool operator==(const Channel&) const = default;
};

// nullopt for anything that is not one of the names above (unknown kind, empty or
// malformed id, stray characters).
std::optional<Channel> parse_channel(std::string_view name);

// What the server's messages to a single socket name as their channel.
inline constexpr std::string_view kSystemChannel = "system";

}  // namespace stagehub::server
