// The organiser's hand on a stage's broadcast (server/stage_control_api, docs/API.md
// "Broadcast control"), against the real server with the demo stage really broadcasting:
// off air ends the live playlist and stays off across a restart; on air starts a new run;
// the slate goes on air instead of the input and comes down again; consoles hear of every
// change on `ops`; bad requests are refused and change nothing.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "running_server.hpp"
#include "server/broadcast/stage_control_store.hpp"

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using stagehub::testing::http_get;
using stagehub::testing::WebsocketClient;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kStage = "stora-salen";
const std::string kControl = std::string("/api/v1/stages/") + kStage;
const std::string kPlaylist = std::string("/live/") + kStage + "/source/index.m3u8";

// Polls until `holds` says yes (at most `within`); the last health it saw, for messages.
json health_until(RunningServer& server, const std::string& token,
                  const std::function<bool(const json&)>& holds,
                  std::chrono::seconds within = 30s) {
    json health;
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto reply = server.call("GET", kControl + "/health", token);
        health = json::parse(reply.body, nullptr, false);
        if (reply.status == 200 && holds(health))
            return health;
        std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "not within " << within.count() << " s; last health: " << health.dump();
    return health;
}

bool live_with_segments(const json& h) {
    return h.value("state", "") == "live" && h.value("segments", 0) > 0;
}

std::string error_code_of(const stagehub::testing::HttpReply& reply) {
    const json body = json::parse(reply.body, nullptr, false);
    return body.is_object() ? body["error"].value("code", "") : "";
}

void broadcasting(Options& options, const std::filesystem::path& data) {
    options.broadcast = true;
    options.segment_seconds = 1;
    options.data_dir = data;
}

class StageControlTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
    stagehub::testing::TempDir data;
};

TEST_F(StageControlTest, OffAirEndsThePlaylistAndOnAirStartsANewRun) {
    RunningServer server(1.0, [&](Options& o) { broadcasting(o, data.path()); });
    const std::string organiser = server.token(Role::organiser, "Producent", kEvent);
    health_until(server, organiser, live_with_segments);

    WebsocketClient console(server.port, "/ws");
    console.send_text(json({{"type", "auth"}, {"token", organiser}}).dump());
    console.send_text(json({{"type", "subscribe"}, {"channels", {"ops"}}}).dump());

    const auto off = server.call("POST", kControl + "/off-air", organiser);
    ASSERT_EQ(off.status, 200) << off.body;
    const json answer = json::parse(off.body);
    EXPECT_EQ(answer["stage"], kStage);
    EXPECT_EQ(answer["on_air"], false);
    EXPECT_EQ(answer["slate"], nullptr);
    EXPECT_NE(answer["changed_by"].get<std::string>().find("Producent"), std::string::npos);

    const json stopped = health_until(
        server, organiser, [](const json& h) { return h.value("state", "") == "stopped"; });
    EXPECT_EQ(stopped["control"]["on_air"], false);
    const auto ended = http_get(server.port, kPlaylist);
    EXPECT_NE(ended.body.find("#EXT-X-ENDLIST"), std::string::npos) << ended.body;
    // A player waiting for the next segment is answered at once: the broadcast ended.
    EXPECT_EQ(http_get(server.port, kPlaylist + "?_HLS_msn=100000").status, 200);

    // The console heard it on ops.
    bool heard = false;
    for (int i = 0; i < 100 && !heard; ++i) {
        const auto message = console.receive(100ms);
        if (!message)
            continue;
        const json m = json::parse(*message, nullptr, false);
        heard = m.value("type", "") == "control" && m.value("stage", "") == kStage &&
                m["on_air"] == false;
    }
    EXPECT_TRUE(heard) << "an ops message {type: control, on_air: false}";

    // Off again is no error and no change.
    const auto again = server.call("POST", kControl + "/off-air", organiser);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(json::parse(again.body)["changed_at"], answer["changed_at"]);

    ASSERT_EQ(server.call("POST", kControl + "/on-air", organiser).status, 200);
    const json back = health_until(server, organiser, live_with_segments);
    EXPECT_EQ(back["control"]["on_air"], true);
    const auto playlist = http_get(server.port, kPlaylist);
    EXPECT_EQ(playlist.body.find("#EXT-X-ENDLIST"), std::string::npos) << playlist.body;
    EXPECT_NE(playlist.body.find("#EXT-X-DISCONTINUITY"), std::string::npos)
        << "the new run follows a discontinuity:\n"
        << playlist.body;
}

