// The stagehub executable as a user runs it: serve the demo, broadcast, Ctrl-C.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "media_probe.hpp"
#include "net_client.hpp"
#include "schedule/database.hpp"
#include "temp_dir.hpp"

extern char** environ;

namespace {

using namespace std::chrono_literals;
using namespace stagehub::testing;

// A child process with its stdout and stderr captured; killed if a test leaves it running.
class Process {
  public:
    explicit Process(const std::vector<std::string>& args) {
        int out[2];
        if (pipe2(out, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_adddup2(&actions, out[1], 2);
        std::vector<char*> argv;
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
            throw std::runtime_error("cannot start " + args[0]);
        }
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        out_ = out[0];
    }
    ~Process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(out_);
    }

    // Reads output until a line contains `text`; returns that line, or "" on timeout.
    std::string wait_for_line(const std::string& text, std::chrono::seconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            size_t start = 0, eol;
            while ((eol = output_.find('\n', start)) != std::string::npos) {
                const std::string line = output_.substr(start, eol - start);
                if (line.find(text) != std::string::npos)
                    return line;
                start = eol + 1;
            }
            if (!read_some(200ms))
                break;
        }
        return "";
    }

    // Waits for exit; returns the wait status, or -1 on timeout.
    int wait_exit(std::chrono::seconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                while (read_some(50ms)) {
                }
                return status;
            }
            read_some(100ms);
        }
        return -1;
    }

    void signal(int sig) { ::kill(pid_, sig); }
    pid_t pid() const { return pid_; }
    const std::string& output() const { return output_; }

  private:
    bool read_some(std::chrono::milliseconds timeout) {
        pollfd p{out_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
            return true;
        char buffer[4096];
        const ssize_t n = ::read(out_, buffer, sizeof buffer);
        if (n <= 0)
            return false;
        output_.append(buffer, static_cast<size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int out_ = -1;
    std::string output_;
};

int port_of(const std::string& serving_line) {
    return std::stoi(serving_line.substr(serving_line.rfind(':') + 1));
}

TEST(StagehubProcess, CtrlCEndsTheBroadcastCleanlyAndExitsZero) {
    TempDir dir;
    Process server({STAGEHUB_BIN, "serve", "--data", dir.path().string(), "--port", "0", "--web",
                    STAGEHUB_WEB_DIR, "--demo",
                    STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json", "--demo-speed", "60",
                    "--video", "320x180", "--segment-seconds", "1"});
    const std::string serving = server.wait_for_line("serving on http://127.0.0.1:", 30s);
    ASSERT_FALSE(serving.empty()) << server.output();

    // The top rendition's media playlist; the master beside the renditions lists them.
    const auto stage_dir = dir.path() / "media/live/stora-salen";
    const auto live = stage_dir / "source";
    const auto deadline = std::chrono::steady_clock::now() + 40s;
    while (std::chrono::steady_clock::now() < deadline &&
           playlist_segments(read_text_file(live / "index.m3u8")).size() < 3) {
        std::this_thread::sleep_for(200ms);
    }
    const auto during = playlist_segments(read_text_file(live / "index.m3u8"));
    ASSERT_GE(during.size(), 3u) << "the stage never went live:\n" << server.output();

    // The master is reachable over HTTP, uncached, with the HLS MIME type, and lists the
    // passthrough source and the audio-only rendition.
    const auto reply =
        stagehub::testing::http_get(port_of(serving), "/live/stora-salen/index.m3u8");
    EXPECT_EQ(reply.status, 200);
    EXPECT_NE(reply.body.find("#EXT-X-STREAM-INF:"), std::string::npos) << reply.body;
    EXPECT_NE(reply.body.find("\nsource/index.m3u8\n"), std::string::npos) << reply.body;
    EXPECT_NE(reply.body.find("\naudio/index.m3u8\n"), std::string::npos) << reply.body;
    EXPECT_EQ(reply.headers.at("content-type"), "application/vnd.apple.mpegurl");
    EXPECT_EQ(reply.headers.at("cache-control"), "no-store");

    server.signal(SIGINT);
    const int status = server.wait_exit(30s);
    ASSERT_NE(status, -1) << "no exit within 30 s of SIGINT:\n" << server.output();
    ASSERT_TRUE(WIFEXITED(status)) << server.output();
    EXPECT_EQ(WEXITSTATUS(status), 0) << server.output();

    // EOS reached the sink: the playlist is final and every segment it lists is whole.
    const std::string playlist = read_text_file(live / "index.m3u8");
    EXPECT_NE(playlist.find("#EXT-X-ENDLIST"), std::string::npos) << playlist;
    const auto segments = playlist_segments(playlist);
    ASSERT_FALSE(segments.empty());
    for (const std::string& name : {segments.front(), segments.back()}) {
        ASSERT_TRUE(std::filesystem::exists(live / name)) << name;
        const std::string codecs = discover_streams(live / name);
        EXPECT_NE(codecs.find("video/x-h264"), std::string::npos) << name << ":\n" << codecs;
        EXPECT_NE(codecs.find("audio/mpeg"), std::string::npos) << name << ":\n" << codecs;
        EXPECT_NE(codecs.find("mpegversion=(int)4"), std::string::npos) << name << ":\n" << codecs;
    }
}

// The real binary broadcasting, scraped after traffic: promtool (Debian's prometheus)
// accepts the text, the stage's figures move, and with --log-format json an API error's log
// line is one JSON object naming the request id its answer carried.
TEST(StagehubProcess, MetricsOfALiveStageAndJsonLogsWithRequestIds) {
    TempDir dir;
    Process server({STAGEHUB_BIN, "serve", "--data", dir.path().string(), "--port", "0", "--web",
                    STAGEHUB_WEB_DIR, "--demo",
                    STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json", "--log-format", "json"});
    const std::string serving = server.wait_for_line("serving on http://127.0.0.1:", 30s);
    ASSERT_FALSE(serving.empty()) << server.output();
    const int port = port_of(serving);
    const auto live = dir.path() / "media/live/stora-salen/source/index.m3u8";
    const auto deadline = std::chrono::steady_clock::now() + 40s;
    while (std::chrono::steady_clock::now() < deadline &&
           playlist_segments(read_text_file(live)).size() < 3) {
        std::this_thread::sleep_for(200ms);
    }
    ASSERT_GE(playlist_segments(read_text_file(live)).size(), 3u) << server.output();
    EXPECT_EQ(http_get(port, "/live/stora-salen/index.m3u8").status, 200);

    const HttpReply missing =
        http_exchange(port,
                      "GET /api/v1/events/no-such-event HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "X-Request-Id: user-report-42\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(nlohmann::json::parse(missing.body)["error"]["request_id"], "user-report-42");
    const std::string logged = server.wait_for_line("user-report-42", 10s);
    ASSERT_FALSE(logged.empty()) << server.output();
    const nlohmann::json line = nlohmann::json::parse(logged);
    EXPECT_EQ(line["request_id"], "user-report-42");
    EXPECT_EQ(line["level"], "INFO");
    EXPECT_NE(line["message"].get<std::string>().find("404 not_found"), std::string::npos);

    const HttpReply scraped = http_get(port, "/metrics");
    ASSERT_EQ(scraped.status, 200);
    const auto value = [&](const std::string& series) {
        const size_t at = scraped.body.find("\n" + series + " ");
        return at == std::string::npos ? -1.0
                                       : std::stod(scraped.body.substr(at + series.size() + 2));
    };
    EXPECT_EQ(value(R"(stagehub_stage_on_air{stage="stora-salen"})"), 1) << scraped.body;
    EXPECT_EQ(value(R"(stagehub_stage_state{stage="stora-salen",state="live"})"), 1);
    EXPECT_EQ(value(R"(stagehub_stage_input_state{stage="stora-salen",state="receiving"})"), 1);
    EXPECT_GT(value(R"(stagehub_stage_input_frames_per_second{stage="stora-salen"})"), 5);
    EXPECT_GT(value(R"(stagehub_stage_input_video_bytes_per_second{stage="stora-salen"})"), 1000);
    EXPECT_GE(value(R"(stagehub_stage_segments_total{stage="stora-salen"})"), 3);
    EXPECT_LT(value(R"(stagehub_stage_segment_age_seconds{stage="stora-salen"})"), 10);
    EXPECT_GE(value(R"(stagehub_stage_archive_bytes{stage="stora-salen"})"), 10000);
    EXPECT_EQ(value(R"(stagehub_stage_program_errors_total{stage="stora-salen"})"), 0);
    EXPECT_GE(value(R"(stagehub_http_requests_total{class="live_media",code="200"})"), 1);

    const auto file = dir.path() / "scrape.txt";
    std::ofstream(file) << scraped.body;
    const std::string check = "promtool check metrics < " + file.string() + " 2>&1";
    FILE* promtool = popen(check.c_str(), "r");
    ASSERT_NE(promtool, nullptr);
    std::string said;
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof buffer, promtool))
        said.append(buffer, n);
    const int status = pclose(promtool);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << said << scraped.body;

    // Every log line is one JSON object (stdout's "serving on" aside).
    std::istringstream lines(server.output());
    for (std::string text; std::getline(lines, text);) {
        if (text.starts_with("serving on"))
            continue;
        EXPECT_TRUE(nlohmann::json::accept(text)) << text;
    }
    server.signal(SIGINT);
    EXPECT_NE(server.wait_exit(30s), -1);
}

TEST(StagehubProcess, APortInUseIsAClearErrorNotAHang) {
    TempDir dir;
    Process first({STAGEHUB_BIN, "serve", "--data", (dir / "a").string(), "--port", "0", "--web",
                   STAGEHUB_WEB_DIR, "--no-broadcast"});
    const std::string serving = first.wait_for_line("serving on", 30s);
    ASSERT_FALSE(serving.empty()) << first.output();
    Process second({STAGEHUB_BIN, "serve", "--data", (dir / "b").string(), "--port",
                    std::to_string(port_of(serving)), "--web", STAGEHUB_WEB_DIR, "--no-broadcast"});
    const int status = second.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(status)) << second.output();
    EXPECT_EQ(WEXITSTATUS(status), 1);
    EXPECT_NE(second.output().find(std::to_string(port_of(serving))), std::string::npos)
        << second.output();
    first.signal(SIGTERM);
    const int first_status = first.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(first_status));
    EXPECT_EQ(WEXITSTATUS(first_status), 0);
}

// An IT department edits /etc/stagehub/stagehub.conf, asks check-config what serve would
// run with, and serve then runs with exactly that, the command line overriding the file.
TEST(StagehubProcess, AConfigFileIsWhatServeAndCheckConfigRunWith) {
    TempDir dir;
    const std::string conf = (dir / "stagehub.conf").string();
    std::ofstream(conf) << "# the test's settings\ndata = data\nport = 1\nno-broadcast = true\n"
                        << "web = " << STAGEHUB_WEB_DIR << "\n";
    Process check({STAGEHUB_BIN, "check-config", "--config", conf, "--port", "0"});
    const int check_status = check.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(check_status)) << check.output();
    EXPECT_EQ(WEXITSTATUS(check_status), 0) << check.output();
    const std::string& shown = check.output();
    EXPECT_NE(shown.find("# configuration file: " + conf), std::string::npos) << shown;
    EXPECT_NE(shown.find("port = 0"), std::string::npos) << shown;
    EXPECT_NE(shown.find("# command line"), std::string::npos) << shown;
    EXPECT_NE(shown.find("no-broadcast = true"), std::string::npos) << shown;
    EXPECT_NE(shown.find("# " + conf + ":4"), std::string::npos) << shown;
    EXPECT_NE(shown.find("ok: data folder " + (dir / "data").string() + " will be created"),
              std::string::npos)
        << shown;

    Process serve({STAGEHUB_BIN, "serve", "--config", conf, "--port", "0"});
    const std::string serving = serve.wait_for_line("serving on", 30s);
    ASSERT_FALSE(serving.empty()) << serve.output();
    EXPECT_TRUE(std::filesystem::exists(dir / "data" / "stagehub.db")) << serve.output();
    serve.signal(SIGTERM);
    ASSERT_TRUE(WIFEXITED(serve.wait_exit(30s)));

    // A database from a later release is a problem check-config names (exit 1)...
    {
        stagehub::schedule::Database db(dir / "data" / "stagehub.db");
        db.execute("PRAGMA user_version = 9999");
    }
    Process newer({STAGEHUB_BIN, "check-config", "--config", conf});
    const int newer_status = newer.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(newer_status));
    EXPECT_EQ(WEXITSTATUS(newer_status), 1) << newer.output();
    EXPECT_NE(newer.output().find("problem: database " + (dir / "data" / "stagehub.db").string() +
                                  " has schema version 9999"),
              std::string::npos)
        << newer.output();

    // ...and a misspelt key is a usage error (exit 2) naming the file and line.
    std::ofstream(conf) << "port = 8080\nprot = 8081\n";
    Process bad({STAGEHUB_BIN, "serve", "--config", conf});
    const int bad_status = bad.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(bad_status));
    EXPECT_EQ(WEXITSTATUS(bad_status), 2);
    EXPECT_NE(bad.output().find(conf + ":2: unknown key 'prot' (did you mean port?)"),
              std::string::npos)
        << bad.output();
}

