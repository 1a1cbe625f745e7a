#include "server/http/http_server.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <glib.h>
#include <libwebsockets.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <deque>
#include <exception>
#include <optional>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/http/origin_policy.hpp"
#include "server/http/query_string.hpp"

namespace stagehub::server {

OutgoingMessage::OutgoingMessage(std::string_view payload, std::string channel)
    : headroom_(LWS_PRE), channel_(std::move(channel)) {
    buffer_.reserve(LWS_PRE + payload.size());
    buffer_.assign(LWS_PRE, '\0');
    buffer_.append(payload);
}

SharedMessage make_message(std::string_view payload, std::string channel) {
    return std::make_shared<OutgoingMessage>(payload, std::move(channel));
}

namespace {

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

// lws watches each connection with a GSource of its own. GLib blocks a source around each
// dispatch unless it may recurse, and blocking takes its fd out of the context's poll list
// and puts it back, a walk of the whole list each time: with thousands of websockets every
// write cost a walk of thousands. Nothing here runs a nested main loop, so the connection's
// source (the one dispatching while lws serves the connection) may recurse.
void let_source_recurse() {
    if (GSource* source = g_main_current_source();
        source != nullptr && !g_source_get_can_recurse(source))
        g_source_set_can_recurse(source, TRUE);
}

// A ping with a payload: lws hands the user only pongs that carry one (an empty pong is
// swallowed), and the pong is what says the client is alive.
int write_ping(lws* wsi) {
    unsigned char frame[LWS_PRE + 4] = {};
    std::memcpy(frame + LWS_PRE, "ping", 4);
    return lws_write(wsi, frame + LWS_PRE, 4, LWS_WRITE_PING);
}

HttpMethod method_of(int lws_method) {
    switch (lws_method) {
        case LWSHUMETH_GET:
            return HttpMethod::get;
        case LWSHUMETH_HEAD:
            return HttpMethod::head;
        case LWSHUMETH_POST:
            return HttpMethod::post;
        case LWSHUMETH_PUT:
            return HttpMethod::put;
        case LWSHUMETH_PATCH:
            return HttpMethod::patch;
        case LWSHUMETH_DELETE:
            return HttpMethod::delete_;
        case LWSHUMETH_OPTIONS:
            return HttpMethod::options;
        default:
            return HttpMethod::other;
    }
}

bool has_body(HttpMethod method) {
    return method == HttpMethod::post || method == HttpMethod::put || method == HttpMethod::patch;
}

// Every argument fragment lws parsed, each read at its own length (lws_hdr_copy_fragment
// answers -1 both for "no more" and for "buffer too small").
std::vector<std::string> query_fragments_of(lws* wsi) {
    std::vector<std::string> fragments;
    for (int index = 0;; ++index) {
        const int length = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, index);
        std::string fragment(static_cast<size_t>(std::max(length, 0)) + 1, '\0');
        const int n = lws_hdr_copy_fragment(wsi, fragment.data(), static_cast<int>(fragment.size()),
                                            WSI_TOKEN_HTTP_URI_ARGS, index);
        if (n < 0)
            break;
        fragment.resize(static_cast<size_t>(n));
        fragments.push_back(std::move(fragment));
    }
    return fragments;
}

// A request header's value, or "" when absent (or longer than any sane header).
std::string header_of(lws* wsi, lws_token_indexes token) {
    const int length = lws_hdr_total_length(wsi, token);
    if (length <= 0 || length > 8192)
        return {};
    std::string value(static_cast<size_t>(length) + 1, '\0');
    const int copied = lws_hdr_copy(wsi, value.data(), length + 1, token);
    if (copied < 0)
        return {};
    value.resize(static_cast<size_t>(copied));
    return value;
}

// The Host a request names; over HTTP/2 its :authority.
std::string host_of(lws* wsi) {
    std::string host = header_of(wsi, WSI_TOKEN_HOST);
    return host.empty() ? header_of(wsi, WSI_TOKEN_HTTP_COLON_AUTHORITY) : host;
}

}  // namespace

struct HttpServer::Impl {
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
    std::unordered_map<std::string, size_t> sockets_per_address;
    std::unordered_map<std::string, size_t> connections_per_address;
    uint64_t refused_connections = 0;
    // Sockets that fell behind and have not emptied their outbox since: watched for being stuck.
    std::set<SocketId> behind;
    std::vector<unsigned char> write_buffer;  // HTTP bodies go out through it, one chunk a time
    guint stuck_check = 0;
    uint64_t resyncs = 0;
    SocketId next_socket = 1;
    std::function<void()> on_destroyed;
    guint destroy_poll = 0;
    guint liveness_check = 0;

    Impl(Config c, Handler& h, GMainLoop* l) : config(std::move(c)), handler(h), loop(l) {}

    static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
    int on_callback(lws* wsi, lws_callback_reasons reason, void* in, size_t len);

