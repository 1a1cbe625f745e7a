// HTTP path handling of files (server/static_files): which file a decoded URL path means,
// with the Range and If-None-Match headers beside it, as any client on the internet sends
// them. Fixture: a web folder and a live folder with files, a hidden file, a symlink that
// points out of the web folder, and a secret beside the folders. Whatever the path, a
// served file lies inside its mount, and the secret is never served.
//
// Input: "METHOD PATH", then at NUL bytes the Range and If-None-Match headers.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_support.hpp"
#include "server/http/static_files.hpp"

namespace {

namespace fs = std::filesystem;
using namespace stagehub;
using server::HttpMethod;

const std::string kSecret = "the secret that lies beside the served folders";

struct Fixture {
    fs::path base;
    fs::path web;
    fs::path live;
    server::StaticFiles files;

    Fixture() {
        std::string pattern = (fs::temp_directory_path() / "stagehub-fuzz-XXXXXX").string();
        fuzz::require(mkdtemp(pattern.data()) != nullptr, "a temp folder");
        base = fs::canonical(pattern);
        web = base / "web";
        live = base / "live";
        fs::create_directories(web / "watch");
        fs::create_directories(web / ".git");
        fs::create_directories(live / "main");
        write(base / "secret.txt", kSecret);
        write(web / "index.html", "<!doctype html><title>stagehub</title>");
        write(web / "watch" / "index.html", "<!doctype html><title>watch</title>");
        write(web / "app.js", "export const x = 1;\n");
        write(web / ".git" / "config", kSecret);
        write(live / "main" / "index.m3u8", "#EXTM3U\n#EXT-X-VERSION:3\n");
        write(live / "main" / "seg-1-0.ts", std::string(376, 'G'));
        fs::create_symlink(base / "secret.txt", web / "escape.txt");
        files.mount({"/", web, server::CachePolicy::revalidate, "index.html"});
        files.mount({"/live/", live, server::CachePolicy::live_media, ""});
    }
    ~Fixture() {
        std::error_code ignored;
        fs::remove_all(base, ignored);
    }

    static void write(const fs::path& file, const std::string& text) {
        std::ofstream(file, std::ios::binary) << text;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Fixture fixture;
    const auto fields = fuzz::fields_of<3>(fuzz::as_text(data, size));
    const auto [method, path] = fuzz::method_and_rest(fields[0]);
    server::HttpRequest request;
    request.method = method;
    request.path = path;
    request.range = fields[1];
    request.if_none_match = fields[2];

    (void)server::byte_range(request.range, size);
    (void)server::etag_matches(request.if_none_match, server::etag_of(size, 1700000000));
    const auto response = fixture.files.serve(request);
    if (!response || response->file.empty())
        return 0;
    const fs::path served = fs::weakly_canonical(response->file);
    const bool inside = served.string().starts_with(fixture.web.string() + "/") ||
                        served.string().starts_with(fixture.live.string() + "/");
    fuzz::require(inside, "a served file lies inside its mount");
    fuzz::require(!response->file_bytes || *response->file_bytes != kSecret,
                  "the secret is never served");
    fuzz::require(response->file_offset + response->file_size <= fs::file_size(served),
                  "a byte range lies within the file");
    return 0;
}
