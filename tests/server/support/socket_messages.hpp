// Reading what the server pushes on a websocket in integration tests: the next message of a
// kind, skipping the others (pushes of other channels, acknowledgements).
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "net_client.hpp"

namespace stagehub::server {

// The next message for which `wanted` holds, skipping others; nullopt on timeout or close.
inline std::optional<nlohmann::json> next_where(
    stagehub::testing::WebsocketClient& ws,
    const std::function<bool(const nlohmann::json&)>& wanted,
    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    using std::chrono::milliseconds;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto left =
            std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
        const auto text = ws.receive(std::max(left, milliseconds(1)));
        if (!text)
            return std::nullopt;
        nlohmann::json message = nlohmann::json::parse(*text);
        if (wanted(message))
            return message;
    }
    return std::nullopt;
}

}  // namespace stagehub::server
