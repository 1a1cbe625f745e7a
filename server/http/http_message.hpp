// HTTP requests and responses as plain values, independent of libwebsockets, so routing,
// static files and the API are testable without a socket.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stagehub::server {

enum class HttpMethod { get, head, post, put, patch, delete_, options, other };

std::string_view to_string(HttpMethod method);

struct HttpRequest {
    HttpMethod method = HttpMethod::get;
    std::string path;  // decoded, without the query, e.g. "/api/v1/programme"
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
    std::string body;
    std::string authorization;  // the Authorization header, as sent
    std::string content_type;   // the Content-Type header, as sent
    std::string origin{};       // the Origin header (browsers send it; other clients not)
    // The Host header (HTTP/2: :authority), as sent: the Origin check compares it, and the
    // page's policy names its websocket by it.
    std::string host{};
    std::string if_none_match{};  // the If-None-Match header: ETags the client holds
    std::string range{};          // the Range header, e.g. "bytes=0-1023"
    // The network connection it came on (HTTP/2 streams share one), and this exchange on it;
    // both unique for the server's lifetime. An answer given later names the exchange.
    uint64_t connection = 0;
    uint64_t exchange = 0;
    // The client's address ("127.0.0.1", "::1"): for per-address limits on public endpoints.
    // The socket's peer, or, from a trusted reverse proxy, the client its X-Forwarded-For
    // names (client_address.hpp).
    std::string peer{};
    // The X-Forwarded-For header, as sent: set by a reverse proxy, so a request carrying it
    // did not come from this machine whatever `peer` says (the metrics' loopback rule).
    std::string forwarded_for{};
    // This request's id (server/http/request_id.hpp): the client's X-Request-Id if short and
    // safe, else one of ours. Every answer carries it back; API errors and their log lines
    // name it.
    std::string request_id{};

    // The first value of a query parameter, if present.
    std::optional<std::string> query_value(std::string_view name) const;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers
    std::string body;                                          // when file is empty
    std::filesystem::path file;                                // served from disk when set
    // The whole file's bytes, when the file cache holds them: served from memory instead.
    std::shared_ptr<const std::string> file_bytes;
    uint64_t file_offset = 0;  // where in the file the body starts (a byte range)
    uint64_t file_size = 0;    // how many bytes of the file the body is
    // Not an answer yet: the handler answers later with HttpServer::complete(exchange, …)
    // (after a commit on another thread), and the connection waits meanwhile.
    bool deferred = false;

    HttpResponse& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    uint64_t content_length() const { return file.empty() ? body.size() : file_size; }
};

HttpResponse json_response(int status, const nlohmann::json& body);

// The name of the first header (Content-Type included) whose name or value holds a CR, LF
// or NUL, which would end the header early and let what follows be read as headers or a
// body of its own (response splitting); nullopt when every header is safe.
std::optional<std::string> unsafe_header(const HttpResponse& response);

// The answer "later": see HttpResponse::deferred.
HttpResponse deferred_response();

// The one error shape of the API: {"error": {"code", "message"}}.
HttpResponse error_response(int status, std::string_view code, std::string_view message);

}  // namespace stagehub::server
