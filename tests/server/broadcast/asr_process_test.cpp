// Speech recognition (`--asr-command`): the recogniser is a real process (the scripted one in
// tests/support, which reports the rate and pitch of what it hears), fed first by hand and
// then by a real stage's program sound through the audio tap; its lines arrive, cleaned and
// bounded; it is restarted when it exits, failed when it cannot start, and ended with its
// stage; a recogniser that reads nothing never holds the program back.
#include "server/broadcast/asr_process.hpp"

#include <glib.h>
#include <gst/gst.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "schedule/migrations.hpp"
#include "server/broadcast/stage_supervisor.hpp"
#include "temp_dir.hpp"
#include "tests/server/broadcast/context_wait.hpp"

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using stagehub::testing::TempDir;
using Clock = std::chrono::system_clock;

const std::string kRecogniser = STAGEHUB_SCRIPTED_RECOGNISER;

// `seconds` of a sine at `hz`, 16 kHz mono S16LE.
std::string sine(double hz, double seconds) {
    std::string pcm;
    const auto samples = static_cast<size_t>(16000 * seconds);
    for (size_t i = 0; i < samples; ++i) {
        const auto value = static_cast<int16_t>(
            8000 * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / 16000.0));
        const auto bits = static_cast<uint16_t>(value);
        pcm.push_back(static_cast<char>(bits & 0xff));
        pcm.push_back(static_cast<char>(bits >> 8));
    }
    return pcm;
}

void push(pipelines::PcmQueue& queue, const std::string& pcm) {
    queue.push(reinterpret_cast<const uint8_t*>(pcm.data()), pcm.size());
}

// "heard B bytes, H Hz, peak P"
struct Heard {
    long bytes = 0;
    double hz = 0;
    int peak = 0;
};
std::optional<Heard> heard(const std::string& line) {
    Heard h;
    if (std::sscanf(line.c_str(), "heard %ld bytes, %lf Hz, peak %d", &h.bytes, &h.hz, &h.peak) !=
        3)
        return std::nullopt;
    return h;
}

struct Line {
    std::string text;
    Clock::time_point at;
};

class AsrTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
    void SetUp() override { g_main_context_push_thread_default(context); }
    void TearDown() override {
        g_main_context_pop_thread_default(context);
        g_main_context_unref(context);
    }
    AsrProcess::LineSink collect() {
        return [this](const std::string& text, Clock::time_point at) {
            lines.push_back({text, at});
        };
    }
    std::vector<Heard> heard_lines() const {
        std::vector<Heard> out;
        for (const Line& line : lines) {
            if (auto h = heard(line.text))
                out.push_back(*h);
        }
        return out;
    }
    bool has_line(const std::string& prefix) const {
        return std::any_of(lines.begin(), lines.end(),
                           [&](const Line& l) { return l.text.starts_with(prefix); });
    }
    bool wait(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
        return run_until(context, done, timeout);
    }

    GMainContext* context = g_main_context_new();
    std::vector<Line> lines;
};

TEST(CommandArgv, SplitsWordsAsAShellWouldWithoutRunningOne) {
    const auto argv = command_argv("whisper-stream --model 'base sv' \"--lang=sv\" a\\ b x|y");
    ASSERT_TRUE(argv.ok());
    EXPECT_EQ(*argv, (std::vector<std::string>{"whisper-stream", "--model", "base sv", "--lang=sv",
                                               "a b", "x|y"}));
    EXPECT_FALSE(command_argv("").ok());
    EXPECT_FALSE(command_argv("   ").ok());
    const auto open_quote = command_argv("rec 'unclosed");
    ASSERT_FALSE(open_quote.ok());
    EXPECT_EQ(open_quote.error().code, ErrorCode::bad_arguments);
}

TEST_F(AsrTest, ItsLinesArriveCleanedBoundedAndUtf8WithTheSoundItWasFed) {
    AsrProcess asr({.stage_id = "salen", .argv = {kRecogniser, "--odd-lines"}}, collect());
    const auto before = Clock::now();
    asr.start();
    EXPECT_EQ(asr.health()["state"], "running");
    ASSERT_TRUE(wait([&] { return lines.size() >= 2; }, 5s));
    // Empty and blank lines are skipped, the long one cut at 500 bytes, the one not UTF-8
    // skipped (and said), the \r and the blanks around a line trimmed.
    EXPECT_EQ(lines[0].text, std::string(kAsrMaxLineBytes, 'a'));
    EXPECT_EQ(lines[1].text, "hej p\xc3\xa5 dig");
    EXPECT_GE(lines[0].at, before);
    EXPECT_LE(lines[1].at, Clock::now());
    EXPECT_EQ(asr.health()["error"], "a line that is not UTF-8 was skipped");

    // Two seconds of a 440 Hz tone: what it hears is what it was given, at the rate it reads.
    push(*asr.pcm(), sine(440, 2.0));
    ASSERT_TRUE(wait(
        [&] {
            long total = 0;
            for (const Heard& h : heard_lines())
                total += h.bytes;
            return total >= 64000;
        },
        5s));
    for (const Heard& h : heard_lines()) {
        if (h.bytes >= 16000) {
            EXPECT_NEAR(h.hz, 440, 10);
            EXPECT_NEAR(h.peak, 8000, 50);
        }
    }
    EXPECT_EQ(asr.bytes_written(), 64000u);
    EXPECT_EQ(asr.health()["audio_seconds"], 2.0);

    // Stopped: the end of its input, and its last words still count.
    asr.stop();
    ASSERT_TRUE(wait([&] { return asr.state() == AsrProcess::State::stopped; }, 5s));
    EXPECT_TRUE(has_line("the end after 64000 bytes"));
    EXPECT_EQ(asr.health()["lines"], lines.size());
}

