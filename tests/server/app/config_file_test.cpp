// The configuration file: its syntax, and how its settings meet the command line's.
#include "server/app/config_file.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "server/app/options.hpp"
#include "temp_dir.hpp"

namespace stagehub::server {
namespace {

using stagehub::testing::TempDir;

std::filesystem::path write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

TEST(ConfigFile, ReadsSettingsAndSkipsCommentsAndBlankLines) {
    const auto file = parse_config_text(
        "# stagehub\n\n  port = 8443  \ndata=/var/lib/stagehub\r\n"
        "embed-origin = \"https://kommun.se\"\n\t# indented comment\n",
        "stagehub.conf");
    ASSERT_TRUE(file.ok()) << file.error().message;
    ASSERT_EQ(file->settings.size(), 3u);
    EXPECT_EQ(file->settings[0].line, 3);
    EXPECT_EQ(file->settings[0].key, "port");
    EXPECT_EQ(file->settings[0].value, "8443");
    EXPECT_EQ(file->settings[1].value, "/var/lib/stagehub");
    EXPECT_EQ(file->settings[2].line, 5);
    EXPECT_EQ(file->settings[2].value, "https://kommun.se");
}

TEST(ConfigFile, ALineThatIsNotASettingIsRefusedByItsNumber) {
    const struct {
        std::string_view text;
        const char* message;
    } cases[] = {
        {"port = 1\nport 8080\n", "c.conf:2: 'port 8080' is not a setting"},
        {"\n\n = 3\n", "c.conf:3: a setting needs a key"},
        {"Port = 3\n", "c.conf:1: 'Port' is not a key"},
        {"--port = 3\n", "c.conf:1: '--port' is not a key"},
        {"port =\n", "c.conf:1: port needs a value"},
        {"host = \"::1\n", "c.conf:1: host: a quoted value needs both quotes"},
        {"name = f\xF6rnyelse\n", "c.conf: not UTF-8 text (at byte 8)"},
        {std::string_view("data = /var/lib\0/x\n", 19),
         "c.conf: not a text file (a NUL byte at byte 15)"},
    };
    for (const auto& c : cases) {
        const auto file = parse_config_text(c.text, "c.conf");
        ASSERT_FALSE(file.ok()) << c.text;
        EXPECT_EQ(file.error().code, ErrorCode::bad_arguments);
        EXPECT_TRUE(file.error().message.starts_with(c.message)) << file.error().message;
    }
}

TEST(ConfigFile, ADeviceOrFolderIsNotReadAsAFile) {
    for (const char* path : {"/dev/zero", "/tmp"}) {
        const auto file = read_config_file(path);
        ASSERT_FALSE(file.ok()) << path;
        EXPECT_NE(file.error().message.find("is not a file"), std::string::npos)
            << file.error().message;
    }
}

TEST(ConfigFile, AMissingFileIsNamed) {
    const auto file = read_config_file("/nonexistent/stagehub.conf");
    ASSERT_FALSE(file.ok());
    EXPECT_NE(file.error().message.find("cannot read the configuration file "
                                        "/nonexistent/stagehub.conf"),
              std::string::npos);
}

TEST(ConfigFile, ItsSettingsApplyAndTheCommandLineOverridesThem) {
    TempDir dir;
    const auto conf = write(dir / "stagehub.conf",
                            "port = 9000\nhost = ::1\nno-broadcast = true\n"
                            "ws-timeout = 60\nembed-origin = https://a.se\n"
                            "embed-origin = https://b.se\nladder = 360p:640x360:800\n");
    const auto o = parse_options(
        {"serve", "--config", conf.string(), "--port", "9001", "--embed-origin", "https://c.se"});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_EQ(o->config_file, conf);
    EXPECT_EQ(o->port, 9001);  // the command line wins
    EXPECT_EQ(o->host, "::1");
    EXPECT_FALSE(o->broadcast);
    EXPECT_EQ(o->websocket_timeout_s, 60);
    ASSERT_EQ(o->ladder.encoded.size(), 1u);
    // A repeatable option given on the command line replaces the file's values.
    EXPECT_EQ(o->embed_origins, std::vector<std::string>{"https://c.se"});
    const auto file_only = parse_options({"serve", "--config", conf.string()});
    ASSERT_TRUE(file_only.ok());
    EXPECT_EQ(file_only->embed_origins, (std::vector<std::string>{"https://a.se", "https://b.se"}));
}

TEST(ConfigFile, AFlagIsTrueOrFalse) {
    TempDir dir;
    auto o = parse_options({"--config", write(dir / "a.conf", "no-broadcast = false\n").string()});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_TRUE(o->broadcast);
    o = parse_options({"--config", write(dir / "b.conf", "no-broadcast = yes\n").string()});
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.error().message,
              (dir / "b.conf").string() + ":1: no-broadcast is true or false, not 'yes'");
}

TEST(ConfigFile, BadKeysAndValuesAreRefusedByFileAndLine) {
    TempDir dir;
    const std::string prefix = (dir / "s.conf").string();
    const struct {
        const char* text;
        std::string message;
    } cases[] = {
        {"# x\nprot = 80\n", prefix + ":2: unknown key 'prot' (did you mean port?); keys are "
                                      "the serve options of stagehub --help, without --"},
        {"port = http\n", prefix + ":1: port must be a number from 0 to 65535, not 'http'"},
        {"port = 1\n\nport = 2\n", prefix + ":3: port is set twice (lines 1 and 3); keep one"},
        {"config = other.conf\n", prefix + ":1: unknown key 'config'"},
        {"help = true\n", prefix + ":1: unknown key 'help'"},
        {"skip-bad-rows = true\n", prefix + ":1: unknown key 'skip-bad-rows'"},
        {"embed-origin = https://a.se; script-src *\n",
         prefix + ":1: embed-origin must be an origin"},
    };
    for (const auto& c : cases) {
        write(dir / "s.conf", c.text);
        const auto o = parse_options({"serve", "--config", prefix});
        ASSERT_FALSE(o.ok()) << c.text;
        EXPECT_TRUE(o.error().message.starts_with(c.message)) << o.error().message;
    }
}

TEST(ConfigFile, RelativePathsAreReadFromTheFilesFolder) {
    TempDir dir;
    std::filesystem::create_directories(dir / "etc");
    write(dir / "etc" / "cert.pem", "x");
    write(dir / "etc" / "key.pem", "x");
    const auto conf =
        write(dir / "etc" / "stagehub.conf", "data = ../data\ntls-cert = cert.pem\ntls-key = " +
                                                 (dir / "etc" / "key.pem").string() + "\n");
    const auto o = parse_options({"serve", "--config", conf.string()});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_EQ(o->data_dir, dir / "data");
    EXPECT_EQ(o->tls_cert, dir / "etc" / "cert.pem");
    EXPECT_EQ(o->tls_key, dir / "etc" / "key.pem");  // an absolute path stays as it is
}

TEST(ConfigFile, TheDefaultFileIsReadOnlyWhenThereAndNoConfigIsGiven) {
    TempDir dir;
    const auto system = write(dir / "system.conf", "port = 7000\n");
    const auto own = write(dir / "own.conf", "port = 7001\n");
    auto o = parse_options({"serve"}, system);
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->port, 7000);
    EXPECT_EQ(o->config_file, system);
    o = parse_options({"serve", "--config", own.string()}, system);
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->port, 7001);
    o = parse_options({"serve"}, dir / "absent.conf");
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->port, 8080);
    EXPECT_TRUE(o->config_file.empty());
    // An explicit file that is missing is an error, not a silent default.
    o = parse_options({"serve", "--config", (dir / "absent.conf").string()});
    ASSERT_FALSE(o.ok());
}

