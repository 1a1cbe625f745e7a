#include "server/http/static_files.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <system_error>
#include <utility>

namespace stagehub::server {
namespace {

namespace fs = std::filesystem;

// Extensions we serve. Anything else is application/octet-stream with nosniff, so a
// browser never guesses a served file into something executable.
constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kMimeTypes{{
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".map", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".m3u8", "application/vnd.apple.mpegurl"},
    {".ts", "video/mp2t"},
    {".m4s", "video/iso.segment"},
    {".mp4", "video/mp4"},
    {".vtt", "text/vtt; charset=utf-8"},
}};

std::string cache_control(CachePolicy policy, const fs::path& file) {
    switch (policy) {
        case CachePolicy::revalidate:
            return "no-cache";
        case CachePolicy::vendored:
            return "public, max-age=3600";
        case CachePolicy::live_media:
            // A segment never changes (names are unique per pipeline run), but it may be
            // withdrawn once it has left the live window: shared caches keep it about as long
            // as the window lasts, never for ever.
            return file.extension() == ".m3u8" ? "no-store" : "public, max-age=30";
        case CachePolicy::withdrawable:
            return "public, no-cache";
        case CachePolicy::private_media:
            return "private, no-store";
    }
    return "no-cache";
}

// The path below the mount as safe relative segments, or nullopt if any segment could
// climb out or name a hidden file (".git", ".env").
}  // namespace

std::optional<fs::path> safe_relative(std::string_view rest) {
    if (rest.find('\0') != std::string_view::npos || rest.find('\\') != std::string_view::npos) {
        return std::nullopt;
    }
    fs::path relative;
    size_t start = 0;
    while (start <= rest.size()) {
        const size_t slash = std::min(rest.find('/', start), rest.size());
        const std::string_view segment = rest.substr(start, slash - start);
        if (!segment.empty()) {
            if (segment.front() == '.')
                return std::nullopt;
            relative /= fs::path(segment);
        }
        start = slash + 1;
    }
    return relative;
}

std::string etag_of(uint64_t size, int64_t modified_ticks) {
    std::array<char, 48> text{};
    std::snprintf(text.data(), text.size(), "\"%llx-%llx\"",
                  static_cast<unsigned long long>(modified_ticks),
                  static_cast<unsigned long long>(size));
    return text.data();
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    if (if_none_match.empty())
        return false;
    size_t start = 0;
    while (start < if_none_match.size()) {
        size_t end = if_none_match.find(',', start);
        if (end == std::string_view::npos)
            end = if_none_match.size();
        std::string_view candidate = if_none_match.substr(start, end - start);
        while (!candidate.empty() && candidate.front() == ' ')
            candidate.remove_prefix(1);
        while (!candidate.empty() && candidate.back() == ' ')
            candidate.remove_suffix(1);
        // Weak comparison (RFC 9110 8.8.3.2): W/"x" matches "x".
        if (candidate.starts_with("W/"))
            candidate.remove_prefix(2);
        if (candidate == "*" || candidate == etag)
            return true;
        start = end + 1;
    }
    return false;
}

std::optional<std::pair<uint64_t, uint64_t>> byte_range(std::string_view header, uint64_t size) {
    constexpr std::string_view kUnit = "bytes=";
    if (!header.starts_with(kUnit) || size == 0)
        return std::nullopt;
    const std::string_view spec = header.substr(kUnit.size());
    const size_t dash = spec.find('-');
    if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos)
        return std::nullopt;  // one range only: players ask for one at a time
    const auto number = [](std::string_view digits) -> std::optional<uint64_t> {
        if (digits.empty() || digits.size() > 18 ||
            digits.find_first_not_of("0123456789") != std::string_view::npos) {
            return std::nullopt;
        }
        return std::stoull(std::string(digits));
    };
    const std::string_view first_text = spec.substr(0, dash);
    const std::string_view last_text = spec.substr(dash + 1);
    if (first_text.empty()) {  // "bytes=-500": the last 500 bytes
        const auto suffix = number(last_text);
        if (!suffix || *suffix == 0)
            return std::nullopt;
        return std::pair{size - std::min(*suffix, size), size - 1};
    }
    const auto first = number(first_text);
    if (!first || *first >= size)
        return std::nullopt;
    if (last_text.empty())
        return std::pair{*first, size - 1};
    const auto last = number(last_text);
    if (!last || *last < *first)
        return std::nullopt;
    return std::pair{*first, std::min(*last, size - 1)};
}

