#include "server/http/origin_policy.hpp"

#include <algorithm>

namespace stagehub::server {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed_origins) {
    if (origin.empty())
        return true;
    // Host names are case-insensitive (RFC 3986 3.2.2); browsers send them in lower case,
    // clients may not.
    const auto scheme_end = origin.find("://");
    if (scheme_end != std::string_view::npos && !host.empty() &&
        equal_ignoring_case(origin.substr(scheme_end + 3), host)) {
        return true;
    }
    return std::any_of(allowed_origins.begin(), allowed_origins.end(),
                       [&](const std::string& allowed) {
                           return allowed == "*" || equal_ignoring_case(allowed, origin);
                       });
}

}  // namespace stagehub::server
