// What the public internet sends that no browser would, against the real server on a
// loopback port: every request gets a clear answer (status + JSON error) or a clean close,
// the process keeps running, and no slow or greedy client holds the server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "running_server.hpp"

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using stagehub::testing::HttpReply;
using stagehub::testing::WebsocketClient;

constexpr const char* kEvent = "tillsammans-for-fornyelse";

// How a raw exchange ended: what came back, and whether the server closed the connection
// with a FIN (end), a reset, or not at all within the wait.
struct RawOutcome {
    std::string bytes;
    enum class End { open, closed, reset } end = End::open;

    int status() const {
        if (bytes.rfind("HTTP/1.1 ", 0) != 0)
            return 0;
        return std::stoi(bytes.substr(9, 3));
    }
    int answers() const {
        int n = 0;
        for (size_t at = bytes.find("HTTP/1.1 "); at != std::string::npos;
             at = bytes.find("HTTP/1.1 ", at + 1))
            ++n;
        return n;
    }
    json error() const {
        const size_t body = bytes.find("\r\n\r\n");
        const size_t next = bytes.find("HTTP/1.1 ", body);
        return json::parse(
            bytes.substr(body + 4, next == std::string::npos ? next : next - body - 4), nullptr,
            false);
    }
};

class RawConnection {
  public:
    explicit RawConnection(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            throw std::runtime_error("cannot connect");
    }
    ~RawConnection() { ::close(fd_); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // False when the server has closed (a send into a reset connection fails).
    bool send(const std::string& bytes) {
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(bytes.size());
    }

    // Reads until the server closes or `wait` passes without a byte.
    RawOutcome read(std::chrono::milliseconds wait) {
        RawOutcome outcome;
        char buffer[65536];
        for (;;) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0)
                return outcome;
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n == 0) {
                outcome.end = RawOutcome::End::closed;
                return outcome;
            }
            if (n < 0) {
                outcome.end = RawOutcome::End::reset;
                return outcome;
            }
            outcome.bytes.append(buffer, static_cast<size_t>(n));
        }
    }

  private:
    int fd_ = -1;
};

RawOutcome send_raw(int port, const std::string& bytes, std::chrono::milliseconds wait = 800ms) {
    RawConnection connection(port);
    connection.send(bytes);
    return connection.read(wait);
}

std::string nested(size_t levels) {
    return std::string(levels, '[') + std::string(levels, ']');
}

class HostileInputTest : public ::testing::Test {
  protected:
    RunningServer server{1.0, [](Options& o) {
                             o.header_timeout_s = 2;
                             o.body_timeout_s = 2;
                             o.connections_per_address = 16;
                         }};

    void expect_alive() {
        const HttpReply health = server.call("GET", "/api/v1/health");
        EXPECT_EQ(health.status, 200);
    }
};

