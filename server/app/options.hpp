// The command line: `stagehub serve ...` and `stagehub import FILE ...`.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipelines/ladder.hpp"
#include "schedule/result.hpp"

namespace stagehub::server {

enum class Command {
    serve,
    import,
    admin,
    stats,
    check_config,
    backup,
    restore,
    privacy,
    help,
    version
};

// What `stagehub admin ACTION` does (docs/API.md, "Tokens").
enum class AdminAction {
    create_organiser,
    create_staff,
    create_captioner,
    speaker_link,
    revoke,
    list
};

// What `stagehub privacy ACTION` does (docs/PRIVACY.md).
enum class PrivacyAction { export_data, erase };

struct Options {
    Command command = Command::serve;
    // The configuration file whose settings were read first (empty: none), and where each
    // setting that is not a default came from: "FILE:LINE" or "command line", by key.
    std::filesystem::path config_file;
    std::map<std::string, std::string, std::less<>> setting_sources;
    std::filesystem::path data_dir = "var";  // SQLite database + media
    std::filesystem::path web_dir;           // empty: installed pages, else the source tree's
                                             // (install_paths.hpp)
    std::string host = "127.0.0.1";
    int port = 8080;
    std::filesystem::path programme_file;  // import: the file; serve: --demo FILE
    double demo_speed = 1.0;               // --demo-speed: how many times faster than real time
    bool broadcast = true;                 // --no-broadcast: programme and API only
    int segment_seconds = 2;
    int video_width = 1280;
    int video_height = 720;
    pipelines::Ladder ladder;      // --ladder: the encoded renditions below the source
    int websocket_timeout_s = 40;  // --ws-timeout: a silent websocket is closed after this
    // --tls-cert / --tls-key: serve HTTPS (and HTTP/2, offered by ALPN) instead of HTTP.
    std::filesystem::path tls_cert;
    std::filesystem::path tls_key;
    std::vector<std::string> embed_origins;    // --embed-origin (repeatable): may frame /embed/
    std::vector<std::string> allowed_origins;  // --allow-origin (repeatable): other sites' pages
    int websockets_per_address = 256;          // --ws-per-address: 0 for no limit
    int connections_per_address = 1024;        // --connections-per-address: 0 for no limit
    int header_timeout_s = 10;                 // --header-timeout: a request's head arrives by then
    int body_timeout_s = 30;                   // --body-timeout: a request's body arrives by then
    int websocket_subscriptions = 32;          // --ws-subscriptions: channels per websocket
    int websocket_queue_messages = 256;        // --ws-queue: unsent messages before "behind"
    int websocket_stuck_timeout_s = 10;        // --ws-stuck-timeout: behind this long: closed
    // How long a segment stays public after it left its stage's live playlist (a player
    // behind the live edge still asks for it); after that only the replay rules serve it.
    // Not a command-line option: tests shorten it.
    std::chrono::seconds live_grace{60};
    int retention_days = 0;  // --retention-days: replay segments older than this go; 0 keeps all
    // --disk-floor-mb: below this much free space on the data folder's filesystem, new
    // segments are no longer archived (docs/OPERATIONS.md, "Disk space"); 0 turns it off.
    int disk_floor_mb = 1024;
    // Not flags: how often the free space is looked at, and where the figure comes from
    // (empty: statvfs of the data folder; tests set a figure of their own).
    std::chrono::milliseconds disk_check_every{5000};
    std::function<std::optional<uint64_t>()> free_space;
    // Web viewers (docs/STATISTICS.md): how often players beat, how many beats a second one
    // connection may send, how many may wait for the writer, and how long raw beats are
    // kept before compaction into per-minute figures.
    int heartbeat_every_s = 15;          // --heartbeat-every
    int heartbeat_connection_rate = 50;  // --heartbeat-connection-rate
    int heartbeat_queue = 65536;         // --heartbeat-queue
    int heartbeat_retention_days = 30;   // --heartbeat-retention-days
    // --registration-retention-days: registrations and check-ins are anonymised this many
    // days after their event ends (docs/PRIVACY.md); 0 keeps them, as the controller decides.
    int registration_retention_days = 90;
    // Per client address, a minute (0: no limit); past them 429 with Retry-After.
    int registrations_per_minute = 60;  // --limit-registrations: public registrations
    int code_lookups_per_minute = 60;   // --limit-code-lookups: check-in codes looked up
    int new_viewers_per_minute = 200;   // --limit-new-viewers: viewer ids heartbeats bring
    int failed_tokens_per_minute = 30;  // --limit-failed-tokens: unknown or revoked tokens
    // The accessibility statement (docs/ACCESSIBILITY.md): where the public writes when an
    // event names no address; messages one address may send a minute; days feedback is kept.
    std::string accessibility_contact;  // --accessibility-contact
    int feedback_per_minute = 5;        // --limit-feedback
    int feedback_retention_days = 365;  // --feedback-retention-days (0: keep)
    // --trusted-proxy (repeatable): reverse proxies (addresses or CIDR ranges) whose
    // X-Forwarded-For names the client (server/http/client_address.hpp).
    std::vector<std::string> trusted_proxies;
    // --metrics-token-file: /metrics also for clients with this bearer token (read at start,
    // so it is not in `ps`); empty: loopback clients only.
    std::filesystem::path metrics_token_file;
    std::string log_format = "text";  // --log-format: text or json
    // Not a flag: the wall clock of attendance (heartbeats, check-ins). Tests that play a
    // whole theme day in seconds drive it; empty is the system clock.
    std::function<std::chrono::sys_time<std::chrono::milliseconds>()> attendance_clock;
    // --asr-command: a speech recogniser run per broadcasting stage, its lines live cues
    // (docs/CAPTIONS.md, "Speech recognition"); empty: none.
    std::string asr_command;
    // import
    std::string event_id;        // --event: import into (or as) this event
    bool skip_bad_rows = false;  // --skip-bad-rows: import the good rows, list the bad
    // stats
    std::string stats_day;    // --day: one day of the event (YYYY-MM-DD)
    std::string stats_table;  // --csv TABLE: that table as CSV instead of the text table
    // backup, restore
    std::filesystem::path backup_file;  // backup: --to FILE; restore: --from FILE
    bool backup_force = false;          // backup --force: replace an existing FILE
    // admin
    AdminAction admin_action = AdminAction::list;
    std::string account_name;         // --name
    std::vector<std::string> events;  // --event (repeatable)
    std::string person_id;            // --person
    int64_t account_id = 0;           // --account
    // privacy
    PrivacyAction privacy_action = PrivacyAction::export_data;
    std::string privacy_email;  // --email
    std::string privacy_code;   // --code
};

// Parses argv (without the program name). The settings of `--config FILE` come first
// (or, without one, those of `default_config` when given and present), then the command
// line's, which override them. Errors name the bad argument, or the file and line, and
// say what would be accepted.
Result<Options> parse_options(const std::vector<std::string>& args,
                              const std::optional<std::filesystem::path>& default_config = {});

// One serve setting as it would run: its key (a config-file key: the option without
// "--"), its value written as the file would take it, and where it came from ("default",
// "FILE:LINE" or "command line"). A repeatable setting has a line per value.
struct EffectiveSetting {
    std::string key;
    std::string value;
    std::string source;
};
std::vector<EffectiveSetting> effective_settings(const Options& options);

std::string usage();

}  // namespace stagehub::server
