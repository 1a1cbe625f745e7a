// Waiting in broadcast tests: the test's thread iterates its own thread-default context, as
// the server's loop thread would, until a condition holds.
#pragma once

#include <glib.h>

#include <chrono>
#include <functional>

namespace stagehub::server {

// Iterates `context` until `done` or the timeout; returns `done()`.
inline bool run_until(GMainContext* context, const std::function<bool()>& done,
                      std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline)
        g_main_context_iteration(context, FALSE) || (g_usleep(10'000), true);
    return done();
}

}  // namespace stagehub::server
