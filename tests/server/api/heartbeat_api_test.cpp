// Viewer heartbeats through the real server: what is stored and when it is answered, what
// is refused and why, rate limits, a full queue, and the live count on the stats channel.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "net_client.hpp"
#include "running_server.hpp"
#include "schedule/database.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::http_get;
using stagehub::testing::HttpReply;
using stagehub::testing::KeepAliveHttpClient;
using stagehub::testing::WebsocketClient;
using Millis = std::chrono::milliseconds;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kStage = "stora-salen";

int64_t now_ms(Millis offset = Millis{0}) {
    return std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch() +
                                              offset)
        .count();
}

json live_beat(const std::string& viewer, Millis clock_offset = Millis{0}) {
    return {{"viewer", viewer},
            {"stage", kStage},
            {"position", 12.5},
            {"played", 15},
            {"sent_at", now_ms(clock_offset)}};
}

class HeartbeatApiTest : public ::testing::Test {
  protected:
    explicit HeartbeatApiTest(const std::function<void(Options&)>& adjust = nullptr)
        : server(1.0, adjust) {}

    HttpReply beat(const json& body) { return server.call("POST", "/api/v1/heartbeats", "", body); }

    int64_t stored(const std::string& viewer = "") {
        schedule::Database db(server.dir / "stagehub.db");
        auto query =
            db.prepare(viewer.empty() ? "SELECT count(*) FROM heartbeats"
                                      : "SELECT count(*) FROM heartbeats WHERE viewer = ?");
        if (!viewer.empty())
            query.bind(1, viewer);
        query.step();
        return query.column_int(0);
    }

    json health() {
        return json::parse(http_get(server.port, "/api/v1/health").body)["heartbeats"];
    }

    RunningServer server;
};

TEST_F(HeartbeatApiTest, ABeatIsAnsweredOnlyOnceItIsStored) {
    const HttpReply reply = beat(live_beat("viewer-stored-1"));
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(json::parse(reply.body)["every"], 15) << "the server tells players how often to beat";
    // The answer came after the commit: the row is there the moment the 200 is.
    EXPECT_EQ(stored("viewer-stored-1"), 1);

    schedule::Database db(server.dir / "stagehub.db");
    auto row = db.prepare(
        "SELECT kind, target, position_ms, played_ms, at_ms FROM heartbeats WHERE viewer = ?");
    row.bind(1, "viewer-stored-1");
    ASSERT_TRUE(row.step());
    EXPECT_EQ(row.column_text(0), "live");
    EXPECT_EQ(row.column_text(1), kStage);
    EXPECT_EQ(row.column_int(2), 12500);
    EXPECT_EQ(row.column_int(3), 15000);
    EXPECT_NEAR(static_cast<double>(row.column_int(4)), static_cast<double>(now_ms()), 10000.0)
        << "the time is the server's";
    EXPECT_EQ(health()["written"], 1);
}

TEST_F(HeartbeatApiTest, MalformedOrImpossibleBeatsAre400AndNotCounted) {
    struct Case {
        const char* why;
        std::string body;
        const char* code;
    };
    json two_targets = live_beat("viewer-two-1");
    two_targets["replay"] = "ledarskap";
    json no_clock = live_beat("viewer-noclock");
    no_clock.erase("sent_at");
    json negative = live_beat("viewer-negative");
    negative["position"] = -1;
    json too_much_played = live_beat("viewer-played");
    too_much_played["played"] = 600;
    json unknown_stage = live_beat("viewer-unknown");
    unknown_stage["stage"] = "no-such-stage";
    json short_id = live_beat("abc");
    json odd_id = live_beat("viewer with spaces");
    json number_stage = live_beat("viewer-number");
    number_stage["stage"] = 7;
    const json programme = json::parse(http_get(server.port, "/api/v1/programme").body);
    const std::string last_session = programme["events"][0]["sessions"].back()["id"];
    json not_ended = {{"viewer", "viewer-replay"},
                      {"replay", last_session},
                      {"position", 1},
                      {"sent_at", now_ms()}};
    const std::vector<Case> cases{
        {"not JSON", "{nope", "bad_json"},
        {"not an object", "[1,2]", "bad_json"},
        {"a viewer id too short", short_id.dump(), "bad_request"},
        {"a viewer id with spaces", odd_id.dump(), "bad_request"},
        {"stage and replay at once", two_targets.dump(), "bad_request"},
        {"a stage that is not a string", number_stage.dump(), "bad_request"},
        {"no clock", no_clock.dump(), "bad_request"},
        {"a clock ten minutes fast", live_beat("viewer-fast-1", 10min).dump(), "clock_off"},
        {"a clock an hour slow", live_beat("viewer-slow-1", -1h).dump(), "clock_off"},
        {"a negative position", negative.dump(), "bad_request"},
        {"ten minutes played in fifteen seconds", too_much_played.dump(), "impossible_heartbeat"},
        {"an unknown stage", unknown_stage.dump(), "unknown_stage"},
        {"the replay of a session not yet over", not_ended.dump(), "unknown_replay"},
    };
    for (const Case& c : cases) {
        const HttpReply reply = stagehub::testing::http_request(
            server.port, "POST", "/api/v1/heartbeats", c.body, "application/json");
        EXPECT_EQ(reply.status, 400) << c.why << ": " << reply.body;
        const json error = json::parse(reply.body, nullptr, false);
        ASSERT_TRUE(error.is_object()) << c.why;
        EXPECT_EQ(error["error"]["code"], c.code) << c.why << ": " << reply.body;
        EXPECT_FALSE(error["error"]["message"].get<std::string>().empty()) << c.why;
    }
    EXPECT_EQ(stored(), 0) << "nothing refused is stored";
    EXPECT_EQ(health()["rejected"], cases.size());
    // The server goes on: a good beat after all that is stored.
    EXPECT_EQ(beat(live_beat("viewer-after-1")).status, 200);
    EXPECT_EQ(stored(), 1);
}

