// A speaker's personal link. The token rides in the URL fragment ("/speaker#t=…"), which a
// browser never sends anywhere: not in the request line (so no access log or proxy sees
// it), not in a Referer. Links handed out before, /speaker/{token}, still open the page,
// which moves the token into the fragment (web/speaker.mjs); the server never logs them.
#pragma once

#include <string>
#include <string_view>

namespace stagehub::server {

// "/speaker#t=TOKEN" (tokens are base64url: nothing in them needs escaping).
std::string speaker_link(std::string_view token);

// The speaker page's addresses: "/speaker" (the fragment form) and "/speaker/{token}".
bool is_speaker_page(std::string_view path);

// `path` as it may appear in a log: a legacy speaker link loses its token.
std::string loggable_path(std::string_view path);

}  // namespace stagehub::server
