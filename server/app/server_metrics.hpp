// The server's metrics for Prometheus (GET /metrics, docs/OPERATIONS.md "Monitoring"): the
// families, their names and help, and where each figure is read. Most figures already
// exist where the work is done (the HTTP core's socket counters, the heartbeat writer, a
// stage's health) and are read when scraped; what nothing counted before is counted here
// (requests by route class and status) or by a hook (database commit latency).
//
// Threads: constructed and scraped on the loop thread; answered() on the loop thread; the
// commit histogram is fed from every thread that commits (atomics, metric_registry.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "server/api/heartbeat_api.hpp"
#include "server/app/disk_floor.hpp"
#include "server/app/request_class.hpp"
#include "server/broadcast/stage_supervisor.hpp"
#include "server/http/http_server.hpp"
#include "server/metrics/metric_registry.hpp"

namespace stagehub::server {

class ServerMetrics {
  public:
    // One stage of the programme as it is now: only these are reported, so a removed stage
    // vanishes from the next scrape.
    struct StageSample {
        std::string stage_id;
        std::optional<StageSupervisor::StageFigures> figures;  // null: not broadcasting
        int64_t archive_bytes = 0;
    };

    // What is read at each scrape. Each may answer "nothing yet" (no server listening, no
    // broadcast): the family is then written without samples.
    struct Sources {
        std::function<const HttpServer*()> http;
        std::function<HeartbeatApi::Counters()> heartbeats;
        std::function<std::vector<StageSample>()> stages;
        std::function<size_t()> playlist_waits;
        std::function<DiskFigures()> disk;  // the free-space floor (disk_floor.hpp)
    };

    // `token`: the scrape token of --metrics-token-file, if any (metrics_access.hpp).
    ServerMetrics(Sources sources, std::optional<std::string> token);

    // GET /metrics: the text exposition, or the refusal (metrics_access.hpp).
    HttpResponse answer(const HttpRequest& request) const;

    // Counts an answer given (HttpServer::Config::on_answered).
    void answered(RequestClass request_class, int status);
    // A /live/ file served by the replay rules: its answer counts as replay media.
    void mark_replay(uint64_t exchange) { replay_exchanges_.insert(exchange); }
    // Whether the exchange was marked (and forgets it).
    bool take_replay(uint64_t exchange) { return replay_exchanges_.erase(exchange) > 0; }

    // The text exposition, every family read now.
    std::string render() const { return registry_.render(); }
    std::vector<std::string> names() const { return registry_.names(); }

    // Requests counted so far for a class and status (for tests).
    uint64_t requests(RequestClass request_class, int status) const;

    // The database commit latency histogram (every Transaction::commit of this process).
    static metrics::Histogram& commit_seconds();

  private:
    void add_http_families();
    void add_websocket_families();
    void add_heartbeat_families();
    void add_database_families();
    void add_stage_families();
    // The disk floor's figures: free bytes, the floor, low or not, archiving or not.
    void add_disk_families();

    Sources sources_;
    std::optional<std::string> token_;
    metrics::MetricRegistry registry_;
    metrics::LabelledCounter requests_{{"class", "code"}};
    std::unordered_set<uint64_t> replay_exchanges_;
};

}  // namespace stagehub::server
