// The HTTP and websocket server: libwebsockets running on the application's GMainLoop.
//
// Threads: everything here runs on the loop thread (lws is single-threaded and joins the
// GMainLoop through its GLib event-lib plugin). The Handler is called on that thread.
// Nothing thrown by a Handler crosses into lws: HTTP handling goes through ApiRouter,
// which catches; websocket callbacks are wrapped here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.hpp"

typedef struct _GMainLoop GMainLoop;

namespace stagehub::server {

using SocketId = uint64_t;

// A websocket text message, encoded once and shared by every connection it goes to.
class OutgoingMessage {
  public:
    explicit OutgoingMessage(std::string_view payload);
    // Bytes before the payload that lws may use for the frame header (LWS_PRE).
    char* writable_start() { return buffer_.data(); }
    char* payload() { return buffer_.data() + headroom_; }
    size_t size() const { return buffer_.size() - headroom_; }

  private:
    std::string buffer_;
    size_t headroom_;
};
using SharedMessage = std::shared_ptr<OutgoingMessage>;
SharedMessage make_message(std::string_view payload);

class HttpServer {
  public:
    class Handler {
      public:
        virtual ~Handler() = default;
        virtual HttpResponse handle_http(const HttpRequest& request) = 0;
        virtual void on_socket_open(SocketId socket) = 0;
        virtual void on_socket_message(SocketId socket, std::string_view text) = 0;
        virtual void on_socket_close(SocketId socket) = 0;
    };

    struct Config {
        std::string host = "127.0.0.1";  // an address; "::1" for IPv6 loopback
        int port = 8080;                 // 0: any free port (see port())
        size_t max_body_bytes = 1 << 20;
        size_t max_socket_message_bytes = 64 << 10;
        // A socket whose unsent queue grows past this is closed: a stalled client must
        // not hold unbounded memory.
        size_t max_queued_messages = 1024;
        // A websocket silent this long is closed (a phone that went into a tunnel, a tab
        // frozen in the background); halfway through it is pinged, and a pong counts as life.
        uint16_t websocket_timeout_s = 40;
        // Pages on these origins ("https://kommun.se") may open /ws, besides the server's
        // own pages (Origin naming this Host) and clients that send no Origin (not
        // browsers). "*" allows every origin.
        std::vector<std::string> allowed_origins;
        // Websockets open at once from one address; a household or a town hall behind one
        // NAT shares it. 0: no limit.
        size_t max_sockets_per_address = 256;
    };

    HttpServer(Config config, Handler& handler, GMainLoop* loop);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Creates the lws context and starts listening. Throws std::runtime_error naming
    // the address when it cannot listen (e.g. the port is taken).
    void start();
    int port() const;

    void send(SocketId socket, SharedMessage message);
    void broadcast(const SharedMessage& message);
    size_t socket_count() const;

    // Closes every connection and tears lws down; `done` runs on the loop once lws has
    // released everything.
    void shutdown(std::function<void()> done);

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace stagehub::server
