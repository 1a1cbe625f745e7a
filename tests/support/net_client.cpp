#include "net_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <random>
#include <stdexcept>

namespace stagehub::testing {
namespace {

int connect_loopback(int port, int receive_buffer_bytes = 0) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error("socket() failed");
    // Before connect(): the window the kernel offers is fixed at the handshake.
    if (receive_buffer_bytes > 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    }
    return fd;
}

void send_all(int fd, const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            throw std::runtime_error("send failed");
        sent += static_cast<size_t>(n);
    }
}

// Appends what arrives within `timeout` to `out`; false on timeout, true otherwise
// (`closed` says whether the peer closed).
bool read_some(int fd, std::string& out, std::chrono::milliseconds timeout, bool& closed) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready <= 0)
        return false;
    char chunk[16384];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    closed = n <= 0;
    if (n > 0)
        out.append(chunk, static_cast<size_t>(n));
    return true;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

HttpReply parse_reply(const std::string& raw) {
    HttpReply reply;
    const size_t head_end = raw.find("\r\n\r\n");
    if (raw.compare(0, 5, "HTTP/") != 0 || head_end == std::string::npos) {
        throw std::runtime_error("not an HTTP reply: " + raw.substr(0, 80));
    }
    reply.status = std::stoi(raw.substr(raw.find(' ') + 1, 3));
    size_t line = raw.find("\r\n") + 2;
    while (line < head_end) {
        const size_t eol = raw.find("\r\n", line);
        const std::string header = raw.substr(line, eol - line);
        const size_t colon = header.find(':');
        if (colon != std::string::npos) {
            std::string value = header.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            reply.headers[lower(header.substr(0, colon))] = value;
        }
        line = eol + 2;
    }
    reply.body = raw.substr(head_end + 4);
    return reply;
}

}  // namespace

HttpReply http_exchange(int port, const std::string& raw) {
    const int fd = connect_loopback(port);
    std::string received;
    try {
        send_all(fd, raw);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        bool closed = false;
        while (!closed) {
            if (std::chrono::steady_clock::now() > deadline ||
                !read_some(fd, received, std::chrono::seconds(10), closed)) {
                throw std::runtime_error("timed out waiting for the reply to: " +
                                         raw.substr(0, 60));
            }
        }
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    return parse_reply(received);
}

HttpReply http_get(int port, const std::string& target) {
    return http_request(port, "GET", target);
}

HttpReply http_request(int port, const std::string& method, const std::string& target,
                       const std::string& body, const std::string& content_type,
                       const std::string& bearer_token) {
    std::string raw =
        method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!bearer_token.empty())
        raw += "Authorization: Bearer " + bearer_token + "\r\n";
    if (!content_type.empty())
        raw += "Content-Type: " + content_type + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    raw += "\r\n" + body;
    return http_exchange(port, raw);
}

KeepAliveHttpClient::KeepAliveHttpClient(int port) : fd_(connect_loopback(port)) {}

KeepAliveHttpClient::~KeepAliveHttpClient() {
    ::close(fd_);
}

HttpReply KeepAliveHttpClient::request(const std::string& method, const std::string& target,
                                       const std::string& body, const std::string& content_type) {
    std::string raw = method;
    raw.append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (!content_type.empty())
        raw.append("Content-Type: ").append(content_type).append("\r\n");
    raw.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");
    raw.append(body);
    send_all(fd_, raw);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        const size_t head_end = buffer_.find("\r\n\r\n");
        if (head_end != std::string::npos) {
            HttpReply head = parse_reply(buffer_.substr(0, head_end + 4));
            const auto length = head.headers.find("content-length");
            const size_t body_length =
                length == head.headers.end() ? 0 : std::stoul(length->second);
            if (buffer_.size() >= head_end + 4 + body_length) {
                head.body = buffer_.substr(head_end + 4, body_length);
                buffer_.erase(0, head_end + 4 + body_length);
                return head;
            }
        }
        bool closed = false;
        if (std::chrono::steady_clock::now() > deadline ||
            !read_some(fd_, buffer_, std::chrono::seconds(10), closed) || closed) {
            throw std::runtime_error("no complete reply on the kept-alive connection to " + target);
        }
    }
}

namespace {

std::string handshake(const std::string& target, const std::string& origin = "",
                      const std::string& extra_headers = "") {
    std::string request = "GET " + target;
    request +=
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    if (!origin.empty())
        request.append("Origin: ").append(origin).append("\r\n");
    return request + extra_headers + "\r\n";
}

}  // namespace

