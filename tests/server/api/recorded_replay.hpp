// A replay to caption, made the way a broadcast leaves one: the welcome session ended now
// by its organiser, and fake segments of it archived (on disk and indexed), past the live
// window at once (the server runs with no live grace).
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "pipelines/segment_archive.hpp"
#include "running_server.hpp"
#include "schedule/database.hpp"
#include "schedule/instant.hpp"

namespace stagehub::server {

inline constexpr const char* kReplayEvent = "tillsammans-for-fornyelse";
inline constexpr const char* kReplaySession = "valkommen";

inline std::string session_path(const std::string& id) {
    return std::string("/api/v1/events/") + kReplayEvent + "/sessions/" + id;
}

// Ends the welcome after two seconds and archives its segments (1 s each, from a second
// before it); returns the session's actual start, the replay's time 0.
inline Instant record_welcome(RunningServer& server, const std::string& organiser) {
    using namespace std::chrono_literals;
    std::this_thread::sleep_for(2100ms);
    const auto ended = server.call("POST", session_path(kReplaySession) + "/end-now", organiser);
    EXPECT_EQ(ended.status, 200) << ended.body;
    const auto welcome =
        nlohmann::json::parse(server.call("GET", session_path(kReplaySession)).body);
    const Instant start = *parse_instant(welcome["start"].get<std::string>());
    const Instant end = *parse_instant(welcome["end"].get<std::string>());
    // A poster already: the clock would otherwise try to make one of the fake segments.
    std::filesystem::create_directories(server.dir / "media/posters");
    std::ofstream(server.dir / "media/posters/valkommen.jpg") << "a poster";
    schedule::Database db(server.dir / "stagehub.db");
    pipelines::SegmentArchive archive(db, server.dir / "media/live");
    const auto seconds = static_cast<unsigned>((end - start).count()) + 1;
    for (const std::string rendition : {"source", "audio"}) {
        const auto dir = server.dir / "media/live/stora-salen" / rendition;
        std::filesystem::create_directories(dir);
        for (unsigned i = 0; i < seconds; ++i) {
            pipelines::ClosedSegment segment;
            segment.run_id = "run";
            segment.rendition = rendition;
            segment.index = i;
            segment.path = dir / ("seg-run-" + std::to_string(i) + ".ts");
            std::ofstream(segment.path) << "not decoded by this test";
            segment.started_at = start - 1s + i * 1s;
            segment.duration_s = 1.0;
            archive.add("stora-salen", segment);
        }
    }
    std::this_thread::sleep_for(1s);  // every segment closed, the replay settled
    return start;
}

}  // namespace stagehub::server
