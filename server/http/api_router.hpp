// Maps (method, path pattern) to handlers for the REST API and is the one place where a
// handler's exception becomes a JSON error: nothing thrown escapes into libwebsockets.
//
// It is also the one place for the rules every route shares against cross-site forgery
// (docs/API.md, "Requests from web pages"): a state-changing request (POST, PUT, PATCH,
// DELETE) from a browser page of another site is refused (403 `forbidden_origin`), and a
// body must be of a type the route accepts (415 `unsupported_media_type`), JSON unless
// the route says otherwise. The second is what keeps other sites out even where Origin is
// not sent: a page may send text/plain, a form or multipart to any site without asking,
// but a cross-site application/json request needs the browser's CORS preflight, which
// this server never grants.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "server/http/http_message.hpp"

namespace stagehub::server {

// Values of the {name} segments of a matched pattern.
using PathParams = std::map<std::string, std::string, std::less<>>;
using ApiHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

// What a route takes besides its method and path.
struct RouteOptions {
    // The media types its body may have (Content-Type, optionally with "; charset=utf-8",
    // nothing else). A request without a body is not checked.
    std::vector<std::string> accepts{"application/json"};
};

class ApiRouter {
  public:
    // `pattern` like "/api/v1/events/{event}/schedule.json"; {name} matches one segment.
    void add(HttpMethod method, std::string pattern, ApiHandler handler, RouteOptions options = {});
    // Other sites' pages that may change state here besides the server's own
    // (`--allow-origin`, shared with the websocket handshake; "*" for any).
    void allow_origins(std::vector<std::string> origins) { allowed_origins_ = std::move(origins); }

    // Always answers: the handler's response, 404 (no route), 405 (route, other method,
    // with Allow), 403 `forbidden_origin` (a state change from another site's page), 415
    // (a body of a type the route does not take), or 500 (the handler threw; the message
    // says what failed).
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
        RouteOptions options;
    };
    std::vector<Route> routes_;
    std::vector<std::string> allowed_origins_;
};

}  // namespace stagehub::server
