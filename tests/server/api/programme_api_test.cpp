// The organiser API over real HTTP and a real websocket against the running server: who
// may do what (each role × each endpoint class), edits that land whole or not at all,
// catching up from a revision, and the agenda delta every screen receives.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "error_reply.hpp"
#include "net_client.hpp"
#include "pipelines/segment_archive.hpp"
#include "running_server.hpp"
#include "schedule/database.hpp"
#include "schedule/instant.hpp"
#include "schedule/programme_file.hpp"
#include "schedule/programme_store.hpp"
#include "server/auth/token_store.hpp"
#include "text_count.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::error_code;
using stagehub::testing::http_request;
using stagehub::testing::HttpReply;
using stagehub::testing::occurrences;
using stagehub::testing::WebsocketClient;

constexpr const char* kEvent = "tillsammans-for-fornyelse";

class ProgrammeApiTest : public ::testing::Test {
  protected:
    RunningServer server{1.0};

    std::string token(Role role, const std::string& name, const std::string& event = kEvent,
                      const std::string& person = "") {
        return server.token(role, name, event, person);
    }

    HttpReply call(const std::string& method, const std::string& target,
                   const std::string& bearer = "", const json& body = nullptr) {
        return server.call(method, target, bearer, body);
    }

    json get_json(const std::string& target, const std::string& bearer = "") {
        const HttpReply reply = call("GET", target, bearer);
        EXPECT_EQ(reply.status, 200) << target << ": " << reply.body;
        return json::parse(reply.body, nullptr, false);
    }

    int64_t revision() { return get_json("/api/v1/programme")["revision"].get<int64_t>(); }

    static std::string session_path(const std::string& id) {
        return std::string("/api/v1/events/") + kEvent + "/sessions/" + id;
    }
};

TEST_F(ProgrammeApiTest, EachRoleGetsExactlyTheEndpointsItMay) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    const std::string other_organiser = token(Role::organiser, "Ola", "another-event");
    const std::string staff = token(Role::staff, "Statistiker");
    const std::string speaker = token(Role::speaker, "Johan", kEvent, "johan-nordlund");
    const std::map<std::string, std::string> callers = {
        {"public", ""},   {"organiser", organiser}, {"other_organiser", other_organiser},
        {"staff", staff}, {"speaker", speaker},     {"bad_token", "shb_not-a-real-token"}};
    struct Case {
        std::string endpoint_class;
        std::string method;
        std::string target;
        json body;
        std::map<std::string, int> expected;  // caller → status
    };
    const std::string event = std::string("/api/v1/events/") + kEvent;
    const std::vector<Case> cases = {
        {"public read",
         "GET",
         event,
         nullptr,
         {{"public", 200},
          {"organiser", 200},
          {"other_organiser", 200},
          {"staff", 200},
          {"speaker", 200},
          {"bad_token", 401}}},
        {"public export",
         "GET",
         "/api/v1/programme?since=0",
         nullptr,
         {{"public", 200},
          {"organiser", 200},
          {"other_organiser", 200},
          {"staff", 200},
          {"speaker", 200},
          {"bad_token", 401}}},
        {"organiser edit",
         "PATCH",
         session_path("idesslussen") + "?dry_run=true",
         {{"title", "Idésslussen, version 2"}},
         {{"public", 401},
          {"organiser", 200},
          {"other_organiser", 403},
          {"staff", 403},
          {"speaker", 403},
          {"bad_token", 401}}},
        {"organiser live operation",
         "POST",
         session_path("innovationssprintar") + "/cancel",
         json{{"dry_run", true}},
         {{"public", 401},
          {"organiser", 200},
          {"other_organiser", 403},
          {"staff", 403},
          {"speaker", 403},
          {"bad_token", 401}}},
        {"organiser accounts",
         "GET",
         event + "/accounts",
         nullptr,
         {{"public", 401},
          {"organiser", 200},
          {"other_organiser", 403},
          {"staff", 403},
          {"speaker", 403},
          {"bad_token", 401}}},
        {"staff statistics",
         "GET",
         event + "/stats/programme",
         nullptr,
         {{"public", 401},
          {"organiser", 200},
          {"other_organiser", 403},
          {"staff", 200},
          {"speaker", 403},
          {"bad_token", 401}}},
        {"staff change log",
         "GET",
         event + "/changes",
         nullptr,
         {{"public", 401},
          {"organiser", 200},
          {"other_organiser", 403},
          {"staff", 200},
          {"speaker", 403},
          {"bad_token", 401}}},
        {"speaker own sessions",
         "GET",
         "/api/v1/speaker/sessions",
         nullptr,
         {{"public", 401},
          {"organiser", 403},
          {"other_organiser", 403},
          {"staff", 403},
          {"speaker", 200},
          {"bad_token", 401}}},
    };
    const int64_t before = revision();
    for (const Case& c : cases) {
        for (const auto& [who, bearer] : callers) {
            const HttpReply reply = call(c.method, c.target, bearer, c.body);
            EXPECT_EQ(reply.status, c.expected.at(who))
                << c.endpoint_class << " as " << who << ": " << reply.body;
            if (reply.status == 401) {
                EXPECT_EQ(error_code(reply), "unauthorized");
            } else if (reply.status == 403) {
                EXPECT_EQ(error_code(reply), "forbidden");
            }
        }
    }
    EXPECT_EQ(revision(), before) << "every edit above was a dry run";

    const json mine = get_json("/api/v1/speaker/sessions", speaker);
    EXPECT_EQ(mine["person"]["name"], "Johan Nordlund");
    const json& sessions = mine["events"][0]["sessions"];
    ASSERT_EQ(sessions.size(), 2u) << "his talk and his panel";
    EXPECT_EQ(sessions[1]["id"], "panel-systematik");
    EXPECT_EQ(sessions[1]["my_position"], 2) << "after the moderator";
}

