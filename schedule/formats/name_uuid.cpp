#include "schedule/formats/name_uuid.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace stagehub::schedule::formats {
namespace {

using Digest = std::array<uint8_t, 20>;

uint32_t rotate_left(uint32_t value, int bits) {
    return (value << bits) | (value >> (32 - bits));
}

// FIPS 180-4 SHA-1. Only for name-based UUIDs, as RFC 4122 prescribes, not for security.
Digest sha1(const std::vector<uint8_t>& message) {
    std::array<uint32_t, 5> h{0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
    std::vector<uint8_t> data = message;
    const uint64_t bit_length = static_cast<uint64_t>(message.size()) * 8;
    data.push_back(0x80);
    while (data.size() % 64 != 56)
        data.push_back(0);
    for (int shift = 56; shift >= 0; shift -= 8)
        data.push_back(static_cast<uint8_t>(bit_length >> shift));

    for (size_t block = 0; block < data.size(); block += 64) {
        std::array<uint32_t, 80> w{};
        for (size_t t = 0; t < 16; ++t) {
            const size_t at = block + t * 4;
            w[t] = (uint32_t{data[at]} << 24) | (uint32_t{data[at + 1]} << 16) |
                   (uint32_t{data[at + 2]} << 8) | uint32_t{data[at + 3]};
        }
        for (size_t t = 16; t < 80; ++t)
            w[t] = rotate_left(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (size_t t = 0; t < 80; ++t) {
            uint32_t f = 0;
            uint32_t k = 0;
            if (t < 20) {
                f = (b & c) | (~b & d);
                k = 0x5A827999u;
            } else if (t < 40) {
                f = b ^ c ^ d;
                k = 0x6ED9EBA1u;
            } else if (t < 60) {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8F1BBCDCu;
            } else {
                f = b ^ c ^ d;
                k = 0xCA62C1D6u;
            }
            const uint32_t next = rotate_left(a, 5) + f + e + k + w[t];
            e = d;
            d = c;
            c = rotate_left(b, 30);
            b = a;
            a = next;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
    }
    Digest digest{};
    for (size_t i = 0; i < 5; ++i) {
        for (size_t j = 0; j < 4; ++j)
            digest[i * 4 + j] = static_cast<uint8_t>(h[i] >> (24 - 8 * j));
    }
    return digest;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string uuid_v5(std::string_view namespace_uuid, std::string_view name) {
    std::vector<uint8_t> message;
    for (size_t i = 0; i + 1 < namespace_uuid.size(); ++i) {
        if (namespace_uuid[i] == '-')
            continue;
        message.push_back(static_cast<uint8_t>(hex_value(namespace_uuid[i]) * 16 +
                                               hex_value(namespace_uuid[i + 1])));
        ++i;
    }
    message.insert(message.end(), name.begin(), name.end());
    Digest bytes = sha1(message);
    bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0Fu) | 0x50u);  // version 5
    bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3Fu) | 0x80u);  // RFC 4122 variant
    constexpr std::string_view kHex = "0123456789abcdef";
    std::string text;
    for (size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text += '-';
        text += kHex[bytes[i] >> 4];
        text += kHex[bytes[i] & 0x0Fu];
    }
    return text;
}

}  // namespace stagehub::schedule::formats
