// The accessibility statement over real HTTP against the running server
// (docs/API.md, "Accessibility statement"): the settings' round trip and their checks, the
// statement the public reads, the feedback form's messages stored, listed and pushed on
// `ops` to the event's organisers only, the per-address limit, and that neither the public
// nor another event's organisers ever read a message. The privacy export and erasure see
// the messages sent with an email.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "error_reply.hpp"
#include "net_client.hpp"
#include "running_server.hpp"
#include "schedule/attendance/personal_data.hpp"
#include "schedule/database.hpp"
#include "schedule/programme_file.hpp"
#include "socket_messages.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::error_code;
using stagehub::testing::http_request;
using stagehub::testing::HttpReply;
using stagehub::testing::WebsocketClient;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kWeek = "innovationsveckan";  // tests/data/innovation_week.json

std::string statement_path(const std::string& event, const std::string& rest = "") {
    return "/api/v1/events/" + event + "/accessibility" + rest;
}

json parsed(const HttpReply& reply) {
    return json::parse(reply.body, nullptr, false);
}

class AccessibilityApiTest : public ::testing::Test {
  protected:
    explicit AccessibilityApiTest(int feedback_per_minute = 5)
        : server(1.0, [feedback_per_minute](Options& o) {
              o.accessibility_contact = "tillganglighet@kommun.example";
              o.feedback_per_minute = feedback_per_minute;
          }) {}

    RunningServer server;
    std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent);

    HttpReply call(const std::string& method, const std::string& target,
                   const std::string& bearer = "", const json& body = nullptr) {
        return server.call(method, target, bearer, body);
    }

    // innovationsveckan, imported by its own organiser; returns that organiser's token.
    std::string import_week() {
        const std::string other = server.token(Role::organiser, "Lisa Marklund", kWeek);
        const auto programme =
            schedule::read_programme_file(STAGEHUB_TEST_DATA "/innovation_week.json");
        EXPECT_TRUE(programme.ok());
        const HttpReply imported = http_request(server.port, "POST", "/api/v1/events/import",
                                                schedule::programme_file_json(*programme).dump(),
                                                "application/json", other);
        EXPECT_EQ(imported.status, 200) << imported.body;
        return other;
    }

    HttpReply send(const json& body, const std::string& event = kEvent) {
        return call("POST", statement_path(event, "/feedback"), "", body);
    }
};

TEST_F(AccessibilityApiTest, AnUnsetStatementSaysPartialWithTheServersContact) {
    const HttpReply reply = call("GET", statement_path(kEvent));
    ASSERT_EQ(reply.status, 200) << reply.body;
    const json s = parsed(reply);
    EXPECT_EQ(s["event"]["id"], kEvent);
    EXPECT_EQ(s["compliance"], "partial") << "honest until the organisers say more";
    EXPECT_EQ(s["contact_email"], "tillganglighet@kommun.example");
    EXPECT_EQ(s["country"], "SE");
    EXPECT_EQ(s["evaluation"], "self");
    EXPECT_EQ(s["configured"], false);
    EXPECT_FALSE(s["publisher"].get<std::string>().empty());
    EXPECT_EQ(s["prepared"].get<std::string>().size(), 10u) << s["prepared"];
    EXPECT_TRUE(s["reviewed"].is_null());
    EXPECT_TRUE(s["replays_without_complete_captions"].is_array());
    EXPECT_FALSE(s.contains("updated_by")) << "who saved it is for the organisers";

    const json list = parsed(call("GET", "/api/v1/accessibility"));
    ASSERT_EQ(list["events"].size(), 1u) << list.dump();
    EXPECT_EQ(list["events"][0]["id"], kEvent);
    EXPECT_EQ(call("GET", statement_path("no-such-event")).status, 404);
}

