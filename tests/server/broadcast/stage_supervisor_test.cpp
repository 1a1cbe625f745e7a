// StageSupervisor supervises the real stage pipelines: a failed pipeline is restarted with backoff
// and comes back live on its own, and every closed segment lands in the replay archive.
#include "server/broadcast/stage_supervisor.hpp"

#include <glib.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "ports.hpp"
#include "schedule/migrations.hpp"
#include "temp_dir.hpp"
#include "tests/server/broadcast/context_wait.hpp"

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using stagehub::testing::TempDir;

class StageSupervisorTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
    void SetUp() override {
        g_main_context_push_thread_default(context);
        schedule::migrate(db);
    }
    void TearDown() override {
        bool stopped = false;
        supervisor.stop_all([&] { stopped = true; });
        EXPECT_TRUE(run_until(
            context, [&] { return stopped; }, 10s));
        g_main_context_pop_thread_default(context);
        g_main_context_unref(context);
    }

    GMainContext* context = g_main_context_new();
    TempDir dir;
    schedule::Database db{dir / "stagehub.db"};
    pipelines::SegmentArchive archive{db, dir / "live"};
    StageSupervisor supervisor{StageSupervisor::Config{.live_dir = dir / "live",
                                                       .segment_seconds = 1,
                                                       .width = 320,
                                                       .height = 180,
                                                       .ladder = {},
                                                       .first_backoff = 200ms,
                                                       .max_backoff = 2000ms,
                                                       .stable_after = 60s},
                               archive};
};

TEST_F(StageSupervisorTest, AStageWhoseIdIsNoFileNameIsNotBroadcastAndWritesNothing) {
    TempDir outside;
    for (const std::string& id : {(outside.path() / "x").string(), std::string("../outside"),
                                  std::string("a/b"), std::string(".."), std::string("Sal A")}) {
        schedule::Stage stage;
        stage.id = id;
        supervisor.apply_control(stage, StageControl{});
        supervisor.start_stage(stage);
        EXPECT_FALSE(supervisor.has_stage(id)) << id;
        // Even called directly, the folder is never live_dir / id.
        if (id != "Sal A") {
            EXPECT_THROW(supervisor.pipeline_config_for(stage), std::invalid_argument) << id;
        }
    }
    run_until(
        context, [] { return false; }, 300ms);
    std::error_code ec;
    EXPECT_TRUE(std::filesystem::is_empty(outside.path(), ec));
    EXPECT_FALSE(std::filesystem::exists(dir / "outside"));
    EXPECT_FALSE(std::filesystem::exists(dir / "live") && !std::filesystem::is_empty(dir / "live"));
}

TEST_F(StageSupervisorTest, AFailedStageRestartsWithBackoffAndGoesLiveAgain) {
    schedule::Stage salen;
    salen.id = "salen";
    supervisor.start_stage(salen);
    const auto state = [&] { return supervisor.stage_health("salen")["state"]; };
    ASSERT_TRUE(run_until(
        context, [&] { return state() == "live"; }, 20s))
        << supervisor.stage_health("salen").dump();
    const auto archived = archive.of_stage("salen").size();
    EXPECT_GE(archived, 1u) << "closed segments are archived";
    EXPECT_EQ(supervisor.stage_health("salen")["program_errors"], 0);
    EXPECT_TRUE(supervisor.stage_health("salen")["last_program_error_at"].is_null());

    // The output folder vanishes (a disk unmounted): the pipeline fails...
    // Moved away in one step (removing it races with the next segment being created in it).
    std::filesystem::rename(dir / "live" / "salen", dir / "moved-away");
    ASSERT_TRUE(run_until(
        context, [&] { return state() == "restarting"; }, 20s))
        << supervisor.stage_health("salen").dump();
    EXPECT_FALSE(supervisor.stage_health("salen")["error"].is_null());
    // Counted, for organisers to see the outage even after the stage has recovered.
    EXPECT_EQ(supervisor.stage_health("salen")["program_errors"], 1);
    EXPECT_TRUE(supervisor.stage_health("salen")["last_program_error_at"].is_string());
    // ... and is started again after the backoff, by itself.
    ASSERT_TRUE(run_until(
        context, [&] { return state() == "live"; }, 20s))
        << supervisor.stage_health("salen").dump();
    const auto health = supervisor.stage_health("salen");
    EXPECT_EQ(health["restarts"], 1);
    EXPECT_EQ(health["program_errors"], 1) << "a restart is not an error";
    EXPECT_GE(health["uptime_seconds"].get<int>(), 0);
    EXPECT_FALSE(health["last_segment_at"].is_null());
    EXPECT_GT(archive.of_stage("salen").size(), archived);

    // Players follow one playlist through the restart: it counts on and marks the new run.
    ASSERT_TRUE(run_until(
        context,
        [&] {
            std::ifstream in(dir / "live/salen/source/index.m3u8");
            std::stringstream text;
            text << in.rdbuf();
            return text.str().find("#EXT-X-DISCONTINUITY") != std::string::npos;
        },
        10s));
    EXPECT_TRUE(supervisor.stage_health("no-such-stage").is_null());
}

