// Loopback ports for tests: a port nobody uses right now, and waits until a child process
// has bound or is listening on one (so a sender never calls a listener that is not up yet).
#pragma once

#include <chrono>

namespace stagehub::testing {

// A port that was free on 127.0.0.1 a moment ago: bound to port 0, read back, closed.
// Another process may take it before the caller does; tests live with that small race.
int free_tcp_port();
int free_udp_port();

// Polls until 127.0.0.1:port accepts a TCP connection; false after `timeout`.
bool wait_for_tcp_listen(int port, std::chrono::milliseconds timeout);

// Polls /proc/net/udp{,6} until some socket is bound to the UDP port (an SRT listener);
// false after `timeout`. Reads the kernel's table instead of trying to bind the port,
// which would steal it from a listener that binds a moment later.
bool wait_for_udp_bound(int port, std::chrono::milliseconds timeout);

}  // namespace stagehub::testing
