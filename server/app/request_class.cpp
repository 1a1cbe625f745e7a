#include "server/app/request_class.hpp"

#include "server/app/page_routes.hpp"

namespace stagehub::server {

std::string_view name_of(RequestClass request_class) {
    switch (request_class) {
        case RequestClass::api:
            return "api";
        case RequestClass::health:
            return "health";
        case RequestClass::metrics:
            return "metrics";
        case RequestClass::live_media:
            return "live_media";
        case RequestClass::replay_media:
            return "replay_media";
        case RequestClass::posters:
            return "posters";
        case RequestClass::page:
            return "page";
        case RequestClass::static_file:
            return "static";
        case RequestClass::websocket:
            return "websocket";
    }
    return "static";
}

RequestClass request_class_of(std::string_view path, bool replay) {
    switch (route_of(path).destination) {
        case Destination::api:
            return path == "/api/v1/health" || path.ends_with("/health") ? RequestClass::health
                                                                         : RequestClass::api;
        case Destination::metrics:
            return RequestClass::metrics;
        case Destination::socket_endpoint:
            return RequestClass::websocket;
        case Destination::embed_page:
        case Destination::page:
            return RequestClass::page;
        case Destination::media:
            if (path.starts_with("/posters/"))
                return RequestClass::posters;
            return replay ? RequestClass::replay_media : RequestClass::live_media;
        case Destination::static_file:
            break;
    }
    return RequestClass::static_file;
}

}  // namespace stagehub::server
