#include "schedule/safe_path.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace stagehub::schedule {
namespace {

using namespace std::string_literals;

struct PathCase {
    std::string text;
    bool accepted;
    const char* why;
};

const std::filesystem::path kRoot = "/srv/stagehub/media/live";

TEST(SafePath, AChildIsOneFileNameBelowTheRoot) {
    const std::vector<PathCase> cases = {
        {"stora-salen", true, "an id"},
        {"a3.jpg", true, "a poster"},
        {"Seg_1-00001.ts", true, "any plain file name"},
        {"sål", true, "UTF-8 (the id rule refuses it, the file system need not)"},
        {"", false, "empty"},
        {".", false, "."},
        {"..", false, ".."},
        {"../x", false, "a parent folder"},
        {"../../etc/passwd", false, "a climb"},
        {"/tmp/x", false, "absolute: would replace the root"},
        {"/", false, "the file system root"},
        {"a/b", false, "two components"},
        {"a\\b", false, "a backslash"},
        {".git", false, "hidden"},
        {"a\0b"s, false, "NUL: C calls would cut the path"},
        {"x\0/../../etc"s, false, "NUL before a climb"},
        {"a\r\nb", false, "a line break"},
        {"a\x7f", false, "DEL"},
        {std::string(255, 'a'), true, "255 bytes"},
        {std::string(256, 'a'), false, "256 bytes"},
    };
    for (const PathCase& c : cases) {
        const auto path = child_path(kRoot, c.text);
        EXPECT_EQ(path.ok(), c.accepted) << c.why;
        if (path.ok()) {
            EXPECT_EQ(path->parent_path(), kRoot) << c.why;
        } else {
            EXPECT_EQ(path.error().code, "unsafe_path") << c.why;
        }
    }
}

TEST(SafePath, ARelativePathIsSafeFileNamesBelowTheRoot) {
    const std::vector<PathCase> cases = {
        {"stora-salen/source/seg-r1-00001.ts", true, "a segment"},
        {"stora-salen/seg-r1-1.ts", true, "a segment from before the ladder"},
        {"x.ts", true, "one component"},
        {"", false, "empty"},
        {"/tmp/x/seg.ts", false, "absolute"},
        {"../../tmp/x/seg.ts", false, "a climb, as lexically_relative makes"},
        {"a/../../b", false, "a climb inside"},
        {"a//b", false, "an empty component"},
        {"a/b/", false, "a trailing slash"},
        {"a/./b", false, "a dot component"},
        {"a/.hidden", false, "a hidden file"},
        {"a/b\0c"s, false, "NUL"},
    };
    for (const PathCase& c : cases) {
        const auto path = path_below(kRoot, c.text);
        EXPECT_EQ(path.ok(), c.accepted) << c.why;
        if (path.ok()) {
            EXPECT_EQ(path->lexically_relative(kRoot).generic_string(), c.text) << c.why;
        }
    }
}

}  // namespace
}  // namespace stagehub::schedule
