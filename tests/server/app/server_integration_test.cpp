// The real server (libwebsockets on the GLib loop, a real SQLite file) on an ephemeral
// loopback port, driven by real HTTP and websocket clients.
#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "net_client.hpp"
#include "running_server.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::http_exchange;
using stagehub::testing::http_get;
using stagehub::testing::http_request;
using stagehub::testing::WebsocketClient;

json error_of(const stagehub::testing::HttpReply& reply) {
    const json body = json::parse(reply.body);
    EXPECT_TRUE(body.contains("error")) << reply.body;
    EXPECT_TRUE(body["error"]["code"].is_string()) << reply.body;
    EXPECT_TRUE(body["error"]["message"].is_string()) << reply.body;
    // The id of the request, as its X-Request-Id header says (docs/API.md, "Errors").
    EXPECT_EQ(body["error"]["request_id"], reply.headers.at("x-request-id")) << reply.body;
    return body["error"];
}

TEST(Server, ServesTheProgrammeAsJson) {
    RunningServer server(1.0);
    const auto reply = http_get(server.port, "/api/v1/programme");
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.headers.at("content-type"), "application/json; charset=utf-8");
    EXPECT_EQ(reply.headers.at("cache-control"), "no-store");
    const json body = json::parse(reply.body);
    EXPECT_GE(body["revision"].get<int>(), 1);
    ASSERT_EQ(body["events"].size(), 1u);
    const json& event = body["events"][0];
    EXPECT_EQ(event["title"], "Tillsammans för förnyelse");
    EXPECT_EQ(event["time_zone"], "Europe/Stockholm");
    EXPECT_EQ(event["sessions"].size(), 24u);
    // The demo is re-timed to start at launch: its first session is on now.
    EXPECT_EQ(event["stages"][0]["id"], "stora-salen");
    EXPECT_EQ(event["stages"][0]["now"], "valkommen");
    EXPECT_EQ(event["stages"][0]["next"], "idesslussen");
    EXPECT_EQ(event["stages"][0]["live"]["hls"], "/live/stora-salen/index.m3u8");
    const json& panel = event["sessions"][5];
    EXPECT_EQ(panel["kind"], "panel");
    EXPECT_EQ(panel["people"][0]["role"], "moderator");
    EXPECT_EQ(panel["people"][1]["role"], "panelist");
}

// Everything runs on GLib's default context, one loop per process: a second server beside
// the first would have its sockets served by the first one's thread, and now and then answer
// nothing at all. It refuses to run instead, and the first goes on serving.
TEST(Server, ASecondServerInTheSameProcessRefusesToRun) {
    RunningServer first(1.0);
    stagehub::testing::TempDir second_dir;
    Options options;
    options.data_dir = second_dir.path();
    options.port = 0;
    options.web_dir = STAGEHUB_WEB_DIR;
    options.broadcast = false;
    int exit_code = -1;
    bool ready = false;
    {
        Application second(options);
        std::thread thread([&] { exit_code = second.run([&](int) { ready = true; }); });
        thread.join();
    }
    EXPECT_EQ(exit_code, 1);
    EXPECT_FALSE(ready) << "it never listened";
    EXPECT_EQ(http_get(first.port, "/api/v1/health").status, 200);
}

TEST(Server, ServesTheWatchPage) {
    RunningServer server(1.0);
    const auto page = http_get(server.port, "/");
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("<html"), std::string::npos);
    const auto head = http_request(server.port, "HEAD", "/api/v1/programme");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
}

