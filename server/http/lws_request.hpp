// Internal to server/http: reading what lws parsed of a request (method, headers, query).
// Threads: the loop thread, inside an lws callback for the connection.
#pragma once

#include <libwebsockets.h>

#include <string>
#include <vector>

#include "server/http/http_message.hpp"

namespace stagehub::server::http_detail {

HttpMethod method_of(int lws_method);
bool has_body(HttpMethod method);
// Every argument fragment lws parsed, each read at its own length.
std::vector<std::string> query_fragments_of(lws* wsi);
// A request header's value, or "" when absent (or longer than any sane header).
std::string header_of(lws* wsi, lws_token_indexes token);
// The Host a request names; over HTTP/2 its :authority.
std::string host_of(lws* wsi);
// The client's address, as lws reads it from the socket.
std::string peer_address(lws* wsi);

}  // namespace stagehub::server::http_detail
