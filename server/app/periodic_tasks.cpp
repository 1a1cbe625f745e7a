#include "server/app/periodic_tasks.hpp"

#include <glib.h>

#include <utility>

namespace stagehub::server {
namespace {

// Often enough that "now" changes within a quarter second of a session boundary.
constexpr std::chrono::milliseconds kClockTick{250};
constexpr std::chrono::seconds kRetentionEvery{3600};
constexpr std::chrono::seconds kCheckpointEvery{1};
constexpr std::chrono::seconds kCompactionEvery{3600};

}  // namespace

void RepeatingTimer::start(std::chrono::seconds every, std::function<void()> task) {
    stop();
    task_ = std::move(task);
    source_ = g_timeout_add_seconds(static_cast<guint>(every.count()), &RepeatingTimer::run, this);
}

void RepeatingTimer::start(std::chrono::milliseconds every, std::function<void()> task) {
    stop();
    task_ = std::move(task);
    source_ = g_timeout_add(static_cast<guint>(every.count()), &RepeatingTimer::run, this);
}

void RepeatingTimer::stop() {
    if (source_ != 0)
        g_source_remove(source_);
    source_ = 0;
}

int RepeatingTimer::run(void* self) {
    static_cast<RepeatingTimer*>(self)->task_();
    return G_SOURCE_CONTINUE;
}

void PeriodicTasks::start(Tasks tasks) {
    if (tasks.retention) {
        tasks.retention();
        retention_.start(kRetentionEvery, std::move(tasks.retention));
    }
    checkpoint_.start(kCheckpointEvery, std::move(tasks.checkpoint));
    tasks.compaction();
    compaction_.start(kCompactionEvery, std::move(tasks.compaction));
    if (tasks.registrations) {
        tasks.registrations();
        registrations_.start(kCompactionEvery, std::move(tasks.registrations));
    }
    if (tasks.disk) {
        tasks.disk();
        disk_.start(tasks.disk_every, std::move(tasks.disk));
    }
    if (tasks.captions) {
        tasks.captions();
        captions_.start(tasks.captions_every, std::move(tasks.captions));
    }
    tasks.tick();
    clock_.start(kClockTick, std::move(tasks.tick));
}

void PeriodicTasks::stop_all() {
    clock_.stop();
    retention_.stop();
    compaction_.stop();
    registrations_.stop();
    checkpoint_.stop();
    disk_.stop();
    captions_.stop();
}

}  // namespace stagehub::server
