// The server's timers on the loop: the clock tick that moves now/next, the hourly retention
// of old replays, the WAL checkpoint every second, the hourly attendance compaction and the
// hourly registration retention, a look at the disk's free space every few seconds, and the
// captions' 14-day rule every ten minutes.
// Each runs its task on the loop thread until stopped or until this object goes.
//
// Threads: the loop thread.
#pragma once

#include <chrono>
#include <functional>

namespace stagehub::server {

// One repeating GLib timer (the default main context).
class RepeatingTimer {
  public:
    RepeatingTimer() = default;
    ~RepeatingTimer() { stop(); }
    RepeatingTimer(const RepeatingTimer&) = delete;
    RepeatingTimer& operator=(const RepeatingTimer&) = delete;

    // Whole seconds use GLib's second timers, which wake the process together.
    void start(std::chrono::seconds every, std::function<void()> task);
    void start(std::chrono::milliseconds every, std::function<void()> task);
    void stop();
    bool running() const { return source_ != 0; }

  private:
    static int run(void* self);

    std::function<void()> task_;
    unsigned source_ = 0;
};

class PeriodicTasks {
  public:
    struct Tasks {
        std::function<void()> tick;           // often: "now" changes within a quarter second
        std::function<void()> retention;      // empty: archived segments are kept for ever
        std::function<void()> checkpoint;     // every second
        std::function<void()> compaction;     // hourly
        std::function<void()> registrations;  // hourly; empty: registrations are kept
        std::function<void()> disk;           // empty: no free-space floor
        std::chrono::milliseconds disk_every{5000};
        std::function<void()> captions;  // the 14-day rule; empty: not looked at
        std::chrono::milliseconds captions_every{600000};
    };

    // Runs retention, compaction, registrations, the disk look and the tick once now, then
    // each on its timer.
    void start(Tasks tasks);
    // The clock stops first at shutdown: nothing new goes on air while stages end.
    void stop_clock() { clock_.stop(); }
    void stop_all();

  private:
    RepeatingTimer clock_;
    RepeatingTimer retention_;
    RepeatingTimer checkpoint_;
    RepeatingTimer compaction_;
    RepeatingTimer registrations_;
    RepeatingTimer disk_;
    RepeatingTimer captions_;
};

}  // namespace stagehub::server
