#include "server/live/channel_name.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace stagehub::server {
namespace {

constexpr std::string_view kOps = "ops";

constexpr std::array<std::pair<ChannelKind, std::string_view>, 5> kKindsWithId = {{
    {ChannelKind::agenda, "agenda"},
    {ChannelKind::now, "now"},
    {ChannelKind::panel, "panel"},
    {ChannelKind::stats, "stats"},
    {ChannelKind::captions, "captions"},
}};

// Slugs as the programme makes them (lower-case letters, digits, '-', '_', '.'); anything
// else cannot name something that exists, so it is refused before any lookup.
bool is_slug(std::string_view id) {
    return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
}

}  // namespace

std::string Channel::name() const {
    if (kind == ChannelKind::ops)
        return std::string(kOps);
    for (const auto& [k, prefix] : kKindsWithId) {
        if (k == kind)
            return std::string(prefix).append(":").append(id);
    }
    return id;
}

std::optional<Channel> parse_channel(std::string_view name) {
    if (name == kOps)
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

}  // namespace stagehub::server
