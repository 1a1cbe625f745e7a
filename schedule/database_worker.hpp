// A thread with its own SQLite connection that runs jobs in order: reads that may take
// a while (a week's statistics) stay off the event loop, which only hands work over.
//
// Threads: run() from any thread; jobs on the worker's. The destructor finishes the jobs
// already queued.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace stagehub::schedule {

class Database;

class DatabaseWorker {
  public:
    // Opens `path` now, so a bad path fails here and not on the thread.
    explicit DatabaseWorker(const std::filesystem::path& path);
    ~DatabaseWorker();
    DatabaseWorker(const DatabaseWorker&) = delete;
    DatabaseWorker& operator=(const DatabaseWorker&) = delete;

    // Queues `job`; it must catch what it can handle (an escaping exception is logged to
    // stderr and the worker goes on).
    void run(std::function<void(Database&)> job);

  private:
    std::unique_ptr<Database> db_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void(Database&)>> jobs_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace stagehub::schedule
