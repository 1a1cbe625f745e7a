// A small theme day played through the real HTTP API, and the staff report it must give:
// 40 in the room (registrations, a duplicate scan, walk-ins), 40 web viewers joining and
// leaving at scripted times, 100 replay viewers the days after. The attendance clock is the
// test's, so the day runs in seconds; everything else (HTTP, the writer thread, SQLite, the
// report thread) is the server's own.
//
// The expected figures are worked out by hand below from the script and the documented
// rules (docs/STATISTICS.md): a beat vouches for 15 s, 45 s of silence is a leave, a session
// counts the overlap of its [start, end), a replay view is 30 s of playback per viewer and
// day.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "net_client.hpp"
#include "running_server.hpp"
#include "schedule/captions/caption_store.hpp"
#include "schedule/database.hpp"
#include "schedule/migrations.hpp"
#include "schedule/programme_file.hpp"
#include "schedule/programme_store.hpp"
#include "server/cli/stats_command.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::HttpReply;
using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::sys_time<Millis>;

constexpr const char* kEvent = "temadag";

// Stockholm is UTC+1 in November: 09:00 local is 08:00Z.
constexpr const char* kProgramme = R"({"format": "stagehub-programme/1",
  "event": {"id": "temadag", "title": "Tillsammans för förnyelse", "time_zone": "Europe/Stockholm",
            "days": [{"start": "2026-11-20T08:30:00+01:00", "end": "2026-11-20T16:00:00+01:00"}]},
  "stages": [{"id": "salen", "name": "Stora salen", "capacity": 120}],
  "people": [{"id": "helena", "name": "Helena Marklund"}],
  "sessions": [
    {"id": "s1", "stage": "salen", "kind": "talk", "title": "Välkommen och idéslussen",
     "start": "2026-11-20T09:00:00+01:00", "duration_minutes": 20,
     "people": [{"person": "helena", "role": "speaker"}]},
    {"id": "s2", "stage": "salen", "kind": "talk", "title": "Tjänstedesign på riktigt",
     "start": "2026-11-20T09:20:00+01:00", "duration_minutes": 20},
    {"id": "p1", "stage": "salen", "kind": "panel", "title": "Paneldialog: systematik",
     "start": "2026-11-20T09:40:00+01:00", "duration_minutes": 20},
    {"id": "s3", "stage": "salen", "kind": "study_visit", "title": "Studiebesök: Idéslussen",
     "start": "2026-11-20T10:00:00+01:00", "duration_minutes": 20}]})";

TimePoint local(const std::string& hh_mm_ss, const std::string& date = "2026-11-20") {
    auto at = parse_instant(date + "T" + hh_mm_ss + "+01:00");
    EXPECT_TRUE(at.ok()) << hh_mm_ss;
    return std::chrono::time_point_cast<Millis>(*at);
}

class ThemeDayTest : public ::testing::Test {
  protected:
    ThemeDayTest()
        : clock_ms(local("08:50:00").time_since_epoch().count()), server(1.0, [this](Options& o) {
              o.programme_file.clear();
              o.demo_speed = 1.0;
              o.attendance_clock = [this] { return TimePoint{Millis{clock_ms.load()}}; };
              schedule::Database db(o.data_dir / "stagehub.db");
              schedule::migrate(db);
              auto programme = schedule::parse_programme_file(kProgramme);
              ASSERT_TRUE(programme.ok()) << programme.error().message;
              schedule::ProgrammeStore store(db);
              ASSERT_TRUE(store.replace_event(*programme, "test").ok());
          }) {
        organiser = server.token(Role::organiser, "Anna Berg", kEvent, "");
        staff = server.token(Role::staff, "Statistiker", kEvent, "");
    }

    void set_clock(TimePoint at) { clock_ms = at.time_since_epoch().count(); }

    void beat(const json& body) {
        json b = body;
        b["sent_at"] = clock_ms.load();
        const HttpReply reply = server.call("POST", "/api/v1/heartbeats", "", b);
        ASSERT_EQ(reply.status, 200) << b.dump() << ": " << reply.body;
    }

    json staff_get(const std::string& target) {
        const HttpReply reply = server.call("GET", target, staff);
        EXPECT_EQ(reply.status, 200) << target << ": " << reply.body.substr(0, 300);
        return json::parse(reply.body, nullptr, false);
    }

    std::atomic<int64_t> clock_ms;
    RunningServer server;
    std::string organiser;
    std::string staff;
};

