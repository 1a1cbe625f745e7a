// Registration and check-in over real HTTP against the running server: a citizen registers
// and gets a code and its QR code, the door scans it twice (201, then 200 "already checked
// in at HH:MM" in the event's time), walk-ins, seats that run out, who may do what, and
// refusals that change no count. The QR drawing is checked module by module against
// libqrencode's symbol.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "error_reply.hpp"
#include "net_client.hpp"
#include "running_server.hpp"
#include "schedule/instant.hpp"
#include "schedule/time_zone.hpp"
#include "server/api/qr_code.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using stagehub::testing::error_code;
using stagehub::testing::http_request;
using stagehub::testing::HttpReply;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kZone = "Europe/Stockholm";
constexpr const char* kSession = "idesslussen";

std::string event_path(const std::string& rest) {
    return std::string("/api/v1/events/") + kEvent + rest;
}

json parsed(const HttpReply& reply) {
    return json::parse(reply.body, nullptr, false);
}

std::string error_message(const HttpReply& reply) {
    const json body = parsed(reply);
    return body.is_discarded() || !body.contains("error")
               ? reply.body
               : body["error"]["message"].get<std::string>();
}

// A code as someone types it: lower case, a dash before position `dash_at`.
std::string as_typed(const std::string& code, size_t dash_at) {
    std::string typed;
    for (size_t i = 0; i < code.size(); ++i) {
        if (i == dash_at)
            typed += '-';
        typed += static_cast<char>(std::tolower(static_cast<unsigned char>(code[i])));
    }
    return typed;
}

std::string local_hh_mm(const std::string& iso) {
    const auto at = parse_instant(iso);
    EXPECT_TRUE(at.ok()) << iso;
    return at.ok() ? schedule::to_local(*at, kZone)->hh_mm() : "";
}

// The dark modules a QR SVG draws, read back from its path ("M x y h n v1h-n z" runs), in
// symbol coordinates (the quiet zone taken off).
std::vector<uint8_t> drawn_modules(const std::string& svg, int width) {
    std::vector<uint8_t> dark(static_cast<size_t>(width * width), 0);
    const std::regex run(R"(M(\d+) (\d+)h(\d+)v1h-(\d+)z)");
    const size_t d = svg.find(" d=\"");
    const std::string path = svg.substr(d + 4, svg.find('"', d + 4) - d - 4);
    for (auto it = std::sregex_iterator(path.begin(), path.end(), run);
         it != std::sregex_iterator(); ++it) {
        const int x = std::stoi((*it)[1]) - kQrQuietZone;
        const int y = std::stoi((*it)[2]) - kQrQuietZone;
        const int n = std::stoi((*it)[3]);
        EXPECT_EQ(n, std::stoi((*it)[4]));
        for (int i = 0; i < n; ++i)
            dark.at(static_cast<size_t>(y * width + x + i)) = 1;
    }
    // Nothing in the path but runs.
    EXPECT_EQ(std::regex_replace(path, run, ""), "") << path;
    return dark;
}

TEST(QrCode, TheSvgDrawsExactlyLibqrencodesDarkModulesInsideAQuietZone) {
    for (const std::string text :
         {"K7QF3M", "https://stagehub.example/check-in/K7QF3M/a/longer/one"}) {
        const auto symbol = encode_qr(text);
        ASSERT_TRUE(symbol.ok()) << text;
        EXPECT_EQ(symbol->width, 17 + 4 * symbol->version);
        const std::string svg = qr_svg(*symbol);
        const std::string size = std::to_string(symbol->width + 2 * kQrQuietZone);
        EXPECT_NE(svg.find("viewBox=\"0 0 " + size + " " + size + "\""), std::string::npos) << svg;
        EXPECT_NE(svg.find("shape-rendering=\"crispEdges\""), std::string::npos);
        EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
        EXPECT_EQ(std::count(svg.begin(), svg.end(), '<'), 4)
            << "<svg>, a white <rect>, one <path>, </svg>";
        EXPECT_NE(svg.find("<path fill=\"#000\" d=\"M"), std::string::npos) << svg;
        EXPECT_EQ(drawn_modules(svg, symbol->width), symbol->dark) << text;
        // The finder pattern's corner: a sanity check on the orientation of the grid.
        EXPECT_TRUE(symbol->is_dark(0, 0) && symbol->is_dark(6, 6) && !symbol->is_dark(7, 7));
    }
    EXPECT_EQ(encode_qr("K7QF3M")->version, 1) << "an alphanumeric code fits version 1 at level M";
    EXPECT_EQ(encode_qr(std::string(5000, 'x')).error().code, "bad_request");
}

