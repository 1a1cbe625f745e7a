// Which answer a path that is not a websocket gets: the REST API, a page of web/ served at
// an address of its own (docs/API.md, "Pages"), protected media, or a static file.
//
// Threads: any (a pure function of the path).
#pragma once

#include <string>
#include <string_view>

namespace stagehub::server {

enum class Destination {
    api,              // /api/…: the router
    socket_endpoint,  // /ws asked for as plain HTTP: 426
    metrics,          // /metrics: Prometheus, for loopback or a token (server_metrics)
    embed_page,       // /embed/{stage}: the player page, if the stage is published
    page,             // PageRoute::page, whatever the address's rest says
    media,            // /live/ and /posters/: served by the replay rules
    static_file,      // anything else: web/ as it is
};

struct PageRoute {
    Destination destination;
    std::string
        page;  // for Destination::page and embed_page: the file of web/, e.g. "/speaker.html"
};

PageRoute route_of(std::string_view path);

}  // namespace stagehub::server
