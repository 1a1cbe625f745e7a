#include "server/http/api_router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace stagehub::server {
namespace {

nlohmann::json body_of(const HttpResponse& r) {
    return nlohmann::json::parse(r.body);
}

class ApiRouterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        router.add(
            HttpMethod::get, "/api/v1/events/{event}/sessions/{session}",
            [](const HttpRequest&, const PathParams& p) {
                return json_response(200, {{"event", p.at("event")}, {"session", p.at("session")}});
            });
        router.add(HttpMethod::post, "/api/v1/boom",
                   [](const HttpRequest&, const PathParams&) -> HttpResponse {
                       throw std::runtime_error("disk on fire");
                   });
    }
    ApiRouter router;
};

TEST_F(ApiRouterTest, MatchesPatternsAndCapturesSegments) {
    const auto r =
        router.dispatch({HttpMethod::get, "/api/v1/events/vecka/sessions/s1", {}, "", "", ""});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(body_of(r)["event"], "vecka");
    EXPECT_EQ(body_of(r)["session"], "s1");
}

TEST_F(ApiRouterTest, HeadIsAnsweredByGet) {
    EXPECT_EQ(
        router.dispatch({HttpMethod::head, "/api/v1/events/a/sessions/b", {}, "", "", ""}).status,
        200);
}

TEST_F(ApiRouterTest, UnknownPathIs404Json) {
    for (const char* path :
         {"/api/v1/nope", "/api/v1/events/a/sessions", "/api/v1/events//sessions/b"}) {
        const auto r = router.dispatch({HttpMethod::get, path, {}, "", "", ""});
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_EQ(body_of(r)["error"]["code"], "not_found");
        EXPECT_NE(body_of(r)["error"]["message"].get<std::string>().find(path), std::string::npos);
    }
}

TEST_F(ApiRouterTest, WrongMethodIs405WithAllow) {
    const auto r =
        router.dispatch({HttpMethod::delete_, "/api/v1/events/a/sessions/b", {}, "", "", ""});
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(body_of(r)["error"]["code"], "method_not_allowed");
    bool has_allow = false;
    for (const auto& [n, v] : r.headers)
        has_allow |= n == "allow" && v == "GET, HEAD";
    EXPECT_TRUE(has_allow);
}

TEST_F(ApiRouterTest, AThrowingHandlerBecomesA500NotACrash) {
    const auto r = router.dispatch({HttpMethod::post, "/api/v1/boom", {}, "", "", ""});
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(body_of(r)["error"]["code"], "internal");
    EXPECT_NE(body_of(r)["error"]["message"].get<std::string>().find("disk on fire"),
              std::string::npos);
}

}  // namespace
}  // namespace stagehub::server
