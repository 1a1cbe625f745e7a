// Cross-site forgery and abuse from one address, against the real server (docs/API.md,
// "Requests from web pages" and "Limits per address"): JSON bodies must say they are JSON,
// other sites' pages may not change state, and registrations, check-in code lookups, new
// viewers and bad tokens are limited per client address with 429 and Retry-After.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "error_reply.hpp"
#include "net_client.hpp"
#include "running_server.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using stagehub::testing::error_code;
using stagehub::testing::http_exchange;
using stagehub::testing::HttpReply;
using stagehub::testing::WebsocketClient;
using Millis = std::chrono::milliseconds;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
const std::string kRegistrations = std::string("/api/v1/events/") + kEvent + "/registrations";

// A request as a browser sends it: Host with the port, and the Origin of the page (none
// when `origin` is empty: curl, a door device's app).
HttpReply send(int port, const std::string& method, const std::string& target,
               const std::string& body, const std::string& content_type,
               const std::string& origin = "", const std::string& bearer = "") {
    std::string raw = method + " " + target +
                      " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                      "\r\nConnection: close\r\n";
    if (!origin.empty())
        raw += "Origin: " + origin + "\r\n";
    if (!bearer.empty())
        raw += "Authorization: Bearer " + bearer + "\r\n";
    if (!content_type.empty())
        raw += "Content-Type: " + content_type + "\r\n";
    raw += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return http_exchange(port, raw);
}

std::string header(const HttpReply& reply, const std::string& name) {
    const auto it = reply.headers.find(name);
    return it == reply.headers.end() ? "" : it->second;
}

int64_t now_ms() {
    return std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string live_beat(const std::string& viewer) {
    return json{{"viewer", viewer},
                {"stage", "stora-salen"},
                {"position", 1},
                {"played", 0},
                {"sent_at", now_ms()}}
        .dump();
}

std::string registration(const std::string& name) {
    return json{{"name", name}, {"mode", "web"}}.dump();
}

size_t registrations(const RunningServer& server, const std::string& organiser) {
    const HttpReply list = server.call("GET", kRegistrations, organiser);
    EXPECT_EQ(list.status, 200) << list.body;
    return json::parse(list.body)["registrations"].size();
}

// A web page of any site may send text/plain (or a form) anywhere without asking; before
// this, the server took such a body as JSON, so any page could make its visitors register
// and beat. Now only application/json (with at most charset=utf-8) is a JSON body.
TEST(CrossSiteForgery, JsonBodiesMustBeSentAsJson) {
    RunningServer server{1.0};
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent);
    const int port = server.port;

    for (const std::string type :
         {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x", "application/json; charset=iso-8859-1",
          "application/json; boundary=x", "application/jsonx", ""}) {
        const HttpReply refused = send(port, "POST", kRegistrations, registration("Falsk"), type);
        EXPECT_EQ(refused.status, 415) << type << ": " << refused.body;
        EXPECT_EQ(error_code(refused), "unsupported_media_type") << type;
        EXPECT_NE(refused.body.find("application/json"), std::string::npos) << refused.body;
        EXPECT_EQ(header(refused, "accept-post"), "application/json") << type;
        const HttpReply beat =
            send(port, "POST", "/api/v1/heartbeats", live_beat("forged-1"), type);
        EXPECT_EQ(beat.status, 415) << type << ": " << beat.body;
    }
    EXPECT_EQ(registrations(server, organiser), 0u) << "nothing refused was stored";

    size_t accepted = 0;
    for (const std::string type : {"application/json", "Application/JSON;charset=UTF-8",
                                   "application/json; charset=\"utf-8\""}) {
        const HttpReply taken = send(port, "POST", kRegistrations, registration("Äkta"), type);
        EXPECT_EQ(taken.status, 201) << type << ": " << taken.body;
        accepted += taken.status == 201;
    }
    EXPECT_EQ(registrations(server, organiser), accepted);

    // The same rule holds where a token is needed: one place, every route.
    const std::string event = std::string("/api/v1/events/") + kEvent;
    const HttpReply patch =
        send(port, "PATCH", event, json{{"venue", "x"}}.dump(), "text/plain", "", organiser);
    EXPECT_EQ(patch.status, 415) << patch.body;
    EXPECT_EQ(header(patch, "accept-patch"), "application/json");
}

TEST(CrossSiteForgery, ImportsTakeTheTypesTheirRouteDeclares) {
    RunningServer server{1.0};
    const std::string organiser = server.token(Role::organiser, "Ola", "piteadagen");
    const std::string csv =
        "stage,kind,title,date,start,duration,speakers\n"
        "Aulan,talk,Öppning,2026-05-12,09:00,20,Ann Öberg\n";
    const std::string target = "/api/v1/events/import?event=piteadagen&title=Piteådagen";

    const HttpReply sniffed = send(server.port, "POST", target, csv, "text/plain", "", organiser);
    EXPECT_EQ(sniffed.status, 415) << sniffed.body;
    EXPECT_EQ(header(sniffed, "accept-post"),
              "application/json, application/xml, text/xml, text/csv, application/csv");
    const HttpReply imported =
        send(server.port, "POST", target, csv, "text/csv; charset=utf-8", "", organiser);
    EXPECT_EQ(imported.status, 200) << imported.body;
}

