#include "server/http/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.hpp"

namespace stagehub::server {
namespace {

using stagehub::testing::TempDir;

void write(const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

std::string header(const HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
        if (n == name)
            return v;
    }
    return "";
}

class StaticFilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        write(dir / "web/index.html", "<!doctype html>");
        write(dir / "web/watch.mjs", "export {}");
        write(dir / "web/.secret", "no");
        write(dir / "live/main/index.m3u8", "#EXTM3U");
        write(dir / "live/main/seg-1-00001.ts", "ts");
        write(dir / "outside.txt", "outside");
        std::filesystem::create_symlink(dir / "outside.txt", dir / "web/link.txt");
        files.mount({"/", dir / "web", CachePolicy::revalidate, "index.html"});
        files.mount({"/live/", dir / "live", CachePolicy::live_media, ""});
    }
    HttpResponse get(const std::string& path, HttpMethod method = HttpMethod::get) {
        auto r = files.serve(HttpRequest{method, path, {}, "", "", ""});
        EXPECT_TRUE(r.has_value()) << path;
        return r.value_or(HttpResponse{});
    }
    TempDir dir;
    StaticFiles files;
};

TEST_F(StaticFilesTest, ServesIndexWithTypeAndRevalidation) {
    const auto r = get("/");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.file.filename(), "index.html");
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(header(r, "cache-control"), "no-cache");
    EXPECT_EQ(get("/watch.mjs").content_type, "text/javascript; charset=utf-8");
}

TEST_F(StaticFilesTest, PlaylistsAreNeverCachedAndSegmentsOnlyForTheLiveWindow) {
    const auto playlist = get("/live/main/index.m3u8");
    EXPECT_EQ(playlist.status, 200);
    EXPECT_EQ(playlist.content_type, "application/vnd.apple.mpegurl");
    EXPECT_EQ(header(playlist, "cache-control"), "no-store");
    const auto segment = get("/live/main/seg-1-00001.ts");
    EXPECT_EQ(segment.content_type, "video/mp2t");
    EXPECT_EQ(header(segment, "cache-control"), "public, max-age=30")
        << "a segment may be withdrawn once it has left the live window: never immutable";
    EXPECT_EQ(segment.file_size, 2u);
    // Judged per request (server/api/replay_api.hpp, media reach): a replay's segment is
    // revalidated each time, a hidden one's never stored.
    HttpRequest replay{HttpMethod::get, "/live/main/seg-1-00001.ts", {}, "", "", ""};
    EXPECT_EQ(header(*files.serve(replay, CachePolicy::withdrawable), "cache-control"),
              "public, no-cache");
    EXPECT_EQ(header(*files.serve(replay, CachePolicy::private_media), "cache-control"),
              "private, no-store");
}

TEST_F(StaticFilesTest, AClientWithTheCurrentETagGets304AndNoBody) {
    const auto first = get("/live/main/seg-1-00001.ts");
    const std::string etag = header(first, "etag");
    ASSERT_EQ(etag.front(), '"') << etag;
    EXPECT_EQ(header(first, "accept-ranges"), "bytes");
    for (const std::string& held : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
        HttpRequest again{HttpMethod::get, "/live/main/seg-1-00001.ts", {}, "", "", ""};
        again.if_none_match = held;
        const auto r = files.serve(again);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 304) << held;
        EXPECT_TRUE(r->file.empty()) << held;
        EXPECT_EQ(header(*r, "etag"), etag);
        EXPECT_EQ(header(*r, "cache-control"), "public, max-age=30");
    }
    HttpRequest stale{HttpMethod::get, "/live/main/seg-1-00001.ts", {}, "", "", ""};
    stale.if_none_match = "\"0-0\"";
    EXPECT_EQ(files.serve(stale)->status, 200);
    // A playlist rewritten (new size) gets a new ETag: players never keep a stale one.
    write(dir / "live/main/index.m3u8", "#EXTM3U\n#EXT-X-VERSION:3\n");
    EXPECT_NE(header(get("/live/main/index.m3u8"), "etag"),
              header(get("/live/main/seg-1-00001.ts"), "etag"));
}

