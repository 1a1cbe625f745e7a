// Internal to server/http: the state HttpServer keeps per connection, exchange and
// websocket, and HttpServer::Impl, whose members are defined one job per file:
//   http_server.cpp           the public interface and the lws callback (dispatch by reason)
//   lws_context.cpp           the lws context on the GLib loop: start, shutdown, teardown
//   connection_admission.cpp  which connections and websocket handshakes are let in
//   http_exchange.cpp         one HTTP request: its head, its body, its deferred answer
//   response_sending.cpp      writing an answer: headers, then one of three send strategies
//   websocket_session.cpp     an open websocket: receive, queue, resync, liveness, close
//   lws_request.cpp           reading what lws parsed of a request
//
// Threads: all of it on the loop thread (see http_server.hpp).
#pragma once

#include <glib.h>
#include <libwebsockets.h>
#include <unistd.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/http/http_server.hpp"
#include "server/http/request_id.hpp"

namespace stagehub::server {
namespace http_detail {

constexpr size_t kHttpChunk = 64 * 1024;
constexpr size_t kSocketReceiveBuffer = 2048;
// The most one send() may carry (lws would cut every write to rx_buffer_size).
constexpr unsigned kMaxSendBytes = 1 << 20;
// The default HTTP/2 frame size limit (SETTINGS_MAX_FRAME_SIZE); lws' buffer is made larger.
constexpr size_t kHttp2Chunk = 16 * 1024;
// A request's headers must fit lws' header buffer: lws closes a connection whose headers do
// not, without an answer. So the buffer is made roomy, and a request target well inside it
// that is still too long gets its 414 from us (as nginx: 8 KiB).
constexpr int kHeaderBufferBytes = 32 * 1024;
constexpr size_t kMaxRequestTargetBytes = 8 * 1024;
// After an answer that ends the connection (a body refused unread), how long the client has
// to read it before the connection is dropped.
constexpr unsigned kDrainSeconds = 3;

// Owns a file descriptor of a file being sent.
class FileHandle {
  public:
    FileHandle() = default;
    explicit FileHandle(int fd) : fd_(fd) {}
    ~FileHandle() { reset(); }
    FileHandle(FileHandle&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    FileHandle& operator=(FileHandle&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

  private:
    int fd_ = -1;
};

// State of one HTTP transaction on a connection (reset per request on keep-alive).
// API answers up to this size go out in one send with their headers.
constexpr size_t kInlineBodyBytes = 16 * 1024;

struct HttpExchange {
    HttpRequest request;
    size_t max_body_bytes = 0;  // this request's limit (Config::body_limit)
    bool body_too_large = false;
    HttpResponse response;
    FileHandle file;
    uint64_t sent = 0;
    bool send_body = true;
    // lws reports body completion even for a declared empty body that was answered at once;
    // a request is handled exactly once.
    bool answered = false;
    // Answered with "connection: close" while the client may still be sending: what it sends
    // is read and dropped until it closes or kDrainSeconds pass, so the close is a FIN after
    // the answer, never a reset that could destroy the answer in the client's buffers.
    bool draining = false;
    bool shutdown_owed = false;  // the answer was not all written yet: shut down once it is
    // The whole body must have arrived by then (a body trickled a byte at a time would
    // otherwise hold the connection for as long as the sender likes).
    gint64 body_deadline_us = 0;
    // The handler deferred its answer; `later` holds it once given, until lws lets us write.
    bool deferred = false;
    std::optional<HttpResponse> later;
};

struct SocketState {
    SocketId id = 0;
    std::string address;  // the peer, for the per-address limit
    std::deque<SharedMessage> outbox;
    size_t outbox_bytes = 0;
    std::string incoming;
    // Fell behind: the outbox was dropped and these channels need their current state
    // once the socket drains (Handler::on_socket_resync). Nothing is queued meanwhile.
    bool lagging = false;
    std::set<std::string> stale_channels;
    // When lws last took a message from us; watched while the socket is behind.
    gint64 progress_us = 0;
    // Liveness: when the client was last heard (any frame, a pong included), and whether a
    // ping is owed to it (sent at its next turn to write).
    gint64 heard_us = 0;
    bool pinged = false;
    bool ping_owed = false;
    bool closing = false;
    lws_close_status close_status = LWS_CLOSE_STATUS_NORMAL;
    std::string close_reason;
};

// Per-connection state, keyed by the lws connection; lws' own per-session memory is not
// used because it is zero-filled C memory, not a place for C++ objects.
struct Connection {
    uint64_t id = 0;   // of the network connection; assigned at its first request
    std::string peer;  // its client's address, read with the id
    // A network connection counted against its address's cap (the address, or empty).
    std::string counted_address;
    bool close_when_writable = false;  // answered outside a callback; must close
    std::unique_ptr<HttpExchange> http;
    std::unique_ptr<SocketState> socket;
    SocketOpening opening;  // read at the handshake, handed over when the socket opens
};

// An answer's status line and headers, formatted (response_sending.cpp).
struct ResponseHead;

// lws watches each connection with a GSource of its own; see lws_context.cpp.
void let_source_recurse();

}  // namespace http_detail

struct HttpServer::Impl {
    using Connection = http_detail::Connection;
    using HttpExchange = http_detail::HttpExchange;
    using SocketState = http_detail::SocketState;
    using ResponseHead = http_detail::ResponseHead;

