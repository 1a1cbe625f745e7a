// The lws context on the application's GLib loop: created at start, torn down at
// shutdown, and the GLib details that keep thousands of connections cheap and safe.
#include <dlfcn.h>

#include <algorithm>
#include <stdexcept>

#include "server/http/http_server_impl.hpp"

namespace stagehub::server {
namespace http_detail {

// lws watches each connection with a GSource of its own. GLib blocks a source around each
// dispatch unless it may recurse, and blocking takes its fd out of the context's poll list
// and puts it back, a walk of the whole list each time, so every write cost a walk of every
// connection (the figure: docs/BENCHMARKS.md, "Figures behind design choices"). Nothing
// here runs a nested main loop, so the connection's source (the one dispatching while lws
// serves the connection) may recurse.
void let_source_recurse() {
    if (GSource* source = g_main_current_source();
        source != nullptr && !g_source_get_can_recurse(source))
        g_source_set_can_recurse(source, TRUE);
}

}  // namespace http_detail

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

using namespace http_detail;

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

void HttpServer::start() {
    Impl& impl = *impl_;
    pin_glib_event_plugin();
    impl.protocols = {
        // rx_buffer_size: each websocket holds a receive buffer this big for its whole life;
        // clients send small JSON (larger messages arrive in pieces and are joined here).
        // tx_packet_size: the most one send() may carry; 0 would mean rx_buffer_size, and a
        // segment would go out in many small sends (docs/BENCHMARKS.md, "Figures behind
        // design choices").
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
