#include "server/app/options.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace stagehub::server {
namespace {

TEST(Options, DefaultsServeOnLoopback8080) {
    const auto o = parse_options({});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->command, Command::serve);
    EXPECT_EQ(o->host, "127.0.0.1");
    EXPECT_EQ(o->port, 8080);
    EXPECT_EQ(o->data_dir, "var");
    EXPECT_TRUE(o->broadcast);
}

TEST(Options, ServeWithDemo) {
    const auto o = parse_options({"serve", "--data", "/tmp/x", "--port", "0", "--demo", "p.json",
                                  "--demo-speed", "10", "--video", "640x360", "--no-broadcast"});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_EQ(o->port, 0);
    EXPECT_EQ(o->programme_file, "p.json");
    EXPECT_DOUBLE_EQ(o->demo_speed, 10.0);
    EXPECT_EQ(o->video_width, 640);
    EXPECT_EQ(o->video_height, 360);
    EXPECT_FALSE(o->broadcast);
}

// Per address a minute; 0 turns a limit off.
TEST(Options, LimitsPerAddress) {
    const auto defaults = parse_options({"serve"});
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults->registrations_per_minute, 60);
    EXPECT_EQ(defaults->code_lookups_per_minute, 60);
    EXPECT_EQ(defaults->new_viewers_per_minute, 200);
    EXPECT_EQ(defaults->failed_tokens_per_minute, 30);
    const auto o =
        parse_options({"serve", "--limit-registrations", "0", "--limit-code-lookups", "10",
                       "--limit-new-viewers", "5000", "--limit-failed-tokens", "3"});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_EQ(o->registrations_per_minute, 0);
    EXPECT_EQ(o->code_lookups_per_minute, 10);
    EXPECT_EQ(o->new_viewers_per_minute, 5000);
    EXPECT_EQ(o->failed_tokens_per_minute, 3);
}

TEST(Options, Import) {
    const auto o = parse_options({"import", "week.json", "--data", "d"});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->command, Command::import);
    EXPECT_EQ(o->programme_file, "week.json");
}

TEST(Options, ImportIntoAnEventSkippingBadRows) {
    const auto o = parse_options({"import", "sessions.csv", "--event", "vecka", "--skip-bad-rows"});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_EQ(o->event_id, "vecka");
    EXPECT_TRUE(o->skip_bad_rows);
}

