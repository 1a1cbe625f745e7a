#include "server/app/install_paths.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "temp_dir.hpp"

namespace stagehub::server {
namespace {

namespace fs = std::filesystem;

TEST(InstallPaths, TheInstalledPagesAreShareStagehubWebBesideBin) {
    EXPECT_EQ(installed_web_dir("/usr/bin/stagehub"), fs::path("/usr/share/stagehub/web"));
    EXPECT_EQ(installed_web_dir("/opt/x/root/usr/local/bin/stagehub"),
              fs::path("/opt/x/root/usr/local/share/stagehub/web"));
}

TEST(InstallPaths, AnInstalledBinaryServesItsInstalledPages) {
    testing::TempDir root;
    fs::create_directories(root / "usr/bin");
    fs::create_directories(root / "usr/share/stagehub/web");
    std::ofstream(root / "usr/share/stagehub/web/index.html") << "<!doctype html>";
    EXPECT_EQ(default_web_dir(root / "usr/bin/stagehub", "/src/web"),
              root / "usr/share/stagehub/web");
}

TEST(InstallPaths, ABinaryWithoutInstalledPagesServesTheSourceTree) {
    testing::TempDir root;
    fs::create_directories(root / "build/server");
    EXPECT_EQ(default_web_dir(root / "build/server/stagehub", "/src/web"), fs::path("/src/web"));
    // A folder without index.html is not a page tree (a half-removed install).
    fs::create_directories(root / "build/share/stagehub/web");
    EXPECT_EQ(default_web_dir(root / "build/server/stagehub", "/src/web"), fs::path("/src/web"));
    EXPECT_EQ(default_web_dir(fs::path(), "/src/web"), fs::path("/src/web"));
}

TEST(InstallPaths, TheRunningExecutableIsThisTest) {
    const fs::path self = running_executable();
    EXPECT_TRUE(self.is_absolute()) << self;
    EXPECT_EQ(self.filename(), "app_unit_tests");
}

}  // namespace
}  // namespace stagehub::server