TEST_F(ProgrammeApiTest, AnEditIsStoredWithTheNextRevisionAndWhoMadeIt) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    const int64_t before = revision();
    const HttpReply reply = call("PATCH", session_path("idesslussen"), organiser,
                                 {{"title", "Idésslussen & vägen vidare"}, {"theme", "Idéer"}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    const json body = json::parse(reply.body);
    EXPECT_EQ(body["revision"], before + 1);
    EXPECT_EQ(body["changed"][0]["before"]["title"],
              "Idéslussen – ett system för att ta vara på idéer");
    EXPECT_EQ(body["changed"][0]["after"]["title"], "Idésslussen & vägen vidare");

    const json session = get_json(session_path("idesslussen"));
    EXPECT_EQ(session["title"], "Idésslussen & vägen vidare");
    EXPECT_EQ(session["theme"], "Idéer");
    EXPECT_EQ(session["people"].size(), 2u) << "fields left out keep their value";

    const json log = get_json(std::string("/api/v1/events/") + kEvent + "/changes", organiser);
    const json& last = log["changes"].back();
    EXPECT_EQ(last["revision"], before + 1);
    EXPECT_EQ(last["operation"], "edit_session");
    EXPECT_NE(last["actor"].get<std::string>().find("Anna Berg"), std::string::npos);
}

TEST_F(ProgrammeApiTest, BadEditsAreClearErrorsAndChangeNothing) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    const int64_t before = revision();
    const json original = get_json(session_path("idesslussen"));

    const HttpReply not_json = http_request(server.port, "PATCH", session_path("idesslussen"),
                                            "{title:", "application/json", organiser);
    EXPECT_EQ(not_json.status, 400);
    EXPECT_EQ(error_code(not_json), "bad_json");

    const HttpReply wrong_type =
        call("PATCH", session_path("idesslussen"), organiser, {{"duration_minutes", "long"}});
    EXPECT_EQ(wrong_type.status, 400);
    EXPECT_EQ(error_code(wrong_type), "bad_field");
    EXPECT_NE(wrong_type.body.find("duration_minutes"), std::string::npos) << wrong_type.body;

    // Onto the next talk's time: an overlap naming both sessions.
    const json next = get_json(session_path("innovationssprintar"));
    const HttpReply overlap =
        call("PATCH", session_path("idesslussen"), organiser, {{"start", next["start"]}});
    EXPECT_EQ(overlap.status, 409) << overlap.body;
    EXPECT_EQ(error_code(overlap), "overlap");
    EXPECT_NE(overlap.body.find("innovationssprintar"), std::string::npos) << overlap.body;

    const HttpReply no_session =
        call("PATCH", session_path("no-such-talk"), organiser, {{"title", "x"}});
    EXPECT_EQ(no_session.status, 404);

    const HttpReply renamed =
        call("PATCH", session_path("idesslussen"), organiser, {{"id", "something-else"}});
    EXPECT_EQ(renamed.status, 400);

    EXPECT_EQ(revision(), before);
    EXPECT_EQ(get_json(session_path("idesslussen")), original);
}