TEST(Options, AdminActions) {
    const auto organiser = parse_options(
        {"admin", "create-organiser", "--name", "Anna", "--event", "a", "--event", "b"});
    ASSERT_TRUE(organiser.ok()) << organiser.error().message;
    EXPECT_EQ(organiser->command, Command::admin);
    EXPECT_EQ(organiser->admin_action, AdminAction::create_organiser);
    EXPECT_EQ(organiser->events, (std::vector<std::string>{"a", "b"}));
    const auto link = parse_options({"admin", "speaker-link", "--event", "a", "--person", "p"});
    ASSERT_TRUE(link.ok()) << link.error().message;
    EXPECT_EQ(link->admin_action, AdminAction::speaker_link);
    EXPECT_EQ(link->person_id, "p");
    const auto captioner =
        parse_options({"admin", "create-captioner", "--name", "Skrivtolk", "--event", "a"});
    ASSERT_TRUE(captioner.ok()) << captioner.error().message;
    EXPECT_EQ(captioner->admin_action, AdminAction::create_captioner);
    EXPECT_EQ(captioner->account_name, "Skrivtolk");
    EXPECT_FALSE(parse_options({"admin", "create-captioner", "--name", "Skrivtolk"}).ok())
        << "a captioner captions an event: --event is needed";
    EXPECT_FALSE(parse_options({"admin", "create-captioner", "--event", "a"}).ok());
    EXPECT_EQ(parse_options({"serve", "--retention-days", "30"})->retention_days, 30);
    EXPECT_EQ(parse_options({"serve"})->disk_floor_mb, 1024);
    EXPECT_EQ(parse_options({"serve", "--disk-floor-mb", "0"})->disk_floor_mb, 0);
    EXPECT_EQ(parse_options({"serve", "--disk-floor-mb", "4096"})->disk_floor_mb, 4096);
    EXPECT_EQ(parse_options({"serve", "--ws-timeout", "15"})->websocket_timeout_s, 15);
    const auto origins = parse_options(
        {"serve", "--allow-origin", "https://kommun.se", "--allow-origin", "https://region.no"});
    ASSERT_TRUE(origins.ok()) << origins.error().message;
    EXPECT_EQ(origins->allowed_origins,
              (std::vector<std::string>{"https://kommun.se", "https://region.no"}));
    EXPECT_EQ(parse_options({"serve", "--ws-per-address", "0"})->websockets_per_address, 0);
    const auto embed = parse_options({"serve", "--embed-origin", "https://kommun.se",
                                      "--embed-origin", "http://intranet.region.no:8080"});
    ASSERT_TRUE(embed.ok()) << embed.error().message;
    EXPECT_EQ(embed->embed_origins,
              (std::vector<std::string>{"https://kommun.se", "http://intranet.region.no:8080"}));
    const auto ladder = parse_options({"serve", "--ladder", "540p:960x540:1800"});
    ASSERT_TRUE(ladder.ok()) << ladder.error().message;
    ASSERT_EQ(ladder->ladder.encoded.size(), 1u);
    EXPECT_EQ(ladder->ladder.encoded[0].name, "540p");
    EXPECT_EQ(ladder->ladder.encoded[0].height, 540);
    EXPECT_EQ(ladder->ladder.encoded[0].video_kbps, 1800);
    EXPECT_TRUE(parse_options({"serve", "--ladder", "none"})->ladder.encoded.empty());
    const auto limits = parse_options(
        {"serve", "--ws-subscriptions", "8", "--ws-queue", "64", "--ws-stuck-timeout", "5"});
    ASSERT_TRUE(limits.ok()) << limits.error().message;
    EXPECT_EQ(limits->websocket_subscriptions, 8);
    EXPECT_EQ(limits->websocket_queue_messages, 64);
    EXPECT_EQ(limits->websocket_stuck_timeout_s, 5);
    const auto tls =
        parse_options({"serve", "--tls-cert", STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json",
                       "--tls-key", STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json"});
    ASSERT_TRUE(tls.ok()) << tls.error().message;
    EXPECT_FALSE(tls->tls_cert.empty());
}

TEST(Options, BackupAndRestore) {
    const auto backup = parse_options({"backup", "--to", "/b/x.db", "--force", "--data", "/d"});
    ASSERT_TRUE(backup.ok()) << backup.error().message;
    EXPECT_EQ(backup->command, Command::backup);
    EXPECT_EQ(backup->backup_file, "/b/x.db");
    EXPECT_TRUE(backup->backup_force);
    EXPECT_EQ(backup->data_dir, "/d");
    const auto restore = parse_options({"restore", "--from", "/b/x.db"});
    ASSERT_TRUE(restore.ok()) << restore.error().message;
    EXPECT_EQ(restore->command, Command::restore);
    EXPECT_EQ(restore->backup_file, "/b/x.db");
    EXPECT_FALSE(restore->backup_force);
}

// docs/PRIVACY.md: one person's data by email or code; registrations kept 90 days after
// their event by default, 0 keeping them as the controller decides.
TEST(Options, PrivacyCommandsAndRegistrationRetention) {
    const auto exported = parse_options({"privacy", "export", "--email", "a@b.se", "--data", "d"});
    ASSERT_TRUE(exported.ok()) << exported.error().message;
    EXPECT_EQ(exported->command, Command::privacy);
    EXPECT_EQ(exported->privacy_action, PrivacyAction::export_data);
    EXPECT_EQ(exported->privacy_email, "a@b.se");
    EXPECT_EQ(exported->data_dir, "d");
    const auto erased = parse_options({"privacy", "erase", "--code", "k7qf-3m"});
    ASSERT_TRUE(erased.ok()) << erased.error().message;
    EXPECT_EQ(erased->privacy_action, PrivacyAction::erase);
    EXPECT_EQ(erased->privacy_code, "k7qf-3m");

    EXPECT_EQ(parse_options({"serve"})->registration_retention_days, 90);
    EXPECT_EQ(
        parse_options({"serve", "--registration-retention-days", "0"})->registration_retention_days,
        0);
    EXPECT_EQ(parse_options({"serve", "--registration-retention-days", "30"})
                  ->registration_retention_days,
              30);
    const std::vector<std::pair<std::vector<std::string>, std::string>> refused = {
        {{"privacy"}, "privacy needs an action"},
        {{"privacy", "forget", "--email", "a@b.se"}, "export or erase"},
        {{"privacy", "export"}, "--email ADDR or --code CODE"},
        {{"privacy", "erase", "--email", "a@b.se", "--code", "K7QF3M"}, "one of them"},
        {{"serve", "--email", "a@b.se"}, "--email goes with privacy"},
        {{"serve", "--registration-retention-days", "-1"}, "--registration-retention-days"},
        {{"serve", "--registration-retention-days", "9999"}, "from 0 (keep) to 3650"},
    };
    for (const auto& [args, expected] : refused) {
        const auto o = parse_options(args);
        ASSERT_FALSE(o.ok()) << args.front();
        EXPECT_NE(o.error().message.find(expected), std::string::npos) << o.error().message;
    }
}

TEST(Options, TrustedProxiesAreRepeatableAddressesOrRanges) {
    EXPECT_TRUE(parse_options({"serve"})->trusted_proxies.empty());
    const auto o = parse_options(
        {"serve", "--trusted-proxy", "127.0.0.1", "--trusted-proxy", "2001:db8::/48"});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_EQ(o->trusted_proxies, (std::vector<std::string>{"127.0.0.1", "2001:db8::/48"}));
    EXPECT_NE(usage().find("--trusted-proxy ADDR"), std::string::npos);
}

TEST(Options, TrustedProxiesComeFromTheConfigFileTooAndTheCommandLineReplacesThem) {
    stagehub::testing::TempDir dir;
    const auto conf = dir / "stagehub.conf";
    std::ofstream(conf) << "trusted-proxy = 127.0.0.1\ntrusted-proxy = 10.0.0.0/8\n";
    const auto from_file = parse_options({"serve", "--config", conf.string()});
    ASSERT_TRUE(from_file.ok()) << from_file.error().message;
    EXPECT_EQ(from_file->trusted_proxies, (std::vector<std::string>{"127.0.0.1", "10.0.0.0/8"}));
    const auto replaced =
        parse_options({"serve", "--config", conf.string(), "--trusted-proxy", "::1"});
    ASSERT_TRUE(replaced.ok()) << replaced.error().message;
    EXPECT_EQ(replaced->trusted_proxies, (std::vector<std::string>{"::1"}));

    std::ofstream(conf) << "trusted-proxy = proxy.kommun.se\n";
    const auto refused = parse_options({"serve", "--config", conf.string()});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find(":1: trusted-proxy must be"), std::string::npos)
        << refused.error().message;
}

// The recogniser's command is kept as written (Application splits it into words); a config
// file's line keeps its quotes, and what cannot be split is refused with its line.
TEST(Options, TheSpeechRecognisersCommandComesFromTheCommandLineOrTheConfigFile) {
    EXPECT_TRUE(parse_options({"serve"})->asr_command.empty());
    const auto o = parse_options({"serve", "--asr-command", "whisper-stream --lang sv"});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_EQ(o->asr_command, "whisper-stream --lang sv");
    EXPECT_NE(usage().find("--asr-command CMD"), std::string::npos);

    stagehub::testing::TempDir dir;
    const auto conf = dir / "stagehub.conf";
    std::ofstream(conf) << "asr-command = sh -c 'vosk-stream --model /srv/sv | tee -a /tmp/x'\n";
    const auto from_file = parse_options({"serve", "--config", conf.string()});
    ASSERT_TRUE(from_file.ok()) << from_file.error().message;
    EXPECT_EQ(from_file->asr_command, "sh -c 'vosk-stream --model /srv/sv | tee -a /tmp/x'");
    std::ofstream(conf) << "asr-command = rec 'unclosed\n";
    const auto refused = parse_options({"serve", "--config", conf.string()});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find(":1: "), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("asr-command: the command"), std::string::npos)
        << refused.error().message;
}

