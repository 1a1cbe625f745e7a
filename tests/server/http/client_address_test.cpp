// The client address behind a reverse proxy: X-Forwarded-For believed only from trusted
// peers, and of it only what trusted proxies wrote.
#include "server/http/client_address.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace stagehub::server {
namespace {

TrustedProxies trusting(const std::vector<std::string>& ranges) {
    return TrustedProxies::parse(ranges);
}

TEST(AddressRangeTest, ParsesAddressesAndRangesOfBothFamilies) {
    for (const char* good : {"192.0.2.10", "10.0.0.0/8", "0.0.0.0/0", "192.0.2.10/32", "::1",
                             "2001:db8::/32", "::/0", "::ffff:10.0.0.1", "fe80::/10"}) {
        EXPECT_TRUE(AddressRange::parse(good)) << good;
    }
}

TEST(AddressRangeTest, RefusesWhatIsNoAddressOrRange) {
    for (const char* bad :
         {"", "localhost", "10.0.0", "10.0.0.256", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x",
          "10.0.0.0/-1", "2001:db8::/129", "10.0.0.1/8", "2001:db8::1/32", "[::1]", "192.0.2.1:80",
          " 10.0.0.1", "fe80::1%eth0", "10.0.0.0/8/8"}) {
        EXPECT_FALSE(AddressRange::parse(bad)) << bad;
    }
}

TEST(AddressRangeTest, ContainsByPrefix) {
    const auto ten = AddressRange::parse("10.0.0.0/8");
    ASSERT_TRUE(ten);
    EXPECT_TRUE(ten->contains(*parse_ip("10.255.1.2")));
    EXPECT_FALSE(ten->contains(*parse_ip("11.0.0.1")));
    // The IPv4-mapped form a dual-stack socket reports is the same address.
    EXPECT_TRUE(ten->contains(*parse_ip("::ffff:10.1.2.3")));
    EXPECT_FALSE(ten->contains(*parse_ip("::a01:203")));  // ::10.1.2.3, not mapped

    const auto odd = AddressRange::parse("192.0.2.64/27");
    ASSERT_TRUE(odd);
    EXPECT_TRUE(odd->contains(*parse_ip("192.0.2.95")));
    EXPECT_FALSE(odd->contains(*parse_ip("192.0.2.96")));
    EXPECT_FALSE(odd->contains(*parse_ip("192.0.2.63")));

    const auto v6 = AddressRange::parse("2001:db8:abcd::/48");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->contains(*parse_ip("2001:DB8:ABCD:1::5")));
    EXPECT_FALSE(v6->contains(*parse_ip("2001:db8:abce::5")));

    const auto everything = AddressRange::parse("0.0.0.0/0");
    ASSERT_TRUE(everything);
    EXPECT_TRUE(everything->contains(*parse_ip("203.0.113.9")));
    EXPECT_FALSE(everything->contains(*parse_ip("2001:db8::1"))) << "IPv4's /0 is not IPv6";
}

TEST(ClientAddressTest, WithoutTrustedProxiesThePeerIsTheClient) {
    const TrustedProxies none;
    EXPECT_EQ(none.client_of("198.51.100.7", "203.0.113.9"), "198.51.100.7");
    EXPECT_EQ(none.client_of("127.0.0.1", ""), "127.0.0.1");
}

TEST(ClientAddressTest, AnUntrustedPeerCannotPickItsAddress) {
    const TrustedProxies proxies = trusting({"10.0.0.5"});
    // An attacker connecting directly sends whatever header it likes: not believed.
    EXPECT_EQ(proxies.client_of("198.51.100.7", "203.0.113.9"), "198.51.100.7");
    EXPECT_EQ(proxies.client_of("198.51.100.7", "10.0.0.5"), "198.51.100.7");
    EXPECT_EQ(proxies.client_of("198.51.100.7", "garbage"), "198.51.100.7");
}

TEST(ClientAddressTest, ATrustedProxyNamesTheClient) {
    const TrustedProxies proxies = trusting({"10.0.0.5"});
    EXPECT_EQ(proxies.client_of("10.0.0.5", "203.0.113.9"), "203.0.113.9");
    EXPECT_EQ(proxies.client_of("10.0.0.5", " 203.0.113.9 "), "203.0.113.9");
    // The proxy named no one: the request is the proxy's own.
    EXPECT_EQ(proxies.client_of("10.0.0.5", ""), "10.0.0.5");
}

TEST(ClientAddressTest, AClientSpoofingThroughTheProxyGetsItsOwnAddress) {
    const TrustedProxies proxies = trusting({"10.0.0.5"});
    // The client sent "X-Forwarded-For: 192.0.2.1" and the proxy appended the real peer.
    EXPECT_EQ(proxies.client_of("10.0.0.5", "192.0.2.1, 203.0.113.9"), "203.0.113.9");
    // Naming the proxy itself leftmost does not help either.
    EXPECT_EQ(proxies.client_of("10.0.0.5", "10.0.0.5, 203.0.113.9"), "203.0.113.9");
    EXPECT_EQ(proxies.client_of("10.0.0.5", "not-an-address, 203.0.113.9"), "203.0.113.9");
}

