// `--asr-command` as an operator runs it: the real stagehub binary broadcasts the demo stage
// with the scripted recogniser (tests/support) as its speech recogniser, a real child
// process. Its lines come out as cues on `captions:{stage}` and in the live WebVTT
// segments; health shows it running and fed; killed, it is started again and the cues flow
// on; a shutdown leaves no recogniser behind, neither running nor a zombie (read in /proc),
// although this one goes on when its stdin closes: stagehub has to kill it.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "net_client.hpp"
#include "socket_messages.hpp"
#include "temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using stagehub::server::next_where;
using stagehub::testing::ChildProcess;
using stagehub::testing::http_get;
using stagehub::testing::http_request;
using stagehub::testing::TempDir;
using stagehub::testing::WebsocketClient;
using Clock = std::chrono::steady_clock;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kStage = "stora-salen";

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The pid the recogniser last wrote, if any.
std::optional<pid_t> pid_in(const std::filesystem::path& file) {
    const std::string text = read_file(file);
    if (text.empty())
        return std::nullopt;
    return static_cast<pid_t>(std::stol(text));
}

// /proc/PID/stat: its state letter and parent, or nullopt once the process is gone (reaped).
struct ProcState {
    char state = '?';
    pid_t parent = 0;
};
std::optional<ProcState> proc_state(pid_t pid) {
    const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    const size_t name_end = stat.rfind(')');  // the command name may hold spaces
    if (name_end == std::string::npos)
        return std::nullopt;
    std::istringstream fields(stat.substr(name_end + 1));
    ProcState s;
    fields >> s.state >> s.parent;
    return s;
}

// Every process whose command line mentions `text` (a zombie has none: see proc_state).
std::vector<pid_t> processes_mentioning(const std::string& text) {
    std::vector<pid_t> found;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::string cmdline = read_file(entry.path() / "cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find(text) != std::string::npos)
            found.push_back(static_cast<pid_t>(std::stol(name)));
    }
    return found;
}

bool is_recogniser_cue(const json& m) {
    return m.value("channel", "") == std::string("captions:") + kStage &&
           m.value("type", "") == "cue" && m.value("text", "").starts_with("heard ");
}