TEST_F(AsrTest, ACommandThatFloodsItsOutputGivesTenLinesASecondAtMost) {
    AsrProcess asr({.stage_id = "salen", .argv = {kRecogniser, "--flood", "5000", "--no-read"}},
                   collect());
    asr.start();
    ASSERT_TRUE(wait([&] { return has_line("waiting"); }, 5s));
    EXPECT_EQ(lines.front().text, "line 1");
    EXPECT_LE(asr.lines(), 12u) << "ten of the flood, and a line a second after it";
    EXPECT_EQ(asr.health()["error"], "lines beyond 10 a second were dropped");
}

TEST_F(AsrTest, ACommandThatExitsIsRestartedWithBackoffUntilStopped) {
    AsrProcess asr({.stage_id = "salen",
                    .argv = {kRecogniser, "--exit-after", "0.2"},
                    .first_backoff = 100ms,
                    .max_backoff = 400ms},
                   collect());
    asr.start();
    ASSERT_TRUE(wait([&] { return asr.restarts() >= 3; }, 10s)) << asr.health().dump();
    EXPECT_EQ(asr.health()["error"], "the command exited with status 3");
    asr.stop();
    ASSERT_TRUE(wait([&] { return asr.state() == AsrProcess::State::stopped; }, 5s));
    const uint64_t restarts = asr.restarts();
    wait([] { return false; }, 800ms);
    EXPECT_EQ(asr.restarts(), restarts) << "nothing restarts a stopped recogniser";
}

TEST_F(AsrTest, ACommandThatCannotStartIsFailedRetriedAndItsArgumentsNeverShown) {
    AsrProcess asr({.stage_id = "salen",
                    .argv = {"/nonexistent/recogniser", "--api-key=s3cret"},
                    .first_backoff = 100ms,
                    .max_backoff = 200ms},
                   collect());
    asr.start();
    EXPECT_EQ(asr.health()["state"], "failed");
    ASSERT_TRUE(wait([&] { return asr.restarts() >= 2; }, 5s));
    const auto health = asr.health();
    EXPECT_EQ(health["state"], "failed");
    const std::string error = health["error"];
    EXPECT_TRUE(error.starts_with("cannot start the command")) << error;
    EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
    asr.stop();
    EXPECT_EQ(asr.health()["state"], "stopped");
}

// A recogniser that ignores the end of its input is killed after the grace, with what it
// started (its process group).
TEST_F(AsrTest, ACommandThatWillNotEndIsKilledWithItsProcessGroup) {
    AsrProcess asr({.stage_id = "salen",
                    .argv = {"sh", "-c", "sleep 300 & echo $!; exec " + kRecogniser + " --no-read"},
                    .stop_grace = 300ms},
                   collect());
    asr.start();
    ASSERT_TRUE(wait([&] { return !lines.empty(); }, 5s));
    const pid_t sleeper = std::stoi(lines[0].text);
    ASSERT_EQ(kill(sleeper, 0), 0);
    asr.stop();
    ASSERT_TRUE(wait([&] { return asr.state() == AsrProcess::State::stopped; }, 3s));
    // Gone, or a zombie waiting for whoever adopted it.
    ASSERT_TRUE(wait(
        [&] {
            std::ifstream stat("/proc/" + std::to_string(sleeper) + "/stat");
            std::string pid, name, state;
            return !(stat >> pid >> name >> state) || state == "Z";
        },
        3s));
}

