// The serving server's claim on its data folder: an exclusive flock(2) on
// `<data>/stagehub.lock`, held for the server's life. `stagehub restore` takes the same lock,
// so it cannot swap the database under a running server, and a server cannot start in the
// middle of a restore. The kernel drops the lock when the process ends, however it ends
// (kill -9 included), so a stale lock file never blocks anything.
#pragma once

#include <filesystem>
#include <string>

#include "schedule/result.hpp"

namespace stagehub::schedule {

class DataFolderLock {
  public:
    // Creates the folder if needed and takes the lock without waiting. Fails with
    // `bad_state` naming the holder's pid when another process holds it, `internal` when
    // the lock file cannot be opened.
    static Result<DataFolderLock> acquire(const std::filesystem::path& data_dir);

    DataFolderLock(DataFolderLock&& other) noexcept;
    DataFolderLock& operator=(DataFolderLock&&) = delete;
    DataFolderLock(const DataFolderLock&) = delete;
    DataFolderLock& operator=(const DataFolderLock&) = delete;
    ~DataFolderLock();

  private:
    explicit DataFolderLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace stagehub::schedule