TEST_F(StaticFilesTest, ByteRangesServeThePartAskedForOr416) {
    write(dir / "live/main/talk.mp4", "0123456789");
    const auto range = [&](const std::string& value) {
        HttpRequest r{HttpMethod::get, "/live/main/talk.mp4", {}, "", "", ""};
        r.range = value;
        return files.serve(r).value_or(HttpResponse{});
    };
    const auto middle = range("bytes=2-5");
    EXPECT_EQ(middle.status, 206);
    EXPECT_EQ(middle.file_offset, 2u);
    EXPECT_EQ(middle.file_size, 4u);
    EXPECT_EQ(header(middle, "content-range"), "bytes 2-5/10");
    const auto open_ended = range("bytes=7-");
    EXPECT_EQ(open_ended.file_offset, 7u);
    EXPECT_EQ(open_ended.file_size, 3u);
    const auto suffix = range("bytes=-4");
    EXPECT_EQ(suffix.file_offset, 6u);
    EXPECT_EQ(header(suffix, "content-range"), "bytes 6-9/10");
    EXPECT_EQ(range("bytes=8-100").file_size, 2u) << "clipped to the end";
    for (const char* bad : {"bytes=10-", "bytes=5-2", "bytes=0-1,4-5", "items=0-1", "bytes=x-"}) {
        const auto refused = range(bad);
        EXPECT_EQ(refused.status, 416) << bad;
        EXPECT_EQ(header(refused, "content-range"), "bytes */10") << bad;
        EXPECT_NE(refused.body.find("range_not_satisfiable"), std::string::npos) << bad;
    }
}

TEST_F(StaticFilesTest, NothingOutsideTheFolderLeaks) {
    for (const char* path :
         {"/../outside.txt", "/live/../outside.txt", "/live/main/../../outside.txt",
          "/..%2foutside.txt", "/.secret", "/link.txt", "/live/main\\..\\x"}) {
        const auto r = get(path);
        EXPECT_TRUE(r.status == 400 || r.status == 404) << path << " gave " << r.status;
        EXPECT_TRUE(r.file.empty()) << path;
        EXPECT_NE(r.body.find("\"error\""), std::string::npos) << path;
    }
}

TEST_F(StaticFilesTest, MissingFilesAndDirectoriesWithoutIndexAre404) {
    EXPECT_EQ(get("/nope.html").status, 404);
    EXPECT_EQ(get("/live/").status, 404);
    EXPECT_EQ(get("/live/main").status, 404);  // a directory is not a file
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
    EXPECT_EQ(get("/", HttpMethod::head).status, 200);
    const auto r = get("/", HttpMethod::post);
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(header(r, "allow"), "GET, HEAD");
}

TEST(MimeTypes, KnownAndUnknownExtensions) {
    EXPECT_EQ(mime_type_for("a.m3u8"), "application/vnd.apple.mpegurl");
    EXPECT_EQ(mime_type_for("a.m4s"), "video/iso.segment");
    EXPECT_EQ(mime_type_for("a.vtt"), "text/vtt; charset=utf-8");
    EXPECT_EQ(mime_type_for("a.exe"), "application/octet-stream");
}

TEST_F(StaticFilesTest, AnswersFromMemoryUntilTheFileChanges) {
    const auto first = get("/live/main/index.m3u8");
    ASSERT_TRUE(first.file_bytes);
    EXPECT_EQ(*first.file_bytes, "#EXTM3U");
    const auto again = get("/live/main/index.m3u8");
    EXPECT_EQ(again.file_bytes, first.file_bytes) << "the same bytes, not read again";
    // hlssink-style replacement: written aside, renamed over.
    write(dir / "live/main/index.m3u8.tmp", "#EXTM3U\n#EXT-X-VERSION:3");
    std::filesystem::rename(dir / "live/main/index.m3u8.tmp", dir / "live/main/index.m3u8");
    const auto changed = get("/live/main/index.m3u8");
    ASSERT_TRUE(changed.file_bytes);
    EXPECT_EQ(*changed.file_bytes, "#EXTM3U\n#EXT-X-VERSION:3");
    EXPECT_NE(header(changed, "etag"), header(first, "etag"));
    // A file that is gone is gone, whatever the cache held.
    std::filesystem::remove(dir / "live/main/seg-1-00001.ts");
    EXPECT_EQ(get("/live/main/seg-1-00001.ts").status, 404);
}

}  // namespace
}  // namespace stagehub::server
