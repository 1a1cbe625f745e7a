#include "server/app/metrics_access.hpp"

#include <fstream>

#include "schedule/trim.hpp"
#include "server/auth/error_status.hpp"

namespace stagehub::server {
namespace {

constexpr size_t kMinTokenLength = 16;

// Compares without stopping at the first difference, so the time taken does not tell how
// much of a guess was right (only whether its length was).
bool same_secret(std::string_view given, std::string_view secret) {
    if (given.size() != secret.size() || secret.empty())
        return false;
    unsigned char difference = 0;
    for (size_t i = 0; i < secret.size(); ++i)
        difference |= static_cast<unsigned char>(given[i] ^ secret[i]);
    return difference == 0;
}

}  // namespace

Result<std::string> read_metrics_token(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line)) {
        return Error{ErrorCode::bad_arguments,
                     "--metrics-token-file: cannot read a token from " + file.string() +
                         " (write one line, e.g. `openssl rand -hex 32 > FILE`)"};
    }
    const std::string token(schedule::trim(line));
    if (token.size() < kMinTokenLength) {
        return Error{ErrorCode::bad_arguments,
                     "--metrics-token-file: the token in " + file.string() + " is shorter than " +
                         std::to_string(kMinTokenLength) +
                         " characters (make one with `openssl rand -hex 32`)"};
    }
    return token;
}

bool is_loopback(std::string_view address) {
    if (address.starts_with("::ffff:"))
        address.remove_prefix(7);
    return address == "::1" || address.starts_with("127.");
}

std::optional<HttpResponse> refuse_metrics(const HttpRequest& request,
                                           const std::optional<std::string>& token) {
    const bool local = is_loopback(request.peer) && request.forwarded_for.empty();
    // A local scraper needs no token; one that sends one anyway must send the right one.
    if (local && (request.authorization.empty() || !token))
        return std::nullopt;
    if (!token) {
        return error_response(
            Error{ErrorCode::forbidden,
                  "metrics are served to this machine only (a proxied request is not local); "
                  "the server's operator can allow others with --metrics-token-file"});
    }
    constexpr std::string_view kBearer = "Bearer ";
    const std::string_view given = request.authorization;
    if (given.starts_with(kBearer) && same_secret(given.substr(kBearer.size()), *token))
        return std::nullopt;
    return error_response(Error{ErrorCode::unauthorized,
                                request.authorization.empty()
                                    ? "metrics need the scrape token: Authorization: Bearer TOKEN"
                                    : "the scrape token is not right"});
}

}  // namespace stagehub::server
