#include "schedule/database_worker.hpp"

#include <cstdio>
#include <exception>

#include "schedule/database.hpp"

namespace stagehub::schedule {

DatabaseWorker::DatabaseWorker(const std::filesystem::path& path)
    : db_(std::make_unique<Database>(path)) {
    thread_ = std::thread([this] {
        for (;;) {
            std::function<void(Database&)> job;
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
                if (jobs_.empty())
                    return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            try {
                job(*db_);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "stagehub: a background database job failed: %s\n", e.what());
            }
        }
    });
}

DatabaseWorker::~DatabaseWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void DatabaseWorker::run(std::function<void(Database&)> job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
}

}  // namespace stagehub::schedule
