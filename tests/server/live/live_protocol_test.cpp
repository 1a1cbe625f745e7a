#include "server/live/live_protocol.hpp"

#include <gtest/gtest.h>

namespace stagehub::server {
namespace {

std::string refusal(std::string_view text) {
    const auto parsed = parse_client_message(text, 4);
    return parsed ? "" : std::string(to_string(parsed.error().code));
}

TEST(LiveProtocol, RefusesWholeMessagesThatAreNotRequests) {
    EXPECT_EQ(refusal("not json"), "bad_json");
    EXPECT_EQ(refusal("[1, 2]"), "bad_json");
    EXPECT_EQ(refusal(R"({"type": "publish"})"), "unsupported");
    EXPECT_EQ(refusal(R"({"channels": ["ops"]})"), "unsupported");
    EXPECT_EQ(refusal(R"({"type": "subscribe", "token": ""})"), "unauthorized");
    EXPECT_EQ(refusal(R"({"type": "subscribe", "token": 7})"), "unauthorized");
    EXPECT_EQ(refusal(R"({"type": "auth"})"), "unauthorized");
}

TEST(LiveProtocol, ATokenComesBeforeAFaultInTheChannelList) {
    const auto parsed = parse_client_message(R"({"type": "subscribe", "token": "t"})", 4);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->token, "t");
    ASSERT_FALSE(parsed->channels);
    EXPECT_EQ(parsed->channels.error().code, "bad_request");
    const auto many =
        parse_client_message(R"({"type": "subscribe", "channels": ["a", "b", "c", "d", "e"]})", 4);
    ASSERT_TRUE(many);
    ASSERT_FALSE(many->channels);
    EXPECT_EQ(many->channels.error().code, "too_many_subscriptions");
}

TEST(LiveProtocol, AuthCarriesOnlyItsToken) {
    const auto parsed = parse_client_message(R"({"type": "auth", "token": "t", "channels": 3})", 4);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->type, ClientMessageType::auth);
    EXPECT_EQ(parsed->token, "t");
    ASSERT_TRUE(parsed->channels);
    EXPECT_TRUE(parsed->channels->empty());
}

TEST(LiveProtocol, EachItemIsANameOrAResumeAndIsRefusedAlone) {
    const auto parsed = parse_client_message(
        R"({"type": "unsubscribe", "channels": ["now:a", {"channel": "agenda:e", "rev": 3},
            7, {"channel": "agenda:e", "rev": -1}]})",
        4);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->type, ClientMessageType::unsubscribe);
    EXPECT_TRUE(parsed->token.empty());
    ASSERT_TRUE(parsed->channels);
    const auto& items = *parsed->channels;
    ASSERT_EQ(items.size(), 4u);
    EXPECT_EQ(items[0].name, "now:a");
    EXPECT_FALSE(items[0].rev);
    EXPECT_FALSE(items[0].refused);
    EXPECT_EQ(items[1].name, "agenda:e");
    EXPECT_EQ(items[1].rev, 3);
    EXPECT_FALSE(items[1].refused);
    EXPECT_TRUE(items[2].name.empty());
    ASSERT_TRUE(items[2].refused);
    EXPECT_EQ(items[2].refused->code, "bad_request");
    EXPECT_EQ(items[3].name, "agenda:e");
    ASSERT_TRUE(items[3].refused);
    EXPECT_EQ(items[3].refused->code, "bad_request");
}

}  // namespace
}  // namespace stagehub::server
