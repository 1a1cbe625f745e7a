#include "server/app/page_routes.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace stagehub::server {
namespace {

struct Case {
    std::string path;
    Destination destination;
    std::string page;
};

TEST(PageRoutes, EachAddressGetsItsPage) {
    const std::vector<Case> cases = {
        {"/api/v1/health", Destination::api, ""},
        {"/ws", Destination::socket_endpoint, ""},
        {"/ws/more", Destination::static_file, ""},
        {"/embed/main", Destination::embed_page, "/embed.html"},
        {"/speaker", Destination::page, "/speaker.html"},
        {"/speaker/abc", Destination::page, "/speaker.html"},
        {"/speakers", Destination::static_file, ""},
        {"/event/vecka", Destination::page, "/index.html"},
        {"/watch/main", Destination::page, "/index.html"},
        {"/replays", Destination::page, "/replays.html"},
        {"/replays/x", Destination::static_file, ""},
        {"/tillganglighet", Destination::page, "/accessibility.html"},
        {"/tilgjengelighet", Destination::page, "/accessibility.html"},
        {"/accessibility", Destination::page, "/accessibility.html"},
        {"/accessibility/x", Destination::static_file, ""},
        {"/organise", Destination::page, "/organise.html"},
        {"/organise/vecka", Destination::page, "/organise.html"},
        {"/organiser", Destination::static_file, ""},
        {"/stats", Destination::page, "/stats.html"},
        {"/stats/vecka", Destination::page, "/stats.html"},
        {"/caption/main", Destination::page, "/caption.html"},
        {"/captions/main", Destination::page, "/room_captions.html"},
        {"/caption.mjs", Destination::static_file, ""},
        {"/captions.css", Destination::static_file, ""},
        {"/live/main/index.m3u8", Destination::media, ""},
        {"/posters/s1.jpg", Destination::media, ""},
        {"/", Destination::static_file, ""},
        {"/app.mjs", Destination::static_file, ""},
    };
    for (const Case& c : cases) {
        const PageRoute route = route_of(c.path);
        EXPECT_EQ(route.destination, c.destination) << c.path;
        EXPECT_EQ(route.page, c.page) << c.path;
    }
}

}  // namespace
}  // namespace stagehub::server
