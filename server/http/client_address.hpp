// Which address a request comes from: the address of the peer that connected, or, when that
// peer is a reverse proxy the operator trusts (--trusted-proxy), the client that proxy names
// in X-Forwarded-For. Every per-address limit (websockets, rate limits, failed tokens) and
// every log line that names a client use this address, so an attacker must not be able to
// choose it: a header from any other peer is ignored.
//
// Threads: any (values only; built once at start).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stagehub::server {

// An IPv4 or IPv6 address as 16 bytes; IPv4 as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so
// "10.0.0.1" and the "::ffff:10.0.0.1" a dual-stack socket reports are one address.
using IpBytes = std::array<uint8_t, 16>;

// The address `text` spells (nothing else: no port, no brackets, no zone), or nullopt.
std::optional<IpBytes> parse_ip(std::string_view text);
// The address written the one way (inet_ntop; IPv4-mapped as plain IPv4).
std::string ip_text(const IpBytes& address);

// An address or a CIDR range ("192.0.2.10", "10.0.0.0/8", "2001:db8::/32", "::1").
class AddressRange {
  public:
    // Nullopt when `text` is not an address with an optional /BITS within its family's width.
    // Bits past the prefix must be zero ("10.0.0.1/8" is refused: its writer meant something).
    static std::optional<AddressRange> parse(std::string_view text);
    bool contains(const IpBytes& address) const;

  private:
    IpBytes network_{};
    unsigned prefix_bits_ = 128;  // of the 16-byte form (an IPv4 /8 is 104)
};

// The reverse proxies whose X-Forwarded-For is believed.
class TrustedProxies {
  public:
    TrustedProxies() = default;
    explicit TrustedProxies(std::vector<AddressRange> ranges) : ranges_(std::move(ranges)) {}
    // From their texts, as --trusted-proxy has checked them; throws std::invalid_argument
    // naming one that is no address or range.
    static TrustedProxies parse(const std::vector<std::string>& ranges);

    bool empty() const { return ranges_.empty(); }
    bool trusts(std::string_view address) const;

    // The client a request comes from. From a peer that is not trusted: the peer, whatever
    // the header says. From a trusted one: the right-most address of `forwarded_for` (the
    // X-Forwarded-For value, a comma-separated list each proxy appends its own peer to) that
    // is not itself trusted, as only the entries right of it were written by proxies we
    // trust; everything left of it is the client's say. An entry that is not an address ends
    // the walk at the last address believed (the trusted proxy that wrote it is answerable).
    // Addresses come back written one way (ip_text), so one client is one key.
    std::string client_of(std::string_view peer, std::string_view forwarded_for) const;

  private:
    bool trusts(const IpBytes& address) const;
    std::vector<AddressRange> ranges_;
};

}  // namespace stagehub::server