    Config config;
    Handler& handler;
    GMainLoop* loop;
    lws_context* context = nullptr;
    lws_vhost* vhost = nullptr;
    std::vector<lws_protocols> protocols;
    std::unordered_map<lws*, Connection> connections;
    std::unordered_map<SocketId, lws*> sockets;
    // Exchanges waiting for a deferred answer, by HttpRequest::exchange.
    std::unordered_map<uint64_t, lws*> awaiting;
    uint64_t next_connection = 1;
    uint64_t next_exchange = 1;
    // Keyed by client: an IPv4 address, or an IPv6 client's /64 (address_prefix.hpp).
    std::unordered_map<std::string, size_t> sockets_per_address;
    std::unordered_map<std::string, size_t> connections_per_address;
    uint64_t refused_connections = 0;
    // Sockets that fell behind and have not emptied their outbox since: watched for being stuck.
    std::set<SocketId> behind;
    std::vector<unsigned char> write_buffer;  // HTTP bodies go out through it, one chunk a time
    guint stuck_check = 0;
    uint64_t resyncs = 0;
    // Websocket messages and stuck closes (fell_behind and refused_connections are read from
    // resyncs and refused_connections).
    Counters counted;
    RequestIds request_ids;
    SocketId next_socket = 1;
    std::function<void()> on_destroyed;
    guint destroy_poll = 0;
    guint liveness_check = 0;

    Impl(Config c, Handler& h, GMainLoop* l) : config(std::move(c)), handler(h), loop(l) {}

    // http_server.cpp: the protocol callback, one case per reason.
    static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
    int on_callback(lws* wsi, lws_callback_reasons reason, void* in, size_t len);

    // connection_admission.cpp
    // A new network connection: counted against its address's cap, or refused (-1).
    int admit_connection(lws* wsi);
    // The connection is gone: its place under its address's cap is free again.
    void release_connection(Connection& connection);
    // A websocket handshake: the path, the origin, the per-address cap (non-zero: refused).
    int socket_filter(lws* wsi);

    // http_exchange.cpp
    int begin_http(lws* wsi, const char* uri);
    // Refuses what the request's head says before any body is read; nullopt: go on.
    std::optional<HttpResponse> refuse_early(lws* wsi, const HttpExchange& exchange);
    int receive_body(lws* wsi, const void* in, size_t len);
    int body_complete(lws* wsi);
    int http_writable(lws* wsi);
    // Answers an exchange whose handler deferred (HttpServer::complete).
    bool complete_deferred(uint64_t exchange, HttpResponse response);
    // Answers and ends the connection gracefully (see HttpExchange::draining). HTTP/2
    // streams end as usual: their framing survives a refused body.
    int respond_and_close(lws* wsi, HttpExchange& exchange, HttpResponse response);
    void shut_down_writing(lws* wsi, HttpExchange& exchange);
    int finish_transaction(lws* wsi);
    // Forgets the connection's HTTP exchange (a deferred answer to it goes nowhere).
    void drop_exchange(Connection& connection);

    // response_sending.cpp
    // `complete`: the transaction ends with the answer (false: the connection is closing).
    int respond(lws* wsi, HttpExchange& exchange, HttpResponse response, bool complete = true);
    // The three send strategies, by where the body is (and the answer without a body).
    int send_head_only(lws* wsi, ResponseHead& head, bool complete);
    int send_memory_body(lws* wsi, HttpExchange& exchange, ResponseHead& head, bool complete);
    int send_cached_file(lws* wsi, HttpExchange& exchange, ResponseHead& head, bool complete);
    int stream_disk_file(lws* wsi, ResponseHead& head);
    // The next chunk of a body that did not go out with its headers.
    int write_body(lws* wsi, HttpExchange& exchange);

    // websocket_session.cpp
    int socket_open(lws* wsi);
    int socket_receive(lws* wsi, const void* in, size_t len);
    void pong_received(lws* wsi);
    int socket_writable(lws* wsi);
    void socket_closed(lws* wsi);
    void send_to(SocketId socket, SharedMessage message);
    void close_socket(SocketId socket, uint16_t code, const std::string& reason);
    void queue(lws* wsi, SocketState& state, SharedMessage message);
    void fall_behind(lws* wsi, SocketState& state, const SharedMessage& message);
    void close_stuck_sockets();
    // Pings sockets silent for half the timeout, drops those silent for all of it. One scan
    // of every socket per tick instead of a timer per socket: lws keeps its timers in one
    // sorted list, and re-arming one for each pong walked all of them.
    void check_liveness();
    void send_ping(lws* wsi, SocketState& state);
    static int close_with(lws* wsi, lws_close_status status, std::string reason);
};

}  // namespace stagehub::server
