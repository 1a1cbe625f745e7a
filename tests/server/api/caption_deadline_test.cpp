// The 14-day rule over the real server (docs/CAPTIONS.md, "The 14-day rule"), its clock
// moved on by the test: on the due day an uncaptioned public replay is hidden (or, with
// `warn`, only warned about), once, logged in the change log; a captioned one stays; and
// one the rule hid comes back when its captions are complete.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "net_client.hpp"
#include "recorded_replay.hpp"
#include "socket_messages.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Days the rule's clock is ahead of the real one.
std::atomic<int> g_days_on{0};

void set_clock(Options& o, const std::string& action) {
    g_days_on = 0;
    o.live_grace = 0s;
    o.caption_deadline_action = action;
    o.caption_deadline_every = 100ms;
    o.caption_clock = [] {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now()) +
               std::chrono::days{g_days_on.load()};
    };
}

// Waits past a few runs of the rule (every 100 ms).
void let_it_run() {
    std::this_thread::sleep_for(600ms);
}

int public_status(RunningServer& server) {
    return server.call("GET", "/api/v1/replays/valkommen").status;
}

json changes_of(RunningServer& server, const std::string& organiser) {
    return json::parse(
        server.call("GET", std::string("/api/v1/events/") + kReplayEvent + "/changes", organiser)
            .body)["changes"];
}

size_t count_operation(const json& changes, const std::string& operation) {
    size_t n = 0;
    for (const json& change : changes)
        n += change["operation"] == operation ? 1 : 0;
    return n;
}

TEST(CaptionDeadline, AnUncaptionedReplayIsHiddenOnDayFourteenAndBackWhenCaptioned) {
    RunningServer server(1.0, [](Options& o) { set_clock(o, "hide"); });
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kReplayEvent);
    record_welcome(server, organiser);
    g_days_on = 13;
    let_it_run();
    ASSERT_EQ(public_status(server), 200) << "day 13: still due tomorrow";
    const json before =
        json::parse(server.call("GET", "/api/v1/replays/valkommen", organiser).body);
    EXPECT_EQ(before["captions"]["status"], "none");

    g_days_on = 14;
    let_it_run();
    EXPECT_EQ(public_status(server), 404) << "day 14 without captions: hidden";
    const json hidden =
        json::parse(server.call("GET", "/api/v1/replays/valkommen", organiser).body);
    EXPECT_TRUE(hidden["hidden"]);
    EXPECT_EQ(hidden["captions"]["deadline"], "hidden");
    EXPECT_EQ(hidden["captions"]["days_left"], 0);
    const json changes = changes_of(server, organiser);
    EXPECT_EQ(count_operation(changes, "caption_deadline_hide"), 1u) << "once, not each run";
    EXPECT_EQ(changes.back()["actor"], "caption-deadline");
    EXPECT_EQ(changes.back()["sessions"], json::array({"valkommen"}));

    // A complete file brings it back, logged.
    const auto uploaded = stagehub::testing::http_request(
        server.port, "PUT", session_path(kReplaySession) + "/captions/sv",
        "WEBVTT\n\n00:00.500 --> 00:01.500\nVälkommen!\n", "text/vtt", organiser);
    ASSERT_EQ(uploaded.status, 200) << uploaded.body;
    EXPECT_EQ(public_status(server), 200);
    EXPECT_EQ(count_operation(changes_of(server, organiser), "caption_deadline_show"), 1u);
    let_it_run();
    EXPECT_EQ(public_status(server), 200) << "captioned: the rule leaves it be";
}

TEST(CaptionDeadline, AReplayAnOrganiserHidAgainStaysHiddenWhenCaptionsComplete) {
    RunningServer server(1.0, [](Options& o) { set_clock(o, "hide"); });
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kReplayEvent);
    record_welcome(server, organiser);
    g_days_on = 14;
    let_it_run();
    ASSERT_EQ(public_status(server), 404) << "hidden by the rule";
    // The organiser shows it, then hides it again for a reason of their own.
    const std::string replay = session_path(kReplaySession) + "/replay";
    ASSERT_EQ(server.call("PATCH", replay, organiser, {{"hidden", false}}).status, 200);
    let_it_run();
    ASSERT_EQ(public_status(server), 200) << "shown by hand: the rule does not hide it again";
    ASSERT_EQ(server.call("PATCH", replay, organiser, {{"hidden", true}}).status, 200);
    const auto uploaded = stagehub::testing::http_request(
        server.port, "PUT", session_path(kReplaySession) + "/captions/sv",
        "WEBVTT\n\n00:00.500 --> 00:01.500\nVälkommen!\n", "text/vtt", organiser);
    ASSERT_EQ(uploaded.status, 200) << uploaded.body;
    EXPECT_EQ(public_status(server), 404) << "the organiser's choice, not the rule's, stands";
    EXPECT_EQ(count_operation(changes_of(server, organiser), "caption_deadline_show"), 0u);
}

TEST(CaptionDeadline, ACaptionedReplayStays) {
    RunningServer server(1.0, [](Options& o) { set_clock(o, "hide"); });
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kReplayEvent);
    record_welcome(server, organiser);
    const auto uploaded = stagehub::testing::http_request(
        server.port, "PUT", session_path(kReplaySession) + "/captions/sv",
        "WEBVTT\n\n00:00.500 --> 00:01.500\nVälkommen!\n", "text/vtt", organiser);
    ASSERT_EQ(uploaded.status, 200) << uploaded.body;
    g_days_on = 20;
    let_it_run();
    EXPECT_EQ(public_status(server), 200);
    EXPECT_EQ(count_operation(changes_of(server, organiser), "caption_deadline_hide"), 0u);
}

TEST(CaptionDeadline, WarnOnlyWarnsOnce) {
    RunningServer server(1.0, [](Options& o) { set_clock(o, "warn"); });
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kReplayEvent);
    record_welcome(server, organiser);
    stagehub::testing::WebsocketClient console(server.port, "/ws");
    console.send_text(json({{"type", "auth"}, {"token", organiser}}).dump());
    console.send_text(json({{"type", "subscribe"}, {"channels", {"ops"}}}).dump());
    std::this_thread::sleep_for(200ms);
    g_days_on = 14;
    const auto pushed = next_where(
        console, [](const json& m) { return m.value("type", "") == "caption_deadline"; });
    ASSERT_TRUE(pushed.has_value()) << "the console heard it on ops";
    EXPECT_EQ((*pushed)["action"], "warn");
    EXPECT_EQ((*pushed)["session"], "valkommen");
    let_it_run();
    EXPECT_EQ(public_status(server), 200) << "warn: the replay stays up";
    const json changes = changes_of(server, organiser);
    EXPECT_EQ(count_operation(changes, "caption_deadline_warn"), 1u);
    EXPECT_EQ(count_operation(changes, "caption_deadline_hide"), 0u);
    const json replay =
        json::parse(server.call("GET", "/api/v1/replays/valkommen", organiser).body);
    EXPECT_EQ(replay["captions"]["deadline"], "warned");
}

}  // namespace
}  // namespace stagehub::server
