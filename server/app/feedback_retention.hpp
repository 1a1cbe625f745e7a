// The accessibility feedback's retention (docs/PRIVACY.md): at start and hourly, messages
// that arrived `--feedback-retention-days` ago or more are deleted, and the count logged.
// Deleted, not anonymised: a message may name its sender in its own words.
//
// Threads: made on the loop thread, run on the heartbeat writer's thread with its
// connection, like the registrations' retention.
#pragma once

#include <chrono>
#include <functional>

namespace stagehub::schedule {
class Database;
}

namespace stagehub::server {

std::function<void(schedule::Database&)> feedback_retention_job(
    std::chrono::sys_time<std::chrono::milliseconds> now, int retention_days);

}  // namespace stagehub::server