class StageAsrTest : public AsrTest {
  protected:
    void SetUp() override {
        AsrTest::SetUp();
        schedule::migrate(db);
    }
    void TearDown() override {
        if (supervisor) {
            bool stopped = false;
            supervisor->stop_all([&] { stopped = true; });
            EXPECT_TRUE(wait([&] { return stopped; }, 10s));
            supervisor.reset();
        }
        AsrTest::TearDown();
    }
    void start(std::vector<std::string> argv) {
        supervisor = std::make_unique<StageSupervisor>(
            StageSupervisor::Config{.live_dir = dir / "live",
                                    .segment_seconds = 1,
                                    .width = 320,
                                    .height = 180,
                                    .ladder = {},
                                    .asr_command = std::move(argv)},
            archive);
        supervisor->on_asr_line(
            [this](const std::string& stage_id, const std::string& text, Clock::time_point at) {
                EXPECT_EQ(stage_id, "salen");
                lines.push_back({text, at});
            });
        salen.id = "salen";
        supervisor->start_stage(salen);
    }
    nlohmann::json health() { return supervisor->stage_health("salen"); }

    TempDir dir;
    schedule::Database db{dir / "stagehub.db"};
    pipelines::SegmentArchive archive{db, dir / "live"};
    std::unique_ptr<StageSupervisor> supervisor;
    schedule::Stage salen;
};

// The test pattern's sound is a 440 Hz sine at a tenth of full scale (about 3277).
TEST_F(StageAsrTest, AStagesProgramSoundReachesItsRecogniserAs16kHzMonoPcm) {
    const auto before = Clock::now();
    start({kRecogniser});
    ASSERT_TRUE(wait([&] { return heard_lines().size() >= 8; }, 30s)) << health().dump();
    const std::vector<Heard> all = heard_lines();
    // The first seconds include the program's start; the rate is judged on the rest.
    long bytes = 0;
    for (size_t i = 3; i < all.size(); ++i) {
        bytes += all[i].bytes;
        EXPECT_NEAR(all[i].hz, 440, 44) << lines[i].text;
        EXPECT_NEAR(all[i].peak, 3277, 600) << lines[i].text;
    }
    const double per_second = static_cast<double>(bytes) / static_cast<double>(all.size() - 3);
    EXPECT_NEAR(per_second, 32000, 32000 * 0.15);
    std::printf("[ measured ] %.0f bytes/s of PCM over %zu s\n", per_second, all.size() - 3);
    for (size_t i = 0; i < lines.size(); ++i) {
        EXPECT_GE(lines[i].at, before);
        if (i > 0) {
            EXPECT_GE(lines[i].at, lines[i - 1].at);
        }
    }
    const auto asr = health()["asr"];
    EXPECT_EQ(asr["state"], "running") << asr.dump();
    EXPECT_GE(asr["lines"].get<uint64_t>(), all.size());
    EXPECT_EQ(asr["restarts"], 0);
    EXPECT_TRUE(asr["error"].is_null()) << asr.dump();
    EXPECT_GT(asr["audio_seconds"].get<double>(), 5.0);

    // Off air: the broadcast ends, and the recogniser with it, after its last words.
    StageControl off;
    off.off_air = true;
    supervisor->apply_control(salen, off);
    ASSERT_TRUE(wait([&] { return health()["asr"]["state"] == "stopped"; }, 10s))
        << health().dump();
    EXPECT_TRUE(has_line("the end after")) << lines.back().text;
}

TEST_F(StageAsrTest, ARecogniserThatReadsNothingNeverHoldsTheProgramBack) {
    start({kRecogniser, "--no-read"});
    ASSERT_TRUE(wait([&] { return health()["segments"] >= 2; }, 20s)) << health().dump();
    // The pipe (64 KiB, 2 s) and the queue (2 s) fill; then the oldest sound is dropped.
    ASSERT_TRUE(wait([&] { return health()["asr"]["dropped_seconds"].get<double>() > 1.0; }, 20s))
        << health().dump();
    const auto segments = health()["segments"].get<int>();
    ASSERT_TRUE(wait([&] { return health()["segments"].get<int>() >= segments + 3; }, 10s))
        << "the program stalled: " << health().dump();
    EXPECT_EQ(health()["program_errors"], 0);
    EXPECT_EQ(health()["asr"]["state"], "running");
}

TEST_F(StageAsrTest, ARecogniserThatCrashesIsRestartedWhileTheStageRunsOn) {
    start({kRecogniser, "--exit-after", "1.5"});
    ASSERT_TRUE(wait([&] { return health()["asr"]["restarts"] >= 1; }, 20s)) << health().dump();
    ASSERT_TRUE(wait([&] { return health()["asr"]["state"] == "running"; }, 5s));
    const size_t before = heard_lines().size();
    ASSERT_TRUE(wait(
        [&] {
            const auto all = heard_lines();
            return all.size() > before && all.back().bytes > 16000;
        },
        10s))
        << "the restarted recogniser hears the stage: " << health().dump();
    EXPECT_EQ(health()["state"], "live");
    EXPECT_EQ(health()["asr"]["error"], "the command exited with status 3");
}

}  // namespace
}  // namespace stagehub::server