class AttendanceApiTest : public ::testing::Test {
  protected:
    RunningServer server{1.0};
    std::string organiser = server.token(Role::organiser, "Dörren", kEvent);
    std::string staff = server.token(Role::staff, "Statistiker", kEvent);

    HttpReply call(const std::string& method, const std::string& target,
                   const std::string& bearer = "", const json& body = nullptr) {
        return server.call(method, target, bearer, body);
    }

    json register_attendee(const std::string& name, const std::string& mode = "in_person") {
        const HttpReply reply =
            call("POST", event_path("/registrations"), "", {{"name", name}, {"mode", mode}});
        EXPECT_EQ(reply.status, 201) << reply.body;
        return parsed(reply);
    }

    HttpReply check_in(const json& body, const std::string& bearer) {
        return call("POST", event_path("/check-ins"), bearer, body);
    }

    json counts() {
        const HttpReply reply = call("GET", event_path("/check-ins"), staff);
        EXPECT_EQ(reply.status, 200) << reply.body;
        return parsed(reply);
    }
};

TEST_F(AttendanceApiTest, ARegistrationGetsACodeAndItsQrCode) {
    const HttpReply reply =
        call("POST", event_path("/registrations"), "",
             {{"name", "Åsa Öberg"}, {"email", "asa@example.se"}, {"mode", "in_person"}});
    ASSERT_EQ(reply.status, 201) << reply.body;
    const json r = parsed(reply);
    const std::string code = r["code"];
    EXPECT_TRUE(std::regex_match(code, std::regex("[2-9A-HJKMNP-Z]{6}"))) << code;
    EXPECT_EQ(r["name"], "Åsa Öberg");
    EXPECT_EQ(r["email"], "asa@example.se");
    EXPECT_EQ(r["mode"], "in_person");
    EXPECT_EQ(r["event"], kEvent);
    EXPECT_TRUE(parse_instant(r["created"].get<std::string>()).ok());
    EXPECT_EQ(r["qr"], "/api/v1/check-in/" + code + "/qr.svg");

    const HttpReply qr = call("GET", r["qr"].get<std::string>());
    ASSERT_EQ(qr.status, 200) << qr.body;
    EXPECT_EQ(qr.headers.at("content-type"), "image/svg+xml");
    const auto symbol = encode_qr(code);
    ASSERT_TRUE(symbol.ok());
    const std::string size = std::to_string(symbol->width + 2 * kQrQuietZone);
    EXPECT_NE(qr.body.find("viewBox=\"0 0 " + size + " " + size + "\""), std::string::npos)
        << qr.body;
    EXPECT_NE(qr.body.find("<path"), std::string::npos);
    EXPECT_EQ(qr.body, qr_svg(*symbol)) << "the QR code holds the code itself";

    // The code as typed: lower case, with a dash.
    EXPECT_EQ(call("GET", "/api/v1/check-in/" + as_typed(code, 3) + "/qr.svg").body, qr.body);
    EXPECT_EQ(call("GET", "/api/v1/check-in/" +
                              (code == "222222" ? std::string("333333") : "222222") + "/qr.svg")
                  .status,
              404);
    EXPECT_EQ(call("GET", "/api/v1/check-in/nonsense/qr.svg").status, 404);
    EXPECT_EQ(call("GET", r["qr"].get<std::string>(), "shb_not-a-real-token").status, 401);

    // Web mode, no email: null.
    const json web = register_attendee("Webbtittare", "web");
    EXPECT_EQ(web["mode"], "web");
    EXPECT_TRUE(web["email"].is_null());
    EXPECT_NE(web["code"], code);
}

