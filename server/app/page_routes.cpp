#include "server/app/page_routes.hpp"

#include "server/auth/speaker_link.hpp"

namespace stagehub::server {

PageRoute route_of(std::string_view path) {
    if (path.starts_with("/api/"))
        return {Destination::api, {}};
    if (path == "/ws")
        return {Destination::socket_endpoint, {}};
    if (path == "/metrics")
        return {Destination::metrics, {}};
    if (path.starts_with("/embed/"))
        return {Destination::embed_page, "/embed.html"};
    if (is_speaker_page(path))
        return {Destination::page, "/speaker.html"};
    // The four faces' addresses (docs/API.md, "Pages"): each page reads what it shows
    // from its own address.
    if (path.starts_with("/event/") || path.starts_with("/watch/"))
        return {Destination::page, "/index.html"};
    if (path == "/replays")
        return {Destination::page, "/replays.html"};
    // The accessibility statement, at its name in each language (docs/ACCESSIBILITY.md).
    if (path == "/tillganglighet" || path == "/tilgjengelighet" || path == "/accessibility")
        return {Destination::page, "/accessibility.html"};
    if (path == "/organise" || path.starts_with("/organise/"))
        return {Destination::page, "/organise.html"};
    if (path == "/stats" || path.starts_with("/stats/"))
        return {Destination::page, "/stats.html"};
    // Captions (docs/CAPTIONS.md): the captioner's page and the room view of a stage.
    if (path.starts_with("/caption/"))
        return {Destination::page, "/caption.html"};
    if (path.starts_with("/captions/"))
        return {Destination::page, "/room_captions.html"};
    if (path.starts_with("/live/") || path.starts_with("/posters/"))
        return {Destination::media, {}};
    return {Destination::static_file, {}};
}

}  // namespace stagehub::server
