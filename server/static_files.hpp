// Files served from folders: the web pages, their npm packages and the live HLS output.
// Decides which file a URL means (never one outside its folder), its MIME type and how
// long clients and caches may keep it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.hpp"

namespace stagehub::server {

enum class CachePolicy {
    revalidate,  // pages and scripts: always check, so a deploy shows at once
    vendored,    // pinned npm packages: an hour is safe
    live_media,  // HLS: playlists never cached (they change every segment), segments forever
};

struct StaticMount {
    std::string url_prefix;  // "/", "/vendor/", "/live/" (ends with '/')
    std::filesystem::path root;
    CachePolicy cache = CachePolicy::revalidate;
    std::string index_file;  // served for a URL ending in '/', e.g. "index.html"; empty: 404
};

std::string_view mime_type_for(const std::filesystem::path& file);

class StaticFiles {
  public:
    // Longer prefixes win, whatever the order of mounting.
    void mount(StaticMount mount);

    // nullopt when no mount covers the path (the caller answers 404); otherwise the file
    // or an error response (400 for a malformed path, 404 for a missing file, 405 for a
    // method other than GET/HEAD).
    std::optional<HttpResponse> serve(const HttpRequest& request) const;

  private:
    std::vector<StaticMount> mounts_;
};

}  // namespace stagehub::server