TEST(ConfigFile, AValueThatReadsLikeConfigIsNotTakenForTheOption) {
    TempDir dir;
    const auto o = parse_options({"admin", "create-organiser", "--name", "--config"});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_EQ(o->account_name, "--config");
    EXPECT_TRUE(o->config_file.empty());
}

TEST(ConfigFile, EffectiveSettingsSayWhereEachCameFrom) {
    TempDir dir;
    const auto conf = write(dir / "s.conf",
                            "# comment\nvideo = 640x360\nladder = none\n"
                            "allow-origin = https://a.se\n");
    const auto o = parse_options(
        {"serve", "--config", conf.string(), "--demo-speed", "10", "--demo", "p.json"});
    ASSERT_TRUE(o.ok()) << o.error().message;
    std::map<std::string, std::pair<std::string, std::string>> seen;
    for (const EffectiveSetting& s : effective_settings(*o))
        seen[s.key] = {s.value, s.source};
    EXPECT_EQ(seen["video"], std::make_pair(std::string("640x360"), conf.string() + ":2"));
    EXPECT_EQ(seen["ladder"], std::make_pair(std::string("none"), conf.string() + ":3"));
    EXPECT_EQ(seen["allow-origin"],
              std::make_pair(std::string("https://a.se"), conf.string() + ":4"));
    EXPECT_EQ(seen["demo-speed"], std::make_pair(std::string("10"), std::string("command line")));
    EXPECT_EQ(seen["port"], std::make_pair(std::string("8080"), std::string("default")));
    EXPECT_EQ(seen["no-broadcast"], std::make_pair(std::string("false"), std::string("default")));
    EXPECT_FALSE(seen.contains("config"));
    EXPECT_FALSE(seen.contains("help"));
}

// What check-config prints must be a file serve reads back to the same settings.
TEST(ConfigFile, EffectiveSettingsReadBackAsAFileGiveTheSameSettings) {
    TempDir dir;
    write(dir / "c.pem", "x");
    write(dir / "k.pem", "x");
    const auto conf = write(dir / "s.conf",
                            "video = 640x360\nladder = 480p:854x480:1200,240p:426x240:300\n"
                            "demo = p.json\ndemo-speed = 2.5\nno-broadcast = true\n"
                            "tls-cert = c.pem\ntls-key = k.pem\nembed-origin = https://a.se\n"
                            "embed-origin = https://b.se\nretention-days = 7\n"
                            "asr-command = \"sh -c \"rec --lang sv\"\"\n");
    const auto first = parse_options({"serve", "--config", conf.string()});
    ASSERT_TRUE(first.ok()) << first.error().message;
    std::string text;
    for (const EffectiveSetting& s : effective_settings(*first)) {
        if (!s.value.empty())
            text += s.key + " = " + s.value + "\n";
    }
    const auto again =
        parse_options({"serve", "--config", write(dir / "again.conf", text).string()});
    ASSERT_TRUE(again.ok()) << again.error().message << "\n" << text;
    std::vector<std::pair<std::string, std::string>> a, b;
    for (const EffectiveSetting& s : effective_settings(*first))
        a.emplace_back(s.key, s.value);
    for (const EffectiveSetting& s : effective_settings(*again))
        b.emplace_back(s.key, s.value);
    EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace stagehub::server