// One live viewer's script: beats every 15 s from `from` to `to` (both included).
struct BeatRun {
    TimePoint from;
    TimePoint to;
};

TEST_F(ThemeDayTest, TheReportHasTheExactFiguresOfTheDay) {
    // --- In the room -----------------------------------------------------------------
    // 40 register to come, 5 to watch on the web; 38 of the 40 come and are scanned at the
    // door (one of them twice), 2 walk in without registering: 40 in the room.
    set_clock(local("08:40:00"));
    std::vector<std::string> codes;
    for (int i = 0; i < 45; ++i) {
        const HttpReply reply =
            server.call("POST", std::string("/api/v1/events/") + kEvent + "/registrations", "",
                        {{"name", "Deltagare " + std::to_string(i) + " Åström"},
                         {"mode", i < 40 ? "in_person" : "web"}});
        ASSERT_EQ(reply.status, 201) << reply.body;
        codes.push_back(json::parse(reply.body)["code"]);
    }
    const std::string door = std::string("/api/v1/events/") + kEvent + "/check-ins";
    for (int i = 0; i < 38; ++i) {
        set_clock(local("08:40:00") + Millis{i * 10'000});
        EXPECT_EQ(
            server.call("POST", door, organiser, {{"code", codes[static_cast<size_t>(i)]}}).status,
            201);
    }
    const HttpReply again = server.call("POST", door, organiser, {{"code", codes[3]}});
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(json::parse(again.body)["message"], "already checked in at 08:40");
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(server.call("POST", door, organiser, {{"walk_in", true}}).status, 201);
    // The study visit has seats: 12 are counted in at its door.
    set_clock(local("09:58:00"));
    for (int i = 0; i < 12; ++i) {
        EXPECT_EQ(server
                      .call("POST", "/api/v1/sessions/s3/presence", organiser,
                            {{"code", codes[static_cast<size_t>(i)]}})
                      .status,
                  201);
    }

    // --- On the web ------------------------------------------------------------------
    // A (10): 08:55:00–10:05:00, all morning       → watching [08:55:00, 10:05:15)
    // B (10): 09:10:00–09:19:45, leave at 09:20     → watching [09:10:00, 09:20:00)
    // C (10): 09:20:00–09:25:00, 40 s in a tunnel (not a leave), 09:25:40–09:45:10
    //                                              → watching [09:20:00, 09:45:25)
    // D (10): 09:40:00–09:44:45, away 5 min (a leave), 09:50:00–10:09:45
    //                                              → watching [09:40:00, 09:45:00) and
    //                                                [09:50:00, 10:10:00)
    std::vector<std::pair<std::string, std::vector<BeatRun>>> viewers;
    const auto group = [&](const std::string& name, std::vector<BeatRun> runs) {
        for (int i = 0; i < 10; ++i)
            viewers.emplace_back("web-" + name + "-" + std::to_string(i) + "-viewer", runs);
    };
    group("a", {{local("08:55:00"), local("10:05:00")}});
    group("b", {{local("09:10:00"), local("09:19:45")}});
    group("c", {{local("09:20:00"), local("09:25:00")}, {local("09:25:40"), local("09:45:10")}});
    group("d", {{local("09:40:00"), local("09:44:45")}, {local("09:50:00"), local("10:09:45")}});
    // Every beat in time order, as the day would send them.
    std::vector<std::pair<TimePoint, std::string>> beats;
    for (const auto& [viewer, runs] : viewers) {
        for (const BeatRun& run : runs) {
            for (TimePoint t = run.from; t <= run.to; t += 15s)
                beats.emplace_back(t, viewer);
        }
    }
    std::sort(beats.begin(), beats.end());
    for (const auto& [at, viewer] : beats) {
        set_clock(at);
        beat({{"viewer", viewer}, {"stage", "salen"}, {"position", 1}, {"played", 15}});
    }

    // --- Replays, the days after -------------------------------------------------------
    // s1: r00–r59 play 3 × 15 s reaching the end (1200 s): 60 views, 2700 s, completion 1.
    // s2: r60–r99 play 2 × 15 s = 30 s, exactly the rule, reaching 600 s: 40 views;
    //     r00–r19 play 15 s only: no view, 300 s of watch time;
    //     r60–r69 play it again the same day: no new view, 300 s more;
    //     r70–r79 again the next day: 10 views more, 300 s more.
    //     s2: 50 views, 1200 + 300 + 300 + 300 = 2100 s, every view at 600 of 1200 s: 0.5.
    const auto replay = [&](int viewer, const std::string& session, TimePoint start,
                            const std::vector<int>& positions) {
        TimePoint t = start;
        for (int position : positions) {
            set_clock(t);
            char id[32];
            std::snprintf(id, sizeof id, "replay-viewer-%02d", viewer);
            beat({{"viewer", id}, {"replay", session}, {"position", position}, {"played", 15}});
            t += 15s;
        }
    };
    for (int v = 0; v < 60; ++v)
        replay(v, "s1", local("19:00:00", "2026-11-20") + Millis{v * 1000}, {400, 800, 1200});
    for (int v = 60; v < 100; ++v)
        replay(v, "s2", local("19:30:00", "2026-11-20") + Millis{v * 1000}, {100, 600});
    for (int v = 0; v < 20; ++v)
        replay(v, "s2", local("20:00:00", "2026-11-20") + Millis{v * 1000}, {50});
    for (int v = 60; v < 70; ++v)
        replay(v, "s2", local("21:00:00", "2026-11-20") + Millis{v * 1000}, {100, 600});
    for (int v = 70; v < 80; ++v)
        replay(v, "s2", local("10:00:00", "2026-11-21") + Millis{v * 1000}, {100, 600});

    // A captioner typed along with s1 (salen, 09:00–09:20): its replay is captioned, s2's not.
    {
        schedule::Database db(server.dir / "stagehub.db");
        captions::CaptionStore captions(db);
        captions::Cue cue;
        cue.event_id = kEvent;
        cue.stage_id = "salen";
        cue.language = "sv";
        cue.start_ms = local("09:05:00", "2026-11-20").time_since_epoch().count();
        cue.end_ms = cue.start_ms + 3000;
        cue.text = "Välkomna";
        ASSERT_TRUE(captions.add_live_cue(cue).ok());
    }

    // --- The report ---------------------------------------------------------------------
    const json report = staff_get(std::string("/api/v1/stats/events/") + kEvent);
    ASSERT_TRUE(report.is_object());
    std::map<std::string, json> sessions;
    for (const json& s : report["sessions"])
        sessions[s["session"]] = s;
    ASSERT_EQ(sessions.size(), 4u);

    // s1 09:00–09:20: A 10 × 20 min, B 10 × 10 min.
    EXPECT_EQ(sessions["s1"]["web_viewers"], 20);
    EXPECT_EQ(sessions["s1"]["peak_concurrent"], 20);
    EXPECT_EQ(sessions["s1"]["watch_time_s"], 10 * 1200 + 10 * 600);
    EXPECT_EQ(sessions["s1"]["average_watch_s"], 900);
    // s2 09:20–09:40: A and C 20 min each; B left at 09:20:00 sharp and does not count.
    EXPECT_EQ(sessions["s2"]["web_viewers"], 20);
    EXPECT_EQ(sessions["s2"]["peak_concurrent"], 20);
    EXPECT_EQ(sessions["s2"]["watch_time_s"], 20 * 1200);
    // p1 09:40–10:00: A 20 min, C 5 min 25 s, D 5 + 10 min; all 30 at once at 09:40.
    EXPECT_EQ(sessions["p1"]["web_viewers"], 30);
    EXPECT_EQ(sessions["p1"]["peak_concurrent"], 30);
    EXPECT_EQ(sessions["p1"]["watch_time_s"], 10 * 1200 + 10 * 325 + 10 * 900);
    // s3 10:00–10:20: A until 10:05:15, D until 10:10:00.
    EXPECT_EQ(sessions["s3"]["web_viewers"], 20);
    EXPECT_EQ(sessions["s3"]["peak_concurrent"], 20);
    EXPECT_EQ(sessions["s3"]["watch_time_s"], 10 * 315 + 10 * 600);

    // In person: the door counts the day; presence only where it was taken.
    EXPECT_TRUE(sessions["s1"]["in_person"].is_null());
    EXPECT_EQ(sessions["s3"]["in_person"], 12);

    // Replays.
    EXPECT_EQ(sessions["s1"]["replay_views"], 60);
    EXPECT_EQ(sessions["s1"]["replay_watch_time_s"], 2700);
    EXPECT_DOUBLE_EQ(sessions["s1"]["replay_completion"].get<double>(), 1.0);
    EXPECT_EQ(sessions["s2"]["replay_views"], 50);
    EXPECT_EQ(sessions["s2"]["replay_watch_time_s"], 2100);
    EXPECT_DOUBLE_EQ(sessions["s2"]["replay_completion"].get<double>(), 0.5);
    EXPECT_EQ(sessions["p1"]["replay_views"], 0);

    // The day: 40 in the room, 40 on the web (each once), at most 30 at once (09:40–09:45:
    // A, C and D), watch time A 70 min 15 s, B 10 min, C 25 min 25 s, D 25 min each.
    ASSERT_EQ(report["days"].size(), 1u);
    const json& day = report["days"][0];
    EXPECT_EQ(day["day"], "2026-11-20");
    EXPECT_EQ(day["in_person"], 40);
    EXPECT_EQ(day["web_viewers"], 40);
    EXPECT_EQ(day["peak_concurrent"], 30);
    EXPECT_EQ(day["watch_time_s"], 10 * 4215 + 10 * 600 + 10 * 1525 + 10 * 1500);
    EXPECT_EQ(day["replay_views"], 110);
    EXPECT_EQ(day["replay_watch_time_s"], 4800);
    EXPECT_EQ(report["totals"]["in_person"], 40);
    EXPECT_EQ(report["totals"]["registered"], 45);
    EXPECT_EQ(report["totals"]["registered_in_person"], 40);
    EXPECT_EQ(report["totals"]["web_viewers"], 40);
    EXPECT_EQ(report["totals"]["replay_views"], 110);
    // Of them, s1's 60 were of a captioned replay.
    EXPECT_EQ(sessions["s1"]["replay_captioned"], true);
    EXPECT_EQ(sessions["s2"]["replay_captioned"], false);
    EXPECT_EQ(report["totals"]["replay_views_captioned"], 60);
    EXPECT_DOUBLE_EQ(report["totals"]["replay_captioned_share"].get<double>(), 0.545);

    // Concurrent viewers per minute: 20 in 09:19 (A and B), 30 in 09:42, 20 in 09:47
    // (A and D gone: A and C until 09:45:25, then A alone until D returns at 09:50).
    const json series =
        staff_get(std::string("/api/v1/stats/events/") + kEvent + "/series?stage=salen");
    std::map<std::string, json> minutes;
    for (const json& m : series["minutes"])
        minutes[m["local"]] = m;
    EXPECT_EQ(minutes["2026-11-20 09:19"]["concurrent"], 20);
    EXPECT_EQ(minutes["2026-11-20 09:42"]["concurrent"], 30);
    EXPECT_EQ(minutes["2026-11-20 09:47"]["concurrent"], 10);
    EXPECT_EQ(minutes["2026-11-20 09:45"]["concurrent"], 20) << "A, and C until 09:45:25; D left "
                                                                "at 09:45:00 sharp";
    EXPECT_EQ(minutes["2026-11-20 08:55"]["concurrent"], 10);
    EXPECT_FALSE(minutes.contains("2026-11-20 08:54")) << "no one watched before 08:55";

    // The CSV: a byte order mark, the Swedish title intact, local times.
    const HttpReply csv =
        server.call("GET", std::string("/api/v1/stats/events/") + kEvent + "/sessions.csv", staff);
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.headers.at("content-type"), "text/csv; charset=utf-8");
    EXPECT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF");
    EXPECT_NE(csv.body.find("2026-11-20,09:00,09:20,s1,Välkommen och idéslussen,talk,salen,"
                            "Helena Marklund,,20,20,18000,900,60,2700,1.000,true\r\n"),
              std::string::npos)
        << csv.body;

    // The terminal report reads the same database.
    Options cli;
    cli.data_dir = server.dir.path();
    cli.event_id = kEvent;
    std::ostringstream out;
    std::ostringstream err;
    ASSERT_EQ(run_stats(cli, out, err), 0) << err.str();
    EXPECT_NE(out.str().find("Välkommen och idéslussen"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("0:15:00"), std::string::npos) << "s1's average watch" << out.str();
    EXPECT_NE(out.str().find("Replay views of captioned replays: 60 of 110 (55%)"),
              std::string::npos)
        << out.str();

    // Only staff and organisers of the event see any of it.
    EXPECT_EQ(server.call("GET", std::string("/api/v1/stats/events/") + kEvent).status, 401);
    const std::string speaker = server.token(Role::speaker, "Helena", kEvent, "helena");
    EXPECT_EQ(server.call("GET", std::string("/api/v1/stats/events/") + kEvent, speaker).status,
              403);
}

}  // namespace
}  // namespace stagehub::server
