#include "server/live/live_protocol.hpp"

#include <nlohmann/json.hpp>

#include "schedule/json_text.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;

// A member of a parsed message, or null. By hand: json::value() trips GCC 12's
// -Wnull-dereference at -O3.
json member(const json& object, const char* name) {
    const auto it = object.find(name);
    return it == object.end() ? json() : *it;
}

std::optional<ClientMessageType> type_of(const json& message) {
    const json type = member(message, "type");
    const std::string kind = type.is_string() ? type.get<std::string>() : "";
    if (kind == "subscribe")
        return ClientMessageType::subscribe;
    if (kind == "unsubscribe")
        return ClientMessageType::unsubscribe;
    if (kind == "auth")
        return ClientMessageType::auth;
    return std::nullopt;
}

ChannelRequest channel_request(const json& item) {
    ChannelRequest request;
    const json name = item.is_object() ? member(item, "channel") : item;
    if (!name.is_string()) {
        request.refused = Error{ErrorCode::bad_request,
                                "each channel is a name or {\"channel\": name, \"rev\": number}"};
        return request;
    }
    request.name = name.get<std::string>();
    if (item.is_object()) {
        const json rev = member(item, "rev");
        if (rev.is_number_integer() && rev.get<int64_t>() >= 0) {
            request.rev = rev.get<int64_t>();
        } else if (!rev.is_null()) {
            request.refused =
                Error{ErrorCode::bad_request, "\"rev\" must be a revision number (0 or more)"};
        }
    }
    return request;
}

Result<std::vector<ChannelRequest>> channel_requests(const json& message, size_t max_channels) {
    const json channels = member(message, "channels");
    if (!channels.is_array() || channels.empty()) {
        return Error{ErrorCode::bad_request,
                     "\"channels\" must be a non-empty array of channel names, e.g. "
                     "[\"agenda:EVENT\", \"now:STAGE\"]"};
    }
    if (channels.size() > max_channels) {
        return Error{ErrorCode::too_many_subscriptions,
                     "at most " + std::to_string(max_channels) + " channels per connection"};
    }
    std::vector<ChannelRequest> requests;
    requests.reserve(channels.size());
    for (const json& item : channels)
        requests.push_back(channel_request(item));
    return requests;
}

}  // namespace

Result<ClientMessage> parse_client_message(std::string_view text, size_t max_channels) {
    const json message = schedule::parse_json(text).value_or(json());
    if (!message.is_object()) {
        return Error{ErrorCode::bad_json, "the message is not a JSON object (nested at most " +
                                              std::to_string(schedule::kMaxJsonDepth) + " levels)"};
    }
    const auto type = type_of(message);
    if (!type) {
        return Error{ErrorCode::unsupported,
                     "the message types are \"subscribe\", \"unsubscribe\" and \"auth\""};
    }
    ClientMessage parsed;
    parsed.type = *type;
    const json token = member(message, "token");
    if (!token.is_null()) {
        if (!token.is_string() || token.get<std::string>().empty())
            return Error{ErrorCode::unauthorized, "\"token\" must be a non-empty string"};
        parsed.token = token.get<std::string>();
    } else if (parsed.type == ClientMessageType::auth) {
        return Error{ErrorCode::unauthorized, "\"auth\" needs a \"token\""};
    }
    if (parsed.type != ClientMessageType::auth)
        parsed.channels = channel_requests(message, max_channels);
    return parsed;
}

}  // namespace stagehub::server
