// Maps (method, path pattern) to handlers for the REST API and is the one place where a
// handler's exception becomes a JSON error: nothing thrown escapes into libwebsockets.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "server/http_message.hpp"

namespace stagehub::server {

// Values of the {name} segments of a matched pattern.
using PathParams = std::map<std::string, std::string, std::less<>>;
using ApiHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

class ApiRouter {
  public:
    // `pattern` like "/api/v1/events/{event}/schedule.json"; {name} matches one segment.
    void add(HttpMethod method, std::string pattern, ApiHandler handler);

    // Always answers: the handler's response, 404 (no route), 405 (route, other method,
    // with Allow), or 500 (the handler threw; the message says what failed).
    // HEAD is answered by the GET handler (the transport drops the body).
    HttpResponse dispatch(const HttpRequest& request) const;

    // Every route as (method, pattern), in the order added: for tests that sweep them all,
    // so a new route is swept without anyone listing it.
    std::vector<std::pair<HttpMethod, std::string>> routes() const;

  private:
    struct Route {
        HttpMethod method;
        std::vector<std::string> segments;
        ApiHandler handler;
    };
    std::vector<Route> routes_;
};

}  // namespace stagehub::server
