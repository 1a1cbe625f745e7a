#include "server/http/api_router.hpp"

#include <glib.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <optional>

#include "server/http/origin_policy.hpp"

namespace stagehub::server {
namespace {

std::string_view trimmed(std::string_view text) {
    const size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

// Whether a Content-Type is one of `accepts`: the type itself (any case), and no
// parameter but charset=utf-8 (RFC 9110 8.3.1; JSON has no other charset, RFC 8259 8.1).
bool accepted(std::string_view content_type, const std::vector<std::string>& accepts) {
    const size_t semicolon = content_type.find(';');
    const std::string type = lower(trimmed(content_type.substr(0, semicolon)));
    if (std::find(accepts.begin(), accepts.end(), type) == accepts.end())
        return false;
    std::string_view rest =
        semicolon == std::string_view::npos ? std::string_view{} : content_type.substr(semicolon);
    while (!rest.empty()) {
        rest.remove_prefix(1);  // the ';'
        const size_t next = rest.find(';');
        const std::string_view parameter = trimmed(rest.substr(0, next));
        rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next);
        const size_t equals = parameter.find('=');
        if (equals == std::string_view::npos)
            return false;
        std::string_view value = trimmed(parameter.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        if (lower(trimmed(parameter.substr(0, equals))) != "charset" || lower(value) != "utf-8")
            return false;
    }
    return true;
}

bool changes_state(HttpMethod method) {
    return method == HttpMethod::post || method == HttpMethod::put || method == HttpMethod::patch ||
           method == HttpMethod::delete_;
}

// The refusals every route shares (see the header), or nullopt to go on to the handler.
std::optional<HttpResponse> refusal(const HttpRequest& request, const RouteOptions& options,
                                    const std::vector<std::string>& allowed_origins) {
    if (changes_state(request.method) &&
        !origin_allowed(request.origin, request.host, allowed_origins)) {
        return error_response(403, "forbidden_origin",
                              "a page of " + request.origin.substr(0, 200) +
                                  " may not change anything here; only this server's own "
                                  "pages and the sites it allows (--allow-origin) may");
    }
    if (!request.body.empty() && !accepted(request.content_type, options.accepts)) {
        std::string types;
        for (const std::string& type : options.accepts)
            types.append(types.empty() ? "" : ", ").append(type);
        HttpResponse response =
            error_response(415, "unsupported_media_type",
                           "the body must be sent as " + types +
                               " (Content-Type, optionally with '; charset=utf-8'), not '" +
                               request.content_type.substr(0, 200) + "'");
        // RFC 5789 2.2 (PATCH); the same header for POST and PUT is Accept-Post.
        response.header(request.method == HttpMethod::patch ? "accept-patch" : "accept-post",
                        types);
        return response;
    }
    return std::nullopt;
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> segments;
    size_t start = 1;  // paths start with '/'
    while (start <= path.size()) {
        const size_t slash = std::min(path.find('/', start), path.size());
        segments.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return segments;
}

bool is_param(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           PathParams& params) {
    if (pattern.size() != path.size())
        return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (is_param(pattern[i])) {
            if (path[i].empty())
                return false;
            params[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
        } else if (pattern[i] != path[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

void ApiRouter::add(HttpMethod method, std::string pattern, ApiHandler handler,
                    RouteOptions options) {
    routes_.push_back(Route{method, split_path(pattern), std::move(handler), std::move(options)});
}

HttpResponse ApiRouter::dispatch(const HttpRequest& request) const {
    const auto path = split_path(request.path);
    const HttpMethod method = request.method == HttpMethod::head ? HttpMethod::get : request.method;
    std::string allowed;
    for (const Route& route : routes_) {
        PathParams params;
        if (!match(route.segments, path, params))
            continue;
        if (route.method != method) {
            allowed += (allowed.empty() ? "" : ", ") + std::string(to_string(route.method));
            continue;
        }
        if (auto refused = refusal(request, route.options, allowed_origins_))
            return std::move(*refused);
        try {
            return route.handler(request, params);
        } catch (const std::exception& e) {
            g_warning("%s %s failed: %s", std::string(to_string(request.method)).c_str(),
                      request.path.c_str(), e.what());
            return error_response(500, "internal",
                                  "the server failed to answer " + request.path + ": " + e.what());
        }
    }
    if (!allowed.empty()) {
        if (allowed.find("GET") != std::string::npos)
            allowed += ", HEAD";
        return error_response(405, "method_not_allowed",
                              std::string(to_string(request.method)) + " is not allowed on " +
                                  request.path + " (allowed: " + allowed + ")")
            .header("allow", allowed);
    }
    return error_response(404, "not_found",
                          "no route for " + std::string(to_string(request.method)) + " " +
                              request.path + "; see docs/API.md");
}

std::vector<std::pair<HttpMethod, std::string>> ApiRouter::routes() const {
    std::vector<std::pair<HttpMethod, std::string>> list;
    for (const Route& route : routes_) {
        std::string pattern;
        for (const std::string& segment : route.segments)
            pattern.append("/").append(segment);
        list.emplace_back(route.method, std::move(pattern));
    }
    return list;
}

}  // namespace stagehub::server
