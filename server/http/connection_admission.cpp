// Which connections are let in: network connections under a per-address cap, and websocket
// handshakes by path, origin and a per-address cap of their own.
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "server/http/address_prefix.hpp"
#include "server/http/http_server_impl.hpp"
#include "server/http/lws_request.hpp"
#include "server/http/origin_policy.hpp"
#include "server/http/query_string.hpp"

namespace stagehub::server {

using namespace http_detail;

int HttpServer::Impl::admit_connection(lws* wsi) {
    if (config.max_connections_per_address == 0)
        return 0;
    const std::string address = peer_address(wsi);
    // No header has arrived yet: a proxy's connections would all count as one client's.
    if (config.trusted_proxies.trusts(address))
        return 0;
    const std::string client = address_prefix(address);  // an IPv6 client's /64
    size_t& count = connections_per_address[client];
    if (count >= config.max_connections_per_address) {
        if (refused_connections++ % 1000 == 0) {
            g_message("connection refused: %s already has %zu open (%llu refused so far)",
                      address.c_str(), count, static_cast<unsigned long long>(refused_connections));
        }
        return -1;
    }
    ++count;
    connections[wsi].counted_address = client;
    return 0;
}

void HttpServer::Impl::release_connection(Connection& connection) {
    if (connection.counted_address.empty())
        return;
    if (auto count = connections_per_address.find(connection.counted_address);
        count != connections_per_address.end() && --count->second == 0) {
        connections_per_address.erase(count);
    }
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
    if (const std::string_view name = oversized_header(wsi); !name.empty()) {
        g_message("websocket refused: its %.*s header is over 8 KiB", static_cast<int>(name.size()),
                  name.data());
        lws_return_http_status(wsi, 431, "a request header is over 8 KiB");
        return 1;
    }
    const std::string address = config.trusted_proxies.client_of(
        peer_address(wsi), header_of(wsi, WSI_TOKEN_X_FORWARDED_FOR));
    connections[wsi].opening.address = address;
    if (config.max_sockets_per_address > 0 &&
        sockets_per_address[address_prefix(address)] >= config.max_sockets_per_address) {
        g_message("websocket refused: %s already has %zu open", address.c_str(),
                  sockets_per_address[address_prefix(address)]);
        lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "too many websockets from this address");
        return 1;
    }
    return 0;
}

}  // namespace stagehub::server