int websocket_handshake_status(int port, const std::string& target, const std::string& origin) {
    const int fd = connect_loopback(port);
    send_all(fd, handshake(target, origin));
    std::string received;
    bool closed = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (received.find("\r\n") == std::string::npos && !closed &&
           std::chrono::steady_clock::now() < deadline) {
        read_some(fd, received, std::chrono::milliseconds(200), closed);
    }
    ::close(fd);
    if (received.compare(0, 5, "HTTP/") != 0)
        return 0;  // closed without an answer
    return std::stoi(received.substr(received.find(' ') + 1, 3));
}

WebsocketClient::WebsocketClient(int port, const std::string& target, int receive_buffer_bytes)
    : WebsocketClient(port, target, std::string(), receive_buffer_bytes) {}

WebsocketClient::WebsocketClient(int port, const std::string& target,
                                 const std::string& extra_headers, int receive_buffer_bytes)
    : fd_(connect_loopback(port, receive_buffer_bytes)) {
    send_all(fd_, handshake(target, "", extra_headers));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool closed = false;
    size_t head_end = std::string::npos;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (closed || std::chrono::steady_clock::now() > deadline) {
            ::close(fd_);
            throw std::runtime_error("websocket handshake failed: " + buffer_.substr(0, 80));
        }
        read_some(fd_, buffer_, std::chrono::milliseconds(200), closed);
    }
    if (buffer_.compare(0, 12, "HTTP/1.1 101") != 0) {
        const std::string head = buffer_.substr(0, head_end);
        ::close(fd_);
        throw std::runtime_error("websocket handshake refused: " + head);
    }
    buffer_.erase(0, head_end + 4);
}

WebsocketClient::~WebsocketClient() {
    if (fd_ >= 0)
        ::close(fd_);
}

void WebsocketClient::send_frame(int opcode, const std::string& payload) {
    std::string frame;
    frame.push_back(static_cast<char>(0x80 | opcode));
    const size_t n = payload.size();
    if (n < 126) {
        frame.push_back(static_cast<char>(0x80 | n));
    } else if (n < 65536) {
        frame.push_back(static_cast<char>(0x80 | 126));
        frame.push_back(static_cast<char>((n >> 8) & 0xff));
        frame.push_back(static_cast<char>(n & 0xff));
    } else {
        frame.push_back(static_cast<char>(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.push_back(static_cast<char>((n >> shift) & 0xff));
    }
    static std::mt19937 random{std::random_device{}()};
    char mask[4];
    for (char& m : mask)
        m = static_cast<char>(random() & 0xff);
    frame.append(mask, 4);
    for (size_t i = 0; i < n; ++i)
        frame.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    send_all(fd_, frame);
}

void WebsocketClient::send_text(const std::string& text) {
    send_frame(0x1, text);
}

void WebsocketClient::send_binary(const std::string& bytes) {
    send_frame(0x2, bytes);
}

std::optional<std::string> WebsocketClient::receive(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string message;
    for (;;) {
        // Parse one complete frame from the buffer if there is one.
        if (buffer_.size() >= 2) {
            const auto byte = [&](size_t i) { return static_cast<unsigned char>(buffer_[i]); };
            const bool fin = byte(0) & 0x80;
            const int opcode = byte(0) & 0x0f;
            uint64_t length = byte(1) & 0x7f;
            size_t header = 2;
            if (length == 126 && buffer_.size() >= 4) {
                length = (uint64_t{byte(2)} << 8) | byte(3);
                header = 4;
            } else if (length == 127 && buffer_.size() >= 10) {
                length = 0;
                for (size_t i = 2; i < 10; ++i)
                    length = (length << 8) | byte(i);
                header = 10;
            }
            const bool have_header = !((byte(1) & 0x7f) == 126 && buffer_.size() < 4) &&
                                     !((byte(1) & 0x7f) == 127 && buffer_.size() < 10);
            if (have_header && buffer_.size() >= header + length) {
                std::string payload = buffer_.substr(header, length);
                buffer_.erase(0, header + length);
                if (opcode == 0x8) {
                    closed_ = true;
                    close_code_ = payload.size() >= 2
                                      ? (static_cast<unsigned char>(payload[0]) << 8) |
                                            static_cast<unsigned char>(payload[1])
                                      : 1005;
                    if (payload.size() > 2)
                        close_reason_ = payload.substr(2);
                    return std::nullopt;
                }
                if (opcode == 0x9) {
                    send_frame(0xA, payload);
                    continue;
                }
                if (opcode == 0xA)
                    continue;
                message += payload;
                if (fin)
                    return message;
                continue;
            }
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return std::nullopt;
        bool closed = false;
        if (read_some(fd_, buffer_, left, closed) && closed) {
            closed_ = true;
            return std::nullopt;
        }
    }
}

}  // namespace stagehub::testing
