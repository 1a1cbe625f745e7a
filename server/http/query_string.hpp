// A request's query arguments, taken whole or not at all.
//
// lws hands the arguments over decoded, one fragment per '&'. They used to be copied
// through a 1 KiB buffer, and a longer one ended the list: `?x=<1100 bytes>&dry_run=true`
// lost its dry_run and committed the edit for real. Now every fragment is read at its own
// length, and an argument list the server cannot take as sent is a 400.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace stagehub::server {

using QueryArguments = std::vector<std::pair<std::string, std::string>>;

struct QueryLimits {
    size_t max_arguments = 64;
    size_t max_bytes = 8 * 1024;  // all arguments together, as decoded
};

// Why an argument list is refused whole: the message of the 400 `bad_query` it gets.
struct QueryRefusal {
    std::string message;
};
using ParsedQuery = std::variant<QueryArguments, QueryRefusal>;

// `fragments`: "name=value" (or "name") each, decoded. Empty fragments ("a=1&&b=2") are
// skipped. Refused: a control character (e.g. a decoded %00 or %0A), a value without a
// name, more arguments or bytes than the limits.
ParsedQuery parse_query_arguments(const std::vector<std::string>& fragments,
                                  const QueryLimits& limits = {});

}  // namespace stagehub::server
