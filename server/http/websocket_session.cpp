// An open websocket: messages received and joined, messages queued and sent, a socket that
// falls behind dropped to a resync, liveness by ping, and the close.
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "server/http/address_prefix.hpp"
#include "server/http/http_server_impl.hpp"
#include "server/http/lws_request.hpp"

namespace stagehub::server {
namespace {

// A ping with a payload: lws hands the user only pongs that carry one (an empty pong is
// swallowed), and the pong is what says the client is alive.
int write_ping(lws* wsi) {
    unsigned char frame[LWS_PRE + 4] = {};
    std::memcpy(frame + LWS_PRE, "ping", 4);
    return lws_write(wsi, frame + LWS_PRE, 4, LWS_WRITE_PING);
}

}  // namespace

using namespace http_detail;

int HttpServer::Impl::socket_open(lws* wsi) {
    auto& state = connections[wsi].socket;
    state = std::make_unique<SocketState>();
    state->id = next_socket++;
    // The address the handshake was judged by (socket_filter): the client's, behind a proxy.
    state->address = connections[wsi].opening.address;
    state->heard_us = g_get_monotonic_time();
    ++sockets_per_address[address_prefix(state->address)];
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
    ++counted.messages_received;
    handler.on_socket_message(state.id, message);
    return 0;
}

void HttpServer::Impl::pong_received(lws* wsi) {
    if (auto it = connections.find(wsi); it != connections.end() && it->second.socket) {
        it->second.socket->heard_us = g_get_monotonic_time();
        it->second.socket->pinged = false;
    }
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
    ++counted.messages_sent;
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
    if (const auto count = sockets_per_address.find(address_prefix(it->second.socket->address));
        count != sockets_per_address.end() && --count->second == 0) {
        sockets_per_address.erase(count);
    }
    it->second.socket.reset();
    sockets.erase(id);
    behind.erase(id);
    handler.on_socket_close(id);
}

void HttpServer::Impl::send_to(SocketId socket, SharedMessage message) {
    const auto it = sockets.find(socket);
    if (it == sockets.end())
        return;
    auto& state = connections[it->second].socket;
    if (state)
        queue(it->second, *state, std::move(message));
}

void HttpServer::Impl::close_socket(SocketId socket, uint16_t code, const std::string& reason) {
    const auto it = sockets.find(socket);
    if (it == sockets.end())
        return;
    auto& state = connections[it->second].socket;
    if (!state || state->closing)
        return;
    state->closing = true;
    state->close_status = static_cast<lws_close_status>(code);
    state->close_reason = reason;
    state->outbox.clear();
    state->outbox_bytes = 0;
    lws_callback_on_writable(it->second);
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
    // most of what a broadcast to many costs (docs/BENCHMARKS.md, "Figures behind design
    // choices"). Not on HTTP/2 streams (their writes belong in the stream's turn) nor behind
    // bytes lws still holds.
    if (state.outbox.empty() && lws_get_network_wsi(wsi) == wsi && !lws_partial_buffered(wsi)) {
        const int written = lws_write(wsi, reinterpret_cast<unsigned char*>(message->payload()),
                                      message->size(), LWS_WRITE_TEXT);
        if (written < static_cast<int>(message->size())) {
            state.closing = true;
            state.close_status = LWS_CLOSE_STATUS_ABNORMAL_CLOSE;
            lws_callback_on_writable(wsi);
        } else {
            ++counted.messages_sent;
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
        ++counted.closed_stuck;
        lws_set_timeout(sockets[id], PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
}

}  // namespace stagehub::server