    int begin_http(lws* wsi, const char* uri);
    // Refuses what the request's head says before any body is read; nullopt: go on.
    std::optional<HttpResponse> refuse_early(lws* wsi, const HttpExchange& exchange);
    // `complete`: the transaction ends with the answer (false: the connection is closing).
    int respond(lws* wsi, HttpExchange& exchange, HttpResponse response, bool complete = true);
    // Answers and ends the connection gracefully (see HttpExchange::draining). HTTP/2
    // streams end as usual: their framing survives a refused body.
    int respond_and_close(lws* wsi, HttpExchange& exchange, HttpResponse response);
    void shut_down_writing(lws* wsi, HttpExchange& exchange);
    int write_body(lws* wsi, HttpExchange& exchange);
    int finish_transaction(lws* wsi);
    // Forgets the connection's HTTP exchange (a deferred answer to it goes nowhere).
    void drop_exchange(Connection& connection);

    int socket_filter(lws* wsi);
    // A new network connection: counted against its address's cap, or refused (-1).
    int admit_connection(lws* wsi);
    static std::string peer_address(lws* wsi);
    int socket_open(lws* wsi);
    int socket_receive(lws* wsi, const void* in, size_t len);
    int socket_writable(lws* wsi);
    void socket_closed(lws* wsi);
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

int HttpServer::Impl::callback(lws* wsi, lws_callback_reasons reason, void* user, void* in,
                               size_t len) {
    auto* self = static_cast<Impl*>(lws_context_user(lws_get_context(wsi)));
    if (self == nullptr)
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    // No exception may unwind through lws' C frames.
    try {
        return self->on_callback(wsi, reason, in, len);
    } catch (const std::exception& e) {
        g_warning("connection closed after an unexpected error: %s", e.what());
        return -1;
    }
}

int HttpServer::Impl::on_callback(lws* wsi, lws_callback_reasons reason, void* in, size_t len) {
    switch (reason) {
        case LWS_CALLBACK_HTTP:
            let_source_recurse();
            return begin_http(wsi, static_cast<const char*>(in));

        case LWS_CALLBACK_HTTP_BODY: {
            auto& exchange = connections[wsi].http;
            if (!exchange)
                return -1;
            if (exchange->draining)
                return 0;
            if (g_get_monotonic_time() > exchange->body_deadline_us) {
                return respond_and_close(
                    wsi, *exchange,
                    error_response(408, "request_timeout",
                                   "the request body did not arrive within " +
                                       std::to_string(config.body_timeout_s) + " s"));
            }
            if (exchange->request.body.size() + len > config.max_body_bytes) {
                exchange->body_too_large = true;
                exchange->request.body.clear();
            } else if (!exchange->body_too_large) {
                exchange->request.body.append(static_cast<const char*>(in), len);
            }
            return 0;
        }

        case LWS_CALLBACK_HTTP_BODY_COMPLETION: {
            auto& exchange = connections[wsi].http;
            if (!exchange)
                return -1;
            // All of a refused body has been read now, so closing sends a FIN after the
            // answer, not a reset (and lws would otherwise report completion again and again).
            if (exchange->draining)
                return -1;
            if (exchange->answered)
                return 0;
            if (exchange->body_too_large) {
                return respond_and_close(
                    wsi, *exchange,
                    error_response(413, "payload_too_large",
                                   "the request body is larger than " +
                                       std::to_string(config.max_body_bytes) + " bytes"));
            }
            return respond(wsi, *exchange, handler.handle_http(exchange->request));
        }

        case LWS_CALLBACK_HTTP_WRITEABLE: {
            auto it = connections.find(wsi);
            if (it != connections.end() && it->second.close_when_writable)
                return -1;
            if (it == connections.end() || !it->second.http)
                return 0;
            HttpExchange& exchange = *it->second.http;
            if (exchange.draining) {
                if (exchange.shutdown_owed && !lws_partial_buffered(wsi))
                    shut_down_writing(wsi, exchange);
                else if (exchange.shutdown_owed)
                    lws_callback_on_writable(wsi);
                return 0;
            }
            if (exchange.deferred) {
                if (!exchange.later)
                    return 0;
                exchange.deferred = false;
                awaiting.erase(exchange.request.exchange);
                HttpResponse answer = std::move(*exchange.later);
                exchange.later.reset();
                return respond(wsi, exchange, std::move(answer));
            }
            return write_body(wsi, exchange);
        }

        case LWS_CALLBACK_CLOSED_HTTP:
        case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
            if (auto it = connections.find(wsi); it != connections.end())
                drop_exchange(it->second);
            return 0;

        case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
            let_source_recurse();
            return admit_connection(wsi);
        case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:  // in the listening socket's turn
        case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:       // in the new connection's first turn
            let_source_recurse();
            return 0;
        case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
            return socket_filter(wsi);
        case LWS_CALLBACK_ESTABLISHED:
            let_source_recurse();
            return socket_open(wsi);
        case LWS_CALLBACK_RECEIVE:
            return socket_receive(wsi, in, len);
        case LWS_CALLBACK_RECEIVE_PONG:
            if (auto it = connections.find(wsi); it != connections.end() && it->second.socket) {
                it->second.socket->heard_us = g_get_monotonic_time();
                it->second.socket->pinged = false;
            }
            return 0;
        case LWS_CALLBACK_SERVER_WRITEABLE:
            return socket_writable(wsi);
        case LWS_CALLBACK_CLOSED:
            socket_closed(wsi);
            return 0;

        case LWS_CALLBACK_WSI_DESTROY:
            socket_closed(wsi);
            if (auto it = connections.find(wsi); it != connections.end()) {
                if (!it->second.counted_address.empty()) {
                    if (auto count = connections_per_address.find(it->second.counted_address);
                        count != connections_per_address.end() && --count->second == 0) {
                        connections_per_address.erase(count);
                    }
                }
                drop_exchange(it->second);
                connections.erase(it);
            }
            return 0;

        default:
            return 0;
    }
}

int HttpServer::Impl::begin_http(lws* wsi, const char* uri) {
    Connection& network = connections[lws_get_network_wsi(wsi)];
    if (network.id == 0) {
        network.id = next_connection++;
        network.peer = peer_address(lws_get_network_wsi(wsi));
    }
    const uint64_t connection_id = network.id;
    Connection& connection = connections[wsi];
    drop_exchange(connection);
    auto& exchange = connection.http;
    exchange = std::make_unique<HttpExchange>();
    exchange->request.connection = connection_id;
    exchange->request.peer = network.peer;
    exchange->request.exchange = next_exchange++;
    char* uri_ptr = nullptr;
    int uri_len = 0;
    const int lws_method = lws_http_get_uri_and_method(wsi, &uri_ptr, &uri_len);
    exchange->request.method = method_of(lws_method);
    exchange->request.path = uri ? uri : "/";
    const std::vector<std::string> fragments = query_fragments_of(wsi);
    size_t target = exchange->request.path.size();
    for (const std::string& fragment : fragments)
        target += fragment.size() + 1;
    ParsedQuery query = parse_query_arguments(fragments);
    if (auto* arguments = std::get_if<QueryArguments>(&query))
        exchange->request.query = std::move(*arguments);
    exchange->request.authorization = header_of(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
    exchange->request.content_type = header_of(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE);
    exchange->request.origin = header_of(wsi, WSI_TOKEN_ORIGIN);
    exchange->request.if_none_match = header_of(wsi, WSI_TOKEN_HTTP_IF_NONE_MATCH);
    exchange->request.range = header_of(wsi, WSI_TOKEN_HTTP_RANGE);
    exchange->request.host = host_of(wsi);

    if (target > kMaxRequestTargetBytes) {
        return respond_and_close(
            wsi, *exchange,
            error_response(
                414, "uri_too_long",
                "the address is longer than " + std::to_string(kMaxRequestTargetBytes) + " bytes"));
    }
    if (const auto* refusal = std::get_if<QueryRefusal>(&query))
        return respond_and_close(wsi, *exchange,
                                 error_response(400, "bad_query", refusal->message));
    if (auto refusal = refuse_early(wsi, *exchange))
        return respond_and_close(wsi, *exchange, std::move(*refusal));
    // A request with a body is answered when the body is complete.
    // (Other methods are answered at once: lws reads and drops a body they were sent.)
    if (const std::string length = header_of(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
        has_body(exchange->request.method) && !length.empty() && length != "0") {
        exchange->body_deadline_us =
            g_get_monotonic_time() + gint64{config.body_timeout_s} * 1'000'000;
        return 0;
    }
    return respond(wsi, *exchange, handler.handle_http(exchange->request));
}

// What can be refused from the head alone. These end the connection: the body, if any, is
// not read, so nothing after it on the connection could be found.
std::optional<HttpResponse> HttpServer::Impl::refuse_early(lws* wsi, const HttpExchange& exchange) {
    const HttpRequest& request = exchange.request;
    if (request.method == HttpMethod::other)
        return error_response(405, "method_not_allowed", "unsupported HTTP method");
    const bool http2 = lws_get_network_wsi(wsi) != wsi;
    // lws 4.1 does not decode chunked request bodies (it hands over the raw chunks, and a
    // POST without a length as 100 MB to come): a body must say its length. HTTP/2 frames
    // bodies itself and has no Transfer-Encoding.
    if (!http2 && lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0) {
        return error_response(411, "length_required",
                              "chunked request bodies are not accepted: send Content-Length");
    }
    const std::string length = header_of(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
    // No length and no chunks: no body (RFC 9112 6.3), as curl -X POST sends it.
    if (length.empty())
        return std::nullopt;
    uint64_t declared = 0;
    const auto [end, parsed] =
        std::from_chars(length.data(), length.data() + length.size(), declared);
    if (parsed != std::errc() || end != length.data() + length.size())
        return error_response(400, "bad_request", "Content-Length is not a number of bytes");
    if (declared > config.max_body_bytes) {
        return error_response(
            413, "payload_too_large",
            "the request body is larger than " + std::to_string(config.max_body_bytes) + " bytes");
    }
    return std::nullopt;
}

int HttpServer::Impl::respond_and_close(lws* wsi, HttpExchange& exchange, HttpResponse response) {
    if (lws_get_network_wsi(wsi) != wsi)
        return respond(wsi, exchange, std::move(response));
    // The answers that close are small JSON errors: they go out in respond()'s first write
    // (lws keeps whatever the socket did not take, and says so by lws_partial_buffered).
    response.header("connection", "close");
    if (respond(wsi, exchange, std::move(response), /*complete=*/false) != 0)
        return -1;
    exchange.draining = true;
    lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, static_cast<int>(kDrainSeconds));
    if (lws_partial_buffered(wsi)) {
        exchange.shutdown_owed = true;
        lws_callback_on_writable(wsi);
    } else {
        shut_down_writing(wsi, exchange);
    }
    return 0;
}

void HttpServer::Impl::shut_down_writing(lws* wsi, HttpExchange& exchange) {
    exchange.shutdown_owed = false;
    ::shutdown(lws_get_socket_fd(wsi), SHUT_WR);
}

int HttpServer::Impl::admit_connection(lws* wsi) {
    if (config.max_connections_per_address == 0)
        return 0;
    const std::string address = peer_address(wsi);
    size_t& count = connections_per_address[address];
    if (count >= config.max_connections_per_address) {
        if (refused_connections++ % 1000 == 0) {
            g_message("connection refused: %s already has %zu open (%llu refused so far)",
                      address.c_str(), count, static_cast<unsigned long long>(refused_connections));
        }
        return -1;
    }
    ++count;
    connections[wsi].counted_address = address;
    return 0;
}

int HttpServer::Impl::respond(lws* wsi, HttpExchange& exchange, HttpResponse response,
                              bool complete) {
    if (response.deferred) {
        exchange.answered = true;
        exchange.deferred = true;
        awaiting[exchange.request.exchange] = wsi;
        return 0;
    }
    if (!response.file.empty() && !response.file_bytes) {
        FileHandle file(::open(response.file.c_str(), O_RDONLY | O_CLOEXEC));
        if (file.get() < 0) {
            response = error_response(404, "not_found", "no file at " + exchange.request.path);
        } else {
            exchange.file = std::move(file);
        }
    }
    // No header may carry a line break (response splitting): whatever built it, it is a bug.
    if (const auto header = unsafe_header(response)) {
        gchar* name = g_strescape(header->c_str(), nullptr);  // the name may be the culprit
        g_warning("%s: refused to send header '%s' with a line break; answered 500 instead",
                  exchange.request.path.c_str(), name);
        g_free(name);
        response = error_response(500, "internal", "the server built an unsafe header");
    }
    exchange.answered = true;
    exchange.response = std::move(response);
    exchange.send_body = exchange.request.method != HttpMethod::head;
    exchange.sent = 0;
    HttpResponse& r = exchange.response;

    std::vector<unsigned char> buffer(LWS_PRE + 4096);
    unsigned char* start = buffer.data() + LWS_PRE;
    unsigned char* p = start;
    unsigned char* end = buffer.data() + buffer.size() - 1;
    if (lws_add_http_common_headers(wsi, static_cast<unsigned>(r.status), r.content_type.c_str(),
                                    r.content_length(), &p, end)) {
        return -1;
    }
    r.header("x-content-type-options", "nosniff");
    if (config.finish_headers)
        config.finish_headers(exchange.request, r);
    for (const auto& [name, value] : r.headers) {
        const std::string header = name + ":";
        if (lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>(header.c_str()),
                                        reinterpret_cast<const unsigned char*>(value.data()),
                                        static_cast<int>(value.size()), &p, end)) {
            return -1;
        }
    }
    const bool body_follows = exchange.send_body && r.content_length() > 0;
    if (lws_finalize_http_header(wsi, &p, end))
        return -1;
    // An HTTP/2 stream (a child of its network connection) without a body ends with its
    // headers; nothing else would tell the client the response is complete.
    int flags = LWS_WRITE_HTTP_HEADERS;
    if (!body_follows && lws_get_network_wsi(wsi) != wsi)
        flags |= LWS_WRITE_H2_STREAM_END;
    // HTTP/1.1 with a small body in memory (an API answer): the body goes in the same send
    // as the headers. HTTP/1.1 frames nothing, so to lws these are header bytes like any;
    // one send() instead of two is a tenth of an API request's cost.
    const size_t body_length = static_cast<size_t>(r.content_length());
    if (body_follows && lws_get_network_wsi(wsi) == wsi && r.file.empty() &&
        body_length <= kInlineBodyBytes) {
        const size_t header_bytes = static_cast<size_t>(p - start);
        buffer.resize(LWS_PRE + header_bytes + body_length);
        start = buffer.data() + LWS_PRE;
        std::copy_n(r.body.data(), body_length, start + header_bytes);
        const int length = static_cast<int>(header_bytes + body_length);
        if (lws_write(wsi, start, static_cast<size_t>(length), LWS_WRITE_HTTP_HEADERS) != length)
            return -1;
        return complete ? finish_transaction(wsi) : 0;
    }
    const int header_length = static_cast<int>(p - start);
    if (lws_write(wsi, start, static_cast<size_t>(header_length),
                  static_cast<lws_write_protocol>(flags)) != header_length) {
        return -1;
    }
    if (!body_follows)
        return complete ? finish_transaction(wsi) : 0;
    // HTTP/1.1 with the body in memory: all of it at once. lws sends what the socket takes,
    // keeps the rest and completes the transaction when it has gone, which saves a poll
    // change (a wakeup of the GLib loop) per chunk. Nothing is framed on HTTP/1.1, so lws
    // writes neither before nor into the bytes and the cache's copy goes out as it is.
    if (lws_get_network_wsi(wsi) == wsi && (r.file_bytes || r.file.empty())) {
        const auto length = static_cast<size_t>(r.content_length());
        const char* data = r.file_bytes ? r.file_bytes->data() + r.file_offset : r.body.data();
        auto* bytes = reinterpret_cast<unsigned char*>(const_cast<char*>(data));
        if (lws_write(wsi, bytes, length, LWS_WRITE_HTTP_FINAL) != static_cast<int>(length))
            return -1;
        return complete ? finish_transaction(wsi) : 0;
    }
    lws_callback_on_writable(wsi);
    return 0;
}

int HttpServer::Impl::write_body(lws* wsi, HttpExchange& exchange) {
    const HttpResponse& r = exchange.response;
    const uint64_t total = r.content_length();
    if (!exchange.send_body || exchange.sent >= total)
        return 0;
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(kHttpChunk, total - exchange.sent));
    // HTTP/2: no more than the peer's window allows (-1: HTTP/1.1, no limit), and one DATA
    // frame per write, which lws builds in its per-thread buffer.
    if (const lws_fileofs_t allowance = lws_get_peer_write_allowance(wsi); allowance >= 0) {
        if (allowance == 0) {
            lws_callback_on_writable(wsi);
            return 0;
        }
        chunk = std::min({chunk, static_cast<size_t>(allowance), kHttp2Chunk});
    }
    // One buffer for every write: lws wants LWS_PRE bytes of room before the payload.
    if (write_buffer.size() < LWS_PRE + chunk)
        write_buffer.resize(LWS_PRE + chunk);
    unsigned char* payload = write_buffer.data() + LWS_PRE;
    if (r.file_bytes) {
        std::copy_n(r.file_bytes->data() + r.file_offset + exchange.sent, chunk, payload);
    } else if (r.file.empty()) {
        std::copy_n(r.body.data() + exchange.sent, chunk, payload);
    } else {
        const ssize_t n = ::pread(exchange.file.get(), payload, chunk,
                                  static_cast<off_t>(r.file_offset + exchange.sent));
        // The file shrank or vanished mid-send: the declared length can no longer be met.
        if (n != static_cast<ssize_t>(chunk))
            return -1;
    }
    exchange.sent += chunk;
    const bool last = exchange.sent >= total;
    if (lws_write(wsi, payload, chunk, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
        static_cast<int>(chunk)) {
        return -1;
    }
    if (last)
        return finish_transaction(wsi);
    lws_callback_on_writable(wsi);
    return 0;
}

void HttpServer::Impl::drop_exchange(Connection& connection) {
    if (connection.http && connection.http->deferred)
        awaiting.erase(connection.http->request.exchange);
    connection.http.reset();
}

int HttpServer::Impl::finish_transaction(lws* wsi) {
    if (auto it = connections.find(wsi); it != connections.end())
        drop_exchange(it->second);
    // Non-zero: lws wants the connection closed (e.g. no keep-alive).
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int HttpServer::Impl::socket_filter(lws* wsi) {
    // Only /ws (with or without a query) is a websocket endpoint; over HTTP/2 (RFC 8441)
    // the path comes as :path, query included.
    std::string uri = header_of(wsi, WSI_TOKEN_GET_URI);
    if (uri.empty())
        uri = header_of(wsi, WSI_TOKEN_HTTP_COLON_PATH);
    if (std::string_view(uri).substr(0, uri.find('?')) != "/ws")
        return 1;
    const std::string origin = header_of(wsi, WSI_TOKEN_ORIGIN);
    if (!origin_allowed(origin, host_of(wsi), config.allowed_origins)) {
        g_message("websocket refused: origin %s is not allowed", origin.c_str());
        lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN,
                               "this origin may not open the stagehub websocket");
        return 1;
    }
    if (auto query = parse_query_arguments(query_fragments_of(wsi));
        auto* arguments = std::get_if<QueryArguments>(&query)) {
        for (auto& [name, value] : *arguments) {
            if (name == "token")
                connections[wsi].opening.token = std::move(value);
        }
    }
    const std::string address = peer_address(wsi);
    connections[wsi].opening.address = address;
    if (config.max_sockets_per_address > 0 &&
        sockets_per_address[address] >= config.max_sockets_per_address) {
        g_message("websocket refused: %s already has %zu open", address.c_str(),
                  sockets_per_address[address]);
        lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "too many websockets from this address");
        return 1;
    }
    return 0;
}

std::string HttpServer::Impl::peer_address(lws* wsi) {
    char address[64] = "";
    lws_get_peer_simple(wsi, address, sizeof address);
    return address;
}

int HttpServer::Impl::socket_open(lws* wsi) {
    auto& state = connections[wsi].socket;
    state = std::make_unique<SocketState>();
    state->id = next_socket++;
    state->address = peer_address(wsi);
    state->heard_us = g_get_monotonic_time();
    ++sockets_per_address[state->address];
    sockets[state->id] = wsi;
    if (liveness_check == 0) {
        // A tick of a quarter of the timeout (at most a second): pings go out between half
        // and three quarters of it, a dead client is dropped within a quarter after it.
        const guint tick_ms = std::clamp(config.websocket_timeout_s * 250u, 250u, 1000u);
        liveness_check = g_timeout_add(
            tick_ms,
            [](gpointer data) -> gboolean {
                static_cast<Impl*>(data)->check_liveness();
                return G_SOURCE_CONTINUE;
            },
            this);
    }
    const SocketOpening opening = std::exchange(connections[wsi].opening, {});
    handler.on_socket_open(state->id, opening);
    return 0;
}

int HttpServer::Impl::socket_receive(lws* wsi, const void* in, size_t len) {
    auto it = connections.find(wsi);
    if (it == connections.end() || !it->second.socket)
        return -1;
    SocketState& state = *it->second.socket;
    state.heard_us = g_get_monotonic_time();
    state.pinged = false;
    if (lws_frame_is_binary(wsi)) {
        return close_with(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE,
                          "binary frames are not accepted: send JSON text");
    }
    if (state.incoming.size() + len > config.max_socket_message_bytes) {
        return close_with(
            wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
            "message larger than " + std::to_string(config.max_socket_message_bytes) + " bytes");
    }
    state.incoming.append(static_cast<const char*>(in), len);
    if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) > 0)
        return 0;
    const std::string message = std::move(state.incoming);
    state.incoming.clear();
    handler.on_socket_message(state.id, message);
    return 0;
}

