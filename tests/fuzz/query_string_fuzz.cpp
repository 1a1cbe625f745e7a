// HTTP query handling (server/query_string): the decoded "name=value" fragments lws hands
// over for a URL's query, as any client sends them (the input split at '&'). Arguments are
// taken whole or the request is refused: an accepted list is exactly the non-empty
// fragments, in order, within the limits, with a name each and no control character
// (so `?x=<long>&dry_run=true` can never lose its dry_run). Run with the server's limits
// and with small ones, so both the limits and the arguments are explored.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "server/http/query_string.hpp"

namespace {

using namespace stagehub;

void check(const std::vector<std::string>& fragments, const server::QueryLimits& limits) {
    const auto outcome = server::parse_query_arguments(fragments, limits);
    if (const auto* refusal = std::get_if<server::QueryRefusal>(&outcome)) {
        fuzz::require(!refusal->message.empty(), "a refusal says why");
        return;
    }
    const auto* parsed = &std::get<server::QueryArguments>(outcome);
    std::vector<std::string> given;
    size_t bytes = 0;
    for (const std::string& fragment : fragments) {
        if (!fragment.empty())
            given.push_back(fragment);
        bytes += fragment.size();
    }
    fuzz::require(parsed->size() == given.size(), "every argument is kept");
    fuzz::require(parsed->size() <= limits.max_arguments && bytes <= limits.max_bytes,
                  "an accepted query is within the limits");
    for (size_t i = 0; i < given.size(); ++i) {
        const auto& [name, value] = (*parsed)[i];
        fuzz::require(!name.empty(), "every argument has a name");
        const std::string whole =
            given[i].find('=') == std::string::npos ? name : name + "=" + value;
        fuzz::require(whole == given[i], "an argument is its fragment, in order");
        for (const char c : whole) {
            fuzz::require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f,
                          "no control character is accepted");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = fuzz::as_text(data, size);
    std::vector<std::string> fragments;
    while (true) {
        const size_t amp = text.find('&');
        fragments.emplace_back(text.substr(0, amp));
        if (amp == std::string_view::npos)
            break;
        text.remove_prefix(amp + 1);
    }
    check(fragments, {});
    check(fragments, server::QueryLimits{3, 64});
    return 0;
}
