// A stage fed over SRT, through the real stagehub process, as an organiser watches it: the
// `ops` websocket channel reports the switch to the slate when the encoder dies and back
// when it returns, pushes health with the input's figures, and the live playlist players
// poll counts on without a hole through it all.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "media_probe.hpp"
#include "media_senders.hpp"
#include "net_client.hpp"
#include "ports.hpp"
#include "temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using namespace stagehub::testing;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kPassphrase = "salen-hemlighet-42";

std::string last_line(const std::string& text) {
    std::string last;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty())
            last = line;
    }
    return last;
}

int serving_port(const ChildProcess& server) {
    std::smatch match;
    const std::string log = server.log();
    static const std::regex serving(R"(serving on http://127\.0\.0\.1:(\d+)/)");
    return std::regex_search(log, match, serving) ? std::stoi(match[1]) : 0;
}

// The next message on the ops channel of the given type, skipping everything else.
std::optional<json> next_ops(WebsocketClient& ws, const std::string& type,
                             std::chrono::milliseconds timeout) {
    const auto deadline = SteadyClock::now() + timeout;
    while (SteadyClock::now() < deadline) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
        const auto text = ws.receive(std::max(left, 1ms));
        if (!text)
            return std::nullopt;
        const json message = json::parse(*text, nullptr, false);
        // Read by hand: json::value() trips GCC 12's -Wnull-dereference at -O3.
        if (message.is_object() && message.contains("channel") && message.contains("type") &&
            message["channel"] == "ops" && message["type"] == type) {
            return message;
        }
    }
    return std::nullopt;
}