TEST_F(ProgrammeApiTest, AClientCatchesUpFromItsRevisionWithoutAFullReload) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    const int64_t seen = revision();
    ASSERT_EQ(call("PATCH", session_path("idesslussen"), organiser, {{"title", "Ny titel"}}).status,
              200);
    json added = get_json(session_path("avslutning"));
    const HttpReply add =
        call("POST", std::string("/api/v1/events/") + kEvent + "/sessions", organiser,
             {{"id", "extra-tack"},
              {"stage", "stora-salen"},
              {"kind", "talk"},
              {"title", "Ett extra tack"},
              {"start", added["end"]},
              {"duration_minutes", 5},
              {"people", {{{"person", "helena-marklund"}}}}});
    ASSERT_EQ(add.status, 200) << add.body;
    ASSERT_EQ(call("DELETE", session_path("forskolan"), organiser).status, 200);

    const json feed = get_json("/api/v1/programme?since=" + std::to_string(seen));
    EXPECT_EQ(feed["since"], seen);
    EXPECT_EQ(feed["revision"], seen + 3);
    ASSERT_EQ(feed["changes"].size(), 3u);
    EXPECT_FALSE(feed["changes"][0].contains("actor")) << "the public sees what, not who";
    ASSERT_EQ(feed["events"].size(), 1u);
    const json& delta = feed["events"][0];
    std::map<std::string, json> sessions;
    for (const json& s : delta["sessions"])
        sessions[s["id"]] = s;
    ASSERT_EQ(sessions.size(), 3u) << delta.dump();
    EXPECT_EQ(sessions["idesslussen"]["title"], "Ny titel");
    EXPECT_EQ(sessions["panel-ideagande"]["follows_up"].size(), 3u)
        << "the panel no longer follows up the removed talk";
    EXPECT_EQ(sessions["extra-tack"]["people"][0]["name"], "Helena Marklund");
    EXPECT_EQ(delta["removed_sessions"], json::array({"forskolan"}));

    const json current = get_json("/api/v1/programme?since=" + std::to_string(seen + 3));
    EXPECT_TRUE(current["changes"].empty());
    EXPECT_TRUE(current["events"].empty());
    EXPECT_EQ(call("GET", "/api/v1/programme?since=banana").status, 400);
    EXPECT_EQ(call("GET", "/api/v1/programme?since=" + std::to_string(seen + 100)).status, 400);
}

TEST_F(ProgrammeApiTest, EveryConnectedScreenGetsTheDeltaWithTheNewRevisionWithinASecond) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    WebsocketClient screen(server.port, "/ws");
    screen.send_text(std::string(R"({"type": "subscribe", "channels": ["agenda:)") + kEvent +
                     R"("]})");
    while (screen.receive(300ms)) {
    }  // the acknowledgement and the snapshot
    const auto sent = std::chrono::steady_clock::now();
    const HttpReply reply = call("PATCH", session_path("ide-till-drift"), organiser,
                                 {{"title", "Från idé till drift"}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    const int64_t rev = json::parse(reply.body)["revision"];

    std::optional<json> delta;
    while (auto text = screen.receive(1000ms)) {
        const json message = json::parse(*text);
        if (message["type"] == "delta") {
            delta = message;
            break;
        }
    }
    const auto elapsed = std::chrono::steady_clock::now() - sent;
    ASSERT_TRUE(delta.has_value()) << "no agenda delta arrived";
    EXPECT_LT(elapsed, 1s);
    std::cout << "agenda delta on the websocket "
              << std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() / 1000.0
              << " ms after the edit was sent\n";
    EXPECT_EQ((*delta)["channel"], std::string("agenda:") + kEvent);
    EXPECT_EQ((*delta)["rev"], rev);
    ASSERT_EQ((*delta)["sessions"].size(), 1u);
    EXPECT_EQ((*delta)["sessions"][0]["title"], "Från idé till drift");
}

TEST_F(ProgrammeApiTest, UnpublishedSessionsReachOnlyTheEventsOrganisers) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    const std::string staff = token(Role::staff, "Statistiker");
    WebsocketClient screen(server.port, "/ws");
    screen.send_text(std::string(R"({"type": "subscribe", "channels": ["agenda:)") + kEvent +
                     R"("]})");
    while (screen.receive(300ms)) {
    }
    const int64_t seen = revision();
    const HttpReply add =
        call("POST", std::string("/api/v1/events/") + kEvent + "/sessions", organiser,
             {{"id", "hemlig-punkt"},
              {"stage", "stora-salen"},
              {"kind", "talk"},
              {"title", "Hemlig överraskning"},
              {"start", get_json(session_path("avslutning"))["end"]},
              {"duration_minutes", 5},
              {"published", false}});
    ASSERT_EQ(add.status, 200) << add.body;

    const std::string secret = "Hemlig överraskning";
    for (const std::string& target :
         {std::string("/api/v1/programme"), "/api/v1/programme?since=" + std::to_string(seen),
          std::string("/api/v1/events/") + kEvent, std::string("/api/v1/events")}) {
        for (const std::string& bearer : {std::string(), staff}) {
            const HttpReply reply = call("GET", target, bearer);
            EXPECT_EQ(reply.status, 200) << target;
            EXPECT_EQ(reply.body.find(secret), std::string::npos) << target << " leaks it";
        }
    }
    EXPECT_EQ(call("GET", session_path("hemlig-punkt")).status, 404);
    EXPECT_EQ(call("GET", session_path("hemlig-punkt"), organiser).status, 200);
    EXPECT_NE(call("GET", std::string("/api/v1/events/") + kEvent, organiser).body.find(secret),
              std::string::npos);
    while (auto text = screen.receive(500ms))
        EXPECT_EQ(text->find(secret), std::string::npos) << "the websocket leaks it: " << *text;

    // Unpublishing a public session: it disappears for the public, as a removal.
    ASSERT_EQ(call("PATCH", session_path("forskolan"), organiser, {{"published", false}}).status,
              200);
    const json feed = get_json("/api/v1/programme?since=" + std::to_string(seen + 1));
    EXPECT_EQ(feed["events"][0]["removed_sessions"], json::array({"forskolan"}));
}

