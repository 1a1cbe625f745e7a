// The bytes of files being served, kept in memory while they stay the same file. Every
// viewer of a stage asks for the same few newest playlists and segments; with this each
// request costs one stat() instead of resolving the path, opening and reading the file.
//
// An entry is valid while a fresh stat() of its path shows the same device, inode, size
// and modification time: a playlist replaced by rename gets a new inode, a file rewritten
// in place a new size or time. Least recently used entries go first once the budget is
// spent; files larger than `max_file_bytes` are not kept (they are read from disk).
//
// Threads: the loop thread only.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace stagehub::server {

class FileCache {
  public:
    FileCache(size_t budget_bytes, size_t max_file_bytes)
        : budget_bytes_(budget_bytes), max_file_bytes_(max_file_bytes) {}

    struct File {
        std::filesystem::path real;  // the resolved path, checked to be inside its folder
        int64_t modified_ticks = 0;  // for the ETag
        std::shared_ptr<const std::string> bytes;  // null: too large to keep
    };

    // What was remembered for `path` if `now` (a fresh stat of it) is still that file.
    const File* find(const std::string& path, const struct stat& now);
    // Remembers `file` for `path` as `seen` describes it, reading its first `seen.st_size`
    // bytes when small enough. Returns what was stored.
    const File& remember(const std::string& path, const struct stat& seen, File file);

    size_t bytes_held() const { return held_bytes_; }

  private:
    struct Entry {
        File file;
        dev_t device = 0;
        ino_t inode = 0;
        off_t size = 0;
        struct timespec modified {};
        std::list<std::string>::iterator recency;
    };
    void evict_to(size_t budget);

    size_t budget_bytes_;
    size_t max_file_bytes_;
    size_t held_bytes_ = 0;
    std::unordered_map<std::string, Entry> entries_;
    std::list<std::string> recency_;  // most recently used first
};

}  // namespace stagehub::server