// Archiving off (the disk below its floor): segments go to the live playlist, not to the
// archive. A server stopped then leaves them listed; the next one deletes them once they
// have left the playlist, and archives its own.
TEST_F(StageSupervisorTest, SegmentsNotArchivedAreDeletedByTheNextRunOnceUnlisted) {
    schedule::Stage salen;
    salen.id = "salen";
    supervisor.set_archiving(false);
    supervisor.start_stage(salen);
    ASSERT_TRUE(run_until(
        context, [&] { return supervisor.stage_health("salen")["segments"] >= 3; }, 20s))
        << supervisor.stage_health("salen").dump();
    bool stopped = false;
    supervisor.stop_all([&] { stopped = true; });
    ASSERT_TRUE(run_until(
        context, [&] { return stopped; }, 10s));
    EXPECT_TRUE(archive.of_stage("salen").empty()) << "nothing archived while off";
    std::vector<std::filesystem::path> left;
    for (const auto& entry : std::filesystem::directory_iterator(dir / "live/salen/source")) {
        if (entry.path().extension() == ".ts")
            left.push_back(entry.path());
    }
    ASSERT_GE(left.size(), 3u);

    StageSupervisor next{StageSupervisor::Config{.live_dir = dir / "live",
                                                 .segment_seconds = 1,
                                                 .width = 320,
                                                 .height = 180,
                                                 .ladder = {},
                                                 .live_grace = 0s},
                         archive};
    next.start_stage(salen);
    // The playlist's window is 10 segments: the old ones have left it after 10 new ones.
    ASSERT_TRUE(run_until(
        context, [&] { return next.stage_health("salen")["segments"] >= 12; }, 30s))
        << next.stage_health("salen").dump();
    for (const auto& file : left)
        EXPECT_FALSE(std::filesystem::exists(file)) << file;
    EXPECT_GE(archive.of_stage("salen").size(), 10u) << "the next run archives";
    bool next_stopped = false;
    next.stop_all([&] { next_stopped = true; });
    EXPECT_TRUE(run_until(
        context, [&] { return next_stopped; }, 10s));
}

TEST_F(StageSupervisorTest, AMissingElementFailsTheStageWithoutARetry) {
    // Hidden from the registry, as on a machine without plugins-ugly.
    GstRegistry* registry = gst_registry_get();
    const pipelines::PluginFeaturePtr x264(gst_registry_lookup_feature(registry, "x264enc"));
    ASSERT_TRUE(x264);
    gst_registry_remove_feature(registry, x264.get());
    schedule::Stage salen;
    salen.id = "salen";
    supervisor.start_stage(salen);
    // Three first backoffs: a retry would have happened by now.
    run_until(
        context, [] { return false; }, 600ms);
    gst_registry_add_feature(registry, x264.get());

    const auto health = supervisor.stage_health("salen");
    EXPECT_EQ(health["state"], "failed") << health.dump();
    EXPECT_EQ(health["restarts"], 0) << health.dump();
    EXPECT_EQ(health["program_errors"], 1) << health.dump();
    EXPECT_NE(health["error"].get<std::string>().find("gstreamer1.0-plugins-ugly"),
              std::string::npos)
        << health.dump();
}

