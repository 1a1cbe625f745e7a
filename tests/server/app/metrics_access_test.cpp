// Who may read /metrics, and the route class of a request (the label of its count).
#include "server/app/metrics_access.hpp"

#include <gtest/gtest.h>

#include "server/app/request_class.hpp"

namespace stagehub::server {
namespace {

HttpRequest from(std::string peer, std::string forwarded = "", std::string authorization = "") {
    HttpRequest request;
    request.path = "/metrics";
    request.peer = std::move(peer);
    request.forwarded_for = std::move(forwarded);
    request.authorization = std::move(authorization);
    return request;
}

TEST(MetricsAccess, LoopbackIsLocalUnlessAProxyForwardedIt) {
    EXPECT_TRUE(is_loopback("127.0.0.1"));
    EXPECT_TRUE(is_loopback("127.3.2.1"));
    EXPECT_TRUE(is_loopback("::1"));
    EXPECT_TRUE(is_loopback("::ffff:127.0.0.1"));
    EXPECT_FALSE(is_loopback("10.0.0.1"));
    EXPECT_FALSE(is_loopback("::ffff:10.0.0.1"));
    EXPECT_FALSE(is_loopback("1270.0.0.1x"));  // lws gives addresses; this is no address
    EXPECT_FALSE(is_loopback(""));

    const std::optional<std::string> none;
    EXPECT_FALSE(refuse_metrics(from("127.0.0.1"), none));
    EXPECT_FALSE(refuse_metrics(from("::1", "", "Bearer whatever"), none));
    const auto proxied = refuse_metrics(from("127.0.0.1", "198.51.100.4"), none);
    ASSERT_TRUE(proxied);
    EXPECT_EQ(proxied->status, 403);
    ASSERT_TRUE(refuse_metrics(from("192.0.2.1"), none));
    EXPECT_EQ(refuse_metrics(from("192.0.2.1"), none)->status, 403);
}

TEST(MetricsAccess, WithATokenOthersMustShowIt) {
    const std::optional<std::string> token = "0123456789abcdef";
    EXPECT_FALSE(refuse_metrics(from("192.0.2.1", "", "Bearer 0123456789abcdef"), token));
    EXPECT_FALSE(refuse_metrics(from("127.0.0.1", "192.0.2.1", "Bearer 0123456789abcdef"), token));
    EXPECT_FALSE(refuse_metrics(from("127.0.0.1"), token));
    for (const char* wrong : {"", "Bearer 0123456789abcdeF", "Bearer 0123456789abcde",
                              "0123456789abcdef", "Basic 0123456789abcdef"}) {
        const auto refused = refuse_metrics(from("192.0.2.1", "", wrong), token);
        ASSERT_TRUE(refused) << wrong;
        EXPECT_EQ(refused->status, 401) << wrong;
    }
    // A local client that sends a token must send the right one.
    EXPECT_TRUE(refuse_metrics(from("127.0.0.1", "", "Bearer nope"), token));
}

TEST(RequestClass, ABoundedSetWhateverThePath) {
    EXPECT_EQ(request_class_of("/api/v1/programme", false), RequestClass::api);
    EXPECT_EQ(request_class_of("/api/v1/health", false), RequestClass::health);
    EXPECT_EQ(request_class_of("/api/v1/stages/stora-salen/health", false), RequestClass::health);
    EXPECT_EQ(request_class_of("/metrics", false), RequestClass::metrics);
    EXPECT_EQ(request_class_of("/live/stora-salen/index.m3u8", false), RequestClass::live_media);
    EXPECT_EQ(request_class_of("/live/stora-salen/source/seg-a-1.ts", true),
              RequestClass::replay_media);
    EXPECT_EQ(request_class_of("/posters/x.jpg", false), RequestClass::posters);
    EXPECT_EQ(request_class_of("/watch/stora-salen", false), RequestClass::page);
    EXPECT_EQ(request_class_of("/embed/stora-salen", false), RequestClass::page);
    EXPECT_EQ(request_class_of("/ws", false), RequestClass::websocket);
    EXPECT_EQ(request_class_of("/app.mjs", false), RequestClass::static_file);
    EXPECT_EQ(request_class_of("/../../etc/passwd", false), RequestClass::static_file);
    for (const RequestClass c : kRequestClasses)
        EXPECT_FALSE(name_of(c).empty());
}

}  // namespace
}  // namespace stagehub::server