// The reproduced crash: an organiser's body nested 300,000 deep (600 KB, under the 1 MiB
// limit) overflowed the stack and killed the server. Now a 400 on every way in.
TEST_F(HostileInputTest, DeeplyNestedJsonIsA400OnEveryWayIn) {
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent);
    const std::string deep = "{\"minutes\":" + nested(300'000) + "}";
    const HttpReply edit = stagehub::testing::http_request(
        server.port, "POST",
        std::string("/api/v1/events/") + kEvent + "/sessions/idesslussen/delay", deep,
        "application/json", organiser);
    EXPECT_EQ(edit.status, 400) << edit.body.substr(0, 200);
    EXPECT_EQ(json::parse(edit.body)["error"]["code"], "bad_json");

    const HttpReply beat = stagehub::testing::http_request(
        server.port, "POST", "/api/v1/heartbeats", deep, "application/json");
    EXPECT_EQ(beat.status, 400);

    const HttpReply import = stagehub::testing::http_request(
        server.port, "POST", "/api/v1/events/import", "{\"schedule\":" + nested(300'000) + "}",
        "application/json", organiser);
    EXPECT_EQ(import.status / 100, 4) << import.body.substr(0, 200);

    WebsocketClient socket(server.port, "/ws");
    socket.send_text(nested(30'000));  // under the 64 KiB message limit
    bool refused = false;
    for (int i = 0; i < 10 && !refused; ++i) {
        const auto message = socket.receive(2s);
        ASSERT_TRUE(message.has_value());
        const json parsed = json::parse(*message);
        refused = parsed.value("type", "") == "error" && parsed["error"]["code"] == "bad_json";
    }
    EXPECT_TRUE(refused);
    expect_alive();
}

// `?x=<1,100 bytes>&dry_run=true` used to lose everything after the long argument: the
// dry run was committed for real.
TEST_F(HostileInputTest, QueryArgumentsAreTakenWholeOrRefused) {
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent);
    const int64_t before = json::parse(server.call("GET", "/api/v1/health").body)["revision"];
    const HttpReply dry = stagehub::testing::http_request(
        server.port, "POST",
        std::string("/api/v1/events/") + kEvent +
            "/sessions/idesslussen/delay?x=" + std::string(1100, 'a') + "&dry_run=true",
        R"({"minutes": 5})", "application/json", organiser);
    EXPECT_EQ(dry.status, 200) << dry.body;
    EXPECT_EQ(json::parse(server.call("GET", "/api/v1/health").body)["revision"], before)
        << "a dry run must not store anything";

    // The argument after a long one is read: here it is malformed, so the answer says so.
    const HttpReply since =
        server.call("GET", "/api/v1/programme?x=" + std::string(2000, 'b') + "&since=abc");
    EXPECT_EQ(since.status, 400) << since.body;

    for (const std::string& target :
         {std::string("/api/v1/programme?since=1%07"), std::string("/api/v1/programme?a=%7Fb"),
          std::string("/api/v1/programme?=x")}) {
        const HttpReply bad = server.call("GET", target);
        EXPECT_EQ(bad.status, 400) << target;
        EXPECT_EQ(json::parse(bad.body)["error"]["code"], "bad_query") << target;
    }
    std::string many = "/api/v1/programme?";
    for (int i = 0; i < 65; ++i)
        many.append("a").append(std::to_string(i)).append("=1&");
    EXPECT_EQ(server.call("GET", many).status, 400);
    expect_alive();
}

TEST_F(HostileInputTest, ALongAddressIs414AndAVeryLongOneStillGetsAnAnswer) {
    for (const size_t length : {5'000u, 9'000u, 20'000u}) {
        const RawOutcome outcome =
            send_raw(server.port, "GET /api/v1/health?x=" + std::string(length, 'a') +
                                      " HTTP/1.1\r\nHost: x\r\n\r\n");
        const int expected = length > 8 * 1024 ? 414 : 200;
        EXPECT_EQ(outcome.status(), expected) << length;
        if (expected == 414) {
            EXPECT_EQ(outcome.error()["error"]["code"], "uri_too_long");
        }
    }
    expect_alive();
}

// A header over 8 KiB would read as absent, and absence means something: no X-Forwarded-For
// is a local request (/metrics without a token), no Authorization the public. Such a request
// is refused whole, on HTTP and on the websocket, and the server goes on.
TEST_F(HostileInputTest, AHeaderOver8KiBIs431NotReadAsAbsent) {
    const std::string padding(9'000, '1');
    for (const std::string& header :
         {"X-Forwarded-For: " + padding, "Authorization: Bearer " + padding,
          "Content-Type: application/json" + padding}) {
        const RawOutcome outcome =
            send_raw(server.port, "GET /metrics HTTP/1.1\r\nHost: x\r\n" + header + "\r\n\r\n");
        EXPECT_EQ(outcome.status(), 431) << header.substr(0, 20);
        EXPECT_EQ(outcome.error()["error"]["code"], "header_too_large") << header.substr(0, 20);
    }
    const RawOutcome upgrade =
        send_raw(server.port,
                 "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                 "X-Forwarded-For: " +
                     padding + "\r\n\r\n");
    EXPECT_NE(upgrade.status(), 101) << "the websocket must not open";
    // Just under the limit is an ordinary request.
    EXPECT_EQ(send_raw(server.port, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " +
                                        std::string(8'000, '1') + "\r\n\r\n")
                  .status(),
              200);
    expect_alive();
}

// lws 4.1 cannot decode a chunked body (it hung): refused at once, and the connection ends
// with a FIN after the answer, as for a length that is no number.
TEST_F(HostileInputTest, ChunkedBodiesAre411AndTheConnectionEndsCleanly) {
    const RawOutcome chunked =
        send_raw(server.port,
                 "POST /api/v1/heartbeats HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n7\r\n{\"a\":1}\r\n0\r\n\r\n");
    EXPECT_EQ(chunked.status(), 411);
    EXPECT_EQ(chunked.error()["error"]["code"], "length_required");
    EXPECT_EQ(chunked.end, RawOutcome::End::closed);

    // Without a length and without chunks there is no body (as curl -X POST sends it).
    const RawOutcome no_length =
        send_raw(server.port, "POST /api/v1/heartbeats HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(no_length.status(), 400);
    EXPECT_EQ(no_length.error()["error"]["code"], "bad_json");

    const RawOutcome bad_length = send_raw(
        server.port, "POST /api/v1/heartbeats HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n");
    EXPECT_EQ(bad_length.status(), 400);
    EXPECT_EQ(bad_length.end, RawOutcome::End::closed);
    expect_alive();
}

// A body that is too large is refused from its declared length, and the sender's bytes are
// read and dropped until it has sent them: it gets the 413 and a FIN, never a reset.
TEST_F(HostileInputTest, ABodyTooLargeIs413WithoutAReset) {
    RawConnection connection(server.port);
    connection.send(
        "POST /api/v1/heartbeats HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
        "\r\nContent-Length: 2000000\r\n\r\n");
    const std::string chunk(64 * 1024, 'x');
    for (int i = 0; i < 30; ++i) {
        if (!connection.send(chunk))
            break;
    }
    const RawOutcome outcome = connection.read(4000ms);
    EXPECT_EQ(outcome.status(), 413);
    EXPECT_NE(outcome.end, RawOutcome::End::reset);
    expect_alive();
}

// A body sent to a route or file that takes none is answered, and the kept-alive
// connection goes on with the next request.
TEST_F(HostileInputTest, ABodyWhereNoneBelongsIsAnsweredAndTheConnectionGoesOn) {
    const std::string body = R"({"a":1})";
    const std::string next = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
    for (const std::string& head :
         {std::string("POST /api/v1/health"), std::string("DELETE /api/v1/nothing"),
          std::string("GET /api/v1/health"), std::string("PUT /index.html"),
          std::string("OPTIONS /api/v1/health")}) {
        const RawOutcome outcome =
            send_raw(server.port, head +
                                      " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                      "Content-Length: 7\r\n\r\n" +
                                      body + next);
        EXPECT_EQ(outcome.answers(), 2) << head << ": " << outcome.bytes.substr(0, 200);
        EXPECT_NE(outcome.end, RawOutcome::End::reset) << head;
    }
}

// Slowloris: a head trickled in, or a body, no longer holds a connection for as long as
// the sender likes.
TEST_F(HostileInputTest, SlowHeadsAreDroppedAndSlowBodiesAre408) {
    {
        RawConnection connection(server.port);
        connection.send("GET /api/v1/health HTTP/1.1\r\n");
        const auto start = std::chrono::steady_clock::now();
        bool closed = false;
        while (std::chrono::steady_clock::now() - start < 8s && !closed) {
            if (!connection.send("X"))
                break;
            const RawOutcome outcome = connection.read(300ms);
            closed = outcome.end != RawOutcome::End::open;
        }
        EXPECT_TRUE(closed) << "a head trickled for 8 s was still being read";
        EXPECT_LT(std::chrono::steady_clock::now() - start, 6s);
    }
    {
        RawConnection connection(server.port);
        connection.send(
            "POST /api/v1/heartbeats HTTP/1.1\r\nHost: x\r\nContent-Type: "
            "application/json\r\nContent-Length: 100\r\n\r\n");
        const auto start = std::chrono::steady_clock::now();
        RawOutcome outcome;
        while (std::chrono::steady_clock::now() - start < 8s && outcome.bytes.empty()) {
            if (!connection.send("{"))
                break;
            outcome = connection.read(400ms);
        }
        EXPECT_EQ(outcome.status(), 408) << outcome.bytes;
        EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    }
    expect_alive();
}

// One address may hold so many connections at once (16 here); more are closed at once,
// and a freed place can be taken again.
TEST_F(HostileInputTest, ConnectionsPerAddressAreCapped) {
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 16; ++i) {
        held.push_back(std::make_unique<RawConnection>(server.port));
        held.back()->send("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
        // Quickly: an idle kept-alive connection is closed by the server after 5 s.
        ASSERT_EQ(held.back()->read(100ms).status(), 200) << i;
    }
    {
        RawConnection extra(server.port);
        extra.send("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawOutcome refused = extra.read(1500ms);
        EXPECT_EQ(refused.status(), 0);
        EXPECT_NE(refused.end, RawOutcome::End::open);
    }
    held.pop_back();
    std::this_thread::sleep_for(300ms);
    RawConnection again(server.port);
    again.send("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(again.read(1000ms).status(), 200);
}

}  // namespace
}  // namespace stagehub::server
