// Viewer heartbeats (docs/API.md, "Viewer heartbeats"; the rules in docs/STATISTICS.md):
// `POST /api/v1/heartbeats` from every player, live or replay, every few seconds.
//
// A beat is checked (a stage that is on the web, a replay that exists, a position inside
// it, a client clock near ours), rate-limited per viewer and per connection, its viewer
// counted against the address that introduced it (new viewers per address), and queued
// for the heartbeat writer; its 200 is sent once the writer has committed it, so a 2xx is
// a stored beat. The loop never waits on the disk: a full queue is a 503, counted.
//
// Threads: loop thread, except the writer's (see HeartbeatWriter), whose answers come back
// through the LoopMailbox.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "schedule/attendance/counting_rules.hpp"
#include "schedule/attendance/heartbeat_writer.hpp"
#include "schedule/programme_catalog.hpp"
#include "server/http/address_rate_limit.hpp"
#include "server/http/api_router.hpp"
#include "server/http/loop_mailbox.hpp"
#include "server/http/token_bucket.hpp"

namespace stagehub::server {

class HeartbeatApi {
  public:
    using Clock = std::function<attendance::TimePoint()>;
    struct Config {
        std::filesystem::path database;
        attendance::CountingRules rules;
        double per_connection_per_second = 50;
        // Viewer ids one address may introduce a minute (0: no limit): a client making up
        // ids cannot inflate the audience, while a town hall behind one NAT still fits.
        int new_viewers_per_address_per_minute = 200;
        size_t queue = 65536;
        Clock clock;  // the server's wall clock (tests simulate a day with their own)
    };
    // `answer` sends a deferred answer (HttpServer::complete).
    using Answer = std::function<void(uint64_t exchange, HttpResponse response)>;

    HeartbeatApi(const schedule::ProgrammeCatalog& catalog, LoopMailbox& mailbox, Config config,
                 Answer answer);

    void add_routes(ApiRouter& router);

    // Live viewers of each stage now: heard from within the leave rule. Counted on the spot
    // up to kCountOnTheSpot viewers; past that, as of the last full sweep (at most a sweep's
    // cycle old), so the count never holds the loop.
    std::map<std::string, size_t> watching_now() const;
    // Looks at one of `slices` parts of the viewers (called every clock tick, so each viewer
    // is looked at every `slices` ticks): forgets those gone quiet (rate-limit state), counts
    // those watching. Also forgets quiet connections.
    void sweep(size_t slices);

    static constexpr size_t kCountOnTheSpot = 20'000;
    // Queue and counters for /api/v1/health, and as numbers for metrics.
    nlohmann::json health() const;
    struct Counters {
        size_t queued = 0;  // waiting for the writer now
        size_t queue_capacity = 0;
        uint64_t written = 0;
        uint64_t batches = 0;             // commits of the writer
        uint64_t refused_queue_full = 0;  // 503: the queue was full
        uint64_t rejected = 0;            // 400: malformed or impossible
        uint64_t rate_limited = 0;        // 429
        uint64_t failed = 0;              // the writer could not store them
    };
    Counters counters() const;
    attendance::HeartbeatWriter& writer() { return *writer_; }
    const attendance::CountingRules& rules() const { return config_.rules; }

  private:
    struct Viewer {
        TokenBucket bucket;
        attendance::TimePoint heard;
        std::string stage;  // watched live; empty for a replay
    };
    // Read and check the beat (400s), rate_limit it (429s), queue it for the writer (503
    // when full); the answer is sent once it is stored.
    HttpResponse receive(const HttpRequest& request);
    // The 429 when this viewer, connection or address beats too often; makes a new
    // viewer's state.
    std::optional<HttpResponse> rate_limit(const HttpRequest& request, const std::string& viewer_id,
                                           attendance::TimePoint now);
    HttpResponse queue(const HttpRequest& request, attendance::Heartbeat beat,
                       attendance::TimePoint now);
    void written(attendance::HeartbeatWriter::Written written);

    const schedule::ProgrammeCatalog& catalog_;
    LoopMailbox& mailbox_;
    Config config_;
    Answer answer_;
    std::unordered_map<std::string, Viewer> viewers_;
    std::unordered_map<uint64_t, TokenBucket> connections_;
    AddressRateLimit new_viewers_;
    // The sweep's place (a bucket of viewers_), its counts so far and the last full count.
    size_t sweep_bucket_ = 0;
    size_t sweep_bucket_count_ = 0;
    std::map<std::string, size_t> sweeping_;
    std::map<std::string, size_t> swept_;
    uint64_t rejected_ = 0;                                // 400: malformed or impossible
    uint64_t rate_limited_ = 0;                            // 429
    uint64_t failed_ = 0;                                  // the writer could not store them
    std::unique_ptr<attendance::HeartbeatWriter> writer_;  // last: stops before the rest goes
};

}  // namespace stagehub::server