TEST_F(StageControlTest, AStageTakenOffAirStaysOffAcrossARestart) {
    {
        RunningServer server(1.0, [&](Options& o) { broadcasting(o, data.path()); });
        const std::string organiser = server.token(Role::organiser, "Producent", kEvent);
        health_until(server, organiser, live_with_segments);
        ASSERT_EQ(server.call("POST", kControl + "/off-air", organiser).status, 200);
        ASSERT_EQ(
            server.call("PUT", kControl + "/slate", organiser, {{"text", "Lunch till 13"}}).status,
            200);
    }
    // Stored in the database file, as the next process reads it.
    {
        schedule::Database db(data / "stagehub.db");
        StageControlStore store(db);
        store.load();
        EXPECT_TRUE(store.get(kStage).off_air);
        EXPECT_EQ(store.get(kStage).slate_text, "Lunch till 13");
        EXPECT_FALSE(store.get("another-stage").off_air);
    }
    RunningServer server(1.0, [&](Options& o) { broadcasting(o, data.path()); });
    const std::string organiser = server.token(Role::organiser, "Producent 2", kEvent);
    std::this_thread::sleep_for(2s);  // two segment lengths: a started stage would have one
    const auto reply = server.call("GET", kControl + "/health", organiser);
    const json health = json::parse(reply.body);
    EXPECT_EQ(health["state"], "stopped") << health.dump();
    EXPECT_EQ(health["segments"], 0) << health.dump();
    EXPECT_EQ(health["control"]["on_air"], false);
    EXPECT_EQ(health["control"]["slate"]["text"], "Lunch till 13");

    // Put back on air, it comes up on the slate the organiser left up.
    ASSERT_EQ(server.call("POST", kControl + "/on-air", organiser).status, 200);
    health_until(server, organiser, [](const json& h) {
        return live_with_segments(h) && h.value("on_air", "") == "slate";
    });
}

TEST_F(StageControlTest, TheSlateTakesTheAirInsteadOfTheInputUntilTakenDown) {
    RunningServer server(1.0, [&](Options& o) { broadcasting(o, data.path()); });
    const std::string organiser = server.token(Role::organiser, "Producent", kEvent);
    health_until(server, organiser,
                 [](const json& h) { return live_with_segments(h) && h["on_air"] == "input"; });

    const auto up = server.call("PUT", kControl + "/slate", organiser,
                                {{"text", "  Vi är strax tillbaka – kaffe i foajén  "}});
    ASSERT_EQ(up.status, 200) << up.body;
    EXPECT_EQ(json::parse(up.body)["slate"]["text"], "Vi är strax tillbaka – kaffe i foajén");
    const json slate = health_until(server, organiser, [](const json& h) {
        return h.value("on_air", "") == "slate" && h.value("state", "") == "live";
    });
    EXPECT_EQ(slate["control"]["slate"]["text"], "Vi är strax tillbaka – kaffe i foajén");
    EXPECT_EQ(slate["source"]["state"], "receiving") << "the input keeps running, unseen";

    ASSERT_EQ(server.call("DELETE", kControl + "/slate", organiser).status, 200);
    const json input = health_until(server, organiser,
                                    [](const json& h) { return h.value("on_air", "") == "input"; });
    EXPECT_EQ(input["control"]["slate"], nullptr);
}

TEST_F(StageControlTest, BadRequestsAreRefusedAndChangeNothing) {
    RunningServer server(1.0, [&](Options& o) {
        broadcasting(o, data.path());
        o.broadcast = false;  // the rules only: no pipeline needed
    });
    const std::string organiser = server.token(Role::organiser, "Producent", kEvent);
    const std::string staff = server.token(Role::staff, "Statistiker", kEvent);

    EXPECT_EQ(server.call("POST", kControl + "/off-air").status, 401);
    const auto forbidden = server.call("POST", kControl + "/off-air", staff);
    EXPECT_EQ(forbidden.status, 403);
    EXPECT_EQ(error_code_of(forbidden), "forbidden");
    const auto unknown = server.call("POST", "/api/v1/stages/nowhere/off-air", organiser);
    EXPECT_EQ(unknown.status, 404);
    EXPECT_NE(unknown.body.find("nowhere"), std::string::npos);

    std::string aaa;  // 121 "å": 242 bytes, 121 characters
    for (int i = 0; i < 121; ++i)
        aaa += "å";
    for (const json& body :
         {json{{"text", ""}}, json{{"text", "   "}}, json{{"text", 42}}, json{{"words", "hej"}},
          json{{"text", "två\nrader"}}, json{{"text", aaa}}}) {
        const auto refused = server.call("PUT", kControl + "/slate", organiser, body);
        EXPECT_EQ(refused.status, 400) << body.dump();
        EXPECT_EQ(error_code_of(refused), "bad_field") << refused.body;
    }
    const auto not_json = stagehub::testing::http_request(server.port, "PUT", kControl + "/slate",
                                                          "{text", "application/json", organiser);
    EXPECT_EQ(not_json.status, 400);
    EXPECT_EQ(error_code_of(not_json), "bad_json");
    // 120 characters fit.
    const auto fits = server.call("PUT", kControl + "/slate", organiser,
                                  {{"text", aaa.substr(0, aaa.size() - std::string("å").size())}});
    EXPECT_EQ(fits.status, 200) << fits.body;

    // A room without a broadcast has nothing to take off air.
    ASSERT_EQ(server
                  .call("POST", std::string("/api/v1/events/") + kEvent + "/stages", organiser,
                        {{"id", "lilla-salen"}, {"name", "Lilla salen"}, {"broadcast", false}})
                  .status,
              200);
    const auto room = server.call("POST", "/api/v1/stages/lilla-salen/off-air", organiser);
    EXPECT_EQ(room.status, 409) << room.body;
    EXPECT_EQ(error_code_of(room), "not_broadcast");

    // None of that changed the stage.
    const json health = json::parse(server.call("GET", kControl + "/health", organiser).body);
    EXPECT_EQ(health["control"]["on_air"], true);
    EXPECT_EQ(health["control"]["slate"]["text"], aaa.substr(0, aaa.size() - 2));
}

}  // namespace
}  // namespace stagehub::server
