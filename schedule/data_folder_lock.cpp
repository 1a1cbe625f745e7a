#include "schedule/data_folder_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace stagehub::schedule {

Result<DataFolderLock> DataFolderLock::acquire(const std::filesystem::path& data_dir) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    const std::filesystem::path file = data_dir / "stagehub.lock";
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
    if (fd < 0) {
        return Error(ErrorCode::internal, "cannot open " + file.string() + ": " +
                                              std::strerror(errno) +
                                              " (is the data folder writable by this user?)");
    }
    // Not a link (O_NOFOLLOW), and a plain file: a restore run as root must not truncate
    // whatever a planted name points at.
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        return Error(ErrorCode::internal, file.string() + " is not a plain file: remove it");
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char holder[32] = {};
        const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
        ::close(fd);
        std::string pid = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
        while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
            pid.pop_back();
        return Error(ErrorCode::bad_state,
                     "a stagehub process" + (pid.empty() ? "" : " (pid " + pid + ")") +
                         " is using " + data_dir.string() + " (it holds " + file.string() +
                         "): stop it first, e.g. systemctl stop stagehub");
    }
    // The pid is only for that message; the lock itself is what counts.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0) [[maybe_unused]]
        const ssize_t written = ::pwrite(fd, pid.data(), pid.size(), 0);
    return DataFolderLock(fd);
}

DataFolderLock::DataFolderLock(DataFolderLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {}

DataFolderLock::~DataFolderLock() {
    if (fd_ >= 0)
        ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace stagehub::schedule