// Origin is what a browser says about the page that makes a request: the server's own
// pages and the allowed sites may change state; other pages may not, even with a token
// (which a browser never adds by itself, so this is defence in depth there).
TEST(CrossSiteForgery, OtherSitesPagesMayNotChangeState) {
    RunningServer server{1.0, [](Options& o) { o.allowed_origins = {"https://kommun.se"}; }};
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent);
    const int port = server.port;
    const std::string own = "http://127.0.0.1:" + std::to_string(port);

    for (const std::string origin :
         {"https://evil.example", "null", "http://127.0.0.1:1", "https://kommun.se.evil.example"}) {
        const HttpReply refused =
            send(port, "POST", kRegistrations, registration("Falsk"), "application/json", origin);
        EXPECT_EQ(refused.status, 403) << origin << ": " << refused.body;
        EXPECT_EQ(error_code(refused), "forbidden_origin") << origin;
        const HttpReply beat = send(port, "POST", "/api/v1/heartbeats", live_beat("forged-2"),
                                    "application/json", origin);
        EXPECT_EQ(beat.status, 403) << origin << ": " << beat.body;
    }
    EXPECT_EQ(registrations(server, organiser), 0u);

    for (const std::string& origin : {own, std::string("HTTP://127.0.0.1:") + std::to_string(port),
                                      std::string("https://kommun.se"), std::string()}) {
        const HttpReply taken =
            send(port, "POST", kRegistrations, registration("Äkta"), "application/json", origin);
        EXPECT_EQ(taken.status, 201) << "origin '" << origin << "': " << taken.body;
    }

    // With a token too: an organiser's edit from another site's page is refused.
    const std::string event = std::string("/api/v1/events/") + kEvent;
    const HttpReply edit = send(port, "PATCH", event, json{{"venue", "Kapad"}}.dump(),
                                "application/json", "https://evil.example", organiser);
    EXPECT_EQ(edit.status, 403) << edit.body;
    EXPECT_EQ(error_code(edit), "forbidden_origin");
    const HttpReply removal =
        send(port, "DELETE", event, "", "", "https://evil.example", organiser);
    EXPECT_EQ(removal.status, 403) << removal.body;
    const HttpReply read = send(port, "GET", event, "", "", "https://evil.example", organiser);
    ASSERT_EQ(read.status, 200) << "reading is for CORS to govern, not refused: " << read.body;
    EXPECT_NE(json::parse(read.body)["event"]["venue"], "Kapad");
}

// Codes are 6 characters of 31 (about 30 bits): far too many to try by hand, not too many
// for a script that can try thousands a second. Every lookup counts, found or not, and
// the refusal comes before the lookup.
TEST(AbuseLimits, CheckInCodesAreLookedUpOnlySoFastFromOneAddress) {
    RunningServer server{1.0, [](Options& o) { o.code_lookups_per_minute = 5; }};
    const HttpReply registered =
        send(server.port, "POST", kRegistrations, registration("Besökare"), "application/json");
    ASSERT_EQ(registered.status, 201) << registered.body;
    const std::string qr = json::parse(registered.body)["qr"];

    EXPECT_EQ(send(server.port, "GET", qr, "", "").status, 200);
    for (const std::string guess : {"AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD"})
        EXPECT_EQ(send(server.port, "GET", "/api/v1/check-in/" + guess + "/qr.svg", "", "").status,
                  404);
    const HttpReply refused = send(server.port, "GET", qr, "", "");
    EXPECT_EQ(refused.status, 429) << "the sixth lookup in a minute: " << refused.body;
    EXPECT_EQ(error_code(refused), "rate_limited");
    ASSERT_TRUE(refused.headers.contains("retry-after"));
    EXPECT_GE(std::stoi(refused.headers.at("retry-after")), 1);
}

// Heartbeats name a viewer id the player makes up: one client making up ids by the
// thousand would be thousands of viewers. An address may bring only so many new ones.
TEST(AbuseLimits, OneAddressMayBringOnlySoManyNewViewers) {
    RunningServer server{1.0, [](Options& o) { o.new_viewers_per_minute = 3; }};
    const auto beat = [&](const std::string& viewer) {
        return send(server.port, "POST", "/api/v1/heartbeats", live_beat(viewer),
                    "application/json");
    };
    for (const std::string viewer : {"viewer-one-1", "viewer-two-2", "viewer-three-3"})
        EXPECT_EQ(beat(viewer).status, 200) << viewer;
    const HttpReply refused = beat("viewer-four-4");
    EXPECT_EQ(refused.status, 429) << refused.body;
    EXPECT_EQ(error_code(refused), "rate_limited");
    ASSERT_TRUE(refused.headers.contains("retry-after"));
    EXPECT_GE(std::stoi(refused.headers.at("retry-after")), 1);
    EXPECT_EQ(beat("viewer-one-1").status, 200) << "viewers already counted go on";

    schedule::Database db(server.dir / "stagehub.db");
    auto stored = db.prepare("SELECT count(DISTINCT viewer) FROM heartbeats");
    stored.step();
    EXPECT_EQ(stored.column_int(0), 3) << "the refused viewer was not stored";
}

