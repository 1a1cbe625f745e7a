// Routes whose handler gets the identified caller (every REST route but the heartbeat
// beacon's): the token is checked once, here, and a bad one answered with 401 before the
// handler runs.
//
// Threads: loop thread (handlers run from the HTTP server's callbacks).
#pragma once

#include <functional>
#include <string>

#include "server/auth/access.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

using CallerHandler =
    std::function<HttpResponse(const HttpRequest&, const PathParams&, const Caller&)>;

void add_caller_route(ApiRouter& router, TokenStore& tokens, HttpMethod method, std::string pattern,
                      CallerHandler handler, RouteOptions options = {});

// One API's caller routes, so that its add_routes lists only method, pattern and handler
// (a member as `std::bind_front(&Api::handler, this)`).
class CallerRoutes {
  public:
    CallerRoutes(ApiRouter& router, TokenStore& tokens) : router_(router), tokens_(tokens) {}

    void add(HttpMethod method, std::string pattern, CallerHandler handler,
             RouteOptions options = {}) {
        add_caller_route(router_, tokens_, method, std::move(pattern), std::move(handler),
                         std::move(options));
    }

  private:
    ApiRouter& router_;
    TokenStore& tokens_;
};

}  // namespace stagehub::server
