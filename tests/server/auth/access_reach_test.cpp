// Access as it is now, everywhere (docs/API.md, "Roles and tokens"; docs/PROTOCOL.md,
// "Tokens"), against the real server with real websockets: a revoked token's socket loses
// its privileged channels within a second (revoked through the API or by another process),
// an event's grants go with it, and an organiser of one event withdraws a person from that
// event only.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "net_client.hpp"
#include "running_server.hpp"
#include "schedule/migrations.hpp"
#include "schedule/programme_file.hpp"
#include "socket_messages.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::http_request;
using stagehub::testing::HttpReply;
using stagehub::testing::WebsocketClient;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kWeek = "innovationsveckan";  // tests/data/innovation_week.json
const std::string kStats = std::string("stats:") + kEvent;

// The error the server sends about `subject` ("" : about the connection's token).
std::optional<json> error_about(WebsocketClient& ws, const std::string& subject,
                                std::chrono::milliseconds timeout = 5s) {
    return next_where(
        ws,
        [&](const json& m) {
            return m["type"] == "error" && m.value("subject", std::string()) == subject;
        },
        timeout);
}

// Subscribes with the token and waits for the acknowledgement.
void follow(WebsocketClient& ws, const std::string& channel, const std::string& token) {
    ws.send_text(json{{"type", "subscribe"}, {"channels", {channel}}, {"token", token}}.dump());
    const auto ack = next_where(
        ws,
        [&](const json& m) {
            return (m["channel"] == channel && m["type"] == "subscribed") || m["type"] == "error";
        },
        5s);
    ASSERT_TRUE(ack) << "no answer to subscribing to " << channel;
    ASSERT_EQ((*ack)["type"], "subscribed") << ack->dump();
}

class AccessReachTest : public ::testing::Test {
  protected:
    RunningServer server{1.0};

    // An account as `stagehub admin` makes one, in the server's database file.
    std::string account(Role role, const std::string& name,
                        const std::set<std::string, std::less<>>& events) {
        schedule::Database db(server.data_dir / "stagehub.db");
        TokenStore tokens(db);
        auto issued = tokens.create_account(name, role, "", events, "test");
        EXPECT_TRUE(issued.ok());
        return issued.ok() ? issued->token : std::string();
    }

    int64_t id_of(const std::string& token) {
        const HttpReply me = server.call("GET", "/api/v1/me", token);
        EXPECT_EQ(me.status, 200) << me.body;
        return json::parse(me.body)["id"];
    }

    HttpReply call(const std::string& method, const std::string& target,
                   const std::string& bearer = "", const json& body = nullptr) {
        return server.call(method, target, bearer, body);
    }

    // The second event, innovationsveckan, imported by its own organiser.
    std::string import_week() {
        return server.import_event(STAGEHUB_TEST_DATA "/innovation_week.json", kWeek);
    }
};

// Before, the socket kept its subscription and received the figures every 5 s after the
// token was revoked (HTTP already answered 401).
TEST_F(AccessReachTest, ARevokedStaffTokenLosesItsStatsChannelAtOnce) {
    const std::string organiser = account(Role::organiser, "Anna Berg", {kEvent});
    const std::string staff = account(Role::staff, "Statistiker", {kEvent});
    WebsocketClient ws(server.port, "/ws");
    follow(ws, kStats, staff);

    const auto revoked_at = std::chrono::steady_clock::now();
    const HttpReply revoked =
        call("DELETE",
             "/api/v1/events/" + std::string(kEvent) + "/accounts/" + std::to_string(id_of(staff)),
             organiser);
    ASSERT_EQ(revoked.status, 200) << revoked.body;
    EXPECT_EQ(json::parse(revoked.body)["tokens_revoked"], true) << "no event was left to it";

    const auto lost = error_about(ws, kStats, 1s);
    ASSERT_TRUE(lost) << "the socket was not told within a second";
    EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, 1s);
    EXPECT_EQ((*lost)["error"]["code"], "unauthorized") << lost->dump();
    // Nothing more arrives on the channel: the next push (every 5 s) is not for it.
    EXPECT_FALSE(next_where(
        ws, [](const json& m) { return m["type"] == "viewers"; }, 6s));
    ws.send_text(json{{"type", "subscribe"}, {"channels", {kStats}}}.dump());
    const auto again = error_about(ws, kStats);
    ASSERT_TRUE(again);
    EXPECT_EQ((*again)["error"]["code"], "unauthorized") << again->dump();
}

