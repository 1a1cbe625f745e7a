// A web player's heartbeat as stored: who (an anonymous id the browser made up), what they
// watch (a stage live, or a session's replay), where in it, and when the server heard it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "schedule/attendance/counting_rules.hpp"

namespace stagehub::attendance {

enum class ViewingKind { live, replay };

std::string_view to_string(ViewingKind kind);
std::optional<ViewingKind> viewing_kind_from_string(std::string_view text);

struct Heartbeat {
    TimePoint at;  // the server's clock when it arrived: the client's clock only vouches
    std::string viewer;
    ViewingKind kind = ViewingKind::live;
    std::string target;  // a stage id (live) or the replayed session's id
    Millis position{0};  // in the replay, or the live stream's playback position
    Millis played{0};    // playback the player saw since its previous heartbeat

    bool operator==(const Heartbeat&) const = default;
};

}  // namespace stagehub::attendance