TEST_F(AccessibilityApiTest, SettingsMakeTheRoundTripAndBadOnesAreRefusedWhole) {
    const json settings = {{"publisher", "Exempel kommun"},
                           {"contact_email", "webb@exempel.se"},
                           {"compliance", "none"},
                           {"known_gaps",
                            {{"sv", "Pdf-filerna i programmet är inte tillgängliga."},
                             {"nb", "PDF-filene er ikke universelt utformet."},
                             {"en", "The programme's PDF files are not accessible."}}},
                           {"prepared", "2026-11-02"},
                           {"reviewed", "2026-12-01"},
                           {"evaluation", "external"},
                           {"country", "NO"}};
    const HttpReply saved = call("PUT", statement_path(kEvent), organiser, settings);
    ASSERT_EQ(saved.status, 200) << saved.body;
    EXPECT_EQ(parsed(saved)["updated_by"].get<std::string>().find("Anna Berg") != std::string::npos,
              true)
        << saved.body;

    const json s = parsed(call("GET", statement_path(kEvent)));
    for (const char* key : {"publisher", "contact_email", "compliance", "known_gaps", "prepared",
                            "reviewed", "evaluation", "country"})
        EXPECT_EQ(s[key], settings[key]) << key;
    EXPECT_EQ(s["configured"], true);

    // A partial update keeps the rest; "" gives the server's address back; null clears a
    // review date.
    ASSERT_EQ(call("PUT", statement_path(kEvent), organiser,
                   {{"compliance", "full"}, {"contact_email", ""}, {"reviewed", nullptr}})
                  .status,
              200);
    const json after = parsed(call("GET", statement_path(kEvent)));
    EXPECT_EQ(after["compliance"], "full");
    EXPECT_EQ(after["contact_email"], "tillganglighet@kommun.example");
    EXPECT_TRUE(after["reviewed"].is_null());
    EXPECT_EQ(after["publisher"], "Exempel kommun");

    // Every bad field named, nothing stored.
    const HttpReply bad = call("PUT", statement_path(kEvent), organiser,
                               {{"compliance", "mostly"},
                                {"contact_email", "javascript:alert(1)"},
                                {"prepared", "2. november"},
                                {"known_gaps", {{"sv", std::string(8001, 'x')}}},
                                {"country", "DK"},
                                {"colour", "red"}});
    ASSERT_EQ(bad.status, 400) << bad.body;
    EXPECT_EQ(error_code(bad), "bad_field");
    const std::string message = parsed(bad)["error"]["message"];
    for (const char* field :
         {"compliance", "contact_email", "prepared", "known_gaps", "country", "colour"})
        EXPECT_NE(message.find(field), std::string::npos) << field << " in " << message;
    EXPECT_EQ(parsed(call("GET", statement_path(kEvent)))["compliance"], "full");
    EXPECT_EQ(error_code(call("PUT", statement_path(kEvent), organiser, json::array())),
              "bad_json");

    // Only the event's organisers write it.
    EXPECT_EQ(call("PUT", statement_path(kEvent), "", {{"compliance", "none"}}).status, 401);
    const std::string staff = server.token(Role::staff, "Statistiker", kEvent);
    EXPECT_EQ(call("PUT", statement_path(kEvent), staff, {{"compliance", "none"}}).status, 403);
    const std::string other = import_week();
    EXPECT_EQ(call("PUT", statement_path(kEvent), other, {{"compliance", "none"}}).status, 403);
    EXPECT_EQ(parsed(call("GET", statement_path(kEvent)))["compliance"], "full");
}

TEST_F(AccessibilityApiTest, FeedbackReachesTheEventsOrganisersAndNobodyElse) {
    const std::string other = import_week();
    WebsocketClient console(server.port, "/ws?token=" + organiser);
    WebsocketClient other_console(server.port, "/ws?token=" + other);
    for (WebsocketClient* ws : {&console, &other_console}) {
        ws->send_text(json({{"type", "subscribe"}, {"channels", {"ops"}}}).dump());
        ASSERT_TRUE(next_where(*ws, [](const json& m) { return m["type"] == "subscribed"; }));
    }

    const HttpReply sent = send({{"message", "Videon på sidan saknar textning."},
                                 {"name", "Åsa Öberg"},
                                 {"email", " Asa@Example.se "},
                                 {"page", "https://stagehub.example/replays?session=x"},
                                 {"language", "sv"}});
    ASSERT_EQ(sent.status, 201) << sent.body;
    const int64_t id = parsed(sent)["id"];

    const auto pushed = next_where(console, [](const json& m) { return m["type"] == "feedback"; });
    ASSERT_TRUE(pushed) << "the organiser's console hears of it at once";
    EXPECT_EQ((*pushed)["channel"], "ops");
    EXPECT_EQ((*pushed)["event"], kEvent);
    EXPECT_EQ((*pushed)["feedback"]["id"], id);
    EXPECT_EQ((*pushed)["feedback"]["message"], "Videon på sidan saknar textning.");
    EXPECT_EQ((*pushed)["feedback"]["email"], "Asa@Example.se");
    EXPECT_FALSE(next_where(
        other_console, [](const json& m) { return m["type"] == "feedback"; }, 700ms))
        << "another event's organiser hears nothing of it";

    const HttpReply listed = call("GET", statement_path(kEvent, "/feedback"), organiser);
    ASSERT_EQ(listed.status, 200) << listed.body;
    const json list = parsed(listed);
    ASSERT_EQ(list["count"], 1);
    EXPECT_EQ(list["feedback"][0]["id"], id);
    EXPECT_EQ(list["feedback"][0]["name"], "Åsa Öberg");
    EXPECT_EQ(list["feedback"][0]["page"], "https://stagehub.example/replays?session=x");
    EXPECT_EQ(list["feedback"][0]["language"], "sv");

    // Nobody else reads it: the public, staff, another event's organiser (and the list of
    // that event holds nothing of this one).
    EXPECT_EQ(call("GET", statement_path(kEvent, "/feedback")).status, 401);
    const std::string staff = server.token(Role::staff, "Statistiker", kEvent);
    EXPECT_EQ(call("GET", statement_path(kEvent, "/feedback"), staff).status, 403);
    EXPECT_EQ(call("GET", statement_path(kEvent, "/feedback"), other).status, 403);
    const json theirs = parsed(call("GET", statement_path(kWeek, "/feedback"), other));
    EXPECT_EQ(theirs["count"], 0) << theirs.dump();
    EXPECT_EQ(call("GET", statement_path(kEvent, "/feedback/" + std::to_string(id))).status, 404);

    // The privacy export finds it by the email; the erasure blanks name and email and keeps
    // the message for the record.
    {
        schedule::Database db(server.data_dir / "stagehub.db");
        const auto subject = attendance::subject_by_email("asa@example.se");
        ASSERT_TRUE(subject.ok());
        const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now());
        const auto data = attendance::export_personal_data(db, *subject, now, "test");
        ASSERT_EQ(data.feedback.size(), 1u);
        EXPECT_EQ(attendance::personal_data_json(*subject, data,
                                                 now)["accessibility_feedback"][0]["message"],
                  "Videon på sidan saknar textning.");
        EXPECT_EQ(attendance::erase_personal_data(db, *subject, now, "test").feedback, 1);
    }
    const json erased = parsed(call("GET", statement_path(kEvent, "/feedback"), organiser));
    EXPECT_TRUE(erased["feedback"][0]["name"].is_null()) << erased.dump();
    EXPECT_TRUE(erased["feedback"][0]["email"].is_null());
    EXPECT_EQ(erased["feedback"][0]["message"], "Videon på sidan saknar textning.");
}