TEST_F(ProgrammeApiTest, OrganisersHandOutAndRevokeTokensForTheirEvent) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    const HttpReply created = call("POST", std::string("/api/v1/events/") + kEvent + "/accounts",
                                   organiser, {{"role", "speaker"}, {"person", "sara-lindgren"}});
    ASSERT_EQ(created.status, 201) << created.body;
    const json account = json::parse(created.body);
    const std::string link_token = account["token"];
    EXPECT_EQ(account["link"], "/speaker#t=" + link_token) << "the token in the fragment";
    const json mine = get_json("/api/v1/speaker/sessions", link_token);
    EXPECT_EQ(mine["events"][0]["sessions"].size(), 4u) << "two talks and two panels";

    const HttpReply unknown_person =
        call("POST", std::string("/api/v1/events/") + kEvent + "/accounts", organiser,
             {{"role", "speaker"}, {"person", "nobody"}});
    EXPECT_EQ(unknown_person.status, 400);

    const HttpReply revoked = call("DELETE",
                                   std::string("/api/v1/events/") + kEvent + "/accounts/" +
                                       std::to_string(account["id"].get<int64_t>()),
                                   organiser);
    EXPECT_EQ(revoked.status, 200) << revoked.body;
    EXPECT_EQ(call("GET", "/api/v1/speaker/sessions", link_token).status, 401);
}

TEST_F(ProgrammeApiTest, RunningLateIsPreviewedThenCommittedAndReachesEveryScreen) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    WebsocketClient screen(server.port, "/ws");
    screen.send_text(std::string(R"({"type": "subscribe", "channels": ["agenda:)") + kEvent +
                     R"("]})");
    while (screen.receive(300ms)) {
    }
    const int64_t before = revision();
    const json fika_before = get_json(session_path("fika-1"));

    // The preview: what would move, nothing stored, nothing pushed.
    const HttpReply preview =
        call("POST", session_path("idesslussen") + "/delay", organiser,
             {{"minutes", 10}, {"mode", "absorb_into_breaks"}, {"dry_run", true}});
    ASSERT_EQ(preview.status, 200) << preview.body;
    const json plan = json::parse(preview.body);
    EXPECT_EQ(plan["dry_run"], true);
    EXPECT_TRUE(plan["revision"].is_null());
    std::vector<std::string> moved;
    for (const json& c : plan["changed"])
        moved.push_back(c["id"]);
    EXPECT_EQ(moved,
              (std::vector<std::string>{"idesslussen", "innovationssprintar", "ide-till-drift",
                                        "mata-innovation", "panel-systematik", "fika-1"}))
        << "the coffee break absorbs the delay; nothing after it moves";
    EXPECT_EQ(plan["changed"].back()["after"]["end"], fika_before["end"]);
    EXPECT_EQ(revision(), before);
    EXPECT_FALSE(screen.receive(300ms).has_value()) << "a dry run is not pushed";

    const HttpReply done = call("POST", session_path("idesslussen") + "/delay", organiser,
                                {{"minutes", 10}, {"mode", "absorb_into_breaks"}});
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(json::parse(done.body)["revision"], before + 1);
    std::optional<json> delta;
    while (auto text = screen.receive(1000ms)) {
        const json message = json::parse(*text);
        if (message["type"] == "delta") {
            delta = message;
            break;
        }
    }
    ASSERT_TRUE(delta.has_value());
    EXPECT_EQ((*delta)["rev"], before + 1);
    EXPECT_EQ((*delta)["sessions"].size(), 6u);
    EXPECT_EQ((*delta)["change"]["operation"], "delay");

    // Past the end of the day (17:30; the closing talk ends 17:10): refused, named.
    const HttpReply too_late =
        call("POST", session_path("panel-ideagande") + "/delay", organiser, {{"minutes", 30}});
    EXPECT_EQ(too_late.status, 409) << too_late.body;
    EXPECT_EQ(error_code(too_late), "outside_event_days");
    EXPECT_NE(too_late.body.find("avslutning"), std::string::npos) << too_late.body;

    // Moving Sara's talk onto her panel's time double-books her.
    const json panel = get_json(session_path("panel-ideagande"));
    const HttpReply clash = call("POST", session_path("stod-till-ideagare") + "/move", organiser,
                                 {{"start", panel["start"]}});
    EXPECT_EQ(clash.status, 409) << clash.body;
    EXPECT_EQ(error_code(clash), "overlap");

    const HttpReply bad_order = call("PUT", session_path("panel-ideagande") + "/panel-order",
                                     organiser, {{"people", {"helena-marklund", "sara-lindgren"}}});
    EXPECT_EQ(bad_order.status, 422) << bad_order.body;
    EXPECT_EQ(error_code(bad_order), "bad_panel_order");
    const HttpReply good_order =
        call("PUT", session_path("panel-ideagande") + "/panel-order", organiser,
             {{"people",
               {"helena-marklund", "sofia-ostlund", "sara-lindgren", "robert-dahlberg",
                "niklas-hedman"}}});
    ASSERT_EQ(good_order.status, 200) << good_order.body;
    const json reordered = get_json(session_path("panel-ideagande"));
    EXPECT_EQ(reordered["people"][1]["id"], "sofia-ostlund");
    EXPECT_EQ(reordered["people"][1]["role"], "panelist");
    EXPECT_EQ(revision(), before + 2);
}

