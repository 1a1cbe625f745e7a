// The security headers of every HTTP answer: the Content-Security-Policy, who may frame
// it, the referrer rule and HSTS, decided in this one place from the request's path and
// Host, the answer's content type and whether the server speaks TLS.
//
// The HTTP core (server/http_server) knows no pages: it calls the function the Application
// puts in HttpServer::Config::finish_headers on every answer, its own errors and deferred
// answers included, so no route can forget the headers. Runs on the loop thread.
#pragma once

#include <string>
#include <vector>

#include "server/http/http_message.hpp"

namespace stagehub::server {

struct SecurityPolicy {
    // The server itself serves HTTPS: answers carry Strict-Transport-Security. Behind a
    // proxy that terminates TLS, the proxy is the one to send it.
    bool tls = false;
    // Who may put /embed/{stage} in a frame: CSP frame-ancestors sources such as
    // "https://kommun.se". Empty: any site ("*"), which is what the embed page is for.
    std::vector<std::string> embed_ancestors;
};

// Adds the security headers for `response`, the answer to `request`. A page (and a script,
// which is what a worker runs under) may load script, style, images, media and workers from
// this server only, nothing inline, no plugins, no <base>; forms post only here; media may be
// a MediaSource (blob:) for hls.js. Anything else may run nothing if opened as a document.
void add_security_headers(const SecurityPolicy& policy, const HttpRequest& request,
                          HttpResponse& response);

}  // namespace stagehub::server
