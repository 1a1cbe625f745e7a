#include "server/http/query_string.hpp"

#include <algorithm>

namespace stagehub::server {

ParsedQuery parse_query_arguments(const std::vector<std::string>& fragments,
                                  const QueryLimits& limits) {
    QueryArguments arguments;
    size_t bytes = 0;
    for (const std::string& fragment : fragments) {
        if (fragment.empty())
            continue;
        bytes += fragment.size();
        if (bytes > limits.max_bytes) {
            return QueryRefusal{"the query is longer than " + std::to_string(limits.max_bytes) +
                                " bytes"};
        }
        if (arguments.size() == limits.max_arguments) {
            return QueryRefusal{"the query has more than " + std::to_string(limits.max_arguments) +
                                " arguments"};
        }
        // Nothing a stagehub argument means contains a control character; a decoded NUL or
        // line break would only ever be smuggled into a log line or a header.
        if (std::any_of(fragment.begin(), fragment.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
            return QueryRefusal{"a query argument contains a control character"};
        }
        const size_t eq = fragment.find('=');
        if (eq == 0)
            return QueryRefusal{"a query argument has a value but no name"};
        if (eq == std::string::npos)
            arguments.emplace_back(fragment, std::string());
        else
            arguments.emplace_back(fragment.substr(0, eq), fragment.substr(eq + 1));
    }
    return arguments;
}

}  // namespace stagehub::server
