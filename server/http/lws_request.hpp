// Internal to server/http: reading what lws parsed of a request (method, headers, query).
// Threads: the loop thread, inside an lws callback for the connection.
#pragma once

#include <libwebsockets.h>

#include <string>
#include <string_view>
#include <vector>

#include "server/http/http_message.hpp"

namespace stagehub::server::http_detail {

HttpMethod method_of(int lws_method);
bool has_body(HttpMethod method);
// Every argument fragment lws parsed, each read at its own length.
std::vector<std::string> query_fragments_of(lws* wsi);
// A request header's value, or "" when absent (or longer than any sane header).
std::string header_of(lws* wsi, lws_token_indexes token);

// The headers we read whose value is over header_of's limit, by name ("" when none).
// header_of reads such a header as absent, and absence has meaning (no X-Forwarded-For is a
// local request; no Authorization is the public): a request carrying one is refused whole.
std::string_view oversized_header(lws* wsi);
// A header lws has no token for, by its lower-case name with the colon ("x-request-id:"),
// or "" when absent or longer than 256 bytes (HTTP/1.1; lws 4.1 keeps none for HTTP/2).
std::string custom_header_of(lws* wsi, std::string_view name);
// The Host a request names; over HTTP/2 its :authority.
std::string host_of(lws* wsi);
// The client's address, as lws reads it from the socket.
std::string peer_address(lws* wsi);

}  // namespace stagehub::server::http_detail