TEST_F(HeartbeatApiTest, OneViewerBeatingTooOftenIsLimited) {
    // A player beats every 15 s; three at once are allowed (a reload, a seek), not more.
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(beat(live_beat("viewer-eager-1")).status, 200) << i;
    const HttpReply limited = beat(live_beat("viewer-eager-1"));
    EXPECT_EQ(limited.status, 429) << limited.body;
    EXPECT_EQ(json::parse(limited.body)["error"]["code"], "too_many_heartbeats");
    EXPECT_TRUE(limited.headers.contains("retry-after"));
    // Others are not held back by them.
    EXPECT_EQ(beat(live_beat("viewer-calm-01")).status, 200);
    EXPECT_EQ(stored("viewer-eager-1"), 3);
    EXPECT_EQ(health()["rate_limited"], 1);
}

class HeartbeatConnectionLimitTest : public HeartbeatApiTest {
  protected:
    HeartbeatConnectionLimitTest()
        : HeartbeatApiTest([](Options& o) { o.heartbeat_connection_rate = 5; }) {}
};

TEST_F(HeartbeatConnectionLimitTest, OneConnectionSendingForManyViewersIsLimited) {
    KeepAliveHttpClient connection(server.port);
    int ok = 0;
    int limited = 0;
    for (int i = 0; i < 12; ++i) {
        const HttpReply reply = connection.request(
            "POST", "/api/v1/heartbeats", live_beat("viewer-many-" + std::to_string(i)).dump(),
            "application/json");
        if (reply.status == 200) {
            ++ok;
        } else {
            ++limited;
            EXPECT_EQ(reply.status, 429) << reply.body;
        }
    }
    // A burst of five, and perhaps one more refilled while the loop ran.
    EXPECT_GE(ok, 5);
    EXPECT_LE(ok, 7);
    EXPECT_EQ(ok + limited, 12);
    // A second connection has its own allowance.
    EXPECT_EQ(beat(live_beat("viewer-other-connection")).status, 200);
}

class HeartbeatQueueTest : public HeartbeatApiTest {
  protected:
    HeartbeatQueueTest() : HeartbeatApiTest([](Options& o) { o.heartbeat_queue = 16; }) {}
};