TEST(AsrCommandProcess, TheBinarysRecogniserCaptionsTheStageIsRestartedAndLeavesNothingBehind) {
    TempDir dir;
    const auto data = dir.path() / "data";
    const auto pid_file = dir.path() / "recogniser.pid";
    ChildProcess server(
        {STAGEHUB_BIN, "serve", "--data", data.string(), "--port", "0", "--web", STAGEHUB_WEB_DIR,
         "--demo", STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json", "--video", "320x180",
         "--segment-seconds", "1", "--asr-command",
         std::string("'") + STAGEHUB_SCRIPTED_RECOGNISER + "' --ignore-end --pid-file '" +
             pid_file.string() + "'"},
        dir.path() / "server.log");
    ASSERT_TRUE(server.wait_for_log("serving on http://127.0.0.1:", 60000ms)) << server.log();
    const std::string log = server.log();
    const size_t at = log.find("serving on http://127.0.0.1:");
    const int port = std::stoi(log.substr(at + 28));

    // An organiser, made as an operator makes one, reads the stage's health.
    ChildProcess admin({STAGEHUB_BIN, "admin", "create-organiser", "--name", "Producent", "--event",
                        kEvent, "--data", data.string()},
                       dir.path() / "admin.log");
    ASSERT_EQ(admin.wait_exit(60000ms).value_or(-1), 0) << admin.log();
    const std::string said = admin.log();
    const size_t token_at = said.find("shb_");
    ASSERT_NE(token_at, std::string::npos) << said;
    const std::string token = said.substr(token_at, said.find_first_of(" \n", token_at) - token_at);

    // The recogniser's lines, on the stage's captions channel as captions.
    WebsocketClient ws(port, "/ws");
    ws.send_text(
        json{{"type", "subscribe"}, {"channels", {std::string("captions:") + kStage}}}.dump());
    const auto first = next_where(ws, is_recogniser_cue, 90s);
    ASSERT_TRUE(first) << "no recogniser line on the channel in 90 s:\n" << server.log();
    EXPECT_EQ((*first)["kind"], "captions");
    const std::string language = (*first)["language"];

    // Health: running, fed with the stage's sound.
    const auto health = [&] {
        const auto reply = http_request(
            port, "GET", std::string("/api/v1/stages/") + kStage + "/health", "", "", token);
        const json body = json::parse(reply.body, nullptr, false);
        return body.is_object() && body.contains("asr") ? body["asr"] : json();
    };
    json asr;
    for (const auto deadline = Clock::now() + 60s; Clock::now() < deadline;) {
        asr = health();
        if (asr.is_object() && asr["state"] == "running" && asr["lines"].get<int>() >= 2 &&
            asr["audio_seconds"].get<double>() >= 2)
            break;
        std::this_thread::sleep_for(250ms);
    }
    ASSERT_TRUE(asr.is_object()) << server.log();
    EXPECT_EQ(asr["state"], "running") << asr.dump();
    EXPECT_GE(asr["lines"].get<int>(), 2) << asr.dump();
    EXPECT_GE(asr["audio_seconds"].get<double>(), 2) << "the sound read: " << asr.dump();
    EXPECT_EQ(asr["restarts"], 0) << asr.dump();

    // The live WebVTT subtitle rendition carries them: some segment of its window holds one.
    const std::string subs = std::string("/live/") + kStage + "/subs/" + language + "/";
    bool in_vtt = false;
    std::string last_playlist;
    for (const auto deadline = Clock::now() + 60s; !in_vtt && Clock::now() < deadline;) {
        last_playlist = http_get(port, subs + "index.m3u8").body;
        std::istringstream lines(last_playlist);
        for (std::string line; !in_vtt && std::getline(lines, line);) {
            if (line.empty() || line[0] == '#')
                continue;
            const auto vtt = http_get(port, subs + line);
            in_vtt = vtt.status == 200 && vtt.body.find("\nheard ") != std::string::npos;
        }
        if (!in_vtt)
            std::this_thread::sleep_for(500ms);
    }
    EXPECT_TRUE(in_vtt) << "no WebVTT segment holds a recogniser line:\n" << last_playlist;

    // Killed, it is reaped and started again (a new process, stagehub's child), and its
    // lines come again.
    const auto killed = pid_in(pid_file);
    ASSERT_TRUE(killed) << "the recogniser wrote no pid";
    const auto killed_state = proc_state(*killed);
    ASSERT_TRUE(killed_state);
    EXPECT_EQ(killed_state->parent, server.pid()) << "the recogniser is stagehub's child";
    ASSERT_EQ(::kill(*killed, SIGKILL), 0);
    std::optional<pid_t> restarted;
    for (const auto deadline = Clock::now() + 60s; Clock::now() < deadline;) {
        restarted = pid_in(pid_file);
        if (restarted && *restarted != *killed)
            break;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(restarted && *restarted != *killed) << "not started again:\n" << server.log();
    bool reaped = false;
    for (const auto deadline = Clock::now() + 30s; !reaped && Clock::now() < deadline;) {
        reaped = !proc_state(*killed).has_value();
        if (!reaped)
            std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(reaped) << "the killed recogniser is left a zombie of stagehub's";
    const auto restarted_state = proc_state(*restarted);
    ASSERT_TRUE(restarted_state);
    EXPECT_EQ(restarted_state->parent, server.pid());
    // What the old one printed was read long before its successor started; skip what is
    // still queued on the socket, then a new line must come.
    for (const auto drained = Clock::now() + 10s; Clock::now() < drained && ws.receive(500ms);) {
    }
    const auto again = next_where(ws, is_recogniser_cue, 60s);
    EXPECT_TRUE(again) << "no line after the restart:\n" << server.log();
    for (const auto deadline = Clock::now() + 30s; Clock::now() < deadline;) {
        asr = health();
        if (asr.is_object() && asr["state"] == "running" && asr["restarts"].get<int>() >= 1)
            break;
        std::this_thread::sleep_for(250ms);
    }
    EXPECT_EQ(asr["state"], "running") << asr.dump();
    EXPECT_GE(asr["restarts"].get<int>(), 1) << asr.dump();

    // Ctrl-C: a clean exit, and no recogniser left, neither running nor unreaped.
    ASSERT_TRUE(server.interrupt(60000ms)) << "SIGINT did not end stagehub:\n" << server.log();
    EXPECT_EQ(server.exit_status().value_or(-1), 0) << server.log();
    const auto left = processes_mentioning(pid_file.string());
    for (const pid_t pid : left)
        ::kill(pid, SIGKILL);  // so a failure here leaves nothing running either
    EXPECT_TRUE(left.empty()) << left.size() << " recogniser(s) outlived stagehub";
    const auto last = proc_state(*restarted);
    EXPECT_FALSE(last.has_value() && last->state != 'Z') << "the last recogniser still runs";
}

}  // namespace
