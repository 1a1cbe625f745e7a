// The HTTP core never sends a header with a line break in it, whatever a handler built:
// the response becomes a 500 instead (response splitting stops at the last line of defence).
#include <glib.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "net_client.hpp"
#include "server/http/http_server.hpp"

namespace stagehub::server {
namespace {

class SplittingHandler : public HttpServer::Handler {
  public:
    HttpResponse handle_http(const HttpRequest& request) override {
        HttpResponse response = json_response(200, {{"ok", true}});
        if (request.path == "/value")
            response.header("x-name", "a\r\nSet-Cookie: session=forged");
        if (request.path == "/name")
            response.header("x-a\nset-cookie", "b");
        if (request.path == "/type")
            response.content_type = "text/plain\r\nSet-Cookie: session=forged";
        return response;
    }
    void on_socket_open(SocketId, const SocketOpening&) override {}
    void on_socket_message(SocketId, std::string_view) override {}
    void on_socket_close(SocketId) override {}
    void on_socket_resync(SocketId, const std::vector<std::string>&) override {}
};

TEST(HttpHeaderGuard, AHeaderWithALineBreakBecomesA500AndIsNeverSent) {
    SplittingHandler handler;
    std::promise<int> ready;
    GMainLoop* loop = g_main_loop_new(nullptr, FALSE);
    std::thread thread([&] {
        HttpServer::Config config;
        config.port = 0;
        HttpServer http(config, handler, loop);
        http.start();
        ready.set_value(http.port());
        g_main_loop_run(loop);
        bool done = false;
        http.shutdown([&] { done = true; });
        while (!done)
            g_main_context_iteration(nullptr, TRUE);
    });
    const int port = ready.get_future().get();
    for (const char* path : {"/value", "/name", "/type"}) {
        const auto reply = stagehub::testing::http_get(port, path);
        EXPECT_EQ(reply.status, 500) << path << ": " << reply.body;
        EXPECT_EQ(reply.headers.count("set-cookie"), 0u) << path;
        EXPECT_EQ(reply.body.find("forged"), std::string::npos) << path;
    }
    EXPECT_EQ(stagehub::testing::http_get(port, "/fine").status, 200);
    g_main_context_invoke(
        nullptr,
        [](gpointer data) -> gboolean {
            g_main_loop_quit(static_cast<GMainLoop*>(data));
            return G_SOURCE_REMOVE;
        },
        loop);
    thread.join();
    g_main_loop_unref(loop);
}

}  // namespace
}  // namespace stagehub::server