TEST_F(HeartbeatQueueTest, AFullQueueIs503AndCountedWhileTheLoopStaysResponsive) {
    // Another connection holds the write lock: the writer waits on it with the first beat,
    // and the queue behind it fills.
    schedule::Database blocker(server.dir / "stagehub.db");
    blocker.execute("BEGIN IMMEDIATE");

    // Before the senders and at_exit: a sender may still count while at_exit joins it.
    std::atomic<int> ok{0};
    std::vector<std::thread> senders;
    // However the test ends, its senders are answered (the lock let go) and joined.
    const auto let_go = [&] {
        blocker.execute("ROLLBACK");
        for (std::thread& sender : senders)
            sender.join();
        senders.clear();
    };
    struct AtExit {
        std::function<void()> run;
        ~AtExit() {
            if (run)
                run();
        }
    } at_exit{let_go};
    const auto send = [&](int i) {
        senders.emplace_back([&, i] {
            const HttpReply reply = beat(live_beat("viewer-queued-" + std::to_string(i)));
            if (reply.status == 200)
                ++ok;
        });
    };
    send(0);
    // The writer takes the first beat and waits for the lock with it (a loaded machine may
    // take longer than 300 ms to get there). It may first be busy with the start-up
    // compaction of each event's heartbeats, which waits out the 5 s busy timeout on this
    // lock too before it gives up (seen under ASan): up to 30 s.
    std::this_thread::sleep_for(300ms);
    for (int i = 0; i < 3000 && health()["queued"] != 0; ++i)
        std::this_thread::sleep_for(10ms);
    ASSERT_EQ(health()["queued"], 0);
    ASSERT_EQ(health()["written"], 0);
    for (int i = 1; i <= 16; ++i)
        send(i);
    for (int i = 0; i < 300 && health()["queued"] != 16; ++i)
        std::this_thread::sleep_for(10ms);
    ASSERT_EQ(health()["queued"], 16) << "the queue filled while the writer waited";

    const HttpReply refused = beat(live_beat("viewer-refused-1"));
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(json::parse(refused.body)["error"]["code"], "overloaded");
    EXPECT_EQ(refused.headers.count("retry-after"), 1u);
    EXPECT_EQ(health()["refused_queue_full"], 1) << "a refusal is counted, not silent";
    // The loop never waited on the disk: the programme answers meanwhile.
    EXPECT_EQ(http_get(server.port, "/api/v1/programme").status, 200);

    at_exit.run = nullptr;
    blocker.execute("COMMIT");
    for (auto& sender : senders)
        sender.join();
    EXPECT_EQ(ok, 17) << "every queued beat is stored and answered once the disk is free";
    EXPECT_EQ(stored(), 17);
    EXPECT_EQ(stored("viewer-refused-1"), 0);
}

TEST_F(HeartbeatApiTest, TheStatsChannelCountsLiveViewersPerStage) {
    for (int i = 0; i < 4; ++i)
        ASSERT_EQ(beat(live_beat("viewer-live-" + std::to_string(i))).status, 200);
    const std::string staff = server.token(Role::staff, "Statistiker", kEvent, "");
    WebsocketClient desk(server.port, "/ws?token=" + staff);
    desk.send_text(
        json({{"type", "subscribe"}, {"channels", {std::string("stats:") + kEvent}}}).dump());
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    std::optional<json> viewers;
    while (!viewers && std::chrono::steady_clock::now() < deadline) {
        const auto text = desk.receive(1s);
        if (!text)
            continue;
        json message = json::parse(*text);
        if (message["type"] == "viewers")
            viewers = message;
    }
    ASSERT_TRUE(viewers);
    EXPECT_EQ((*viewers)["web_viewers"], 4);
    EXPECT_EQ((*viewers)["stages"][0]["stage"], kStage);
    EXPECT_EQ((*viewers)["stages"][0]["viewers"], 4);
}

// Replays: the clock of attendance runs ten hours ahead, past the demo day's end.
class HeartbeatReplayTest : public HeartbeatApiTest {
  protected:
    HeartbeatReplayTest()
        : HeartbeatApiTest([](Options& o) {
              o.attendance_clock = [] {
                  return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now() +
                                                              10h);
              };
          }) {}
};

TEST_F(HeartbeatReplayTest, ReplayBeatsAreCheckedAgainstTheReplaysLength) {
    const json programme = json::parse(http_get(server.port, "/api/v1/programme").body);
    const json& session = programme["events"][0]["sessions"][0];
    const std::string id = session["id"];
    json beat_body = {{"viewer", "viewer-replay-1"},
                      {"replay", id},
                      {"position", 30},
                      {"played", 15},
                      {"sent_at", now_ms(10h)}};
    const HttpReply ok = beat(beat_body);
    EXPECT_EQ(ok.status, 200) << ok.body;
    beat_body["viewer"] = "viewer-replay-2";
    beat_body["position"] = 24 * 3600;
    const HttpReply past_end = beat(beat_body);
    EXPECT_EQ(past_end.status, 400) << past_end.body;
    EXPECT_EQ(json::parse(past_end.body)["error"]["code"], "impossible_heartbeat");
    beat_body["replay"] = "no-such-session";
    beat_body["position"] = 1;
    EXPECT_EQ(json::parse(beat(beat_body).body)["error"]["code"], "unknown_replay");
    EXPECT_EQ(stored(), 1);
}

}  // namespace
}  // namespace stagehub::server
