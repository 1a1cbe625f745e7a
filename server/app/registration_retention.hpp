// The registrations' retention (docs/PRIVACY.md): at start and hourly, the registrations
// and check-ins of each event that ended `--registration-retention-days` ago or more are
// anonymised (schedule/attendance/personal_data.hpp), and the counts logged.
//
// Threads: the job is made on the loop thread (it copies the programmes) and runs on the
// heartbeat writer's thread, with its connection, like the heartbeats' compaction.
#pragma once

#include <functional>
#include <vector>

#include "schedule/attendance/counting_rules.hpp"
#include "schedule/model.hpp"

namespace stagehub::schedule {
class Database;
}

namespace stagehub::server {

std::function<void(schedule::Database&)> registration_retention_job(
    std::vector<schedule::Programme> programmes, attendance::TimePoint now, int retention_days);

}  // namespace stagehub::server
