#include "server/http/address_prefix.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace stagehub::server {

std::string address_prefix(std::string_view address) {
    if (address.find(':') == std::string_view::npos || address.size() >= INET6_ADDRSTRLEN)
        return std::string(address);
    const std::string text(address);
    std::array<unsigned char, 16> bytes{};
    if (inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1)
        return text;
    constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(bytes.data(), kMapped.data(), kMapped.size()) == 0) {
        std::array<char, INET_ADDRSTRLEN> v4{};
        inet_ntop(AF_INET, bytes.data() + 12, v4.data(), v4.size());
        return v4.data();
    }
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    std::array<char, INET6_ADDRSTRLEN> v6{};
    inet_ntop(AF_INET6, bytes.data(), v6.data(), v6.size());
    return std::string(v6.data()) + "/64";
}

}  // namespace stagehub::server
