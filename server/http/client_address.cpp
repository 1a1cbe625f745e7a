#include "server/http/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace stagehub::server {
namespace {

constexpr IpBytes kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
constexpr unsigned kMappedBits = 96;

bool is_mapped_ipv4(const IpBytes& address) {
    return std::equal(address.begin(), address.begin() + 12, kMappedPrefix.begin());
}

bool all_digits(std::string_view text) {
    return !text.empty() && text.size() <= 5 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trim(std::string_view text) {
    const auto blank = [](char c) { return c == ' ' || c == '\t'; };
    while (!text.empty() && blank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && blank(text.back()))
        text.remove_suffix(1);
    return text;
}

// One X-Forwarded-For entry: an address, as proxies write it ("192.0.2.1", "2001:db8::1"),
// or with a port as some do ("192.0.2.1:4711", "[2001:db8::1]:4711", "[2001:db8::1]").
std::optional<IpBytes> parse_forwarded_entry(std::string_view entry) {
    if (entry.starts_with('[')) {
        const size_t close = entry.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        const std::string_view rest = entry.substr(close + 1);
        if (!rest.empty() && !(rest.front() == ':' && all_digits(rest.substr(1))))
            return std::nullopt;
        return parse_ip(entry.substr(1, close - 1));
    }
    if (const size_t colon = entry.find(':');
        colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
        if (!all_digits(entry.substr(colon + 1)))
            return std::nullopt;
        entry = entry.substr(0, colon);
        // "2001:db8" is not an IPv4 address with a port: only a dotted quad may carry one.
        if (entry.find('.') == std::string_view::npos)
            return std::nullopt;
    }
    return parse_ip(entry);
}

}  // namespace

std::optional<IpBytes> parse_ip(std::string_view text) {
    // inet_pton wants a C string; anything longer than the longest IPv6 text is no address.
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN)
        return std::nullopt;
    char buffer[INET6_ADDRSTRLEN] = {};
    std::memcpy(buffer, text.data(), text.size());
    IpBytes address{};
    if (text.find(':') == std::string_view::npos) {
        in_addr v4{};
        if (inet_pton(AF_INET, buffer, &v4) != 1)
            return std::nullopt;
        std::copy(kMappedPrefix.begin(), kMappedPrefix.begin() + 12, address.begin());
        std::memcpy(address.data() + 12, &v4, 4);
        return address;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, buffer, &v6) != 1)
        return std::nullopt;
    std::memcpy(address.data(), &v6, 16);
    return address;
}

std::string ip_text(const IpBytes& address) {
    char buffer[INET6_ADDRSTRLEN] = {};
    if (is_mapped_ipv4(address))
        inet_ntop(AF_INET, address.data() + 12, buffer, sizeof buffer);
    else
        inet_ntop(AF_INET6, address.data(), buffer, sizeof buffer);
    return buffer;
}

std::optional<AddressRange> AddressRange::parse(std::string_view text) {
    const size_t slash = text.find('/');
    const auto address = parse_ip(text.substr(0, slash));
    if (!address)
        return std::nullopt;
    const bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
    const unsigned width = v4 ? 32 : 128;
    unsigned bits = width;
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
            bits > width) {
            return std::nullopt;
        }
    }
    AddressRange range;
    range.network_ = *address;
    range.prefix_bits_ = v4 ? kMappedBits + bits : bits;
    IpBytes masked = *address;
    for (unsigned bit = range.prefix_bits_; bit < 128; ++bit)
        masked[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
    if (masked != *address)
        return std::nullopt;
    return range;
}

bool AddressRange::contains(const IpBytes& address) const {
    const unsigned whole = prefix_bits_ / 8;
    if (!std::equal(network_.begin(), network_.begin() + whole, address.begin()))
        return false;
    const unsigned rest = prefix_bits_ % 8;
    if (rest == 0)
        return true;
    const auto mask = static_cast<uint8_t>(0xffu << (8 - rest));
    return (network_[whole] & mask) == (address[whole] & mask);
}

TrustedProxies TrustedProxies::parse(const std::vector<std::string>& ranges) {
    std::vector<AddressRange> parsed;
    for (const std::string& text : ranges) {
        auto range = AddressRange::parse(text);
        if (!range)
            throw std::invalid_argument("not an address or range: '" + text + "'");
        parsed.push_back(*range);
    }
    return TrustedProxies(std::move(parsed));
}

bool TrustedProxies::trusts(const IpBytes& address) const {
    return std::any_of(ranges_.begin(), ranges_.end(),
                       [&](const AddressRange& range) { return range.contains(address); });
}

bool TrustedProxies::trusts(std::string_view address) const {
    const auto parsed = parse_ip(address);
    return parsed && trusts(*parsed);
}

std::string TrustedProxies::client_of(std::string_view peer, std::string_view forwarded_for) const {
    const auto peer_address = parse_ip(peer);
    if (ranges_.empty() || !peer_address || !trusts(*peer_address))
        return std::string(peer);
    IpBytes client = *peer_address;
    // From the right: each entry was appended by the proxy right of it, believed while that
    // proxy is one we trust.
    std::string_view rest = forwarded_for;
    while (!rest.empty()) {
        const size_t comma = rest.rfind(',');
        const std::string_view entry =
            trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
        if (entry.empty())
            continue;  // "a, , b": an empty list element (RFC 9110 5.6.1) says nothing
        const auto address = parse_forwarded_entry(entry);
        if (!address)
            break;
        client = *address;
        if (!trusts(client))
            break;
    }
    return ip_text(client);
}

}  // namespace stagehub::server
