// HTTP path handling of the REST API (server/api_router): any method and decoded path
// against the real route patterns (those of server/*_api.cpp). Every request gets an answer
// (404, 405 with Allow, or the handler's), and a handler sees {name} values that are one
// non-empty path segment each, so an id can never carry a '/' into a lookup or a path.
//
// Input: "METHOD PATH", as in a request line.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "server/http/api_router.hpp"

namespace {

using namespace stagehub;
using server::HttpMethod;

constexpr const char* kPatterns[] = {
    "/api/v1/check-in/{code}/qr.svg",
    "/api/v1/events",
    "/api/v1/events/import",
    "/api/v1/events/{event}",
    "/api/v1/events/{event}/accounts",
    "/api/v1/events/{event}/accounts/{account}",
    "/api/v1/events/{event}/changes",
    "/api/v1/events/{event}/check-ins",
    "/api/v1/events/{event}/people",
    "/api/v1/events/{event}/registrations",
    "/api/v1/events/{event}/registrations/{id}",
    "/api/v1/events/{event}/sessions",
    "/api/v1/events/{event}/sessions/{session}",
    "/api/v1/events/{event}/sessions/{session}/panel",
    "/api/v1/events/{event}/sessions/{session}/replay",
    "/api/v1/events/{event}/sessions/{session}/session.ics",
    "/api/v1/events/{event}/stages",
    "/api/v1/events/{event}/stages/{stage}",
    "/api/v1/events/{event}/stats/programme",
    "/api/v1/events/{event}/swap",
    "/api/v1/events/{event}/{file}",
    "/api/v1/health",
    "/api/v1/heartbeats",
    "/api/v1/me",
    "/api/v1/programme",
    "/api/v1/replays",
    "/api/v1/replays/{session}",
    "/api/v1/replays/{session}/playlist.m3u8",
    "/api/v1/replays/{session}/{rendition}/playlist.m3u8",
    "/api/v1/sessions/{session}/presence",
    "/api/v1/speaker/sessions",
    "/api/v1/stages/{stage}/health",
    "/api/v1/stats/events/{event}",
    "/api/v1/stats/events/{event}/series",
    "/api/v1/stats/events/{event}/{file}",
};

server::ApiRouter make_router() {
    server::ApiRouter router;
    for (const char* pattern : kPatterns) {
        for (const HttpMethod method : {HttpMethod::get, HttpMethod::post, HttpMethod::delete_}) {
            router.add(method, pattern,
                       [](const server::HttpRequest&, const server::PathParams& params) {
                           for (const auto& [name, value] : params) {
                               fuzz::require(!value.empty() && value.find('/') == std::string::npos,
                                             "a path parameter is one non-empty segment");
                           }
                           if (params.contains("account") && params.at("account") == "throw")
                               throw std::runtime_error("a handler failed");
                           return server::json_response(200, {{"ok", true}});
                       });
        }
    }
    return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const server::ApiRouter router = make_router();
    const auto [method, path] = fuzz::method_and_rest(fuzz::as_text(data, size));
    server::HttpRequest request;
    request.method = method;
    request.path = std::string(path);
    const server::HttpResponse response = router.dispatch(request);
    fuzz::require(response.status == 200 || response.status == 404 || response.status == 405 ||
                      response.status == 500,
                  "every request gets an answer the router promises");
    return 0;
}