TEST_F(AttendanceApiTest, TheSecondScanIsAlreadyCheckedInAtTheFirstTimeInTheEventsClock) {
    const json ann = register_attendee("Ann Berg");
    const HttpReply first = check_in({{"code", as_typed(ann["code"], 4)}}, organiser);
    ASSERT_EQ(first.status, 201) << first.body;
    const json in = parsed(first);
    EXPECT_EQ(in["status"], "checked_in");
    EXPECT_EQ(in["walk_in"], false);
    EXPECT_EQ(in["registration"]["name"], "Ann Berg");
    EXPECT_EQ(in["registration"]["mode"], "in_person");
    EXPECT_FALSE(in["registration"].contains("email")) << "the door needs no e-mail address";
    EXPECT_EQ(in["count"], 1);
    const std::string at = in["at"];
    const std::string hh_mm = local_hh_mm(at);
    EXPECT_EQ(in["at_local"], hh_mm);
    EXPECT_EQ(in["day"], schedule::to_local(*parse_instant(at), kZone)->date_text());

    const HttpReply second = check_in({{"code", ann["code"]}}, organiser);
    ASSERT_EQ(second.status, 200) << second.body;
    const json again = parsed(second);
    EXPECT_EQ(again["status"], "already_checked_in");
    EXPECT_EQ(again["first_at"], at);
    EXPECT_EQ(again["at_local"], hh_mm);
    EXPECT_EQ(again["message"], "already checked in at " + hh_mm);
    EXPECT_EQ(again["count"], 1) << "never a second count";
    EXPECT_EQ(again["registration"]["name"], "Ann Berg");

    // A web registration that came counts too.
    const json web = register_attendee("Bo Webb", "web");
    const HttpReply bo = check_in({{"code", web["code"]}}, organiser);
    ASSERT_EQ(bo.status, 201) << bo.body;
    EXPECT_EQ(parsed(bo)["count"], 2);

    const json figures = counts();
    EXPECT_EQ(figures["today"], 2);
    EXPECT_EQ(figures["per_day"][in["day"].get<std::string>()], 2);
    EXPECT_EQ(figures["registered"], 2);
    EXPECT_EQ(figures["registered_in_person"], 1);
    EXPECT_EQ(figures["people"], 2);

    // The organiser's list shows who came today.
    const HttpReply list = call("GET", event_path("/registrations"), organiser);
    ASSERT_EQ(list.status, 200) << list.body;
    const json registrations = parsed(list)["registrations"];
    ASSERT_EQ(registrations.size(), 2u);
    EXPECT_EQ(registrations[0]["name"], "Ann Berg");
    EXPECT_EQ(registrations[0]["checked_in_today"], true);
    EXPECT_EQ(registrations[0]["checked_in"][0]["at"], at);
}

TEST_F(AttendanceApiTest, WalkInsCountOnceEach) {
    const HttpReply first = check_in({{"walk_in", true}}, organiser);
    ASSERT_EQ(first.status, 201) << first.body;
    const json walk_in = parsed(first);
    EXPECT_EQ(walk_in["status"], "checked_in");
    EXPECT_EQ(walk_in["walk_in"], true);
    EXPECT_TRUE(walk_in["registration"].is_null());
    EXPECT_EQ(walk_in["count"], 1);
    EXPECT_EQ(parsed(check_in({{"walk_in", true}}, organiser))["count"], 2);
    const json figures = counts();
    EXPECT_EQ(figures["today"], 2);
    EXPECT_EQ(figures["people"], 2);
    EXPECT_EQ(figures["registered"], 0);
}

