// One HTTP request on a connection: its head read and judged, its body gathered within its
// deadline, its answer given at once or deferred, and the graceful close after a refusal.
#include <sys/socket.h>

#include <charconv>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "server/http/http_server_impl.hpp"
#include "server/http/lws_request.hpp"
#include "server/http/query_string.hpp"

namespace stagehub::server {

using namespace http_detail;

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
    // Per request, not per connection: a proxy keeps its connections to us open and sends
    // any client's request on any of them.
    exchange->request.peer =
        config.trusted_proxies.client_of(network.peer, header_of(wsi, WSI_TOKEN_X_FORWARDED_FOR));
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
    exchange->request.forwarded_for = header_of(wsi, WSI_TOKEN_X_FORWARDED_FOR);
    exchange->request.request_id = request_ids.id_for(custom_header_of(wsi, "x-request-id:"));

    if (const std::string_view name = oversized_header(wsi); !name.empty()) {
        return respond_and_close(
            wsi, *exchange,
            error_response(431, "header_too_large",
                           "the " + std::string(name) + " header is over 8 KiB; send it shorter"));
    }
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
    exchange->max_body_bytes = config.max_body_bytes;
    if (config.body_limit) {
        if (const size_t larger =
                config.body_limit(exchange->request.method, exchange->request.path))
            exchange->max_body_bytes = larger;
    }
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
    if (declared > exchange.max_body_bytes) {
        return error_response(413, "payload_too_large",
                              "the request body is larger than " +
                                  std::to_string(exchange.max_body_bytes) + " bytes");
    }
    return std::nullopt;
}

int HttpServer::Impl::receive_body(lws* wsi, const void* in, size_t len) {
    auto& exchange = connections[wsi].http;
    if (!exchange)
        return -1;
    if (exchange->draining)
        return 0;
    if (g_get_monotonic_time() > exchange->body_deadline_us) {
        return respond_and_close(wsi, *exchange,
                                 error_response(408, "request_timeout",
                                                "the request body did not arrive within " +
                                                    std::to_string(config.body_timeout_s) + " s"));
    }
    if (exchange->request.body.size() + len > exchange->max_body_bytes) {
        exchange->body_too_large = true;
        exchange->request.body.clear();
    } else if (!exchange->body_too_large) {
        exchange->request.body.append(static_cast<const char*>(in), len);
    }
    return 0;
}

int HttpServer::Impl::body_complete(lws* wsi) {
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
                               std::to_string(exchange->max_body_bytes) + " bytes"));
    }
    return respond(wsi, *exchange, handler.handle_http(exchange->request));
}

int HttpServer::Impl::http_writable(lws* wsi) {
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

bool HttpServer::Impl::complete_deferred(uint64_t exchange, HttpResponse response) {
    const auto it = awaiting.find(exchange);
    if (it == awaiting.end())
        return false;
    auto found = connections.find(it->second);
    if (found == connections.end() || !found->second.http ||
        found->second.http->request.exchange != exchange) {
        awaiting.erase(it);
        return false;
    }
    lws* wsi = it->second;
    HttpExchange& pending = *found->second.http;
    // HTTP/1.1 with nothing of lws' own waiting: straight to the socket, as websocket messages
    // go (Impl::queue). Asking lws for a writable turn instead costs two poll changes, each a
    // wakeup of the GLib loop, and a loop iteration (what that is of a heartbeat's cost:
    // docs/BENCHMARKS.md, "Figures behind design choices").
    if (lws_get_network_wsi(wsi) == wsi && !lws_partial_buffered(wsi)) {
        awaiting.erase(it);
        pending.deferred = false;
        // A connection that must close after it (an error, no keep-alive) closes in its next
        // writable turn: outside lws' own callbacks there is no returning -1.
        if (respond(wsi, pending, std::move(response)) != 0) {
            found->second.close_when_writable = true;
            lws_callback_on_writable(wsi);
        }
        return true;
    }
    pending.later = std::move(response);
    lws_callback_on_writable(wsi);
    return true;
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

}  // namespace stagehub::server