// `stagehub admin revoke` writes to the database from another process: the server sees it
// within a second, for ops and for an unpublished session's panel.
TEST_F(AccessReachTest, RevocationByAnotherProcessReachesOpenSocketsWithinASecond) {
    const std::string organiser = account(Role::organiser, "Anna Berg", {kEvent});
    const std::string co_organiser = account(Role::organiser, "Producent", {kEvent});
    const std::string session = std::string("/api/v1/events/") + kEvent + "/sessions/forskolan";
    ASSERT_EQ(call("PATCH", session, organiser, {{"published", false}}).status, 200);
    WebsocketClient ws(server.port, "/ws");
    follow(ws, "ops", co_organiser);
    follow(ws, "panel:forskolan", co_organiser);

    const auto revoked_at = std::chrono::steady_clock::now();
    {
        schedule::Database db(server.data_dir / "stagehub.db");
        TokenStore tokens(db);
        ASSERT_TRUE(tokens.revoke(id_of(co_organiser)));
    }
    const auto token_gone = error_about(ws, "", 2s);
    ASSERT_TRUE(token_gone) << "the socket was not told";
    EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, 1500ms);
    EXPECT_EQ((*token_gone)["error"]["code"], "unauthorized");
    std::set<std::string> lost;
    while (const auto error = next_where(
               ws, [](const json& m) { return m["type"] == "error"; }, 1s)) {
        lost.insert((*error)["subject"].get<std::string>());
    }
    EXPECT_EQ(lost, (std::set<std::string>{"ops", "panel:forskolan"}));

    ws.send_text(json{{"type", "subscribe"}, {"channels", {"ops", "panel:forskolan"}}}.dump());
    const auto ops = error_about(ws, "ops");
    ASSERT_TRUE(ops);
    EXPECT_EQ((*ops)["error"]["code"], "unauthorized");
    const auto panel = error_about(ws, "panel:forskolan");
    ASSERT_TRUE(panel);
    EXPECT_EQ((*panel)["error"]["code"], "unknown_channel") << "an unpublished session is unknown";
}

// Before, the grant outlived its event: an event imported later under the same id by
// someone else could be managed by the deleted event's organisers.
TEST_F(AccessReachTest, AnEventsGrantsGoWithIt) {
    const std::string old_organiser = account(Role::organiser, "Gammal", {kEvent});
    const std::string deleter = account(Role::organiser, "Raderare", {kEvent});
    const std::string newcomer = account(Role::organiser, "Ny", {});
    const std::string event = std::string("/api/v1/events/") + kEvent;
    const HttpReply file = call("GET", event + "/programme.json", deleter);
    ASSERT_EQ(file.status, 200);
    WebsocketClient ws(server.port, "/ws");
    follow(ws, kStats, old_organiser);

    ASSERT_EQ(call("DELETE", event, deleter).status, 200);
    EXPECT_TRUE(error_about(ws, kStats, 1s))
        << "the socket still follows a deleted event's figures";

    const HttpReply imported = http_request(server.port, "POST", "/api/v1/events/import", file.body,
                                            "application/json", newcomer);
    ASSERT_EQ(imported.status, 200) << imported.body;
    EXPECT_EQ(json::parse(imported.body)["created"], true);

    EXPECT_EQ(call("PATCH", event, old_organiser, {{"venue", "Kapad"}}).status, 403);
    EXPECT_EQ(call("PATCH", event, deleter, {{"venue", "Kapad"}}).status, 403);
    EXPECT_EQ(call("PATCH", event, newcomer, {{"venue", "Rådhuset"}}).status, 200);
    EXPECT_EQ(json::parse(call("GET", "/api/v1/me", old_organiser).body)["events"], json::array());
    ws.send_text(json{{"type", "subscribe"}, {"channels", {kStats}}}.dump());
    const auto refused = error_about(ws, kStats);
    ASSERT_TRUE(refused);
    EXPECT_EQ((*refused)["error"]["code"], "forbidden");
}