TEST_F(AttendanceApiTest, RefusalsSayWhyAndChangeNoCount) {
    const json ann = register_attendee("Ann Berg");
    ASSERT_EQ(check_in({{"code", ann["code"]}}, organiser).status, 201);
    json before = counts();
    const std::string speaker = server.token(Role::speaker, "Johan", kEvent, "johan-nordlund");
    const std::string other_organiser = server.token(Role::organiser, "Ola", "another-event");

    // Access.
    EXPECT_EQ(check_in({{"code", ann["code"]}}, "").status, 401);
    EXPECT_EQ(check_in({{"code", ann["code"]}}, "shb_not-a-real-token").status, 401);
    EXPECT_EQ(check_in({{"code", ann["code"]}}, staff).status, 403);
    EXPECT_EQ(check_in({{"code", ann["code"]}}, speaker).status, 403);
    EXPECT_EQ(check_in({{"code", ann["code"]}}, other_organiser).status, 403);
    EXPECT_EQ(call("GET", event_path("/check-ins")).status, 401);
    EXPECT_EQ(call("GET", event_path("/check-ins"), speaker).status, 403);
    EXPECT_EQ(call("GET", event_path("/check-ins"), organiser).status, 200);
    EXPECT_EQ(call("GET", event_path("/registrations")).status, 401);
    EXPECT_EQ(call("GET", event_path("/registrations"), staff).status, 403);
    EXPECT_EQ(call("GET", event_path("/registrations"), other_organiser).status, 403);
    EXPECT_EQ(call("POST", event_path("/registrations"), "shb_not-a-real-token",
                   {{"name", "X"}, {"mode", "web"}})
                  .status,
              401);
    EXPECT_EQ(
        call("POST", "/api/v1/events/another-event/check-ins", other_organiser, {{"walk_in", true}})
            .status,
        404);
    EXPECT_EQ(call("GET", "/api/v1/events/another-event/registrations", other_organiser).status,
              404);

    // The door: unknown codes, malformed bodies.
    const std::string unknown = ann["code"] == "222222" ? "333333" : "222222";
    HttpReply reply = check_in({{"code", unknown}}, organiser);
    EXPECT_EQ(reply.status, 404);
    EXPECT_EQ(error_code(reply), "not_found");
    EXPECT_NE(error_message(reply).find(unknown), std::string::npos) << reply.body;
    reply = check_in({{"code", "K7Q"}}, organiser);
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(error_code(reply), "bad_request");
    reply = check_in({{"code", 123456}}, organiser);
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(error_code(reply), "bad_field");
    EXPECT_NE(error_message(reply).find("code"), std::string::npos);
    EXPECT_EQ(error_code(check_in(json::object(), organiser)), "bad_field");
    EXPECT_EQ(error_code(check_in({{"walk_in", "yes"}}, organiser)), "bad_field");
    EXPECT_EQ(error_code(check_in({{"walk_in", false}}, organiser)), "bad_field");
    EXPECT_EQ(error_code(check_in({{"code", ann["code"]}, {"walk_in", true}}, organiser)),
              "bad_field");
    EXPECT_EQ(error_code(check_in(json::array({1}), organiser)), "bad_json");
    reply = http_request(server.port, "POST", event_path("/check-ins"),
                         "{\"code\": ", "application/json", organiser);
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(error_code(reply), "bad_json");

    // Registration: unknown event, types (400, every field named), values (422).
    EXPECT_EQ(call("POST", "/api/v1/events/no-such-event/registrations", "",
                   {{"name", "X"}, {"mode", "web"}})
                  .status,
              404);
    reply = call("POST", event_path("/registrations"), "", {{"email", 7}});
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(error_code(reply), "bad_field");
    for (const char* field : {"name", "email", "mode"})
        EXPECT_NE(error_message(reply).find(field), std::string::npos) << reply.body;
    reply = call("POST", event_path("/registrations"), "", {{"name", "X"}, {"mode", "remote"}});
    EXPECT_EQ(reply.status, 422);
    EXPECT_EQ(error_code(reply), "invalid_registration");
    EXPECT_NE(error_message(reply).find("in_person"), std::string::npos);
    reply = call("POST", event_path("/registrations"), "",
                 {{"name", std::string(201, 'a')}, {"mode", "web"}});
    EXPECT_EQ(reply.status, 422);
    EXPECT_NE(error_message(reply).find("at most 200"), std::string::npos) << reply.body;
    reply = call("POST", event_path("/registrations"), "",
                 {{"name", "X"}, {"email", "x@nowhere"}, {"mode", "web"}});
    EXPECT_EQ(reply.status, 422);
    EXPECT_NE(error_message(reply).find("email"), std::string::npos) << reply.body;
    reply =
        call("POST", event_path("/registrations"), "",
             {{"name", "X"}, {"email", std::string(250, 'a') + "@example.se"}, {"mode", "web"}});
    EXPECT_EQ(reply.status, 422);
    EXPECT_EQ(error_code(call("POST", event_path("/registrations"), "",
                              {{"name", "  "}, {"mode", "web"}})),
              "invalid_registration");

    json after = counts();
    after.erase("server_time");
    before.erase("server_time");
    EXPECT_EQ(after, before) << "no refusal counted or registered anything";
}

TEST_F(AttendanceApiTest, OrganisersRemoveRegistrations) {
    const json ann = register_attendee("Ann Berg");
    ASSERT_EQ(check_in({{"code", ann["code"]}}, organiser).status, 201);
    const std::string target =
        event_path("/registrations/") + std::to_string(ann["id"].get<int64_t>());
    EXPECT_EQ(call("DELETE", target).status, 401);
    EXPECT_EQ(call("DELETE", target, staff).status, 403);
    EXPECT_EQ(call("DELETE", event_path("/registrations/nonsense"), organiser).status, 404);
    const HttpReply removed = call("DELETE", target, organiser);
    ASSERT_EQ(removed.status, 200) << removed.body;
    EXPECT_EQ(parsed(removed)["deleted"], ann["id"]);
    EXPECT_EQ(call("DELETE", target, organiser).status, 404);
    EXPECT_EQ(check_in({{"code", ann["code"]}}, organiser).status, 404);
    EXPECT_EQ(call("GET", ann["qr"].get<std::string>()).status, 404);
    const json figures = counts();
    EXPECT_EQ(figures["today"], 0) << "the check-in went with the registration";
    EXPECT_EQ(figures["registered"], 0);
}