int HttpServer::Impl::socket_writable(lws* wsi) {
    auto it = connections.find(wsi);
    if (it == connections.end() || !it->second.socket)
        return -1;
    SocketState& state = *it->second.socket;
    if (state.closing)
        return close_with(wsi, state.close_status, state.close_reason);
    if (state.ping_owed) {
        state.ping_owed = false;
        if (write_ping(wsi) < 0)
            return -1;
        if (!state.outbox.empty() || state.lagging)
            lws_callback_on_writable(wsi);
        return 0;
    }
    if (state.outbox.empty()) {
        // Writable again with nothing of ours pending: a socket that fell behind has
        // drained, and gets the current state of what it lost.
        if (state.lagging) {
            state.lagging = false;
            const std::vector<std::string> channels(state.stale_channels.begin(),
                                                    state.stale_channels.end());
            state.stale_channels.clear();
            handler.on_socket_resync(state.id, channels);
        } else {
            behind.erase(state.id);
        }
        return 0;
    }
    SharedMessage message = std::move(state.outbox.front());
    state.outbox.pop_front();
    state.outbox_bytes -= message->size();
    const int written = lws_write(wsi, reinterpret_cast<unsigned char*>(message->payload()),
                                  message->size(), LWS_WRITE_TEXT);
    if (written < static_cast<int>(message->size()))
        return -1;
    state.progress_us = g_get_monotonic_time();
    if (!state.outbox.empty() || state.lagging || behind.contains(state.id))
        lws_callback_on_writable(wsi);
    return 0;
}

