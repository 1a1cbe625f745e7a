#include "server/api/caller_route.hpp"

namespace stagehub::server {

void add_caller_route(ApiRouter& router, TokenStore& tokens, HttpMethod method, std::string pattern,
                      CallerHandler handler, RouteOptions options) {
    router.add(
        method, std::move(pattern),
        [&tokens, handler = std::move(handler)](const HttpRequest& request,
                                                const PathParams& params) {
            auto caller = identify(request, tokens);
            if (auto* refused = std::get_if<HttpResponse>(&caller))
                return std::move(*refused);
            return handler(request, params, std::get<Caller>(caller));
        },
        std::move(options));
}

}  // namespace stagehub::server
