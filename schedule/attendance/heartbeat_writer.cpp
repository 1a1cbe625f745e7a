#include "schedule/attendance/heartbeat_writer.hpp"

#include <exception>
#include <memory>

#include "schedule/attendance/heartbeat_store.hpp"
#include "schedule/database.hpp"

namespace stagehub::attendance {

HeartbeatWriter::HeartbeatWriter(std::filesystem::path database, size_t capacity,
                                 OnWritten on_written)
    : capacity_(capacity), on_written_(std::move(on_written)) {
    beats_.reserve(capacity_);
    tickets_.reserve(capacity_);
    // Opened here so a bad path fails the constructor, not the thread.
    auto db = std::make_unique<schedule::Database>(database);
    // Checkpoints (copying the WAL into the database file, with an fsync) are the server's
    // checkpointer's job, off this thread: one in the middle of a batch held its beats'
    // answers for tens of milliseconds.
    db->execute("PRAGMA wal_autocheckpoint=0");
    thread_ = std::thread([this, db = std::move(db)]() mutable {
        std::vector<Heartbeat> beats;
        std::vector<uint64_t> tickets;
        for (;;) {
            std::deque<std::function<void(schedule::Database&)>> jobs;
            {
                std::unique_lock lock(mutex_);
                idle_ = true;
                wake_.wait(lock, [this] { return stopping_ || !beats_.empty() || !jobs_.empty(); });
                idle_ = false;
                if (stopping_ && beats_.empty() && jobs_.empty())
                    return;
                // Everything that queued up while the last commit ran goes in this one.
                beats.swap(beats_);
                tickets.swap(tickets_);
                jobs.swap(jobs_);
            }
            if (!beats.empty()) {
                Written written;
                try {
                    schedule::Transaction tx(*db);
                    insert_heartbeats(*db, beats);
                    tx.commit();
                } catch (const std::exception& e) {
                    written.failure = e.what();
                }
                {
                    std::lock_guard lock(mutex_);
                    if (!written.failure)
                        written_ += beats.size();
                    ++batches_;
                }
                written.tickets = std::move(tickets);
                on_written_(std::move(written));
                tickets.clear();
                beats.clear();
            }
            for (auto& job : jobs)
                job(*db);
        }
    });
}

HeartbeatWriter::~HeartbeatWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

bool HeartbeatWriter::offer(Heartbeat beat, uint64_t ticket) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (beats_.size() >= capacity_ || stopping_) {
            ++refused_;
            return false;
        }
        beats_.push_back(std::move(beat));
        tickets_.push_back(ticket);
        // A writer busy committing takes this with the next batch: no wake-up needed.
        wake = idle_ && beats_.size() == 1;
    }
    if (wake)
        wake_.notify_one();
    return true;
}

void HeartbeatWriter::run(std::function<void(schedule::Database&)> job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
}

size_t HeartbeatWriter::queued() const {
    std::lock_guard lock(mutex_);
    return beats_.size();
}

uint64_t HeartbeatWriter::refused() const {
    std::lock_guard lock(mutex_);
    return refused_;
}

uint64_t HeartbeatWriter::written() const {
    std::lock_guard lock(mutex_);
    return written_;
}

uint64_t HeartbeatWriter::batches() const {
    std::lock_guard lock(mutex_);
    return batches_;
}

}  // namespace stagehub::attendance