TEST_F(AccessibilityApiTest, BadMessagesAreRefusedAndStoreNothing) {
    const std::string four_thousand_a_umlauts = [] {
        std::string text;
        for (int i = 0; i < 4000; ++i)
            text += "ä";
        return text;
    }();
    EXPECT_EQ(send({{"message", four_thousand_a_umlauts}}).status, 201)
        << "4000 characters, 8000 bytes: allowed";
    for (const json& body :
         {json{{"name", "Ann"}}, json{{"message", "   \n "}},
          json{{"message", four_thousand_a_umlauts + "x"}}, json{{"message", 42}},
          json{{"message", "ok"}, {"email", "no-at-sign"}},
          json{{"message", "ok"}, {"name", std::string(201, 'n')}},
          json{{"message", "ok"}, {"page", std::string(501, 'p')}},
          json{{"message", "ok"}, {"token", "x"}}}) {
        const HttpReply reply = send(body);
        EXPECT_EQ(reply.status, 400) << body.dump().substr(0, 120) << " → " << reply.body;
        EXPECT_EQ(error_code(reply), "bad_field") << reply.body;
    }
    EXPECT_EQ(error_code(call("POST", statement_path(kEvent, "/feedback"), "", json::array())),
              "bad_json");
    const HttpReply form = http_request(server.port, "POST", statement_path(kEvent, "/feedback"),
                                        "message=hi", "application/x-www-form-urlencoded", "");
    EXPECT_EQ(form.status, 415) << "a cross-site form cannot post here: " << form.body;
    EXPECT_EQ(send({{"message", "hi"}}, "no-such-event").status, 404);
    EXPECT_EQ(parsed(call("GET", statement_path(kEvent, "/feedback"), organiser))["count"], 1);
}

TEST_F(AccessibilityApiTest, OneAddressMaySendOnlySoOftenAndTheRestWait) {
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(send({{"message", "nummer " + std::to_string(i)}}).status, 201) << i;
    const HttpReply refused = send({{"message", "en för mycket"}});
    ASSERT_EQ(refused.status, 429) << refused.body;
    EXPECT_EQ(error_code(refused), "rate_limited");
    ASSERT_TRUE(refused.headers.contains("retry-after"));
    EXPECT_GE(std::stoi(refused.headers.at("retry-after")), 1);
    // A bad message costs nothing and says what is wrong, not "wait".
    EXPECT_EQ(send({{"message", ""}}).status, 400);
    EXPECT_EQ(parsed(call("GET", statement_path(kEvent, "/feedback"), organiser))["count"], 5);
}

TEST_F(AccessibilityApiTest, AnUnpublishedEventHasNoPublicStatement) {
    ASSERT_EQ(
        call("PATCH", "/api/v1/events/" + std::string(kEvent), organiser, {{"published", false}})
            .status,
        200);
    EXPECT_EQ(call("GET", statement_path(kEvent)).status, 404);
    EXPECT_EQ(send({{"message", "hej"}}).status, 404);
    EXPECT_EQ(parsed(call("GET", "/api/v1/accessibility"))["events"].size(), 0u);
    EXPECT_EQ(call("GET", statement_path(kEvent), organiser).status, 200);
}

}  // namespace
}  // namespace stagehub::server
