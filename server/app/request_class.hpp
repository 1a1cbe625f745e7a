// The route class of an HTTP request: a small fixed set, the label of the request metrics
// (never a raw path, which a client chooses and which would make every address a series).
//
// Threads: any (pure).
#pragma once

#include <string_view>

namespace stagehub::server {

enum class RequestClass {
    api,           // /api/… except health
    health,        // /api/v1/health and a stage's or event's health
    metrics,       // /metrics
    live_media,    // /live/…: playlists and segments of the live window
    replay_media,  // /live/… segments served as part of a replay
    posters,       // /posters/…
    page,          // the pages served at their own addresses (/watch/…, /organise, …)
    static_file,   // anything else of web/ (scripts, styles, vendor files)
    websocket,     // /ws asked for as plain HTTP (426)
};

inline constexpr RequestClass kRequestClasses[] = {
    RequestClass::api,        RequestClass::health,       RequestClass::metrics,
    RequestClass::live_media, RequestClass::replay_media, RequestClass::posters,
    RequestClass::page,       RequestClass::static_file,  RequestClass::websocket};

std::string_view name_of(RequestClass request_class);

// `replay`: a /live/ file was served by the replay rules (Application::serve_media knows).
RequestClass request_class_of(std::string_view path, bool replay);

}  // namespace stagehub::server