TEST_F(StageSupervisorTest, AnEditedSourceRestartsTheStageOnItWithTheOldRunsFilesFinal) {
    schedule::Stage salen;
    salen.id = "salen";
    supervisor.start_stage(salen);
    const auto health = [&] { return supervisor.stage_health("salen"); };
    ASSERT_TRUE(run_until(
        context, [&] { return health()["state"] == "live"; }, 20s))
        << health().dump();
    EXPECT_EQ(health()["source"]["kind"], "test_pattern");
    // The same settings again (another edit of the event) change nothing.
    const auto segments_before = health()["segments"].get<int>();
    supervisor.start_stage(salen);
    EXPECT_EQ(health()["state"], "live");

    // The organiser points the stage at an SRT encoder: the pattern's run ends, the new
    // source's run starts, and the slate covers the stage until a caller arrives.
    salen.source.kind = schedule::SourceKind::srt;
    salen.source.url = "srt://127.0.0.1:" + std::to_string(stagehub::testing::free_udp_port());
    supervisor.start_stage(salen);
    ASSERT_TRUE(run_until(
        context,
        [&] {
            const auto h = health();
            return h["source"]["kind"] == "srt" && h["state"] == "live" && h["on_air"] == "slate";
        },
        20s))
        << health().dump();
    EXPECT_GE(health()["segments"].get<int>(), segments_before);
    EXPECT_EQ(health()["source"]["state"], "waiting");
    // Players follow the same playlist across the change, told of the new run.
    std::ifstream in(dir / "live/salen/source/index.m3u8");
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("#EXT-X-DISCONTINUITY"), std::string::npos) << text.str();
}

TEST_F(StageSupervisorTest, EverySwitchReachesOpsWithItsCause) {
    std::vector<nlohmann::json> switches;
    supervisor.on_ops([&](const std::string&, const nlohmann::json& message) {
        if (message["type"] == "switch")
            switches.push_back(message);
    });
    const auto on_air = [&](const char* feed) {
        return !switches.empty() && switches.back()["on_air"] == feed;
    };
    schedule::Stage salen;
    salen.id = "salen";
    supervisor.start_stage(salen);
    ASSERT_TRUE(run_until(
        context, [&] { return on_air("input"); }, 20s));
    EXPECT_EQ(switches.back()["cause"], "input_back");
    EXPECT_EQ(switches.back()["reason"], "input receiving");

    StageControl held;
    held.slate_text = "Paus";
    supervisor.apply_control(salen, held);
    ASSERT_TRUE(run_until(
        context, [&] { return on_air("slate"); }, 20s));
    EXPECT_EQ(switches.back()["cause"], "organiser");
    EXPECT_EQ(switches.back()["reason"], "slate put up by an organiser");

    supervisor.apply_control(salen, StageControl{});
    ASSERT_TRUE(run_until(
        context, [&] { return on_air("input"); }, 20s));
    EXPECT_EQ(switches.back()["cause"], "input_back");

    // An SRT listener no caller has reached: the slate covers the missing input.
    salen.source.kind = schedule::SourceKind::srt;
    salen.source.url = "srt://127.0.0.1:" + std::to_string(stagehub::testing::free_udp_port());
    supervisor.start_stage(salen);
    ASSERT_TRUE(run_until(
        context, [&] { return on_air("slate"); }, 20s));
    EXPECT_EQ(switches.back()["cause"], "input_lost");
    EXPECT_EQ(switches.back()["stage"], "salen");
    EXPECT_TRUE(switches.back()["at"].is_string());
}

}  // namespace
}  // namespace stagehub::server