void HttpServer::Impl::socket_closed(lws* wsi) {
    auto it = connections.find(wsi);
    if (it == connections.end() || !it->second.socket)
        return;
    const SocketId id = it->second.socket->id;
    if (const auto count = sockets_per_address.find(it->second.socket->address);
        count != sockets_per_address.end() && --count->second == 0) {
        sockets_per_address.erase(count);
    }
    it->second.socket.reset();
    sockets.erase(id);
    behind.erase(id);
    handler.on_socket_close(id);
}

void HttpServer::Impl::check_liveness() {
    const gint64 now = g_get_monotonic_time();
    const gint64 timeout_us = gint64{config.websocket_timeout_s} * 1'000'000;
    std::vector<SocketId> dead;
    for (const auto& [id, wsi] : sockets) {
        SocketState* state = connections[wsi].socket.get();
        if (state == nullptr || state->closing)
            continue;
        const gint64 silent = now - state->heard_us;
        if (silent >= timeout_us) {
            state->closing = true;
            dead.push_back(id);
        } else if (silent >= timeout_us / 2 && !state->pinged) {
            state->pinged = true;
            send_ping(wsi, *state);
        }
    }
    for (const SocketId id : dead) {
        g_message("websocket %llu closed: silent for %u s", static_cast<unsigned long long>(id),
                  config.websocket_timeout_s);
        lws_set_timeout(sockets[id], PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
}

void HttpServer::Impl::send_ping(lws* wsi, SocketState& state) {
    if (state.outbox.empty() && lws_get_network_wsi(wsi) == wsi && !lws_partial_buffered(wsi)) {
        if (write_ping(wsi) >= 0)
            return;
    }
    state.ping_owed = true;
    lws_callback_on_writable(wsi);
}

int HttpServer::Impl::close_with(lws* wsi, lws_close_status status, std::string reason) {
    // A close frame's reason is at most 123 bytes.
    reason.resize(std::min<size_t>(reason.size(), 123));
    lws_close_reason(wsi, status, reinterpret_cast<unsigned char*>(reason.data()), reason.size());
    return -1;
}

void HttpServer::Impl::queue(lws* wsi, SocketState& state, SharedMessage message) {
    if (state.closing)
        return;
    if (state.lagging) {
        if (!message->channel().empty())
            state.stale_channels.insert(message->channel());
        return;
    }
    if (state.outbox.size() + 1 > config.max_queued_messages ||
        state.outbox_bytes + message->size() > config.max_queued_bytes) {
        fall_behind(wsi, state, message);
        return;
    }
    // Nothing waiting before it: straight to the socket. Asking lws for a writable callback
    // instead costs two poll changes per message and socket, each a wakeup of the GLib loop,
    // which is most of a broadcast to thousands. Not on HTTP/2 streams (their writes belong in
    // the stream's turn) nor behind bytes lws still holds.
    if (state.outbox.empty() && lws_get_network_wsi(wsi) == wsi && !lws_partial_buffered(wsi)) {
        const int written = lws_write(wsi, reinterpret_cast<unsigned char*>(message->payload()),
                                      message->size(), LWS_WRITE_TEXT);
        if (written < static_cast<int>(message->size())) {
            state.closing = true;
            state.close_status = LWS_CLOSE_STATUS_ABNORMAL_CLOSE;
            lws_callback_on_writable(wsi);
        }
        return;
    }
    state.outbox_bytes += message->size();
    state.outbox.push_back(std::move(message));
    lws_callback_on_writable(wsi);
}

// The backlog goes; what it carried is re-sent as current state when the socket drains,
// so the client ends up exactly where a fresh subscriber would be.
void HttpServer::Impl::fall_behind(lws* wsi, SocketState& state, const SharedMessage& message) {
    for (const SharedMessage& queued : state.outbox) {
        if (!queued->channel().empty())
            state.stale_channels.insert(queued->channel());
    }
    if (!message->channel().empty())
        state.stale_channels.insert(message->channel());
    state.outbox.clear();
    state.outbox_bytes = 0;
    state.lagging = true;
    if (behind.insert(state.id).second)
        state.progress_us = g_get_monotonic_time();
    ++resyncs;
    lws_callback_on_writable(wsi);
    if (stuck_check == 0) {
        stuck_check = g_timeout_add_seconds(
            1,
            [](gpointer data) -> gboolean {
                auto* self = static_cast<Impl*>(data);
                self->close_stuck_sockets();
                if (!self->behind.empty())
                    return G_SOURCE_CONTINUE;
                self->stuck_check = 0;
                return G_SOURCE_REMOVE;
            },
            this);
    }
}

// A socket that fell behind and then took nothing for stuck_timeout_s does not read even
// what the kernel holds for it: it cannot take a close frame either, so lws drops it.
void HttpServer::Impl::close_stuck_sockets() {
    const gint64 now = g_get_monotonic_time();
    std::vector<SocketId> stuck;
    for (const SocketId id : behind) {
        const auto wsi = sockets.find(id);
        if (wsi == sockets.end())
            continue;
        const auto& state = connections[wsi->second].socket;
        if (state && now - state->progress_us >= gint64{config.stuck_timeout_s} * 1000000)
            stuck.push_back(id);
    }
    for (const SocketId id : stuck) {
        g_message("websocket %llu closed: stuck for %u s without reading",
                  static_cast<unsigned long long>(id), config.stuck_timeout_s);
        behind.erase(id);
        lws_set_timeout(sockets[id], PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
}

HttpServer::HttpServer(Config config, Handler& handler, GMainLoop* loop)
    : impl_(std::make_unique<Impl>(std::move(config), handler, loop)) {}

HttpServer::~HttpServer() {
    if (impl_->destroy_poll)
        g_source_remove(impl_->destroy_poll);
    if (impl_->stuck_check)
        g_source_remove(impl_->stuck_check);
    if (impl_->liveness_check)
        g_source_remove(impl_->liveness_check);
    if (impl_->context)
        lws_context_destroy(impl_->context);
}

namespace {

// lws loads its GLib event library as a plugin and unloads it when its context is gone; but
// GLib finalises a connection's source only once nothing holds it, which with thousands of
// connections can be after that, and then calls into the unloaded plugin (a crash at
// shutdown). Pinned here: loaded once more, never to be unloaded.
void pin_glib_event_plugin() {
    static void* const pinned =
        dlopen("libwebsockets-evlib_glib.so", RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
    if (pinned == nullptr)
        g_warning("cannot pin libwebsockets' GLib event plugin (%s); lws loads it itself",
                  dlerror());
}

}  // namespace

void HttpServer::start() {
    Impl& impl = *impl_;
    pin_glib_event_plugin();
    impl.protocols = {
        // rx_buffer_size: each websocket holds a receive buffer this big for its whole life;
        // clients send small JSON (larger messages arrive in pieces and are joined here).
        // tx_packet_size: the most one send() may carry; 0 would mean rx_buffer_size, so a
        // 50 KB segment went out as 25 sends.
        lws_protocols{"stagehub", &Impl::callback, 0, kSocketReceiveBuffer, 0, nullptr,
                      kMaxSendBytes},
        lws_protocols{nullptr, nullptr, 0, 0, 0, nullptr, 0},
    };
    lws_set_log_level(LLL_ERR | LLL_WARN, nullptr);

    void* foreign_loops[1] = {impl.loop};
    lws_context_creation_info info{};
    info.port = impl.config.port;
    info.iface = impl.config.host.c_str();
    info.protocols = impl.protocols.data();
    info.user = &impl;
    info.foreign_loops = foreign_loops;
    info.pcontext = &impl.context;
    info.server_string = "stagehub";
    info.vhost_name = "stagehub";
    info.options = LWS_SERVER_OPTION_GLIB | LWS_SERVER_OPTION_VALIDATE_UTF8;
    info.max_http_header_data = kHeaderBufferBytes;
    // lws gives a connection this long to send its whole head from the moment it starts one
    // (a header trickled a byte a second is dropped then), and a body this long between
    // two of its pieces; the body's whole deadline is ours (Config::body_timeout_s).
    info.timeout_secs_ah_idle = impl.config.header_timeout_s;
    info.timeout_secs = std::min<unsigned>(impl.config.body_timeout_s, 5);
    if (impl.config.host.find(':') == std::string::npos)
        info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    if (!impl.config.tls_cert.empty()) {
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        info.ssl_cert_filepath = impl.config.tls_cert.c_str();
        info.ssl_private_key_filepath = impl.config.tls_key.c_str();
        info.alpn = "h2,http/1.1";
        info.pt_serv_buf_size = 32 * 1024;
    }

    impl.context = lws_create_context(&info);
    if (impl.context == nullptr) {
        throw std::runtime_error("cannot start the web server on " + impl.config.host + ":" +
                                 std::to_string(impl.config.port) +
                                 " (is the port in use, or the address not on this machine?)");
    }
    impl.vhost = lws_get_vhost_by_name(impl.context, "stagehub");
    if (impl.vhost == nullptr || lws_get_vhost_listen_port(impl.vhost) <= 0) {
        lws_context_destroy(impl.context);
        impl.context = nullptr;
        throw std::runtime_error("cannot listen on " + impl.config.host + ":" +
                                 std::to_string(impl.config.port) +
                                 " (is the port in use, or the address not on this machine?)");
    }
}

int HttpServer::port() const {
    return impl_->vhost ? lws_get_vhost_listen_port(impl_->vhost) : -1;
}

void HttpServer::send(SocketId socket, SharedMessage message) {
    const auto it = impl_->sockets.find(socket);
    if (it == impl_->sockets.end())
        return;
    auto& state = impl_->connections[it->second].socket;
    if (state)
        impl_->queue(it->second, *state, std::move(message));
}

void HttpServer::close(SocketId socket, uint16_t code, const std::string& reason) {
    const auto it = impl_->sockets.find(socket);
    if (it == impl_->sockets.end())
        return;
    auto& state = impl_->connections[it->second].socket;
    if (!state || state->closing)
        return;
    state->closing = true;
    state->close_status = static_cast<lws_close_status>(code);
    state->close_reason = reason;
    state->outbox.clear();
    state->outbox_bytes = 0;
    lws_callback_on_writable(it->second);
}

bool HttpServer::complete(uint64_t exchange, HttpResponse response) {
    const auto it = impl_->awaiting.find(exchange);
    if (it == impl_->awaiting.end())
        return false;
    auto found = impl_->connections.find(it->second);
    if (found == impl_->connections.end() || !found->second.http ||
        found->second.http->request.exchange != exchange) {
        impl_->awaiting.erase(it);
        return false;
    }
    lws* wsi = it->second;
    HttpExchange& pending = *found->second.http;
    // HTTP/1.1 with nothing of lws' own waiting: straight to the socket, as websocket messages
    // go (Impl::queue). Asking lws for a writable turn instead costs two poll changes, each a
    // wakeup of the GLib loop, and a loop iteration: a third of a heartbeat's cost.
    if (lws_get_network_wsi(wsi) == wsi && !lws_partial_buffered(wsi)) {
        impl_->awaiting.erase(it);
        pending.deferred = false;
        // A connection that must close after it (an error, no keep-alive) closes in its next
        // writable turn: outside lws' own callbacks there is no returning -1.
        if (impl_->respond(wsi, pending, std::move(response)) != 0) {
            found->second.close_when_writable = true;
            lws_callback_on_writable(wsi);
        }
        return true;
    }
    pending.later = std::move(response);
    lws_callback_on_writable(wsi);
    return true;
}

size_t HttpServer::deferred_count() const {
    return impl_->awaiting.size();
}

size_t HttpServer::socket_count() const {
    return impl_->sockets.size();
}

uint64_t HttpServer::resync_count() const {
    return impl_->resyncs;
}

void HttpServer::shutdown(std::function<void()> done) {
    Impl& impl = *impl_;
    if (impl.context == nullptr) {
        if (done)
            done();
        return;
    }
    if (impl.liveness_check) {
        g_source_remove(impl.liveness_check);
        impl.liveness_check = 0;
    }
    impl.on_destroyed = std::move(done);
    impl.vhost = nullptr;
    lws_context_destroy(impl.context);
    // With a foreign loop, lws finishes closing on later loop iterations and then clears
    // impl.context through info.pcontext; poll for that instead of guessing a delay.
    impl.destroy_poll = g_timeout_add(
        10,
        [](gpointer data) -> gboolean {
            auto* self = static_cast<Impl*>(data);
            if (self->context != nullptr)
                return G_SOURCE_CONTINUE;
            self->destroy_poll = 0;
            if (auto finished = std::move(self->on_destroyed))
                finished();
            return G_SOURCE_REMOVE;
        },
        &impl);
}

}  // namespace stagehub::server
