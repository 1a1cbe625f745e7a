#include "server/http/file_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace stagehub::server {
namespace {

// Paths remembered at most (large files are remembered without their bytes).
constexpr size_t kMaxEntries = 16384;

bool same_file(const struct stat& a, dev_t device, ino_t inode, off_t size,
               const struct timespec& modified) {
    return a.st_dev == device && a.st_ino == inode && a.st_size == size &&
           a.st_mtim.tv_sec == modified.tv_sec && a.st_mtim.tv_nsec == modified.tv_nsec;
}

// Exactly `size` bytes from the start of the file (what its stat promised), or null.
std::shared_ptr<const std::string> read_exactly(const std::filesystem::path& path, size_t size) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nullptr;
    auto bytes = std::make_shared<std::string>(size, '\0');
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, bytes->data() + done, size - done, static_cast<off_t>(done));
        if (n <= 0)
            break;
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    return done == size ? bytes : nullptr;
}

}  // namespace

const FileCache::File* FileCache::find(const std::string& path, const struct stat& now) {
    const auto it = entries_.find(path);
    if (it == entries_.end())
        return nullptr;
    Entry& entry = it->second;
    if (!same_file(now, entry.device, entry.inode, entry.size, entry.modified))
        return nullptr;
    recency_.splice(recency_.begin(), recency_, entry.recency);
    return &entry.file;
}

const FileCache::File& FileCache::remember(const std::string& path, const struct stat& seen,
                                           File file) {
    if (const auto old = entries_.find(path); old != entries_.end()) {
        if (old->second.file.bytes)
            held_bytes_ -= old->second.file.bytes->size();
        recency_.erase(old->second.recency);
        entries_.erase(old);
    }
    const auto size = static_cast<size_t>(seen.st_size);
    const bool keep_bytes = size <= max_file_bytes_ && size <= budget_bytes_;
    evict_to(keep_bytes ? budget_bytes_ - size : budget_bytes_);
    if (keep_bytes) {
        file.bytes = read_exactly(file.real, size);
        if (file.bytes)
            held_bytes_ += size;
    }
    recency_.push_front(path);
    Entry entry{std::move(file), seen.st_dev,  seen.st_ino,
                seen.st_size,    seen.st_mtim, recency_.begin()};
    return entries_.insert_or_assign(path, std::move(entry)).first->second.file;
}

void FileCache::evict_to(size_t budget) {
    while ((held_bytes_ > budget || entries_.size() >= kMaxEntries) && !recency_.empty()) {
        const auto it = entries_.find(recency_.back());
        if (it != entries_.end()) {
            if (it->second.file.bytes)
                held_bytes_ -= it->second.file.bytes->size();
            entries_.erase(it);
        }
        recency_.pop_back();
    }
}

}  // namespace stagehub::server