TEST(SrtStage, OrganisersSeeTheSlateCoverALostEncoderAndTheLivePlaylistNeverSkips) {
    TempDir dir;
    const int srt_port = free_udp_port();
    std::ofstream(dir / "programme.json")
        << R"({"format": "stagehub-programme/1",
        "event": {"id": "fault", "title": "Feltest", "time_zone": "UTC", "languages": ["sv"]},
        "stages": [{"id": "salen", "name": "Salen", "source": {"kind": "srt",
                    "url": "srt://127.0.0.1:)"
        << srt_port << R"(", "passphrase": ")" << kPassphrase << R"("}}],
        "sessions": [{"id": "talk", "stage": "salen", "kind": "talk", "title": "Idéslussen",
                      "start": "2026-01-01T00:00:00Z", "duration_minutes": 600}]})";
    const std::string data = (dir / "data").string();
    ChildProcess organiser({STAGEHUB_BIN, "admin", "create-organiser", "--name", "Olle", "--event",
                            "fault", "--data", data},
                           dir / "admin.log");
    ASSERT_EQ(organiser.wait_exit(30s), 0) << organiser.log();
    const std::string token = last_line(organiser.log());

    ChildProcess server({STAGEHUB_BIN, "serve", "--data", data, "--port", "0", "--web",
                         STAGEHUB_WEB_DIR, "--demo", (dir / "programme.json").string(), "--video",
                         "640x360", "--segment-seconds", "1", "--ladder", "180p:320x180:300"},
                        dir / "server.log");
    ASSERT_TRUE(server.wait_for_log("serving on http://127.0.0.1:", 30s)) << server.log();
    const int port = serving_port(server);
    ASSERT_GT(port, 0) << server.log();

    WebsocketClient ws(port, "/ws");
    // The ops channel takes organisers of the event only.
    ws.send_text(R"({"type": "subscribe", "channels": ["ops"], "token": ")" + token + "\"}");
    ASSERT_TRUE(next_ops(ws, "subscribed", 5s)) << server.log();

    SenderEncode encode;
    encode.width = 640;
    encode.height = 360;
    encode.bitrate_kbps = 800;
    encode.gop_seconds = 1.0;
    const auto start_sender = [&](const std::string& name) -> std::unique_ptr<ChildProcess> {
        for (int attempt = 0; attempt < 5; ++attempt) {
            if (!wait_for_udp_bound(srt_port, 10s))
                break;
            auto sender = std::make_unique<ChildProcess>(
                srt_sender_args({.port = srt_port, .passphrase = kPassphrase, .encode = encode}),
                dir / (name + std::to_string(attempt) + ".log"));
            std::this_thread::sleep_for(1500ms);
            if (sender->running())
                return sender;
        }
        return nullptr;
    };

    // Players poll the media playlist; every sequence number they ever see names one file.
    std::map<int64_t, std::string> seen;
    int discontinuities_seen = 0;
    const auto poll_playlist = [&] {
        const auto reply = http_get(port, "/live/salen/source/index.m3u8");
        if (reply.status != 200)
            return;
        const auto at = reply.body.find("#EXT-X-MEDIA-SEQUENCE:");
        if (at == std::string::npos)
            return;
        int64_t sequence = std::stoll(reply.body.substr(at + 22));
        for (const std::string& uri : playlist_segments(reply.body)) {
            const auto [it, added] = seen.emplace(sequence, uri);
            EXPECT_EQ(it->second, uri) << "sequence " << sequence << " changed its file";
            ++sequence;
        }
        if (reply.body.find("#EXT-X-DISCONTINUITY\n") != std::string::npos)
            ++discontinuities_seen;
    };
    const auto wait_for_switch = [&](const std::string& to, std::chrono::milliseconds timeout) {
        const auto deadline = SteadyClock::now() + timeout;
        while (SteadyClock::now() < deadline) {
            poll_playlist();
            if (auto change = next_ops(ws, "switch", 300ms)) {
                if ((*change)["stage"] == "salen" && (*change)["on_air"] == to)
                    return change;
            }
        }
        return std::optional<json>{};
    };

    auto sender = start_sender("first");
    ASSERT_TRUE(sender) << server.log();
    const auto on_input = wait_for_switch("input", 30s);
    ASSERT_TRUE(on_input) << server.log();
    for (int i = 0; i < 10; ++i) {
        poll_playlist();
        std::this_thread::sleep_for(300ms);
    }

    // Health reaches organisers every few seconds, with the input's own figures.
    const auto health = next_ops(ws, "health", 10s);
    ASSERT_TRUE(health) << server.log();
    const json& source = (*health)["health"]["source"];
    EXPECT_EQ(source["kind"], "srt") << health->dump();
    EXPECT_EQ(source["state"], "receiving") << health->dump();
    EXPECT_GT(source["bitrate_kbps"].get<double>(), 100) << health->dump();
    EXPECT_GT(source["fps"].get<double>(), 15) << health->dump();
    EXPECT_EQ(source["width"], 640) << health->dump();
    EXPECT_TRUE(source.contains("dropped_frames")) << health->dump();
    EXPECT_TRUE(source["last_keyframe_age_seconds"].is_number()) << health->dump();
    EXPECT_EQ((*health)["health"]["on_air"], "input") << health->dump();
    EXPECT_FALSE(source.contains("passphrase")) << "secrets stay out of reports";

    // The encoder crashes: organisers see the slate go on air.
    const auto killed = SteadyClock::now();
    sender->kill_hard();
    const auto on_slate = wait_for_switch("slate", 10s);
    ASSERT_TRUE(on_slate) << server.log();
    const auto covered = SteadyClock::now() - killed;
    std::cout << "ops heard of the slate "
              << std::chrono::duration_cast<std::chrono::milliseconds>(covered).count()
              << " ms after the encoder was killed\n";
    EXPECT_LT(covered, 2500ms) << "slate within 2 s, plus the push";

    // The encoder is back: the stage returns to it by itself.
    const auto stage_health = [&] {
        return json::parse(
            http_request(port, "GET", "/api/v1/stages/salen/health", "", "", token).body);
    };
    const auto deadline = SteadyClock::now() + 20s;
    while (SteadyClock::now() < deadline && stage_health()["source"]["state"] != "waiting") {
        poll_playlist();
        std::this_thread::sleep_for(300ms);
    }
    ASSERT_EQ(stage_health()["source"]["state"], "waiting") << stage_health().dump();
    sender = start_sender("second");
    ASSERT_TRUE(sender) << server.log();
    ASSERT_TRUE(wait_for_switch("input", 20s)) << server.log();
    for (int i = 0; i < 10; ++i) {
        poll_playlist();
        std::this_thread::sleep_for(300ms);
    }
    const json after = stage_health();
    EXPECT_EQ(after["on_air"], "input") << after.dump();
    EXPECT_GE(after["switches"].get<int>(), 3) << after.dump();
    EXPECT_GT(after["slate_seconds"].get<double>(), 1.0) << after.dump();

    // No hole in what players saw: every sequence number from the first to the last.
    ASSERT_FALSE(seen.empty());
    const int64_t first = seen.begin()->first;
    const int64_t last = seen.rbegin()->first;
    EXPECT_EQ(static_cast<int64_t>(seen.size()), last - first + 1)
        << "sequence numbers " << first << "…" << last << " with holes";
    EXPECT_GE(last - first, 8);
    EXPECT_GT(discontinuities_seen, 0) << "each switch starts a new picture";

    EXPECT_TRUE(server.interrupt(30s));
    EXPECT_EQ(server.exit_status(), 0) << server.log();
}

}  // namespace