TEST_F(ProgrammeApiTest, StartNowAndEndNowSetTheActualTimesOnTheStage) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    // The welcome is on now (since the server started); a moment later the first talk
    // starts early.
    std::this_thread::sleep_for(1100ms);
    const HttpReply early =
        call("POST", session_path("idesslussen") + "/start-now", organiser, nullptr);
    ASSERT_EQ(early.status, 200) << early.body;
    const json welcome = get_json(session_path("valkommen"));
    const json talk = get_json(session_path("idesslussen"));
    EXPECT_EQ(welcome["state"], "ended");
    EXPECT_FALSE(welcome["actual_end"].is_null());
    EXPECT_EQ(talk["state"], "live");
    EXPECT_EQ(talk["actual_start"], welcome["actual_end"]);
    const json programme = get_json(std::string("/api/v1/events/") + kEvent);
    EXPECT_EQ(programme["event"]["stages"][0]["now"], "idesslussen");

    std::this_thread::sleep_for(1100ms);  // times are whole seconds: let it run one
    const HttpReply ended = call("POST", session_path("idesslussen") + "/end-now", organiser);
    ASSERT_EQ(ended.status, 200) << ended.body;
    EXPECT_EQ(get_json(session_path("idesslussen"))["state"], "ended");
    const HttpReply again = call("POST", session_path("idesslussen") + "/end-now", organiser);
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(error_code(again), "bad_state");
}

