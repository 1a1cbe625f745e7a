#include "server/api_router.hpp"

#include <glib.h>

#include <exception>

namespace stagehub::server {
namespace {

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

void ApiRouter::add(HttpMethod method, std::string pattern, ApiHandler handler) {
    routes_.push_back(Route{method, split_path(pattern), std::move(handler)});
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
