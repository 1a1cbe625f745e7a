#include "server/http/file_cache.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "temp_dir.hpp"

namespace stagehub::server {
namespace {

using stagehub::testing::TempDir;

struct stat stat_of(const std::filesystem::path& path) {
    struct stat seen {};
    EXPECT_EQ(::stat(path.c_str(), &seen), 0) << path;
    return seen;
}

void write(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file, std::ios::trunc) << text;
}

TEST(FileCache, HoldsAFileWhileItIsTheSameAndLetsGoWhenItChanges) {
    TempDir dir;
    const auto playlist = dir / "index.m3u8";
    write(playlist, "#EXTM3U\n#1");
    FileCache cache(1 << 20, 1 << 20);
    const auto& stored =
        cache.remember(playlist.native(), stat_of(playlist), {playlist, 7, nullptr});
    ASSERT_TRUE(stored.bytes);
    EXPECT_EQ(*stored.bytes, "#EXTM3U\n#1");
    const FileCache::File* hit = cache.find(playlist.native(), stat_of(playlist));
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->modified_ticks, 7);

    // Replaced by rename, as the live playlists are: a new inode, so not the same file.
    const auto next = dir / "index.m3u8.tmp";
    write(next, "#EXTM3U\n#2");
    std::filesystem::rename(next, playlist);
    EXPECT_EQ(cache.find(playlist.native(), stat_of(playlist)), nullptr);
    // Rewritten in place with another length: not the same either.
    cache.remember(playlist.native(), stat_of(playlist), {playlist, 8, nullptr});
    write(playlist, "#EXTM3U\n#22");
    EXPECT_EQ(cache.find(playlist.native(), stat_of(playlist)), nullptr);
    EXPECT_EQ(cache.find((dir / "other").native(), stat_of(playlist)), nullptr);
}

TEST(FileCache, KeepsWithinItsBudgetDroppingTheLeastRecentlyUsed) {
    TempDir dir;
    FileCache cache(250, 100);
    std::vector<std::filesystem::path> files;
    for (int i = 0; i < 4; ++i) {
        files.push_back(dir / ("seg" + std::to_string(i) + ".ts"));
        write(files.back(), std::string(100, static_cast<char>('a' + i)));
    }
    const auto big = dir / "big.mp4";
    write(big, std::string(101, 'x'));

    cache.remember(files[0].native(), stat_of(files[0]), {files[0], 0, nullptr});
    cache.remember(files[1].native(), stat_of(files[1]), {files[1], 0, nullptr});
    ASSERT_NE(cache.find(files[0].native(), stat_of(files[0])), nullptr);  // 0 used last
    cache.remember(files[2].native(), stat_of(files[2]), {files[2], 0, nullptr});
    EXPECT_EQ(cache.bytes_held(), 200u);
    EXPECT_NE(cache.find(files[0].native(), stat_of(files[0])), nullptr);
    EXPECT_EQ(cache.find(files[1].native(), stat_of(files[1])), nullptr) << "least recently used";
    EXPECT_NE(cache.find(files[2].native(), stat_of(files[2])), nullptr);

    const auto& large = cache.remember(big.native(), stat_of(big), {big, 0, nullptr});
    EXPECT_FALSE(large.bytes) << "larger than a file may be: read from disk";
    EXPECT_NE(cache.find(big.native(), stat_of(big)), nullptr) << "its checks are remembered";
    EXPECT_EQ(cache.bytes_held(), 200u);
}

}  // namespace
}  // namespace stagehub::server
