// AddressRateLimit: a bucket per address, refilled with time, idle addresses forgotten.
#include "server/http/address_rate_limit.hpp"

#include <gtest/gtest.h>

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using TimePoint = AddressRateLimit::TimePoint;

const TimePoint kStart{std::chrono::milliseconds{1'800'000'000'000}};

TEST(AddressRateLimit, EachAddressHasItsOwnBurstThenItsRate) {
    AddressRateLimit limit(1.0, 3);
    for (int i = 0; i < 3; ++i)
        EXPECT_FALSE(limit.refuse("192.0.2.1", kStart)) << i;
    const auto wait = limit.refuse("192.0.2.1", kStart);
    ASSERT_TRUE(wait);
    EXPECT_GT(*wait, 990ms);
    EXPECT_LE(*wait, 1001ms);
    EXPECT_FALSE(limit.refuse("192.0.2.2", kStart)) << "another address is not affected";
    EXPECT_TRUE(limit.refuse("192.0.2.1", kStart + 999ms));
    EXPECT_FALSE(limit.refuse("192.0.2.1", kStart + 1000ms)) << "one a second after the burst";
}

TEST(AddressRateLimit, AnIpv6ClientIsItsSlash64NotEachOfItsAddresses) {
    AddressRateLimit limit(1.0, 2);
    // A phone's privacy addresses, all in its /64: one client, one bucket.
    EXPECT_FALSE(limit.refuse("2001:db8:1:2::1", kStart));
    EXPECT_FALSE(limit.refuse("2001:db8:1:2:a:b:c:d", kStart));
    EXPECT_TRUE(limit.refuse("2001:db8:1:2:ffff:ffff:ffff:fffe", kStart));
    EXPECT_TRUE(limit.exhausted("2001:db8:1:2::99", kStart));
    // The next /64 is another client; IPv4, mapped or not, is one address each.
    EXPECT_FALSE(limit.refuse("2001:db8:1:3::1", kStart));
    EXPECT_FALSE(limit.refuse("::ffff:192.0.2.7", kStart));
    EXPECT_FALSE(limit.refuse("192.0.2.7", kStart));
    EXPECT_TRUE(limit.refuse("192.0.2.7", kStart));
    EXPECT_FALSE(limit.refuse("192.0.2.8", kStart));
    EXPECT_EQ(address_prefix("2001:DB8:1:2:a:b:c:d"), "2001:db8:1:2::/64");
    EXPECT_EQ(address_prefix("::ffff:192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(address_prefix("not an address"), "not an address");
}

TEST(AddressRateLimit, IdleAddressesAreForgotten) {
    AddressRateLimit limit(1.0, 3);
    for (int i = 0; i < 1100; ++i)
        EXPECT_FALSE(limit.refuse("10.0.0." + std::to_string(i), kStart));
    EXPECT_EQ(limit.addresses(), 1100u);
    // Long enough for every bucket to be full again: the next sweep forgets them all.
    for (int i = 0; i < 2300; ++i)
        EXPECT_FALSE(limit.refuse("10.1.0." + std::to_string(i), kStart + 10s));
    EXPECT_EQ(limit.addresses(), 2300u) << "the 1100 idle ones were swept, the busy kept";
}

}  // namespace
}  // namespace stagehub::server
