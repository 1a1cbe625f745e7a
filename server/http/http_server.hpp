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

#include "server/http/client_address.hpp"
#include "server/http/http_message.hpp"

typedef struct _GMainLoop GMainLoop;

namespace stagehub::server {

using SocketId = uint64_t;

// A websocket text message, encoded once and shared by every connection it goes to.
// `channel` names the channel it belongs to (docs/PROTOCOL.md): when a connection falls
// behind, its queue is dropped and the channels it lost are resynchronised instead.
class OutgoingMessage {
  public:
    OutgoingMessage(std::string_view payload, std::string channel);
    // Bytes before the payload that lws may use for the frame header (LWS_PRE).
    char* writable_start() { return buffer_.data(); }
    char* payload() { return buffer_.data() + headroom_; }
    size_t size() const { return buffer_.size() - headroom_; }
    const std::string& channel() const { return channel_; }

  private:
    std::string buffer_;
    size_t headroom_;
    std::string channel_;
};
using SharedMessage = std::shared_ptr<OutgoingMessage>;
// `channel` empty: a message of no channel (an error, an acknowledgement), which a
// connection that falls behind may lose without harm.
SharedMessage make_message(std::string_view payload, std::string channel = {});

// How a websocket was opened: what the handler needs of the handshake.
struct SocketOpening {
    std::string token;    // ?token= in the URL, if any
    std::string address;  // the client's, for per-address limits (failed tokens)
};

class HttpServer {
  public:
    class Handler {
      public:
        virtual ~Handler() = default;
        virtual HttpResponse handle_http(const HttpRequest& request) = 0;
        virtual void on_socket_open(SocketId socket, const SocketOpening& opening) = 0;
        virtual void on_socket_message(SocketId socket, std::string_view text) = 0;
        virtual void on_socket_close(SocketId socket) = 0;
        // The socket fell behind and caught up again: what was queued for it on these
        // channels was dropped, so it needs each one's current state (a fresh snapshot).
        virtual void on_socket_resync(SocketId socket,
                                      const std::vector<std::string>& channels) = 0;
    };

    struct Config {
        std::string host = "127.0.0.1";  // an address; "::1" for IPv6 loopback
        int port = 8080;                 // 0: any free port (see port())
        size_t max_body_bytes = 1 << 20;
        // A larger limit for the few requests that carry files (a caption file): given the
        // method and path, the largest body accepted; null, or 0 returned: max_body_bytes.
        // Every other route keeps the small limit.
        std::function<size_t(HttpMethod method, std::string_view path)> body_limit;
        size_t max_socket_message_bytes = 64 << 10;
        // A socket whose unsent queue would grow past either bound has fallen behind: the
        // queue is dropped (the client gets fresh snapshots once it drains what the kernel
        // holds), so a slow phone costs bounded memory and never a backlog.
        size_t max_queued_messages = 256;
        size_t max_queued_bytes = 1 << 20;
        // A socket that has fallen behind and not drained within this time is stuck: closed.
        uint16_t stuck_timeout_s = 10;
        // A websocket silent this long is closed (a phone that went into a tunnel, a tab
        // frozen in the background); halfway through it is pinged, and a pong counts as life.
        uint16_t websocket_timeout_s = 40;
        // Pages on these origins ("https://kommun.se") may open /ws, besides the server's
        // own pages (Origin naming this Host) and clients that send no Origin (not
        // browsers). "*" allows every origin.
        std::vector<std::string> allowed_origins;
        // HTTPS with these PEM files (empty: plain HTTP). Over TLS, clients that offer h2 by
        // ALPN (every browser) get HTTP/2; others HTTP/1.1.
        std::string tls_cert;
        std::string tls_key;
        // Websockets open at once from one address; a household or a town hall behind one
        // NAT shares it. 0: no limit.
        size_t max_sockets_per_address = 256;
        // Network connections open at once from one address (websockets included; a browser
        // holds up to six HTTP/1.1 connections besides). Over it, a new connection is closed
        // at once. 0: no limit.
        size_t max_connections_per_address = 1024;
        // Reverse proxies whose X-Forwarded-For names the client (server/http/client_address):
        // requests and websockets from them count against the client's address. Their own
        // network connections are not capped per address: accepted before any header is
        // read, each would count against the proxy, which speaks for the whole audience.
        TrustedProxies trusted_proxies;
        // A request's head must arrive within header_timeout_s of its first byte, and its
        // body within body_timeout_s of the head (slow senders hold a connection each).
        unsigned header_timeout_s = 10;
        unsigned body_timeout_s = 30;
        // Adds the application's headers to every answer just before they are written, the
        // core's own errors and deferred answers included (server/security_headers). The
        // core knows no pages, so which headers a path gets is decided outside it.
        std::function<void(const HttpRequest&, HttpResponse&)> finish_headers;
        // Told of every answer as it goes out (deferred ones when given, the core's own
        // refusals included), its request id stamped: for metrics and error log lines.
        std::function<void(const HttpRequest&, const HttpResponse&)> on_answered;
    };

    // What the core counts of its sockets since start, for metrics.
    struct Counters {
        uint64_t messages_sent = 0;        // websocket messages written to a socket
        uint64_t messages_received = 0;    // whole websocket messages handed to the handler
        uint64_t fell_behind = 0;          // sockets whose queue was dropped (= resync_count)
        uint64_t closed_stuck = 0;         // sockets closed for not catching up in time
        uint64_t refused_connections = 0;  // over the per-address connection cap
    };

    HttpServer(Config config, Handler& handler, GMainLoop* loop);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Creates the lws context and starts listening. Throws std::runtime_error naming
    // the address when it cannot listen (e.g. the port is taken).
    void start();
    int port() const;

    // Answers a request whose handler deferred its response (HttpResponse::deferred), on
    // the loop thread. False when the client has gone meanwhile (nothing is sent).
    bool complete(uint64_t exchange, HttpResponse response);
    // Requests waiting for their deferred answer.
    size_t deferred_count() const;

    void send(SocketId socket, SharedMessage message);
    // Closes the socket with a close frame carrying `code` (RFC 6455) and `reason`.
    void close(SocketId socket, uint16_t code, const std::string& reason);
    size_t socket_count() const;
    // Sockets that fell behind and had their queue dropped, since start.
    uint64_t resync_count() const;
    Counters counters() const;

    // Closes every connection and tears lws down; `done` runs on the loop once lws has
    // released everything.
    void shutdown(std::function<void()> done);

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace stagehub::server