// Before, an organiser of one event revoked every token of a person who also organised
// another, and saw that person's other events in the account list.
TEST_F(AccessReachTest, AnOrganiserWithdrawsAPersonFromTheirOwnEventOnly) {
    const std::string week_organiser = import_week();
    const std::string organiser = account(Role::organiser, "Anna Berg", {kEvent});
    const std::string both = account(Role::organiser, "Båda", {kEvent, kWeek});
    const int64_t id = id_of(both);
    const std::string accounts = std::string("/api/v1/events/") + kEvent + "/accounts";

    const json listed = json::parse(call("GET", accounts, organiser).body)["accounts"];
    bool seen = false;
    for (const json& a : listed) {
        EXPECT_EQ(a["events"], json::array({kEvent})) << "another event's grants: " << a.dump();
        seen = seen || a["id"] == id;
    }
    EXPECT_TRUE(seen);

    WebsocketClient ws(server.port, "/ws");
    follow(ws, kStats, both);
    follow(ws, std::string("stats:") + kWeek, both);

    const HttpReply withdrawn = call("DELETE", accounts + "/" + std::to_string(id), organiser);
    ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
    EXPECT_EQ(json::parse(withdrawn.body)["tokens_revoked"], false);
    const auto lost = next_where(
        ws, [](const json& m) { return m["type"] == "error"; }, 1s);
    ASSERT_TRUE(lost);
    EXPECT_EQ((*lost)["subject"], kStats) << "only this event's channel goes: " << lost->dump();
    EXPECT_EQ((*lost)["error"]["code"], "forbidden");

    EXPECT_EQ(call("PATCH", std::string("/api/v1/events/") + kEvent, both, {{"venue", "x"}}).status,
              403);
    EXPECT_EQ(
        call("PATCH", std::string("/api/v1/events/") + kWeek, both, {{"venue", "Umeå"}}).status,
        200);
    EXPECT_EQ(call("DELETE", accounts + "/" + std::to_string(id), organiser).status, 404)
        << "no longer in this event";

    // Its last event withdrawn, nothing is left that the token was for.
    const HttpReply last =
        call("DELETE", std::string("/api/v1/events/") + kWeek + "/accounts/" + std::to_string(id),
             week_organiser);
    ASSERT_EQ(last.status, 200) << last.body;
    EXPECT_EQ(json::parse(last.body)["tokens_revoked"], true);
    EXPECT_EQ(call("GET", "/api/v1/me", both).status, 401);
}

// A database from before grants went with their event still holds grants to deleted
// events: they go when the server starts; a grant naming an event not yet imported (an
// organiser made for it ahead) stays.
TEST(AccessAtStart, GrantsToEventsDeletedEarlierAreForgotten) {
    stagehub::testing::TempDir dir;
    std::string before;
    {
        schedule::Database db(dir.path() / "stagehub.db");
        schedule::migrate(db);
        TokenStore tokens(db);
        auto issued = tokens.create_account("Gammal", Role::organiser, "",
                                            {"raderat-event", "kommande-event"}, "test");
        ASSERT_TRUE(issued.ok());
        before = issued->token;
        db.execute(
            "INSERT INTO change_log (event_id, at, actor, summary, operation) VALUES "
            "('raderat-event', 0, 'test', 'deleted the event', 'delete_event')");
    }
    RunningServer server{1.0, [&](Options& o) { o.data_dir = dir.path(); }};
    const HttpReply me = server.call("GET", "/api/v1/me", before);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(json::parse(me.body)["events"], json::array({"kommande-event"}));
}

}  // namespace
}  // namespace stagehub::server
