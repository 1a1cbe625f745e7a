#include "server/live/channel_hub.hpp"

#include <gtest/gtest.h>

namespace stagehub::server {
namespace {

TEST(ChannelName, ParsesTheSixKindsAndNothingElse) {
    EXPECT_EQ(parse_channel("agenda:tillsammans-for-fornyelse"),
              (Channel{ChannelKind::agenda, "tillsammans-for-fornyelse"}));
    EXPECT_EQ(parse_channel("now:stora-salen"), (Channel{ChannelKind::now, "stora-salen"}));
    EXPECT_EQ(parse_channel("panel:panel-systematik"),
              (Channel{ChannelKind::panel, "panel-systematik"}));
    EXPECT_EQ(parse_channel("stats:e1"), (Channel{ChannelKind::stats, "e1"}));
    EXPECT_EQ(parse_channel("ops"), (Channel{ChannelKind::ops, ""}));
    EXPECT_EQ(parse_channel("captions:stora-salen"),
              (Channel{ChannelKind::captions, "stora-salen"}));
    for (const char* bad : {"", "agenda", "agenda:", "ops:x", "weather:today", "now:a b",
                            "agenda:../x/y", "now:ä", "AGENDA:x", ":x", "captions:", "caption:a"}) {
        EXPECT_FALSE(parse_channel(bad)) << bad;
    }
    EXPECT_FALSE(parse_channel("now:" + std::string(200, 'a'))) << "ids are short";
    EXPECT_EQ(parse_channel("panel:p1")->name(), "panel:p1");
    EXPECT_EQ(parse_channel("ops")->name(), "ops");
    EXPECT_EQ(parse_channel("captions:s1")->name(), "captions:s1");
}

TEST(ChannelHub, KeepsBothDirectionsInStepAndEnforcesTheLimit) {
    ChannelHub hub(2);
    EXPECT_EQ(hub.subscribe(1, "now:a"), ChannelHub::Added::added);
    EXPECT_EQ(hub.subscribe(1, "now:a"), ChannelHub::Added::already);
    EXPECT_EQ(hub.subscribe(1, "now:b"), ChannelHub::Added::added);
    EXPECT_EQ(hub.subscribe(1, "now:c"), ChannelHub::Added::over_limit);
    EXPECT_EQ(hub.subscribe(2, "now:a"), ChannelHub::Added::added);
    EXPECT_EQ(hub.subscribers("now:a").size(), 2u);
    EXPECT_TRUE(hub.subscribers("now:c").empty());

    EXPECT_TRUE(hub.unsubscribe(1, "now:a"));
    EXPECT_FALSE(hub.unsubscribe(1, "now:a"));
    EXPECT_EQ(hub.subscribe(1, "now:c"), ChannelHub::Added::added) << "room again";
    EXPECT_EQ(hub.channels_of(1), (std::set<std::string>{"now:b", "now:c"}));

    hub.drop(1);
    EXPECT_TRUE(hub.channels_of(1).empty());
    EXPECT_TRUE(hub.subscribers("now:b").empty());
    EXPECT_EQ(hub.subscribers("now:a").size(), 1u);
    EXPECT_EQ(hub.followed(), std::vector<std::string>{"now:a"}) << "no empty channel is kept";
}

}  // namespace
}  // namespace stagehub::server
