// Blocking loopback clients for integration tests: raw HTTP/1.1 (so tests can send
// exactly the bytes an attacker would, e.g. "/../etc/passwd") and a minimal websocket
// client (RFC 6455: handshake, masked text frames out, unmasked frames in).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace stagehub::testing {

struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

// Sends `raw` (a complete request) to 127.0.0.1:port and reads the reply until the
// server closes. Throws std::runtime_error on connect failure or timeout.
HttpReply http_exchange(int port, const std::string& raw);

HttpReply http_get(int port, const std::string& target);
HttpReply http_request(int port, const std::string& method, const std::string& target,
                       const std::string& body = "", const std::string& content_type = "",
                       const std::string& bearer_token = "");

// One kept-alive HTTP/1.1 connection, for tests of what a server does per connection.
// Replies must carry Content-Length (every stagehub API answer does).
class KeepAliveHttpClient {
  public:
    explicit KeepAliveHttpClient(int port);
    ~KeepAliveHttpClient();
    KeepAliveHttpClient(const KeepAliveHttpClient&) = delete;
    KeepAliveHttpClient& operator=(const KeepAliveHttpClient&) = delete;

    // Throws std::runtime_error on timeout (10 s) or when the server closes.
    HttpReply request(const std::string& method, const std::string& target,
                      const std::string& body = "", const std::string& content_type = "");

  private:
    int fd_ = -1;
    std::string buffer_;
};

class WebsocketClient {
  public:
    // Connects and completes the handshake; throws if the server refuses.
    // `receive_buffer_bytes` > 0 shrinks the socket's receive buffer (SO_RCVBUF), so a
    // client that stops reading pushes back on the server after a few kilobytes.
    WebsocketClient(int port, const std::string& target, int receive_buffer_bytes = 0);
    // `extra_headers`: more request header lines, each ending in CRLF.
    WebsocketClient(int port, const std::string& target, const std::string& extra_headers,
                    int receive_buffer_bytes = 0);
    ~WebsocketClient();
    WebsocketClient(const WebsocketClient&) = delete;
    WebsocketClient& operator=(const WebsocketClient&) = delete;

    void send_text(const std::string& text);
    void send_binary(const std::string& bytes);
    // The next text message, answering pings on the way; nullopt on close or timeout.
    std::optional<std::string> receive(std::chrono::milliseconds timeout);
    // Close code from the server's close frame, if one came.
    std::optional<int> close_code() const { return close_code_; }
    const std::string& close_reason() const { return close_reason_; }
    // The server closed the connection (a close frame, or the socket ended).
    bool closed() const { return closed_; }

  private:
    int fd_ = -1;
    std::string buffer_;
    std::optional<int> close_code_;
    std::string close_reason_;
    bool closed_ = false;
    void send_frame(int opcode, const std::string& payload);
};

// Refuses connection: the server answered the handshake with something else than 101.
// `origin`, if given, is sent as the Origin header (what a browser page would send).
int websocket_handshake_status(int port, const std::string& target, const std::string& origin = "");

}  // namespace stagehub::testing