TEST(ClientAddressTest, SkipsEveryTrustedProxyInTheChain) {
    // A load balancer (10.1.0.0/16) in front of nginx (10.0.0.5) in front of stagehub.
    const TrustedProxies proxies = trusting({"10.0.0.5", "10.1.0.0/16"});
    EXPECT_EQ(proxies.client_of("10.0.0.5", "203.0.113.9, 10.1.2.3"), "203.0.113.9");
    EXPECT_EQ(proxies.client_of("10.0.0.5", "192.0.2.1, 203.0.113.9, 10.1.2.3"), "203.0.113.9");
    // A proxy we do not trust in the chain: it is the client as far as we can tell.
    EXPECT_EQ(proxies.client_of("10.0.0.5", "203.0.113.9, 172.16.0.1, 10.1.2.3"), "172.16.0.1");
    // Every entry a trusted proxy: the left-most is the nearest thing to a client.
    EXPECT_EQ(proxies.client_of("10.0.0.5", "10.1.0.9, 10.1.2.3"), "10.1.0.9");
}

TEST(ClientAddressTest, IPv6ClientsAndProxies) {
    const TrustedProxies proxies = trusting({"::1", "2001:db8:ffff::/48"});
    EXPECT_EQ(proxies.client_of("::1", "2001:DB8:0:0::42"), "2001:db8::42") << "written one way";
    EXPECT_EQ(proxies.client_of("::1", "[2001:db8::42]:51000"), "2001:db8::42");
    EXPECT_EQ(proxies.client_of("::1", "[2001:db8::42]"), "2001:db8::42");
    EXPECT_EQ(proxies.client_of("::1", "2001:db8::42, 2001:db8:ffff::1"), "2001:db8::42");
    EXPECT_EQ(proxies.client_of("::1", "203.0.113.9:4711"), "203.0.113.9");
    // An IPv4 proxy as a dual-stack socket reports it.
    const TrustedProxies v4 = trusting({"127.0.0.1"});
    EXPECT_EQ(v4.client_of("::ffff:127.0.0.1", "203.0.113.9"), "203.0.113.9");
    EXPECT_EQ(v4.client_of("::ffff:127.0.0.1", "::ffff:203.0.113.9"), "203.0.113.9");
}

TEST(ClientAddressTest, MalformedEntriesStopAtTheLastAddressBelieved) {
    const TrustedProxies proxies = trusting({"10.0.0.5", "10.1.0.0/16"});
    for (const char* header :
         {"unknown", "garbage", "203.0.113.9;", "203.0.113.256", "2001:db8::1:80x", "[2001:db8::1",
          "[::1]80", "203.0.113.9:", "203.0.113.9:123456", "fe80::1%eth0", "2001:db8:1",
          "\"203.0.113.9\"", "203.0.113.9 203.0.113.8"}) {
        EXPECT_EQ(proxies.client_of("10.0.0.5", header), "10.0.0.5") << header;
    }
    // Garbage behind a trusted hop: the hop that wrote it is as far as we believe.
    EXPECT_EQ(proxies.client_of("10.0.0.5", "garbage, 10.1.2.3"), "10.1.2.3");
    // Empty list elements are skipped, as HTTP lists allow them.
    EXPECT_EQ(proxies.client_of("10.0.0.5", "203.0.113.9,,"), "203.0.113.9");
    EXPECT_EQ(proxies.client_of("10.0.0.5", " , "), "10.0.0.5");
}

TEST(ClientAddressTest, ALongHeaderIsWalkedOnlyAsFarAsTrusted) {
    const TrustedProxies proxies = trusting({"10.0.0.5"});
    std::string header;
    for (int i = 0; i < 2000; ++i)
        header += "192.0.2." + std::to_string(i % 250) + ", ";
    header += "203.0.113.9";
    EXPECT_EQ(proxies.client_of("10.0.0.5", header), "203.0.113.9");
}

TEST(ClientAddressTest, ParseRefusesWhatTheOptionWouldRefuse) {
    EXPECT_THROW(TrustedProxies::parse({"10.0.0.1", "proxy.example"}), std::invalid_argument);
    EXPECT_TRUE(TrustedProxies::parse({}).empty());
}

TEST(ClientAddressTest, TrustsAnswersForAnAddressText) {
    const TrustedProxies proxies = trusting({"10.0.0.0/8"});
    EXPECT_TRUE(proxies.trusts("10.2.3.4"));
    EXPECT_TRUE(proxies.trusts("::ffff:10.2.3.4"));
    EXPECT_FALSE(proxies.trusts("11.2.3.4"));
    EXPECT_FALSE(proxies.trusts("not an address"));
    EXPECT_FALSE(TrustedProxies().trusts("10.2.3.4"));
}

}  // namespace
}  // namespace stagehub::server