// Each connection is a file descriptor: the server takes the whole hard limit at start, not
// Debian's soft 1,024 that would cap a theme day near a thousand viewers.
TEST(StagehubProcess, TheOpenFileLimitIsRaisedToTheHardLimitAtStart) {
    rlimit original{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &original), 0);
    ASSERT_GT(original.rlim_max, 256u) << "the test lowers the soft limit to 256";
    rlimit lowered = original;
    lowered.rlim_cur = 256;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
    TempDir dir;
    Process server({STAGEHUB_BIN, "serve", "--data", dir.path().string(), "--port", "0", "--web",
                    STAGEHUB_WEB_DIR, "--no-broadcast"});
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &original), 0);  // the child has inherited 256
    ASSERT_FALSE(server.wait_for_line("serving on", 30s).empty()) << server.output();
    std::ifstream limits("/proc/" + std::to_string(server.pid()) + "/limits");
    std::string line;
    std::string open_files;
    while (std::getline(limits, line)) {
        if (line.starts_with("Max open files"))
            open_files = line;
    }
    std::istringstream fields(open_files.substr(std::string_view("Max open files").size()));
    unsigned long long soft = 0, hard = 0;
    fields >> soft >> hard;
    EXPECT_EQ(soft, original.rlim_max) << open_files;
    EXPECT_EQ(hard, original.rlim_max) << open_files;
    EXPECT_NE(server.output().find("open files: the limit is raised from 256"), std::string::npos)
        << server.output();
    server.signal(SIGTERM);
    EXPECT_NE(server.wait_exit(30s), -1);
}

