// Which browser pages may act on this server: the one rule for websockets (at the
// handshake) and for the API's state-changing requests (ApiRouter).
//
// A browser names the page that makes a request in `Origin`; other clients (curl, a door
// device's app, the CLI) send none. Allowed: no Origin, the server's own pages (the
// Origin's host and port are the Host the request was sent to), and the configured list
// (`--allow-origin`, "*" for any). `Origin: null` (a sandboxed frame, a file:// page) is
// a browser hiding its page: refused unless "*" is configured.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stagehub::server {

bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed_origins);

}  // namespace stagehub::server