TEST(Options, BadArgumentsNameTheArgument) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--port", "80000"}, "--port"},
        {{"--port"}, "--port needs a value"},
        {{"--demo-speed", "0"}, "--demo-speed"},
        {{"--demo-speed", "5"}, "--demo FILE"},
        {{"--video", "1280"}, "--video"},
        {{"--video", "641x360"}, "--video"},
        {{"--frobnicate"}, "--frobnicate"},
        {{"launch"}, "launch"},
        {{"import"}, "import needs a programme file"},
        {{"backup"}, "backup needs --to FILE"},
        {{"restore"}, "restore needs --from FILE"},
        {{"restore", "--from", "x.db", "--force"}, "--force goes with backup"},
        {{"serve", "--to", "x.db"}, "--to goes with backup"},
        {{"serve", "--skip-bad-rows"}, "--skip-bad-rows goes with import"},
        {{"admin"}, "admin needs an action"},
        {{"admin", "create-organiser"}, "--name"},
        {{"admin", "speaker-link", "--event", "e"}, "--person"},
        {{"admin", "revoke"}, "--account"},
        {{"admin", "revoke", "--account", "x"}, "--account"},
        {{"serve", "--retention-days", "-1"}, "--retention-days"},
        {{"serve", "--disk-floor-mb", "-1"}, "--disk-floor-mb"},
        {{"serve", "--disk-floor-mb", "lots"}, "--disk-floor-mb"},
        {{"serve", "--ws-timeout", "1"}, "--ws-timeout"},
        {{"serve", "--allow-origin", "kommun.se"}, "--allow-origin"},
        {{"serve", "--embed-origin", "kommun.se"}, "--embed-origin"},
        {{"serve", "--embed-origin", "https://kommun.se; script-src *"}, "--embed-origin"},
        {{"serve", "--embed-origin", "https://kommun.se/path"}, "--embed-origin"},
        {{"serve", "--embed-origin", "*"}, "--embed-origin"},
        {{"serve", "--ws-per-address", "-1"}, "--ws-per-address"},
        {{"serve", "--trusted-proxy", "proxy.kommun.se"}, "--trusted-proxy"},
        {{"serve", "--trusted-proxy", "10.0.0.1/8"}, "10.0.0.1/8"},
        {{"serve", "--trusted-proxy", "::1/129"}, "--trusted-proxy"},
        {{"serve", "--limit-registrations", "-1"}, "--limit-registrations"},
        {{"serve", "--limit-new-viewers", "many"}, "--limit-new-viewers"},
        {{"serve", "--ladder", "720p:1280x720"}, "720p:1280x720"},
        {{"serve", "--ladder", "source:1280x720:2500"}, "'source'"},
        {{"serve", "--ladder", "odd:1281x720:2500"}, "even sizes"},
        {{"serve", "--ws-subscriptions", "0"}, "--ws-subscriptions"},
        {{"serve", "--ws-queue", "lots"}, "--ws-queue"},
        {{"serve", "--ws-stuck-timeout", "601"}, "--ws-stuck-timeout"},
        {{"serve", "--tls-cert", "/nonexistent/cert.pem"}, "no file at /nonexistent/cert.pem"},
        {{"serve", "--tls-cert", STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json"},
         "--tls-key"},
    };
    for (const auto& [args, mention] : cases) {
        const auto o = parse_options(args);
        ASSERT_FALSE(o.ok()) << mention;
        EXPECT_NE(o.error().message.find(mention), std::string::npos) << o.error().message;
    }
}

}  // namespace
}  // namespace stagehub::server
