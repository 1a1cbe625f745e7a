// Blocking playlist reload (RFC 8216bis 6.2.5.2, from Low-Latency HLS): a player asks for
// the live media playlist `/live/{stage}/{rendition}/index.m3u8?_HLS_msn=N` and the server
// answers as soon as the playlist lists segment N, instead of the player polling once a
// target duration and finding each new segment, on average, half a target duration late.
// stagehub's live playlists say CAN-BLOCK-RELOAD=YES (pipelines/live_playlist); hls.js then
// asks for the next segment the moment it has the playlist. There are no partial segments:
// `_HLS_part` is accepted and waits for its whole segment.
//
// As the RFC says: N more than two past the newest segment is a 400; a wait that is not
// satisfied within three target durations (a stalled pipeline) is a 503, and a player then
// polls again; an ended playlist (the broadcast stopped) is served at once.
//
// Threads: loop thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipelines/live_playlist.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

class BlockingPlaylistReload {
  public:
    using Clock = std::chrono::steady_clock;
    // The live playlist of a stage's rendition, or null when it has none (not broadcasting).
    using Lookup = std::function<const pipelines::LivePlaylist*(const std::string& stage,
                                                                const std::string& rendition)>;
    // Answers a request with the playlist file as it is now (the static files' answer).
    using Serve = std::function<HttpResponse(const HttpRequest&)>;
    // Gives a deferred answer (HttpServer::complete).
    using Complete = std::function<void(uint64_t exchange, HttpResponse)>;

    // More waiting requests than this are answered at once (the player polls instead).
    static constexpr size_t kMaxWaits = 100'000;

    BlockingPlaylistReload(Lookup lookup, Serve serve, Complete complete)
        : lookup_(std::move(lookup)), serve_(std::move(serve)), complete_(std::move(complete)) {}

    // nullopt: not a blocking reload, or one the playlist satisfies now: serve the file as
    // usual. Otherwise a 400 for a bad directive, or a deferred answer.
    std::optional<HttpResponse> take(const HttpRequest& request, Clock::time_point now);

    // The rendition's playlist was rewritten: answers the waits it now satisfies.
    void listed(const std::string& stage, const std::string& rendition);

    // Answers 503 to the waits whose three target durations have passed.
    void expire(Clock::time_point now);

    size_t waiting() const { return count_; }

  private:
    struct Wait {
        HttpRequest request;
        int64_t sequence = 0;
        Clock::time_point deadline;
    };
    using Key = std::pair<std::string, std::string>;  // stage, rendition

    Lookup lookup_;
    Serve serve_;
    Complete complete_;
    std::map<Key, std::vector<Wait>> waits_;
    size_t count_ = 0;
};

}  // namespace stagehub::server