TEST_F(ProgrammeApiTest, ImportsReportEveryBadRowAndStoreAllOrNothing) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    const std::string other = token(Role::organiser, "Ola", "another-event");
    const std::string csv =
        "stage,kind,title,date,start,duration,speakers\n"
        "Aulan,talk,Öppning,2026-05-12,09:00,20,Ann Öberg\n"
        "Aulan,lecture,Fel sort,2026-05-12,09:30,20,\n"
        "Aulan,talk,Fel tid,2026-05-12,25:00,20,\n"
        "Aulan,panel,Panel,2026-05-12,10:00,30,\"Cia Lind (moderator); Ann Öberg\"\n";
    const std::string target = "/api/v1/events/import?event=piteadagen&title=Piteådagen";
    const int64_t before = revision();

    const HttpReply refused = http_request(server.port, "POST", target, csv, "text/csv", other);
    EXPECT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(error_code(refused), "invalid_import");
    EXPECT_NE(refused.body.find("line 3"), std::string::npos) << refused.body;
    EXPECT_NE(refused.body.find("line 4"), std::string::npos) << refused.body;
    EXPECT_EQ(revision(), before) << "nothing is imported when a row is bad";
    EXPECT_EQ(call("GET", "/api/v1/events/piteadagen").status, 404);

    const HttpReply imported =
        http_request(server.port, "POST", target + "&skip_bad_rows=true", csv, "text/csv", other);
    ASSERT_EQ(imported.status, 200) << imported.body;
    const json answer = json::parse(imported.body);
    EXPECT_EQ(answer["created"], true);
    EXPECT_EQ(answer["sessions"], 2);
    EXPECT_EQ(answer["skipped"].size(), 2u);
    EXPECT_EQ(answer["skipped"][0]["where"], "line 3");
    const json event = get_json("/api/v1/events/piteadagen")["event"];
    EXPECT_EQ(event["title"], "Piteådagen");
    EXPECT_EQ(event["sessions"][1]["people"][0]["role"], "moderator");

    // The importer organises the new event; the demo day's organiser does not.
    EXPECT_EQ(call("PATCH", "/api/v1/events/piteadagen", other, {{"venue", "Piteå"}}).status, 200);
    EXPECT_EQ(call("PATCH", "/api/v1/events/piteadagen", organiser, {{"venue", "x"}}).status, 403);
    const HttpReply takeover =
        http_request(server.port, "POST", std::string("/api/v1/events/import?event=") + kEvent, csv,
                     "text/csv", other);
    EXPECT_EQ(takeover.status, 403) << "an event is replaced only by its own organisers";

    // A frab schedule.json export is a valid import of a copy of the day.
    const HttpReply frab = call("GET", std::string("/api/v1/events/") + kEvent + "/schedule.json");
    ASSERT_EQ(frab.status, 200);
    EXPECT_EQ(frab.headers.at("content-type"), "application/json; charset=utf-8");
    const HttpReply copy = http_request(server.port, "POST", "/api/v1/events/import?event=kopia",
                                        frab.body, "application/json", other);
    EXPECT_EQ(copy.status, 409) << "session ids belong to the original event: " << copy.body;
    EXPECT_EQ(error_code(copy), "id_conflict");
}

TEST_F(ProgrammeApiTest, ExportsFollowEditsAndShowOnlyWhatTheReaderMaySee) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    ASSERT_EQ(call("PATCH", session_path("forskolan"), organiser, {{"published", false}}).status,
              200);
    const std::string hidden = "Medarbetardriven innovation i förskolan";
    for (const std::string file :
         {"schedule.json", "schedule.xml", "schedule.ics", "sessions.csv", "programme.json"}) {
        const std::string target = std::string("/api/v1/events/") + kEvent + "/" + file;
        const HttpReply reply = call("GET", target);
        ASSERT_EQ(reply.status, 200) << target;
        EXPECT_NE(reply.body.find("Paneldialog: systematik"), std::string::npos) << target;
        EXPECT_EQ(reply.body.find(hidden), std::string::npos) << target << " leaks it";
        EXPECT_NE(call("GET", target, organiser).body.find(hidden), std::string::npos)
            << "organisers export their whole programme: " << target;
    }
    const HttpReply ics = call("GET", session_path("idesslussen") + "/session.ics");
    ASSERT_EQ(ics.status, 200);
    EXPECT_EQ(ics.headers.at("content-type"), "text/calendar; charset=utf-8");
    EXPECT_NE(ics.body.find("DTSTART;TZID=Europe/Stockholm:"), std::string::npos);
    EXPECT_EQ(ics.body.find("BEGIN:VEVENT"), ics.body.rfind("BEGIN:VEVENT")) << "one session";
    EXPECT_EQ(call("GET", session_path("forskolan") + "/session.ics").status, 404);
}

