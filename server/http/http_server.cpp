#include "server/http/http_server.hpp"

#include <exception>
#include <utility>

#include "server/http/http_server_impl.hpp"

namespace stagehub::server {

using namespace http_detail;

OutgoingMessage::OutgoingMessage(std::string_view payload, std::string channel)
    : headroom_(LWS_PRE), channel_(std::move(channel)) {
    buffer_.reserve(LWS_PRE + payload.size());
    buffer_.assign(LWS_PRE, '\0');
    buffer_.append(payload);
}

SharedMessage make_message(std::string_view payload, std::string channel) {
    return std::make_shared<OutgoingMessage>(payload, std::move(channel));
}

HttpServer::HttpServer(Config config, Handler& handler, GMainLoop* loop)
    : impl_(std::make_unique<Impl>(std::move(config), handler, loop)) {}

int HttpServer::port() const {
    return impl_->vhost ? lws_get_vhost_listen_port(impl_->vhost) : -1;
}

void HttpServer::send(SocketId socket, SharedMessage message) {
    impl_->send_to(socket, std::move(message));
}

void HttpServer::close(SocketId socket, uint16_t code, const std::string& reason) {
    impl_->close_socket(socket, code, reason);
}

bool HttpServer::complete(uint64_t exchange, HttpResponse response) {
    return impl_->complete_deferred(exchange, std::move(response));
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

HttpServer::Counters HttpServer::counters() const {
    Counters counters = impl_->counted;
    counters.fell_behind = impl_->resyncs;
    counters.refused_connections = impl_->refused_connections;
    return counters;
}

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
        case LWS_CALLBACK_HTTP_BODY:
            return receive_body(wsi, in, len);
        case LWS_CALLBACK_HTTP_BODY_COMPLETION:
            return body_complete(wsi);
        case LWS_CALLBACK_HTTP_WRITEABLE:
            return http_writable(wsi);
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
            pong_received(wsi);
            return 0;
        case LWS_CALLBACK_SERVER_WRITEABLE:
            return socket_writable(wsi);
        case LWS_CALLBACK_CLOSED:
            socket_closed(wsi);
            return 0;

        case LWS_CALLBACK_WSI_DESTROY:
            socket_closed(wsi);
            if (auto it = connections.find(wsi); it != connections.end()) {
                release_connection(it->second);
                drop_exchange(it->second);
                connections.erase(it);
            }
            return 0;

        default:
            return 0;
    }
}

}  // namespace stagehub::server
