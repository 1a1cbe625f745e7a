#include "server/http/http_message.hpp"

namespace stagehub::server {

std::string_view to_string(HttpMethod method) {
    switch (method) {
        case HttpMethod::get:
            return "GET";
        case HttpMethod::head:
            return "HEAD";
        case HttpMethod::post:
            return "POST";
        case HttpMethod::put:
            return "PUT";
        case HttpMethod::patch:
            return "PATCH";
        case HttpMethod::delete_:
            return "DELETE";
        case HttpMethod::options:
            return "OPTIONS";
        case HttpMethod::other:
            break;
    }
    return "OTHER";
}

std::optional<std::string> HttpRequest::query_value(std::string_view name) const {
    for (const auto& [key, value] : query) {
        if (key == name)
            return value;
    }
    return std::nullopt;
}

HttpResponse json_response(int status, const nlohmann::json& body) {
    HttpResponse response;
    response.status = status;
    response.content_type = "application/json; charset=utf-8";
    // Replace invalid UTF-8 rather than throw: a bad byte in a title must not cost a 500.
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    response.header("cache-control", "no-store");
    return response;
}

std::optional<std::string> unsafe_header(const HttpResponse& response) {
    const auto unsafe = [](std::string_view text) {
        return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
    };
    if (unsafe(response.content_type))
        return "content-type";
    for (const auto& [name, value] : response.headers) {
        if (unsafe(name) || unsafe(value))
            return name;
    }
    return std::nullopt;
}

HttpResponse deferred_response() {
    HttpResponse response;
    response.deferred = true;
    return response;
}

HttpResponse error_response(int status, std::string_view code, std::string_view message) {
    return json_response(status, {{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace stagehub::server