// One day of a week over the end of summer time (tests/data/innovation_week.json): the day
// is the event's local date of each session's start, the 25th of October has 25 hours, and
// a panel from 22:30 to 00:30 belongs to the day it starts on.
TEST_F(ProgrammeApiTest, ADayOfTheProgrammeIsACalendarOfItsOwn) {
    const std::string week = "innovationsveckan";
    const std::string organiser = token(Role::organiser, "Lisa Marklund", week);
    const auto programme =
        schedule::read_programme_file(STAGEHUB_TEST_DATA "/innovation_week.json");
    ASSERT_TRUE(programme.ok()) << programme.error().message;
    const HttpReply imported = http_request(server.port, "POST", "/api/v1/events/import",
                                            schedule::programme_file_json(*programme).dump(),
                                            "application/json", organiser);
    ASSERT_EQ(imported.status, 200) << imported.body;
    const std::string ics = "/api/v1/events/" + week + "/schedule.ics";

    struct Case {
        std::string day;
        std::vector<std::string> starts;  // DTSTART values, local
    };
    const std::vector<Case> cases = {
        {"2026-10-23", {"20261023T090000", "20261023T130000", "20261023T223000"}},
        {"2026-10-25", {"20261025T003000", "20261025T230000"}},
        {"2026-10-26", {"20261026T001500", "20261026T100000"}},
        {"2026-10-27", {}},  // a day of the event with nothing planned: an empty calendar
    };
    for (const Case& c : cases) {
        const HttpReply reply = call("GET", ics + "?day=" + c.day);
        ASSERT_EQ(reply.status, 200) << c.day << ": " << reply.body;
        EXPECT_EQ(reply.headers.at("content-type"), "text/calendar; charset=utf-8");
        const std::string name = week + "-" + c.day + ".ics";
        EXPECT_EQ(reply.headers.at("content-disposition"),
                  "inline; filename=\"" + name + "\"; filename*=UTF-8''" + name);
        EXPECT_EQ(occurrences(reply.body, "BEGIN:VEVENT"), c.starts.size()) << c.day;
        for (const std::string& start : c.starts) {
            EXPECT_NE(reply.body.find("DTSTART;TZID=Europe/Stockholm:" + start), std::string::npos)
                << c.day << " lacks " << start;
        }
        EXPECT_EQ(occurrences(reply.body, "BEGIN:VTIMEZONE"), c.starts.empty() ? 0u : 1u);
    }
    EXPECT_NE(call("GET", ics + "?day=2026-10-23")
                  .body.find("DTEND;TZID=Europe/Stockholm:20261024T003000"),
              std::string::npos)
        << "the panel over midnight ends on the next day, in the file of the day it starts";
    EXPECT_NE(
        call("GET", ics + "?day=2026-10-25").body.find("BEGIN:STANDARD\r\nDTSTART:20261025T030000"),
        std::string::npos)
        << "the day's VTIMEZONE holds the change back to winter time";

    const HttpReply whole = call("GET", ics);
    ASSERT_EQ(whole.status, 200);
    EXPECT_EQ(occurrences(whole.body, "BEGIN:VEVENT"), 7u);
    EXPECT_EQ(whole.headers.at("content-disposition"),
              "inline; filename=\"" + week + ".ics\"; filename*=UTF-8''" + week + ".ics");

    // Only the end of the panel falls on the 24th: not a day of the event.
    const HttpReply outside = call("GET", ics + "?day=2026-10-24");
    EXPECT_EQ(outside.status, 404) << outside.body;
    EXPECT_EQ(error_code(outside), "not_found");
    EXPECT_NE(outside.body.find("2026-10-23, 2026-10-25, 2026-10-26, 2026-10-27"),
              std::string::npos)
        << "the message names the event's days: " << outside.body;
    for (const std::string bad :
         {"25-10-2026", "2026-10-32", "2026-02-29", "2026-1-5", "", "2026-10-25T00:00"}) {
        const HttpReply reply = call("GET", ics + "?day=" + bad);
        EXPECT_EQ(reply.status, 400) << bad << ": " << reply.body;
        EXPECT_EQ(error_code(reply), "invalid") << bad;
        EXPECT_NE(reply.body.find("?day=YYYY-MM-DD"), std::string::npos) << reply.body;
    }
    EXPECT_EQ(call("GET", "/api/v1/events/no-such-week/schedule.ics?day=2026-10-25").status, 404);
}

TEST_F(ProgrammeApiTest, AStagesSourceAndPassphraseStayWithItsOrganisers) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    const std::string stage = std::string("/api/v1/events/") + kEvent + "/stages/stora-salen";
    const HttpReply set =
        call("PATCH", stage, organiser,
             {{"source",
               {{"kind", "srt"}, {"url", "srt://:9710"}, {"passphrase", "hemligt-lösen-123"}}}});
    ASSERT_EQ(set.status, 200) << set.body;
    // A later edit of another field keeps the passphrase.
    ASSERT_EQ(call("PATCH", stage, organiser, {{"capacity", 150}}).status, 200);
    {
        schedule::Database db(server.dir / "stagehub.db");
        schedule::ProgrammeStore store(db);
        const auto stored = store.load_event(kEvent);
        ASSERT_TRUE(stored.ok());
        EXPECT_EQ(stored->find_stage("stora-salen")->source.passphrase, "hemligt-lösen-123");
        EXPECT_EQ(stored->find_stage("stora-salen")->capacity, 150);
    }

    const HttpReply bad =
        call("PATCH", stage, organiser,
             {{"source", {{"kind", "srt"}, {"url", "srt://:9710"}, {"passphrase", "kort"}}}});
    EXPECT_EQ(bad.status, 422) << bad.body;
    EXPECT_EQ(error_code(bad), "bad_source");

    const json event = get_json(std::string("/api/v1/events/") + kEvent)["event"];
    EXPECT_EQ(event["stages"][0]["source"], "srt");
    EXPECT_EQ(event["stages"][0]["lower_third"], "player")
        << "a passthrough picture gets its lower third from the player";
    EXPECT_EQ(event["stages"][0]["capacity"], 150);
    for (const std::string& target :
         {std::string("/api/v1/events/") + kEvent, std::string("/api/v1/programme"),
          std::string("/api/v1/events/") + kEvent + "/programme.json",
          std::string("/api/v1/events/") + kEvent + "/schedule.json"}) {
        for (const std::string& bearer : {std::string(), organiser}) {
            const std::string body = call("GET", target, bearer).body;
            EXPECT_EQ(body.find("hemligt"), std::string::npos) << target << " shows the passphrase";
        }
    }
}

