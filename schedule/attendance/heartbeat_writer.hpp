// The heartbeat writer: a bounded queue in front of a thread that owns its own SQLite
// connection and commits whatever has queued up as one transaction (a group commit), so
// the event loop never waits on disk and the disk sees a few commits a second, not one per
// beat. Each heartbeat carries a ticket; once its transaction has committed (or failed),
// the tickets are handed to `on_written`, on the writer thread, so the sender's answer can
// say it is stored.
//
// Threads: offer(), queued() and refused() from any thread; the callback on the writer's.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "schedule/attendance/heartbeat.hpp"

namespace stagehub::schedule {
class Database;
}

namespace stagehub::attendance {

class HeartbeatWriter {
  public:
    struct Written {
        std::vector<uint64_t> tickets;
        std::optional<std::string> failure;  // why the batch was not stored, if it was not
    };
    using OnWritten = std::function<void(Written)>;

    // Opens `database` (already migrated) on the writer thread's own connection.
    HeartbeatWriter(std::filesystem::path database, size_t capacity, OnWritten on_written);
    // Writes what is queued, then stops.
    ~HeartbeatWriter();
    HeartbeatWriter(const HeartbeatWriter&) = delete;
    HeartbeatWriter& operator=(const HeartbeatWriter&) = delete;

    // Queues a heartbeat; false when the queue is full (the caller refuses it, 503).
    bool offer(Heartbeat beat, uint64_t ticket);

    // Runs `job` on the writer thread between batches, with its connection (compaction).
    // Its failure is logged by the caller's job itself; the writer goes on.
    void run(std::function<void(schedule::Database&)> job);

    size_t queued() const;
    size_t capacity() const { return capacity_; }
    uint64_t refused() const;
    uint64_t written() const;
    uint64_t batches() const;

  private:
    const size_t capacity_;
    OnWritten on_written_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Heartbeat> beats_;
    std::vector<uint64_t> tickets_;
    std::deque<std::function<void(schedule::Database&)>> jobs_;
    bool idle_ = false;
    bool stopping_ = false;
    uint64_t refused_ = 0;
    uint64_t written_ = 0;
    uint64_t batches_ = 0;
    std::thread thread_;
};

}  // namespace stagehub::attendance