// Past the limit of bad tokens an address is refused before any token is looked up: a
// good token gets 429 too, over HTTP and over the websocket.
TEST(AbuseLimits, AnAddressThatSendsBadTokensIsRefusedBeforeTheLookup) {
    RunningServer server{1.0, [](Options& o) { o.failed_tokens_per_minute = 3; }};
    const std::string good = server.token(Role::organiser, "Anna Berg", kEvent);
    EXPECT_EQ(send(server.port, "GET", "/api/v1/me", "", "", "", good).status, 200)
        << "good tokens do not count";
    for (const std::string bad : {"shb_guess1", "shb_guess2", "not-even-a-token"})
        EXPECT_EQ(send(server.port, "GET", "/api/v1/me", "", "", "", bad).status, 401) << bad;

    const HttpReply refused = send(server.port, "GET", "/api/v1/me", "", "", "", good);
    EXPECT_EQ(refused.status, 429) << refused.body;
    EXPECT_EQ(error_code(refused), "rate_limited");
    ASSERT_TRUE(refused.headers.contains("retry-after"));
    EXPECT_GE(std::stoi(refused.headers.at("retry-after")), 1);
    EXPECT_EQ(send(server.port, "GET", std::string("/api/v1/events/") + kEvent, "", "").status, 200)
        << "the public, without a token, is served";

    WebsocketClient ws(server.port, "/ws");
    ws.send_text(json{{"type", "auth"}, {"token", good}}.dump());
    const auto answer = ws.receive(std::chrono::seconds(5));
    ASSERT_TRUE(answer);
    const json message = json::parse(*answer);
    EXPECT_EQ(message["type"], "error") << *answer;
    EXPECT_EQ(message["error"]["code"], "rate_limited") << *answer;
}

// The status of a request with a bad token that names `forwarded_for` as its client.
int bad_token_from(int port, const std::string& forwarded_for) {
    return http_exchange(port,
                         "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Connection: close\r\nAuthorization: Bearer shb_guess\r\n"
                         "X-Forwarded-For: " +
                             forwarded_for + "\r\n\r\n")
        .status;
}

// Behind a trusted proxy (docs/OPERATIONS.md, "Behind nginx"): the test connects from
// 127.0.0.1, here the proxy, and names the clients in X-Forwarded-For as nginx would.
TEST(AbuseLimits, BehindATrustedProxyTheClientItNamesIsCounted) {
    RunningServer server{1.0, [](Options& o) {
                             o.failed_tokens_per_minute = 2;
                             o.websockets_per_address = 1;
                             o.trusted_proxies = {"127.0.0.1"};
                         }};
    EXPECT_EQ(bad_token_from(server.port, "192.0.2.1"), 401);
    EXPECT_EQ(bad_token_from(server.port, "192.0.2.1"), 401);
    EXPECT_EQ(bad_token_from(server.port, "192.0.2.1"), 429);
    EXPECT_EQ(bad_token_from(server.port, "198.51.100.1, 192.0.2.1"), 429)
        << "the client's own entry is ignored";
    EXPECT_EQ(bad_token_from(server.port, "192.0.2.2"), 401) << "another client behind the proxy";
    EXPECT_EQ(bad_token_from(server.port, "2001:db8::1"), 401);

    // One websocket per client address: counted per client the proxy names, not per proxy.
    WebsocketClient first(server.port, "/ws", "X-Forwarded-For: 192.0.2.1\r\n");
    WebsocketClient second(server.port, "/ws", "X-Forwarded-For: 192.0.2.2\r\n");
    EXPECT_THROW(WebsocketClient(server.port, "/ws", "X-Forwarded-For: 192.0.2.1\r\n"),
                 std::runtime_error);
}

TEST(AbuseLimits, XForwardedForFromAPeerThatIsNoTrustedProxyIsIgnored) {
    RunningServer server{1.0, [](Options& o) {
                             o.failed_tokens_per_minute = 2;
                             o.websockets_per_address = 1;
                             o.trusted_proxies = {"10.0.0.0/8", "::1"};
                         }};
    EXPECT_EQ(bad_token_from(server.port, "192.0.2.1"), 401);
    EXPECT_EQ(bad_token_from(server.port, "192.0.2.2"), 401);
    EXPECT_EQ(bad_token_from(server.port, "192.0.2.3"), 429)
        << "all three counted against 127.0.0.1";

    WebsocketClient first(server.port, "/ws", "X-Forwarded-For: 192.0.2.1\r\n");
    EXPECT_THROW(WebsocketClient(server.port, "/ws", "X-Forwarded-For: 192.0.2.2\r\n"),
                 std::runtime_error);
}

}  // namespace
}  // namespace stagehub::server
