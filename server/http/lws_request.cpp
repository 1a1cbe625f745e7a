#include "server/http/lws_request.hpp"

#include <algorithm>
#include <utility>

namespace stagehub::server::http_detail {

HttpMethod method_of(int lws_method) {
    switch (lws_method) {
        case LWSHUMETH_GET:
            return HttpMethod::get;
        case LWSHUMETH_HEAD:
            return HttpMethod::head;
        case LWSHUMETH_POST:
            return HttpMethod::post;
        case LWSHUMETH_PUT:
            return HttpMethod::put;
        case LWSHUMETH_PATCH:
            return HttpMethod::patch;
        case LWSHUMETH_DELETE:
            return HttpMethod::delete_;
        case LWSHUMETH_OPTIONS:
            return HttpMethod::options;
        default:
            return HttpMethod::other;
    }
}

bool has_body(HttpMethod method) {
    return method == HttpMethod::post || method == HttpMethod::put || method == HttpMethod::patch;
}

// Every argument fragment lws parsed, each read at its own length (lws_hdr_copy_fragment
// answers -1 both for "no more" and for "buffer too small").
std::vector<std::string> query_fragments_of(lws* wsi) {
    std::vector<std::string> fragments;
    for (int index = 0;; ++index) {
        const int length = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, index);
        std::string fragment(static_cast<size_t>(std::max(length, 0)) + 1, '\0');
        const int n = lws_hdr_copy_fragment(wsi, fragment.data(), static_cast<int>(fragment.size()),
                                            WSI_TOKEN_HTTP_URI_ARGS, index);
        if (n < 0)
            break;
        fragment.resize(static_cast<size_t>(n));
        fragments.push_back(std::move(fragment));
    }
    return fragments;
}

namespace {
constexpr int kMaxHeaderBytes = 8192;
}  // namespace

std::string_view oversized_header(lws* wsi) {
    static constexpr std::pair<lws_token_indexes, std::string_view> kRead[] = {
        {WSI_TOKEN_X_FORWARDED_FOR, "X-Forwarded-For"},
        {WSI_TOKEN_HTTP_AUTHORIZATION, "Authorization"},
        {WSI_TOKEN_HTTP_CONTENT_TYPE, "Content-Type"},
        {WSI_TOKEN_HTTP_CONTENT_LENGTH, "Content-Length"},
        {WSI_TOKEN_ORIGIN, "Origin"},
        {WSI_TOKEN_HTTP_IF_NONE_MATCH, "If-None-Match"},
        {WSI_TOKEN_HTTP_RANGE, "Range"},
        {WSI_TOKEN_HOST, "Host"},
        {WSI_TOKEN_HTTP_COLON_AUTHORITY, ":authority"},
    };
    for (const auto& [token, name] : kRead) {
        if (lws_hdr_total_length(wsi, token) > kMaxHeaderBytes)
            return name;
    }
    return {};
}

// A request header's value, or "" when absent (or longer than any sane header: see
// oversized_header, which refuses such a request before anything reads it).
std::string header_of(lws* wsi, lws_token_indexes token) {
    const int length = lws_hdr_total_length(wsi, token);
    if (length <= 0 || length > kMaxHeaderBytes)
        return {};
    std::string value(static_cast<size_t>(length) + 1, '\0');
    const int copied = lws_hdr_copy(wsi, value.data(), length + 1, token);
    if (copied < 0)
        return {};
    value.resize(static_cast<size_t>(copied));
    return value;
}

std::string custom_header_of(lws* wsi, std::string_view name) {
    const int name_length = static_cast<int>(name.size());
    const int length = lws_hdr_custom_length(wsi, name.data(), name_length);
    if (length <= 0 || length > 256)
        return {};
    std::string value(static_cast<size_t>(length) + 1, '\0');
    const int copied = lws_hdr_custom_copy(wsi, value.data(), length + 1, name.data(), name_length);
    if (copied < 0)
        return {};
    value.resize(static_cast<size_t>(copied));
    return value;
}

// The Host a request names; over HTTP/2 its :authority.
std::string host_of(lws* wsi) {
    std::string host = header_of(wsi, WSI_TOKEN_HOST);
    return host.empty() ? header_of(wsi, WSI_TOKEN_HTTP_COLON_AUTHORITY) : host;
}

std::string peer_address(lws* wsi) {
    char address[64] = "";
    lws_get_peer_simple(wsi, address, sizeof address);
    return address;
}

}  // namespace stagehub::server::http_detail
