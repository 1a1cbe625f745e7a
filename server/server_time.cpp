#include "server/server_time.hpp"

#include <chrono>

#include "schedule/instant.hpp"

namespace stagehub::server {

std::string server_time() {
    return stagehub::format_instant_ms(
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

}  // namespace stagehub::server