// An operator's bug report names the build: the release of CMakeLists.txt's project() and
// the commit it was built from (`git describe --always --dirty`; "unknown" without .git).
TEST(StagehubProcess, VersionNamesTheReleaseAndTheCommit) {
    Process version({STAGEHUB_BIN, "--version"});
    const int status = version.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(status)) << version.output();
    EXPECT_EQ(WEXITSTATUS(status), 0) << version.output();
    // The commit itself is not compared: a commit reconfigures, and this test binary may
    // not have been rebuilt since the stagehub binary was.
    const std::string commit = std::filesystem::exists(STAGEHUB_SOURCE_DIR "/.git")
                                   ? R"(([0-9a-f]{7,}|.+-g[0-9a-f]{7,})(-dirty)?)"
                                   : "unknown";
    const std::regex expected("stagehub " STAGEHUB_RELEASE R"( \(commit )" + commit + R"(\)\n)");
    EXPECT_TRUE(std::regex_match(version.output(), expected)) << version.output();
}

TEST(StagehubProcess, ImportReportsABadFileAndStoresNothing) {
    TempDir dir;
    std::ofstream(dir / "bad.json")
        << R"({"format": "stagehub-programme/1", "event": {"id": "e"}})";
    Process import(
        {STAGEHUB_BIN, "import", (dir / "bad.json").string(), "--data", (dir / "data").string()});
    const int status = import.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1);
    EXPECT_NE(import.output().find("bad.json"), std::string::npos) << import.output();
    EXPECT_NE(import.output().find("event.title: missing"), std::string::npos) << import.output();

    Process good({STAGEHUB_BIN, "import", STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json",
                  "--data", (dir / "data").string()});
    const int good_status = good.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(good_status));
    EXPECT_EQ(WEXITSTATUS(good_status), 0) << good.output();
    EXPECT_NE(good.output().find("24 sessions"), std::string::npos) << good.output();
}