TEST_F(ProgrammeApiTest, OrganisersTrimAndHideReplaysAndNoReplaySessionsNeverGetOne) {
    const std::string organiser = token(Role::organiser, "Anna Berg");
    std::this_thread::sleep_for(2100ms);  // the welcome has run two seconds
    ASSERT_EQ(call("POST", session_path("valkommen") + "/end-now", organiser).status, 200);
    const json welcome = get_json(session_path("valkommen"));
    const auto start = *parse_instant(welcome["start"].get<std::string>());
    const auto end = *parse_instant(welcome["end"].get<std::string>());

    // The archive as the broadcast leaves it: segments covering the session, on disk.
    {
        schedule::Database db(server.dir / "stagehub.db");
        pipelines::SegmentArchive archive(db, server.dir / "media/live");
        std::filesystem::create_directories(server.dir / "media/live/stora-salen");
        for (unsigned i = 0; i < 6; ++i) {
            pipelines::ClosedSegment segment;
            segment.run_id = "run";
            segment.index = i;
            segment.path =
                server.dir / "media/live/stora-salen" / ("seg-run-" + std::to_string(i) + ".ts");
            std::ofstream(segment.path) << "not decoded by this test";
            segment.started_at = start - 1s + i * 1s;
            segment.duration_s = 1.0;
            archive.add("stora-salen", segment);
        }
        ASSERT_GE(start - 1s + 6s, end) << "the segments cover the session";
    }
    const auto replays = [&](const std::string& bearer) {
        return json::parse(call("GET", "/api/v1/replays", bearer).body)["replays"];
    };
    ASSERT_EQ(replays("").size(), 1u);
    EXPECT_EQ(replays("")[0]["session"], "valkommen");
    EXPECT_FALSE(replays("")[0].contains("hidden")) << "edits are the organisers'";
    const std::string replay =
        "/api/v1/events/" + std::string(kEvent) + "/sessions/valkommen/replay";

    // Trim: the window moves, the segments follow.
    const HttpReply trimmed = call("PATCH", replay, organiser, {{"trim_in_seconds", 1}});
    ASSERT_EQ(trimmed.status, 200) << trimmed.body;
    EXPECT_EQ(replays(organiser)[0]["trim_in_seconds"], 1.0);
    EXPECT_EQ(
        replays("")[0]["from"],
        format_instant_ms(std::chrono::time_point_cast<std::chrono::milliseconds>(start + 1s)));
    EXPECT_EQ(call("PATCH", replay, organiser, {{"trim_in_seconds", -3}}).status, 400);
    EXPECT_EQ(call("PATCH", replay, "", {{"hidden", true}}).status, 401);

    // Hidden: gone for the public, listed for its organisers.
    ASSERT_EQ(call("PATCH", replay, organiser, {{"hidden", true}}).status, 200);
    EXPECT_TRUE(replays("").empty());
    EXPECT_EQ(call("GET", "/api/v1/replays/valkommen/playlist.m3u8").status, 404);
    ASSERT_EQ(replays(organiser).size(), 1u);
    EXPECT_EQ(replays(organiser)[0]["hidden"], true);
    EXPECT_EQ(call("GET", "/api/v1/replays/valkommen/playlist.m3u8", organiser).status, 200);

    // A session that allows no replay never has one, whatever the archive holds.
    ASSERT_EQ(call("PATCH", replay, organiser, {{"hidden", false}}).status, 200);
    ASSERT_EQ(
        call("PATCH", session_path("valkommen"), organiser, {{"replay_allowed", false}}).status,
        200);
    EXPECT_TRUE(replays("").empty());
    EXPECT_TRUE(replays(organiser).empty());
}

}  // namespace
}  // namespace stagehub::server