std::string_view mime_type_for(const fs::path& file) {
    const std::string extension = file.extension().string();
    for (const auto& [ext, type] : kMimeTypes) {
        if (ext == extension)
            return type;
    }
    return "application/octet-stream";
}

void StaticFiles::mount(StaticMount mount) {
    mounts_.push_back(std::move(mount));
    std::stable_sort(mounts_.begin(), mounts_.end(), [](const auto& a, const auto& b) {
        return a.url_prefix.size() > b.url_prefix.size();
    });
}

const FileCache::File* StaticFiles::resolve(const StaticMount& mount, const fs::path& path,
                                            struct stat& seen) {
    if (::stat(path.c_str(), &seen) != 0 || !S_ISREG(seen.st_mode))
        return nullptr;
    if (const FileCache::File* known = cache_.find(path.native(), seen))
        return known;
    // Resolve links and check the result is still inside the mount's folder.
    std::error_code ec;
    std::error_code root_ec;
    const fs::path real = fs::canonical(path, ec);
    const fs::path root = fs::canonical(mount.root, root_ec);
    if (ec || root_ec)
        return nullptr;
    const auto [root_end, real_it] =
        std::mismatch(root.begin(), root.end(), real.begin(), real.end());
    if (root_end != root.end())
        return nullptr;
    const auto modified = fs::last_write_time(real, ec);
    return &cache_.remember(
        path.native(), seen,
        FileCache::File{real, ec ? 0 : modified.time_since_epoch().count(), nullptr});
}

std::optional<HttpResponse> StaticFiles::serve(const HttpRequest& request,
                                               std::optional<CachePolicy> cache) {
    const auto mount = std::find_if(mounts_.begin(), mounts_.end(), [&](const StaticMount& m) {
        return request.path.starts_with(m.url_prefix);
    });
    if (mount == mounts_.end())
        return std::nullopt;
    if (request.method != HttpMethod::get && request.method != HttpMethod::head) {
        return error_response(405, "method_not_allowed",
                              std::string(to_string(request.method)) + " is not allowed on " +
                                  request.path + "; files answer GET and HEAD")
            .header("allow", "GET, HEAD");
    }

    const std::string_view rest = std::string_view(request.path).substr(mount->url_prefix.size());
    const auto relative = safe_relative(rest);
    if (!relative) {
        return error_response(400, "bad_path", "the path " + request.path + " is not allowed");
    }
    fs::path file = mount->root / *relative;
    if (request.path.ends_with('/')) {
        if (mount->index_file.empty())
            return error_response(404, "not_found", "no file at " + request.path);
        file /= mount->index_file;
    }

    struct stat seen {};
    const FileCache::File* found = resolve(*mount, file, seen);
    if (found == nullptr)
        return error_response(404, "not_found", "no file at " + request.path);
    const fs::path& real = found->real;
    const auto size = static_cast<uint64_t>(seen.st_size);
    const std::string etag = etag_of(size, found->modified_ticks);

    HttpResponse response;
    response.status = 200;
    response.content_type = std::string(mime_type_for(real));
    response.header("cache-control", cache_control(cache.value_or(mount->cache), real));
    response.header("etag", etag);
    response.header("accept-ranges", "bytes");
    if (mount->cache == CachePolicy::live_media) {
        // Players on organisers' own sites (the embed page) fetch across origins.
        response.header("access-control-allow-origin", "*");
        response.header("access-control-expose-headers", "content-length, content-range, etag");
    }
    // The client's copy is current: no body (RFC 9110 13.1.2; If-None-Match wins over Range).
    if (etag_matches(request.if_none_match, etag)) {
        response.status = 304;
        return response;
    }
    response.file = real;
    response.file_bytes = found->bytes;
    response.file_size = size;
    if (!request.range.empty()) {
        const auto range = byte_range(request.range, size);
        if (!range) {
            HttpResponse refused = error_response(
                416, "range_not_satisfiable",
                "the range '" + request.range + "' is not within the " + std::to_string(size) +
                    " bytes of " + request.path + "; ask for one range, e.g. bytes=0-1023");
            refused.header("content-range", "bytes */" + std::to_string(size));
            return refused;
        }
        response.status = 206;
        response.file_offset = range->first;
        response.file_size = range->second - range->first + 1;
        response.header("content-range", "bytes " + std::to_string(range->first) + "-" +
                                             std::to_string(range->second) + "/" +
                                             std::to_string(size));
    }
    return response;
}

}  // namespace stagehub::server
