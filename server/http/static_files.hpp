// Files served from folders: the web pages, their npm packages and the live HLS output.
// Decides which file a URL means (never one outside its folder), its MIME type and how
// long clients and caches may keep it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http/file_cache.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

enum class CachePolicy {
    revalidate,  // pages and scripts: always check, so a deploy shows at once
    vendored,    // pinned npm packages: an hour is safe
    // HLS in its live window: playlists never cached (they change every segment), segments
    // for 30 s (about the window; they may be withdrawn later, so never `immutable`).
    live_media,
    // Media that may be withdrawn at any time (replay segments, posters): shared caches may
    // keep it but must ask each time (`public, no-cache`), so a hidden or erased recording
    // stops at the next request; an unchanged file costs a 304.
    withdrawable,
    // Media only the event's organisers may see (a hidden replay): never stored.
    private_media,
};

struct StaticMount {
    std::string url_prefix;  // "/", "/vendor/", "/live/" (ends with '/')
    std::filesystem::path root;
    CachePolicy cache = CachePolicy::revalidate;
    std::string index_file;  // served for a URL ending in '/', e.g. "index.html"; empty: 404
};

std::string_view mime_type_for(const std::filesystem::path& file);

// The path below a mount ("salen/source/seg-1.ts") as relative segments, empty ones
// dropped; nullopt if any segment could climb out or names a hidden file (".git").
std::optional<std::filesystem::path> safe_relative(std::string_view rest);

// A strong ETag from a file's size and modification time, as nginx makes one.
std::string etag_of(uint64_t size, int64_t modified_ticks);
// Whether an If-None-Match header (a list, or "*") names `etag`, weakly compared.
bool etag_matches(std::string_view if_none_match, std::string_view etag);
// The first and last byte (inclusive) a single-range "bytes=…" header asks for in a file of
// `size` bytes; nullopt when it is malformed, several ranges, or not satisfiable.
std::optional<std::pair<uint64_t, uint64_t>> byte_range(std::string_view header, uint64_t size);

class StaticFiles {
  public:
    // Longer prefixes win, whatever the order of mounting.
    void mount(StaticMount mount);

    // nullopt when no mount covers the path (the caller answers 404); otherwise the file
    // (200, or 206 with one byte range, or 304 when If-None-Match names its ETag) or an
    // error response (400 for a malformed path, 404 for a missing file, 405 for a method
    // other than GET/HEAD, 416 for a range outside the file).
    // Small files are answered from memory while they stay the same (server/file_cache).
    // `cache` overrides the mount's policy (media whose reach was judged per request).
    std::optional<HttpResponse> serve(const HttpRequest& request,
                                      std::optional<CachePolicy> cache = std::nullopt);

  private:
    // The file `path` under `mount` after the checks (inside the folder once resolved, a
    // regular file), from the cache when a stat shows it unchanged; null when not servable.
    const FileCache::File* resolve(const StaticMount& mount, const std::filesystem::path& path,
                                   struct stat& seen);

    std::vector<StaticMount> mounts_;
    FileCache cache_{64 << 20, 8 << 20};
};

}  // namespace stagehub::server