// A flood of public registrations from one address is refused (an office behind one NAT
// still fits its burst); organisers at the desk are not limited, and nothing refused is
// stored.
TEST_F(AttendanceApiTest, OneAddressMayRegisterOnlySoFast) {
    const int burst = AttendanceApi::Limits{}.registrations_per_minute;
    int accepted = 0;
    HttpReply refused;
    for (int i = 0; i < burst + 5 && refused.status == 0; ++i) {
        const HttpReply reply = call("POST", event_path("/registrations"), "",
                                     {{"name", "Besökare " + std::to_string(i)}, {"mode", "web"}});
        if (reply.status == 201) {
            ++accepted;
        } else {
            refused = reply;
        }
    }
    // Registering takes far less than a second each here, so at most one token refilled.
    EXPECT_GE(accepted, burst);
    EXPECT_LE(accepted, burst + 2);
    ASSERT_EQ(refused.status, 429) << refused.body;
    EXPECT_EQ(parsed(refused)["error"]["code"], "rate_limited");
    ASSERT_TRUE(refused.headers.contains("retry-after"));
    EXPECT_GE(std::stoi(refused.headers.at("retry-after")), 1);

    // The organiser's desk registers on behalf of people: not limited.
    const HttpReply desk = call("POST", event_path("/registrations"), organiser,
                                {{"name", "Registrerad vid disken"}, {"mode", "in_person"}});
    EXPECT_EQ(desk.status, 201) << desk.body;
    const HttpReply list = call("GET", event_path("/registrations"), organiser);
    EXPECT_EQ(parsed(list)["registrations"].size(), static_cast<size_t>(accepted + 1));
}

TEST_F(AttendanceApiTest, AnUnpublishedEventTakesNoPublicRegistrations) {
    ASSERT_EQ(call("PATCH", event_path(""), organiser, {{"published", false}}).status, 200);
    const HttpReply reply =
        call("POST", event_path("/registrations"), "", {{"name", "X"}, {"mode", "web"}});
    EXPECT_EQ(reply.status, 404) << reply.body;
    EXPECT_EQ(
        call("POST", event_path("/registrations"), organiser, {{"name", "X"}, {"mode", "web"}})
            .status,
        201)
        << "its organisers may register people";
}

TEST_F(AttendanceApiTest, PresenceStopsAtTheStagesCapacity) {
    ASSERT_EQ(call("PATCH", event_path("/stages/stora-salen"), organiser, {{"capacity", 2}}).status,
              200);
    const std::string presence = std::string("/api/v1/sessions/") + kSession + "/presence";
    const json ann = register_attendee("Ann");
    const json bo = register_attendee("Bo");
    const json cia = register_attendee("Cia");

    HttpReply reply = call("POST", presence, organiser, {{"code", ann["code"]}});
    ASSERT_EQ(reply.status, 201) << reply.body;
    EXPECT_EQ(parsed(reply)["status"], "present");
    EXPECT_EQ(parsed(reply)["count"], 1);
    EXPECT_EQ(parsed(reply)["capacity"], 2);
    reply = call("POST", presence, organiser, {{"code", ann["code"]}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(parsed(reply)["status"], "already_present");
    EXPECT_EQ(parsed(reply)["count"], 1);
    EXPECT_NE(parsed(reply)["message"].get<std::string>().find(parsed(reply)["at_local"]),
              std::string::npos);
    ASSERT_EQ(call("POST", presence, organiser, {{"code", bo["code"]}}).status, 201);

    reply = call("POST", presence, organiser, {{"code", cia["code"]}});
    EXPECT_EQ(reply.status, 409);
    EXPECT_EQ(error_code(reply), "full");
    EXPECT_NE(error_message(reply).find("2 seats"), std::string::npos) << reply.body;
    EXPECT_EQ(call("POST", presence, organiser, {{"walk_in", true}}).status, 409);
    EXPECT_EQ(call("POST", presence, organiser, {{"code", ann["code"]}}).status, 200)
        << "someone inside is never turned away";

    EXPECT_EQ(call("POST", presence, "", {{"walk_in", true}}).status, 401);
    EXPECT_EQ(call("POST", presence, staff, {{"walk_in", true}}).status, 403);
    EXPECT_EQ(
        call("POST", "/api/v1/sessions/no-such-session/presence", organiser, {{"walk_in", true}})
            .status,
        404);
    EXPECT_EQ(call("POST", presence, organiser, {{"code", "K7Q"}}).status, 400);

    reply = call("GET", presence, staff);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(parsed(reply)["present"], 2);
    EXPECT_EQ(parsed(reply)["capacity"], 2);
    EXPECT_EQ(call("GET", presence).status, 401);
    EXPECT_EQ(counts()["per_session"][kSession], 2);
}

}  // namespace
}  // namespace stagehub::server
