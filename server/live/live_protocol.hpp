// What a client may send on /ws (docs/PROTOCOL.md), parsed into what it asks for before
// anything is decided: {"type": "subscribe" | "unsubscribe" | "auth", "token": "...",
// "channels": [name | {"channel": name, "rev": N}, ...]}. No state and no replies here:
// LiveChannels::received acts on the result and sends the errors it carries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/result.hpp"

namespace stagehub::server {

enum class ClientMessageType { subscribe, unsubscribe, auth };

// One item of "channels": a name, or for a resume {"channel": "agenda:EVENT", "rev": N}.
struct ChannelRequest {
    std::string name;            // as sent, not yet judged; empty when the item names none
    std::optional<int64_t> rev;  // agenda: the last revision the client holds
    // Why this item is refused as written (the others of the message still count); the
    // error is about `name`.
    std::optional<Error> refused;
};

struct ClientMessage {
    ClientMessageType type = ClientMessageType::subscribe;
    std::string token;  // empty: none sent (the socket keeps the one it has)
    // subscribe and unsubscribe: the items in order, or why the list as a whole is refused
    // (told only once the token, if any, is accepted). Empty for auth.
    Result<std::vector<ChannelRequest>> channels = std::vector<ChannelRequest>{};
};

// The message, or why it is refused as a whole ("bad_json", "unsupported",
// "unauthorized" for a malformed or missing token). At most `max_channels` per message.
Result<ClientMessage> parse_client_message(std::string_view text, size_t max_channels);

}  // namespace stagehub::server