TEST(Server, FilesAnswerHeadRangesAndETagsOverTheWire) {
    RunningServer server(1.0);
    const auto full = http_get(server.port, "/index.html");
    ASSERT_EQ(full.status, 200);
    const std::string etag = full.headers.at("etag");
    EXPECT_EQ(full.headers.at("accept-ranges"), "bytes");

    const auto head = http_request(server.port, "HEAD", "/index.html");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(head.headers.at("content-length"), std::to_string(full.body.size()));

    const auto part = http_exchange(server.port,
                                    "GET /index.html HTTP/1.1\r\nHost: x\r\nRange: bytes=5-14\r\n"
                                    "Connection: close\r\n\r\n");
    EXPECT_EQ(part.status, 206);
    EXPECT_EQ(part.body, full.body.substr(5, 10));
    EXPECT_EQ(part.headers.at("content-range"), "bytes 5-14/" + std::to_string(full.body.size()));

    const auto cached = http_exchange(server.port,
                                      "GET /index.html HTTP/1.1\r\nHost: x\r\n"
                                      "If-None-Match: " +
                                          etag + "\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(cached.status, 304);
    EXPECT_TRUE(cached.body.empty());

    const auto beyond = http_exchange(server.port,
                                      "GET /index.html HTTP/1.1\r\nHost: x\r\nRange: "
                                      "bytes=99999999-\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(beyond.status, 416);
    EXPECT_NE(beyond.body.find("range_not_satisfiable"), std::string::npos);
    EXPECT_EQ(http_get(server.port, "/").status, 200) << "and the server keeps serving";
}

TEST(Server, BadRequestsGetJsonErrorsAndTheServerKeepsServing) {
    RunningServer server(1.0);
    EXPECT_EQ(error_of(http_get(server.port, "/api/v1/nope"))["code"], "not_found");
    EXPECT_EQ(http_get(server.port, "/api/v1/nope").status, 404);
    const auto wrong_method = http_request(server.port, "DELETE", "/api/v1/programme");
    EXPECT_EQ(wrong_method.status, 405);
    EXPECT_EQ(error_of(wrong_method)["code"], "method_not_allowed");
    EXPECT_EQ(http_get(server.port, "/no-such-page.html").status, 404);
    EXPECT_EQ(http_get(server.port, "/ws").status, 426);

    const auto too_large = http_request(server.port, "POST", "/api/v1/programme",
                                        std::string(2 << 20, 'x'), "application/json");
    EXPECT_EQ(too_large.status, 413);
    EXPECT_EQ(error_of(too_large)["code"], "payload_too_large");

    // Garbage on the wire: whatever lws answers, the process must keep serving.
    try {
        http_exchange(server.port, "BLAH /\r\n\r\n");
    } catch (const std::exception&) {
    }
    EXPECT_EQ(http_get(server.port, "/api/v1/programme").status, 200);
}

TEST(Server, NoPathLeaksFilesOutsideItsFolders) {
    RunningServer server(1.0);
    for (const std::string target :
         {"/../etc/passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
          "/vendor/../../../../etc/passwd", "/live/..%2f..%2f..%2fetc/passwd",
          "/vendor/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd", "/.git/config"}) {
        stagehub::testing::HttpReply reply;
        try {
            reply = http_exchange(
                server.port, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        } catch (const std::exception&) {
            continue;  // lws dropping the connection leaks nothing either
        }
        EXPECT_EQ(reply.body.find("root:"), std::string::npos) << target;
        EXPECT_EQ(reply.body.find("[core]"), std::string::npos) << target;
        if (reply.status == 200) {
            // lws folds "/../x" into "/x"; then it must be one of our own files.
            EXPECT_EQ(reply.headers.at("content-type"), "text/html; charset=utf-8") << target;
        }
    }
    EXPECT_EQ(http_get(server.port, "/api/v1/programme").status, 200);
}

// The protocol itself is tested in live_channels_test.cpp; here, that the endpoint is one.
TEST(Server, OnlyWsIsAWebsocketEndpoint) {
    RunningServer server(1.0);
    EXPECT_EQ(stagehub::testing::websocket_handshake_status(server.port, "/ws"), 101);
    EXPECT_NE(stagehub::testing::websocket_handshake_status(server.port, "/elsewhere"), 101);
    EXPECT_EQ(http_get(server.port, "/ws").status, 426) << "plain HTTP to /ws: upgrade required";
}

TEST(Server, ASilentWebsocketIsPingedAndClosedWhileALiveOneStays) {
    RunningServer server(1.0, [](Options& o) { o.websocket_timeout_s = 2; });
    WebsocketClient silent(server.port, "/ws");  // never reads: answers no ping
    WebsocketClient live(server.port, "/ws");
    // The live client reads (and so answers pings) for twice the timeout.
    const auto until = std::chrono::steady_clock::now() + 4500ms;
    while (std::chrono::steady_clock::now() < until)
        live.receive(100ms);
    // The silent one was closed by the server: reading now drains what was queued and ends.
    bool closed = false;
    for (int i = 0; i < 100 && !closed; ++i)
        closed = !silent.receive(100ms).has_value() && silent.closed();
    EXPECT_TRUE(closed) << "a client that answers no ping must be dropped";
    // The live one still gets answers.
    live.send_text("{not json");
    std::optional<std::string> reply;
    for (int i = 0; i < 20 && !reply; ++i)
        reply = live.receive(250ms);
    ASSERT_TRUE(reply.has_value()) << "a client that answers pings must stay";
    EXPECT_NE(reply->find("bad_json"), std::string::npos) << *reply;
}

TEST(Server, OnlyAllowedOriginsMayOpenTheWebsocket) {
    RunningServer server(1.0, [](Options& o) { o.allowed_origins = {"https://kommun.se"}; });
    const std::string own = "http://127.0.0.1";  // the Host the test client sends
    EXPECT_EQ(stagehub::testing::websocket_handshake_status(server.port, "/ws", own), 101)
        << "the server's pages";
    EXPECT_EQ(stagehub::testing::websocket_handshake_status(server.port, "/ws"), 101)
        << "a client without Origin";
    EXPECT_EQ(
        stagehub::testing::websocket_handshake_status(server.port, "/ws", "https://kommun.se"),
        101);
    EXPECT_EQ(
        stagehub::testing::websocket_handshake_status(server.port, "/ws", "https://evil.example"),
        403);
    EXPECT_EQ(stagehub::testing::websocket_handshake_status(server.port, "/ws",
                                                            "https://kommun.se.evil.example"),
              403);
    EXPECT_EQ(http_get(server.port, "/api/v1/health").status, 200) << "and it keeps serving";
}

TEST(Server, OneAddressMayHoldOnlySoManyWebsockets) {
    RunningServer server(1.0, [](Options& o) { o.websockets_per_address = 2; });
    auto first = std::make_unique<WebsocketClient>(server.port, "/ws");
    WebsocketClient second(server.port, "/ws");
    EXPECT_EQ(stagehub::testing::websocket_handshake_status(server.port, "/ws"), 403);
    // One closes: there is room again.
    first.reset();
    bool accepted = false;
    for (int i = 0; i < 40 && !accepted; ++i) {
        accepted = stagehub::testing::websocket_handshake_status(server.port, "/ws") == 101;
        if (!accepted)
            std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(accepted);
}

}  // namespace
}  // namespace stagehub::server
