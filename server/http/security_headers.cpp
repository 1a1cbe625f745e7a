#include "server/http/security_headers.hpp"

#include <algorithm>
#include <string_view>

namespace stagehub::server {
namespace {

// The one path whose answers other sites may frame: the player for organisers' own pages.
constexpr std::string_view kEmbedPrefix = "/embed/";

// Media Source Extensions play from a blob: URL (hls.js), so media-src needs it; hls.js'
// transmuxing worker is /vendor/hls.js/dist/hls.worker.js (web/live_player.mjs), hence
// worker-src 'self' and no blob: workers. Images are posters and QR codes from here; no
// page uses a data: image, so none is allowed.
constexpr std::string_view kPageSources =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "media-src 'self' blob:; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'";

// Anything not a document or a script (JSON, media, images, CSS): nothing may run in it if
// a browser is made to open it as a document (an SVG, a JSON answer with markup in it).
constexpr std::string_view kNothingSources = "default-src 'none'";

// A Host header fit to be written into the policy: a name or address with an optional port.
// Anything else (a ';' would add a directive of the sender's choosing) is left out, and the
// page is left with 'self'.
bool plain_host(std::string_view host) {
    return !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    });
}

bool starts_with_type(std::string_view content_type, std::string_view type) {
    if (content_type.size() < type.size())
        return false;
    return std::equal(type.begin(), type.end(), content_type.begin(), [](char a, char b) {
        return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
    });
}

// A document the browser renders with scripts, or a script (a worker runs under the policy
// its own script is served with, so hls.js' worker gets the page's).
bool runs_script(std::string_view content_type) {
    return starts_with_type(content_type, "text/html") ||
           starts_with_type(content_type, "text/javascript") ||
           starts_with_type(content_type, "application/javascript");
}

std::string ancestors_of(const SecurityPolicy& policy) {
    if (policy.embed_ancestors.empty())
        return "*";
    std::string sources;
    for (const std::string& source : policy.embed_ancestors) {
        if (!sources.empty())
            sources += ' ';
        sources += source;
    }
    return sources;
}

// `host` is the request's Host, for the websocket sources; `frame_ancestors` who may frame it.
std::string page_policy(std::string_view host, std::string_view frame_ancestors) {
    std::string csp(kPageSources);
    // 'self' covers ws: and wss: of the page's own host in CSP Level 3 (Chromium, Firefox),
    // but not in every browser still in use (older Safari): the websocket's origin is named.
    // Both schemes: behind a proxy that terminates TLS the server cannot tell which one the
    // page uses, and a ws: from an https page is blocked as mixed content anyway.
    csp += "; connect-src 'self'";
    if (plain_host(host)) {
        csp.append(" ws://").append(host).append(" wss://").append(host);
    }
    csp.append("; frame-ancestors ").append(frame_ancestors);
    return csp;
}

}  // namespace

void add_security_headers(const SecurityPolicy& policy, const HttpRequest& request,
                          HttpResponse& response) {
    // Nothing the page loads tells another site where the reader was (a speaker's legacy
    // /speaker/{token} link included); links out carry no Referer either.
    response.header("referrer-policy", "no-referrer");
    const bool embed = request.path.starts_with(kEmbedPrefix);
    const std::string ancestors = embed ? ancestors_of(policy) : "'none'";
    if (runs_script(response.content_type)) {
        response.header("content-security-policy", page_policy(request.host, ancestors));
    } else {
        response.header("content-security-policy",
                        std::string(kNothingSources) + "; frame-ancestors " + ancestors);
    }
    // For browsers without CSP frame-ancestors; it cannot name a list, so the embed page
    // goes without it.
    if (!embed)
        response.header("x-frame-options", "DENY");
    if (policy.tls)
        response.header("strict-transport-security", "max-age=31536000");
}

}  // namespace stagehub::server
