#include "ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

namespace stagehub::testing {

namespace {

sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

// sockaddr_in and sockaddr are the C socket API's interchangeable views of one address.
sockaddr* as_sockaddr(sockaddr_in* address) {
    return reinterpret_cast<sockaddr*>(address);
}

int free_port(int type) {
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error("socket() failed");
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    if (bind(fd, as_sockaddr(&address), sizeof address) != 0 ||
        getsockname(fd, as_sockaddr(&address), &length) != 0) {
        close(fd);
        throw std::runtime_error("binding port 0 on 127.0.0.1 failed");
    }
    close(fd);
    return ntohs(address.sin_port);
}

bool tcp_accepts(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in address = loopback(port);
    bool connected = connect(fd, as_sockaddr(&address), sizeof address) == 0;
    close(fd);
    return connected;
}

// One line of /proc/net/udp: "sl local_address rem_address st ...", the local address as
// hex "0100007F:1B59"; the port is the hex after the colon.
bool udp_table_has_port(const char* table, int port) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot;
        std::string local;
        fields >> slot >> local;
        auto colon = local.rfind(':');
        if (colon != std::string::npos && std::stoi(local.substr(colon + 1), nullptr, 16) == port)
            return true;
    }
    return false;
}

template <typename Predicate>
bool poll_until(std::chrono::milliseconds timeout, Predicate ready) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!ready()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

}  // namespace

int free_tcp_port() {
    return free_port(SOCK_STREAM);
}

int free_udp_port() {
    return free_port(SOCK_DGRAM);
}

bool wait_for_tcp_listen(int port, std::chrono::milliseconds timeout) {
    return poll_until(timeout, [port] { return tcp_accepts(port); });
}

bool wait_for_udp_bound(int port, std::chrono::milliseconds timeout) {
    return poll_until(timeout, [port] {
        return udp_table_has_port("/proc/net/udp", port) ||
               udp_table_has_port("/proc/net/udp6", port);
    });
}

}  // namespace stagehub::testing