// "2026-11-23T10:00:05Z" for now + offset.
std::string utc_in(std::chrono::seconds offset) {
    const std::time_t at =
        std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
    std::tm utc{};
    gmtime_r(&at, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

double seconds_between(const std::string& from, const std::string& to) {
    const auto parse = [](const std::string& text) {
        std::tm tm{};
        strptime(text.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
        const double fraction =
            text.size() > 20 && text[19] == '.' ? std::stod(text.substr(19, 4)) : 0.0;
        return static_cast<double>(timegm(&tm)) + fraction;
    };
    return parse(to) - parse(from);
}

// The replay archive as a user meets it, through a crash: a talk is broadcast, the server
// is killed with SIGKILL in the middle of it and started again; when the talk ends its
// replay is listed within 10 s, and its VOD playlist covers the talk across both runs
// (marked as a discontinuity), every segment whole and decodable.
TEST(StagehubProcess, ASessionBecomesAReplayThatSurvivesKillMinus9) {
    TempDir dir;
    const std::string talk_start = utc_in(3s);
    const std::string talk_end = utc_in(23s);
    std::ofstream(dir / "programme.json") << R"({"format": "stagehub-programme/1",
        "event": {"id": "krasch", "title": "Kraschtest", "time_zone": "UTC"},
        "stages": [{"id": "salen", "name": "Salen"}],
        "sessions": [
          {"id": "talk", "stage": "salen", "kind": "talk", "title": "Före och efter",
           "start": ")" << talk_start << R"(", "duration_minutes": 0.3333333333},
          {"id": "later", "stage": "salen", "kind": "talk", "title": "Sedan",
           "start": ")" << talk_end << R"(", "duration_minutes": 5}]})";
    Process import({STAGEHUB_BIN, "import", (dir / "programme.json").string(), "--data",
                    (dir / "data").string()});
    const int imported = import.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(imported) && WEXITSTATUS(imported) == 0) << import.output();
    std::string live_before;
    const std::vector<std::string> serve = {
        STAGEHUB_BIN,     "serve",   "--data",  (dir / "data").string(), "--port", "0", "--web",
        STAGEHUB_WEB_DIR, "--video", "320x180", "--segment-seconds",     "1"};
    {
        Process first(serve);
        ASSERT_FALSE(first.wait_for_line("stage salen: live", 30s).empty()) << first.output();
        std::this_thread::sleep_for(8s);  // into the talk
        first.signal(SIGKILL);
        live_before = read_text_file(dir / "data/media/live/salen/source/index.m3u8");
        ASSERT_NE(first.wait_exit(10s), -1);
    }
    Process second(serve);
    const std::string serving = second.wait_for_line("serving on http://127.0.0.1:", 30s);
    ASSERT_FALSE(serving.empty()) << second.output();
    const int port = port_of(serving);

    nlohmann::json replay;
    const auto deadline = std::chrono::system_clock::now() + 60s;
    while (std::chrono::system_clock::now() < deadline) {
        const auto reply = http_get(port, "/api/v1/replays?event=krasch");
        ASSERT_EQ(reply.status, 200) << reply.body;
        const auto replays = nlohmann::json::parse(reply.body)["replays"];
        if (!replays.empty()) {
            replay = replays[0];
            break;
        }
        std::this_thread::sleep_for(250ms);
    }
    ASSERT_FALSE(replay.is_null()) << "no replay listed:\n" << second.output();
    const double available_after = seconds_between(talk_end, utc_in(0s));
    EXPECT_LT(available_after, 10.0) << "the replay came " << available_after << " s after the end";
    std::cout << "replay listed " << available_after << " s after the session ended\n";
    EXPECT_EQ(replay["session"], "talk");
    // Whole segments of 1 s: the replay covers the talk to within one segment at each end.
    EXPECT_LE(seconds_between(talk_start, replay["covers_from"]), 1.0) << replay.dump();
    EXPECT_GE(seconds_between(talk_end, replay["covers_to"]), -1.0) << replay.dump();

    // The replay's master lists every rendition that recorded it; players pick one.
    const std::string master_url = replay["playlist"];
    const auto master = http_get(port, master_url);
    ASSERT_EQ(master.status, 200);
    const auto variants = playlist_segments(master.body);
    ASSERT_EQ(variants.size(), 2u) << master.body;
    EXPECT_EQ(variants[0], "source/playlist.m3u8") << master.body;
    EXPECT_EQ(variants[1], "audio/playlist.m3u8") << master.body;
    const std::string base = master_url.substr(0, master_url.rfind('/') + 1);
    const auto audio_only = http_get(port, base + variants[1]);
    ASSERT_EQ(audio_only.status, 200);
    EXPECT_GE(playlist_segments(audio_only.body).size(), 5u) << audio_only.body;
    const auto playlist = http_get(port, base + variants[0]);
    ASSERT_EQ(playlist.status, 200);
    EXPECT_EQ(playlist.headers.at("content-type"), "application/vnd.apple.mpegurl");
    EXPECT_NE(playlist.body.find("#EXT-X-PLAYLIST-TYPE:VOD"), std::string::npos) << playlist.body;
    EXPECT_NE(playlist.body.find("#EXT-X-ENDLIST"), std::string::npos) << playlist.body;
    EXPECT_NE(playlist.body.find("#EXT-X-DISCONTINUITY"), std::string::npos)
        << "two runs, before and after the crash:\n"
        << playlist.body;
    const auto uris = playlist_segments(playlist.body);
    ASSERT_GE(uris.size(), 10u) << playlist.body;
    double listed = 0;
    for (const std::string& uri : uris) {
        const auto segment = http_get(port, uri);
        ASSERT_EQ(segment.status, 200) << uri;
        const auto file = dir / "data/media" / uri.substr(1);
        const std::string codecs = discover_streams(file);
        EXPECT_NE(codecs.find("video/x-h264"), std::string::npos) << uri << ":\n" << codecs;
    }
    for (const double d : playlist_durations(playlist.body))
        listed += d;
    EXPECT_NEAR(listed, replay["duration_seconds"].get<double>(), 0.01);
    // The talk lasted 20 s; the crash and restart cost a few seconds of it, no more.
    EXPECT_GT(listed, 12.0) << playlist.body;
    EXPECT_LT(listed, 23.0) << playlist.body;

    // Live viewers were not sent back in time: the playlist counts on after the crash.
    const auto sequence = [](const std::string& text) {
        const size_t at = text.find("#EXT-X-MEDIA-SEQUENCE:");
        return at == std::string::npos ? -1 : std::stoll(text.substr(at + 22));
    };
    const std::string live_after = read_text_file(dir / "data/media/live/salen/source/index.m3u8");
    ASSERT_GE(sequence(live_before), 0) << live_before;
    EXPECT_GT(sequence(live_after), sequence(live_before)) << live_before << "\n---\n"
                                                           << live_after;

    // A poster frame follows within seconds.
    std::string poster;
    const auto poster_deadline = std::chrono::system_clock::now() + 20s;
    while (poster.empty() && std::chrono::system_clock::now() < poster_deadline) {
        const auto one = nlohmann::json::parse(http_get(port, "/api/v1/replays/talk").body);
        if (one["poster"].is_string())
            poster = one["poster"];
        else
            std::this_thread::sleep_for(250ms);
    }
    ASSERT_FALSE(poster.empty()) << "no poster:\n" << second.output();
    const auto jpeg = http_get(port, poster);
    EXPECT_EQ(jpeg.status, 200);
    EXPECT_EQ(jpeg.headers.at("content-type"), "image/jpeg");
    ASSERT_GT(jpeg.body.size(), 1000u);
    EXPECT_EQ(jpeg.body.substr(0, 2), "\xFF\xD8") << "a JPEG starts with SOI";

    second.signal(SIGINT);
    const int status = second.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(status)) << second.output();
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(StagehubProcess, ImportOfASpreadsheetReportsBadRowsByLineAndCanSkipThem) {
    TempDir dir;
    std::ofstream(dir / "sessions.csv")
        << "stage,kind,title,date,start,duration,speakers\n"
           "Aulan,talk,Öppning,2026-05-12,09:00,20,Ann Öberg\n"
           "Aulan,talk,Fel tid,2026-05-12,25:00,20,\n"
           "Aulan,panel,Panel,2026-05-12,10:00,30,\"Cia Lind (moderator); Ann Öberg\"\n";
    const std::vector<std::string> import = {
        STAGEHUB_BIN, "import", (dir / "sessions.csv").string(), "--event",
        "piteadagen", "--data", (dir / "data").string()};
    Process refused(import);
    const int refused_status = refused.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(refused_status));
    EXPECT_EQ(WEXITSTATUS(refused_status), 1) << refused.output();
    EXPECT_NE(refused.output().find("line 3: start:"), std::string::npos) << refused.output();
    EXPECT_NE(refused.output().find("nothing imported"), std::string::npos) << refused.output();

    std::vector<std::string> skipping = import;
    skipping.push_back("--skip-bad-rows");
    Process imported(skipping);
    const int status = imported.wait_exit(30s);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << imported.output();
    EXPECT_NE(imported.output().find("skipped line 3"), std::string::npos) << imported.output();
    EXPECT_NE(imported.output().find("2 sessions"), std::string::npos) << imported.output();
}

}  // namespace

