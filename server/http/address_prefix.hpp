// Which addresses count as one client for the per-address limits. An IPv4 address is one
// client (behind a NAT, a whole office is). An IPv6 client is not one address: a home or a
// phone is given a /64 and picks addresses in it at will (RFC 4941 privacy addresses, or
// simply any of 2^64), so a limit per /128 would be no limit. The key is the /64.
#pragma once

#include <string>
#include <string_view>

namespace stagehub::server {

// "2001:db8:1:2:a:b:c:d" → "2001:db8:1:2::/64"; IPv4 (also IPv4-mapped IPv6, written as
// IPv4) and anything unparsable come back as given.
std::string address_prefix(std::string_view address);

}  // namespace stagehub::server