// Heartbeats are answered 200 only once committed: a kill -9 in the middle of a stream of
// them loses none that got a 200 (those in flight may or may not be stored, and their
// senders, who got no answer, send the next beat anyway).
TEST(StagehubProcess, KillMinus9DuringIngestLosesNoAnsweredHeartbeat) {
    TempDir dir;
    // Every viewer comes from this one address: no cap on new viewers per address here.
    Process server({STAGEHUB_BIN, "serve", "--data", dir.path().string(), "--port", "0", "--web",
                    STAGEHUB_WEB_DIR, "--no-broadcast", "--limit-new-viewers", "0", "--demo",
                    STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json"});
    const std::string serving = server.wait_for_line("serving on http://127.0.0.1:", 30s);
    ASSERT_FALSE(serving.empty()) << server.output();
    const int port = port_of(serving);

    // Sixteen senders, each beat from a viewer of its own.
    constexpr int kSenders = 16;
    std::vector<std::vector<std::string>> answered(kSenders);
    std::atomic<bool> stop{false};
    std::atomic<int> total{0};
    std::vector<std::thread> senders;
    for (int s = 0; s < kSenders; ++s) {
        senders.emplace_back([&, s] {
            for (int i = 0; !stop && i < 100000; ++i) {
                const std::string viewer = "kill-" + std::to_string(s) + "-" + std::to_string(i);
                const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch());
                const nlohmann::json beat = {{"viewer", viewer},
                                             {"stage", "stora-salen"},
                                             {"position", 1},
                                             {"sent_at", now.count()}};
                try {
                    const HttpReply reply = http_request(port, "POST", "/api/v1/heartbeats",
                                                         beat.dump(), "application/json");
                    if (reply.status == 200) {
                        answered[static_cast<size_t>(s)].push_back(viewer);
                        ++total;
                    }
                } catch (const std::exception&) {
                    return;  // the server is gone
                }
            }
        });
    }
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (total < 400 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
    server.signal(SIGKILL);
    ASSERT_NE(server.wait_exit(10s), -1);
    stop = true;
    for (auto& sender : senders)
        sender.join();
    ASSERT_GE(total, 400) << "the senders never got going:\n" << server.output();

    stagehub::schedule::Database db(dir / "stagehub.db");
    std::set<std::string> stored;
    auto rows = db.prepare("SELECT viewer FROM heartbeats");
    while (rows.step())
        stored.insert(rows.column_text(0));
    size_t lost = 0;
    for (const auto& viewers : answered) {
        for (const std::string& viewer : viewers)
            lost += stored.count(viewer) == 0 ? 1 : 0;
    }
    EXPECT_EQ(lost, 0u) << "of " << total << " heartbeats answered 200, " << stored.size()
                        << " rows stored";
    EXPECT_GE(stored.size(), static_cast<size_t>(total.load()));
}
