#include "server/app/options.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>

#include "server/app/config_file.hpp"
#include "server/broadcast/asr_process.hpp"
#include "server/http/client_address.hpp"

namespace stagehub::server {
namespace {

// http(s)://host[:port]: letters, digits, dots and hyphens in the host, digits in the port.
bool is_plain_origin(std::string_view text) {
    const size_t scheme = text.starts_with("https://") ? 8 : text.starts_with("http://") ? 7 : 0;
    if (scheme == 0 || text.size() == scheme || text.size() > 255)
        return false;
    const std::string_view rest = text.substr(scheme);
    const size_t colon = rest.find(':');
    const std::string_view host = rest.substr(0, colon);
    const std::string_view port =
        colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    const auto all = [](std::string_view part, auto allowed) {
        return !part.empty() && std::all_of(part.begin(), part.end(), allowed);
    };
    const bool host_ok = all(host, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '-';
    });
    const bool port_ok =
        colon == std::string_view::npos ||
        (port.size() <= 5 && all(port, [](char c) { return c >= '0' && c <= '9'; }));
    return host_ok && port_ok;
}

Error bad(const std::string& message) {
    return Error{ErrorCode::bad_arguments, message};
}

bool parse_int(const std::string& text, int& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

// --- the options that take their value in a way of their own -------------------------

Status set_help(Options& options, std::string_view, const std::string&) {
    options.command = Command::help;
    return ok_status();
}

Status set_version(Options& options, std::string_view, const std::string&) {
    options.command = Command::version;
    return ok_status();
}

Status set_no_broadcast(Options& options, std::string_view, const std::string&) {
    options.broadcast = false;
    return ok_status();
}

Status set_skip_bad_rows(Options& options, std::string_view, const std::string&) {
    options.skip_bad_rows = true;
    return ok_status();
}

Status set_backup_force(Options& options, std::string_view, const std::string&) {
    options.backup_force = true;
    return ok_status();
}

Status set_csv(Options& options, std::string_view, const std::string& v) {
    if (v != "sessions" && v != "days" && v != "stages")
        return bad("--csv takes sessions, days or stages, not '" + v + "'");
    options.stats_table = v;
    return ok_status();
}

Status set_event(Options& options, std::string_view name, const std::string& v) {
    if (v.empty())
        return bad(std::string(name) + " needs a value");
    options.events.push_back(v);
    options.event_id = v;
    return ok_status();
}

Status set_account(Options& options, std::string_view name, const std::string& v) {
    if (v.empty())
        return bad(std::string(name) + " needs a value");
    int id = 0;
    if (!parse_int(v, id) || id <= 0)
        return bad("--account must be an account number, not '" + v + "'");
    options.account_id = id;
    return ok_status();
}

Status set_demo(Options& options, std::string_view, const std::string& text) {
    if (options.command != Command::serve && options.command != Command::check_config)
        return bad("--demo goes with serve");
    options.programme_file = text;
    return ok_status();
}

Status set_demo_speed(Options& options, std::string_view, const std::string& text) {
    char* end = nullptr;
    options.demo_speed = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !(options.demo_speed >= 1.0) ||
        options.demo_speed > 3600) {
        return bad("--demo-speed must be a number from 1 to 3600, not '" + text + "'");
    }
    return ok_status();
}

Status set_accessibility_contact(Options& options, std::string_view, const std::string& text) {
    // Shown on public pages as a mailto: link: a plain address only.
    const size_t at = text.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == text.size() || text.size() > 200 ||
        text.find_first_of(" \t<>\"'\\,;?&/") != std::string::npos) {
        return bad(
            "--accessibility-contact must be an email address like "
            "tillganglighet@kommun.se, not '" +
            text + "'");
    }
    options.accessibility_contact = text;
    return ok_status();
}

// Read before every other option (parse_options); here only its place in the table.
Status set_config(Options&, std::string_view, const std::string&) {
    return ok_status();
}

Status set_embed_origin(Options& options, std::string_view, const std::string& text) {
    // Written into a Content-Security-Policy header: a plain origin only, so no value can
    // add a directive of its own.
    if (!is_plain_origin(text)) {
        return bad(
            "--embed-origin must be an origin like https://kommun.se or "
            "https://kommun.se:8443, not '" +
            text + "'");
    }
    options.embed_origins.push_back(text);
    return ok_status();
}

Status set_allow_origin(Options& options, std::string_view, const std::string& text) {
    if (text != "*" && !text.starts_with("http://") && !text.starts_with("https://")) {
        return bad("--allow-origin must be * or an origin like https://kommun.se, not '" + text +
                   "'");
    }
    options.allowed_origins.push_back(text);
    return ok_status();
}

Status set_trusted_proxy(Options& options, std::string_view, const std::string& text) {
    if (!AddressRange::parse(text)) {
        return bad(
            "--trusted-proxy must be an address or range like 127.0.0.1, ::1 or "
            "10.0.0.0/8, not '" +
            text + "'");
    }
    options.trusted_proxies.push_back(text);
    return ok_status();
}

Status set_tls_file(Options& options, std::string_view name, const std::string& text) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(text, ec))
        return bad(std::string(name) + ": no file at " + text);
    (name == "--tls-cert" ? options.tls_cert : options.tls_key) = text;
    return ok_status();
}

Status set_ladder(Options& options, std::string_view, const std::string& text) {
    try {
        options.ladder.encoded = text == "none" ? std::vector<pipelines::EncodedRendition>{}
                                                : pipelines::parse_encoded_renditions(text);
    } catch (const std::invalid_argument& e) {
        return bad(std::string("--ladder: ") + e.what());
    }
    return ok_status();
}

// Split here only to refuse what will not run; Application splits it again to start it.
Status set_asr_command(Options& options, std::string_view, const std::string& text) {
    if (const auto argv = command_argv(text); !argv.ok())
        return bad("--asr-command: " + argv.error().message);
    options.asr_command = text;
    return ok_status();
}

// As the configuration file reads it back: a command that begins or ends with a double
// quote (or a blank) is wrapped in a pair of them, which the file strips again.
std::string show_asr_command(const Options& options) {
    const std::string& command = options.asr_command;
    const bool wrap = !command.empty() && (command.front() == '"' || command.back() == '"' ||
                                           command.front() == ' ' || command.back() == ' ');
    return wrap ? "\"" + command + "\"" : command;
}

Status set_video(Options& options, std::string_view, const std::string& text) {
    const size_t x = text.find('x');
    if (x == std::string::npos || !parse_int(text.substr(0, x), options.video_width) ||
        !parse_int(text.substr(x + 1), options.video_height) || options.video_width < 64 ||
        options.video_height < 64 || options.video_width > 3840 || options.video_height > 2160 ||
        options.video_width % 2 != 0 || options.video_height % 2 != 0) {
        return bad("--video must be WIDTHxHEIGHT with even sizes up to 3840x2160, not '" + text +
                   "'");
    }
    return ok_status();
}

Status set_log_format(Options& options, std::string_view, const std::string& text) {
    if (text != "text" && text != "json")
        return bad("--log-format must be text or json, not '" + text + "'");
    options.log_format = text;
    return ok_status();
}

// The usage's column where descriptions start, less the two spaces of indent.
constexpr size_t kUsageColumn = 23;

// --- the table ------------------------------------------------------------------------

enum class ValueKind {
    none,          // a flag: `parse` sets what it means
    text,          // a string field, as given
    name,          // a string field that may not be empty
    path,          // a path field, as given
    whole_number,  // an int field within [least, most]
    other,         // `parse` reads and checks the value
};

using Parse = Status (*)(Options& options, std::string_view name, const std::string& value);

struct OptionSpec {
    std::string_view name;
    std::string_view value = {};  // what the usage calls the value ("N", "DIR"); empty: a flag
    // The usage's description under "serve options:", a line each; empty: not listed
    // there (the commands' own lines name it).
    std::string_view help = {};
    ValueKind kind = ValueKind::none;
    std::string Options::*text = nullptr;
    std::filesystem::path Options::*path = nullptr;
    int Options::*number = nullptr;
    int least = 0;
    int most = std::numeric_limits<int>::max();
    // whole_number: the error says "NAME must be <must_be>", then ", not 'VALUE'" if
    // `quote_value`.
    std::string_view must_be = {};
    bool quote_value = true;
    Parse parse = nullptr;
    // Refused (before its value is read) with any other command.
    std::optional<Command> only_with = std::nullopt;
    // `other` and flags: the value as a config file would write it (check-config).
    std::string (*show)(const Options& options) = nullptr;
    // A repeatable option's values. The command line's replace the file's, not add to them.
    std::vector<std::string> Options::*list = nullptr;
};

std::string show_number(double value) {
    char text[32];
    const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
    return ec == std::errc() ? std::string(text, end) : std::string();
}

std::string show_ladder(const Options& options) {
    if (options.ladder.encoded.empty())
        return "none";
    std::string text;
    for (const pipelines::EncodedRendition& r : options.ladder.encoded) {
        text += (text.empty() ? "" : ",") + r.name + ":" + std::to_string(r.width) + "x" +
                std::to_string(r.height) + ":" + std::to_string(r.video_kbps);
    }
    return text;
}

using enum ValueKind;

// In the order of the usage text.
const OptionSpec kOptions[] = {
    {.name = "--config",
     .value = "FILE",
     .help = "read settings from FILE first: key = value lines, a key being an\n"
             "option without -- (docs/OPERATIONS.md); the command line\n"
             "overrides them (default for the installed binary:\n"
             "/etc/stagehub/stagehub.conf, when present)",
     .kind = other,
     .parse = set_config},
    {.name = "--data",
     .value = "DIR",
     .help = "database and media folder (default: var)",
     .kind = path,
     .path = &Options::data_dir},
    {.name = "--host",
     .value = "ADDR",
     .help = "address to listen on (default: 127.0.0.1; ::1 for IPv6)",
     .kind = text,
     .text = &Options::host},
    {.name = "--port",
     .value = "N",
     .help = "port (default: 8080; 0 picks a free one)",
     .kind = whole_number,
     .number = &Options::port,
     .least = 0,
     .most = 65535,
     .must_be = "a number from 0 to 65535"},
    {.name = "--web",
     .value = "DIR",
     .help = "the web pages (default: ../share/stagehub/web from the binary's\n"
             "folder when installed, else web/ of the source tree)",
     .kind = path,
     .path = &Options::web_dir},
    {.name = "--demo",
     .value = "FILE",
     .help = "import FILE re-timed so its first session starts now",
     .kind = other,
     .parse = set_demo,
     .show = [](const Options& o) { return o.programme_file.string(); }},
    {.name = "--demo-speed",
     .value = "X",
     .help = "with --demo: run the programme X times faster (e.g. 10)",
     .kind = other,
     .parse = set_demo_speed,
     .show = [](const Options& o) { return show_number(o.demo_speed); }},
    {.name = "--no-broadcast",
     .help = "serve programme and pages without starting stage pipelines",
     .kind = none,
     .parse = set_no_broadcast,
     .show = [](const Options& o) { return std::string(o.broadcast ? "false" : "true"); }},
    {.name = "--segment-seconds",
     .value = "N",
     .help = "HLS segment length (default: 2)",
     .kind = whole_number,
     .number = &Options::segment_seconds,
     .least = 1,
     .most = 10,
     .must_be = "a whole number from 1 to 10",
     .quote_value = false},
    {.name = "--video",
     .value = "WxH",
     .help = "test pattern and slate picture size (default: 1280x720)",
     .kind = other,
     .parse = set_video,
     .show =
         [](const Options& o) {
             return std::to_string(o.video_width) + "x" + std::to_string(o.video_height);
         }},
    {.name = "--ladder",
     .value = "LIST",
     .help = "encoded renditions below the passthrough source, as\n"
             "NAME:WxH:KBPS,... or \"none\" (default:\n"
             "720p:1280x720:2500,360p:640x360:800)",
     .kind = other,
     .parse = set_ladder,
     .show = show_ladder},
    {.name = "--asr-command",
     .value = "CMD",
     .help = "live captions from a speech recogniser: CMD runs once per\n"
             "broadcasting stage, reads its sound as 16 kHz mono S16LE PCM on\n"
             "stdin; each line it prints is a cue (docs/CAPTIONS.md). Split\n"
             "into words, no shell: write sh -c '...' for one",
     .kind = other,
     .parse = set_asr_command,
     .show = show_asr_command},
    {.name = "--ws-timeout",
     .value = "N",
     .help = "close a websocket silent for N seconds; it is pinged halfway\n"
             "(default: 40)",
     .kind = whole_number,
     .number = &Options::websocket_timeout_s,
     .least = 2,
     .most = 3600,
     .must_be = "a whole number of seconds from 2 to 3600"},
    {.name = "--embed-origin",
     .value = "URL",
     .help = "a site whose pages may frame /embed/{stage}, e.g.\n"
             "https://kommun.se (repeatable; default: any site)",
     .kind = other,
     .parse = set_embed_origin,
     .list = &Options::embed_origins},
    {.name = "--allow-origin",
     .value = "URL",
     .help = "a site whose pages may open the websocket, e.g.\n"
             "https://kommun.se (repeatable; \"*\" for any)",
     .kind = other,
     .parse = set_allow_origin,
     .list = &Options::allowed_origins},
    {.name = "--ws-per-address",
     .value = "N",
     .help = "websockets open at once from one address (default: 256; 0: any)",
     .kind = whole_number,
     .number = &Options::websockets_per_address,
     .must_be = "a whole number (0 for no limit)"},
    {.name = "--connections-per-address",
     .value = "N",
     .help = "connections open at once from one address, websockets included\n"
             "(default: 1024; 0: any); more are closed at once",
     .kind = whole_number,
     .number = &Options::connections_per_address,
     .must_be = "a whole number (0 for no limit)"},
    {.name = "--trusted-proxy",
     .value = "ADDR",
     .help = "a reverse proxy (address or CIDR range; repeatable) whose\n"
             "X-Forwarded-For names the client for per-address limits and\n"
             "logs; from any other peer the header is ignored. Its own\n"
             "connections are not capped by --connections-per-address",
     .kind = other,
     .parse = set_trusted_proxy,
     .list = &Options::trusted_proxies},
    {.name = "--header-timeout",
     .value = "S",
     .help = "seconds a request's head may take to arrive (default: 10)",
     .kind = whole_number,
     .number = &Options::header_timeout_s,
     .least = 1,
     .most = 3600,
     .must_be = "a number of seconds from 1 to 3600"},
    {.name = "--body-timeout",
     .value = "S",
     .help = "seconds a request's body may take to arrive (default: 30)",
     .kind = whole_number,
     .number = &Options::body_timeout_s,
     .least = 1,
     .most = 3600,
     .must_be = "a number of seconds from 1 to 3600"},
    {.name = "--tls-cert",
     .value = "FILE",
     .help = "serve HTTPS with this PEM certificate (chain); browsers then",
     .kind = other,
     .parse = set_tls_file,
     .show = [](const Options& o) { return o.tls_cert.string(); }},
    {.name = "--tls-key",
     .value = "FILE",
     .help = "speak HTTP/2 to it (ALPN h2), with HTTP/1.1 as the fallback",
     .kind = other,
     .parse = set_tls_file,
     .show = [](const Options& o) { return o.tls_key.string(); }},
    {.name = "--ws-subscriptions",
     .value = "N",
     .help = "channels one websocket may follow at once (default: 32)",
     .kind = whole_number,
     .number = &Options::websocket_subscriptions,
     .least = 1,
     .most = 65536,
     .must_be = "a whole number from 1 to 65536"},
    {.name = "--ws-queue",
     .value = "N",
     .help = "unsent messages a websocket may have queued; past that it has\n"
             "fallen behind and gets fresh snapshots instead (default: 256)",
     .kind = whole_number,
     .number = &Options::websocket_queue_messages,
     .least = 1,
     .most = 65536,
     .must_be = "a whole number from 1 to 65536"},
    {.name = "--ws-stuck-timeout",
     .value = "N",
     .help = "close a websocket that has fallen behind and not caught up\n"
             "within N seconds (default: 10)",
     .kind = whole_number,
     .number = &Options::websocket_stuck_timeout_s,
     .least = 1,
     .most = 600,
     .must_be = "a whole number from 1 to 600"},
    {.name = "--retention-days",
     .value = "N",
     .help = "delete archived segments (replays) older than N days, checked at\n"
             "start and hourly (default: 0, keep everything)",
     .kind = whole_number,
     .number = &Options::retention_days,
     .least = 0,
     .most = 3650,
     .must_be = "a whole number of days from 0 (keep everything) to 3650"},
    {.name = "--disk-floor-mb",
     .value = "N",
     .help = "below N MiB free on the data folder's disk, stop archiving\n"
             "new segments for replays; live and the database go on\n"
             "(default: 1024; 0: no floor)",
     .kind = whole_number,
     .number = &Options::disk_floor_mb,
     .least = 0,
     .most = 1 << 24,
     .must_be = "a whole number of MiB from 0 (no floor) to 16777216"},
    {.name = "--heartbeat-every",
     .value = "N",
     .help = "players send a viewer heartbeat every N seconds; a viewer not\n"
             "heard from for 3 N has left (default: 15)",
     .kind = whole_number,
     .number = &Options::heartbeat_every_s,
     .least = 2,
     .most = 300,
     .must_be = "a whole number from 2 to 300"},
    {.name = "--heartbeat-connection-rate",
     .value = "N",
     .help = "heartbeats a second one connection may send (default: 50)",
     .kind = whole_number,
     .number = &Options::heartbeat_connection_rate,
     .least = 1,
     .most = 1000000,
     .must_be = "a whole number from 1 to 1000000"},
    {.name = "--heartbeat-queue",
     .value = "N",
     .help = "heartbeats that may wait for the disk; past that 503 (default: 65536)",
     .kind = whole_number,
     .number = &Options::heartbeat_queue,
     .least = 16,
     .most = 1 << 22,
     .must_be = "a whole number from 16 to 4194304"},
    {.name = "--heartbeat-retention-days",
     .value = "N",
     .help = "keep raw heartbeats N days, then only per-minute and per-session\n"
             "figures (default: 30)",
     .kind = whole_number,
     .number = &Options::heartbeat_retention_days,
     .least = 1,
     .most = 3650,
     .must_be = "a whole number from 1 to 3650"},
    {.name = "--registration-retention-days",
     .value = "N",
     .help = "anonymise registrations and check-ins N days after their event\n"
             "ends, checked at start and hourly; the figures keep counting\n"
             "them (default: 90; 0: keep, as the records decision says)",
     .kind = whole_number,
     .number = &Options::registration_retention_days,
     .least = 0,
     .most = 3650,
     .must_be = "a whole number of days from 0 (keep) to 3650"},
    {.name = "--limit-registrations",
     .value = "N",
     .help = "public registrations one address may make a minute (default: 60)",
     .kind = whole_number,
     .number = &Options::registrations_per_minute,
     .least = 0,
     .most = 1000000,
     .must_be = "a whole number a minute from 0 (no limit) to 1000000"},
    {.name = "--limit-feedback",
     .value = "N",
     .help = "accessibility feedback messages one address may send a minute\n"
             "(default: 5)",
     .kind = whole_number,
     .number = &Options::feedback_per_minute,
     .least = 0,
     .most = 1000000,
     .must_be = "a whole number a minute from 0 (no limit) to 1000000"},
    {.name = "--feedback-retention-days",
     .value = "N",
     .help = "delete accessibility feedback N days after it arrived, checked at\n"
             "start and hourly (default: 365; 0: keep, as the records decision says)",
     .kind = whole_number,
     .number = &Options::feedback_retention_days,
     .least = 0,
     .most = 3650,
     .must_be = "a whole number of days from 0 (keep) to 3650"},
    {.name = "--accessibility-contact",
     .value = "EMAIL",
     .help = "where the accessibility statement tells the public to write when\n"
             "an event's organisers name no address of their own",
     .kind = other,
     .parse = set_accessibility_contact,
     .show = [](const Options& o) { return o.accessibility_contact; }},
    {.name = "--limit-code-lookups",
     .value = "N",
     .help = "check-in codes (their QR codes) one address may look up a minute\n"
             "(default: 60)",
     .kind = whole_number,
     .number = &Options::code_lookups_per_minute,
     .least = 0,
     .most = 1000000,
     .must_be = "a whole number a minute from 0 (no limit) to 1000000"},
    {.name = "--limit-new-viewers",
     .value = "N",
     .help = "viewers one address's heartbeats may bring a minute; a town hall\n"
             "behind one NAT is one address (default: 200)",
     .kind = whole_number,
     .number = &Options::new_viewers_per_minute,
     .least = 0,
     .most = 1000000,
     .must_be = "a whole number a minute from 0 (no limit) to 1000000"},
    {.name = "--limit-failed-tokens",
     .value = "N",
     .help = "unknown or revoked tokens one address may try a minute; then it\n"
             "is refused before its token is looked up (default: 30)\n"
             "Each --limit-* counts per client address (behind a reverse proxy:\n"
             "the proxy's, unless it is a --trusted-proxy); past it 429;\n"
             "0: no limit",
     .kind = whole_number,
     .number = &Options::failed_tokens_per_minute,
     .least = 0,
     .most = 1000000,
     .must_be = "a whole number a minute from 0 (no limit) to 1000000"},
    {.name = "--metrics-token-file",
     .value = "FILE",
     .help = "GET /metrics also for clients showing the token in FILE\n"
             "(Authorization: Bearer); without it, this machine's only",
     .kind = path,
     .path = &Options::metrics_token_file},
    {.name = "--log-format",
     .value = "FORMAT",
     .help = "text (default) or json: one JSON object a line, for log shippers",
     .kind = other,
     .parse = set_log_format,
     .show = [](const Options& o) { return o.log_format; }},
    // Described by the commands' lines of the usage.
    {.name = "--help", .kind = none, .parse = set_help},
    {.name = "-h", .kind = none, .parse = set_help},
    {.name = "--version", .kind = none, .parse = set_version},
    {.name = "--skip-bad-rows",
     .kind = none,
     .parse = set_skip_bad_rows,
     .only_with = Command::import},
    {.name = "--day",
     .value = "YYYY-MM-DD",
     .kind = text,
     .text = &Options::stats_day,
     .only_with = Command::stats},
    {.name = "--csv",
     .value = "TABLE",
     .kind = other,
     .parse = set_csv,
     .only_with = Command::stats},
    {.name = "--to",
     .value = "FILE",
     .kind = path,
     .path = &Options::backup_file,
     .only_with = Command::backup},
    {.name = "--force", .kind = none, .parse = set_backup_force, .only_with = Command::backup},
    {.name = "--from",
     .value = "FILE",
     .kind = path,
     .path = &Options::backup_file,
     .only_with = Command::restore},
    {.name = "--event", .value = "ID", .kind = other, .parse = set_event},
    {.name = "--name", .value = "NAME", .kind = name, .text = &Options::account_name},
    {.name = "--person", .value = "PERSON", .kind = name, .text = &Options::person_id},
    {.name = "--account", .value = "N", .kind = other, .parse = set_account},
    {.name = "--email",
     .value = "ADDR",
     .kind = text,
     .text = &Options::privacy_email,
     .only_with = Command::privacy},
    {.name = "--code",
     .value = "CODE",
     .kind = text,
     .text = &Options::privacy_code,
     .only_with = Command::privacy},
};

const OptionSpec* find_option(std::string_view name) {
    for (const OptionSpec& spec : kOptions) {
        if (spec.name == name)
            return &spec;
    }
    return nullptr;
}

std::string_view command_name(Command command) {
    switch (command) {
        case Command::serve:
            return "serve";
        case Command::import:
            return "import";
        case Command::admin:
            return "admin";
        case Command::stats:
            return "stats";
        case Command::check_config:
            return "check-config";
        case Command::backup:
            return "backup";
        case Command::restore:
            return "restore";
        case Command::privacy:
            return "privacy";
        case Command::help:
            return "--help";
        case Command::version:
            return "--version";
    }
    return "";
}

// Sets the option's field from `value` (ignored for flags).
Status apply(const OptionSpec& spec, Options& options, const std::string& value) {
    const std::string name(spec.name);
    switch (spec.kind) {
        case ValueKind::none:
        case ValueKind::other:
            return spec.parse(options, spec.name, value);
        case ValueKind::name:
            if (value.empty())
                return bad(name + " needs a value");
            options.*spec.text = value;
            return ok_status();
        case ValueKind::text:
            options.*spec.text = value;
            return ok_status();
        case ValueKind::path:
            options.*spec.path = value;
            return ok_status();
        case ValueKind::whole_number: {
            int& target = options.*spec.number;
            if (!parse_int(value, target) || target < spec.least || target > spec.most) {
                return bad(name + " must be " + std::string(spec.must_be) +
                           (spec.quote_value ? ", not '" + value + "'" : std::string()));
            }
            return ok_status();
        }
    }
    return ok_status();
}

// The words before the options: a command and what it takes. `i` moves past them.
Status parse_command(const std::vector<std::string>& args, size_t& i, Options& options) {
    if (i < args.size() && !args[i].starts_with("-")) {
        if (args[i] == "serve") {
            options.command = Command::serve;
        } else if (args[i] == "import") {
            options.command = Command::import;
            if (i + 1 >= args.size() || args[i + 1].starts_with("-")) {
                return bad("import needs a programme file: stagehub import FILE");
            }
            options.programme_file = args[++i];
        } else if (args[i] == "stats") {
            options.command = Command::stats;
        } else if (args[i] == "check-config") {
            options.command = Command::check_config;
        } else if (args[i] == "backup") {
            options.command = Command::backup;
        } else if (args[i] == "restore") {
            options.command = Command::restore;
        } else if (args[i] == "admin") {
            options.command = Command::admin;
            const std::string action = i + 1 < args.size() ? args[++i] : "";
            if (action == "create-organiser") {
                options.admin_action = AdminAction::create_organiser;
            } else if (action == "create-staff") {
                options.admin_action = AdminAction::create_staff;
            } else if (action == "create-captioner") {
                options.admin_action = AdminAction::create_captioner;
            } else if (action == "speaker-link") {
                options.admin_action = AdminAction::speaker_link;
            } else if (action == "revoke") {
                options.admin_action = AdminAction::revoke;
            } else if (action == "list") {
                options.admin_action = AdminAction::list;
            } else {
                return bad(
                    "admin needs an action: create-organiser, create-staff, "
                    "create-captioner, speaker-link, revoke or list (see stagehub --help)");
            }
        } else if (args[i] == "privacy") {
            options.command = Command::privacy;
            const std::string action = i + 1 < args.size() ? args[++i] : "";
            if (action == "export") {
                options.privacy_action = PrivacyAction::export_data;
            } else if (action == "erase") {
                options.privacy_action = PrivacyAction::erase;
            } else {
                return bad("privacy needs an action: export or erase (see stagehub --help)");
            }
        } else {
            return bad("unknown command '" + args[i] +
                       "'; commands are serve, import, admin, stats, check-config, backup, "
                       "restore and privacy");
        }
        ++i;
    }
    return ok_status();
}

// What holds only in combination, once every option is read.
Status check_combination(const Options& options) {
    if (options.demo_speed != 1.0 && options.programme_file.empty()) {
        return bad("--demo-speed needs --demo FILE");
    }
    if (options.command == Command::stats && options.events.size() != 1)
        return bad("stats needs --event ID: the event to report on");
    if (options.command == Command::backup && options.backup_file.empty())
        return bad("backup needs --to FILE: where to write the copy");
    if (options.command == Command::restore && options.backup_file.empty())
        return bad("restore needs --from FILE: the backup to put back");
    if (options.command == Command::import && options.events.size() > 1)
        return bad("import takes one --event");
    if (options.command == Command::admin) {
        using enum AdminAction;
        const AdminAction a = options.admin_action;
        if ((a == create_organiser || a == create_staff || a == create_captioner) &&
            options.account_name.empty())
            return bad("admin needs --name NAME: who will hold the token");
        if ((a == create_staff || a == create_captioner || a == speaker_link || a == list) &&
            options.events.empty())
            return bad("admin needs --event ID");
        if (a == speaker_link && options.person_id.empty())
            return bad("speaker-link needs --person PERSON (the person's id in the programme)");
        if (a == revoke && options.account_id == 0)
            return bad("revoke needs --account N (see stagehub admin list --event ID)");
    }
    if (options.command == Command::privacy &&
        options.privacy_email.empty() == options.privacy_code.empty())
        return bad("privacy needs --email ADDR or --code CODE (one of them): whose data");
    if (options.tls_cert.empty() != options.tls_key.empty())
        return bad("--tls-cert and --tls-key go together: the certificate and its private key");
    return ok_status();
}

// Whether a serve option is also a configuration file key: every option the usage lists
// under "serve options", except --config itself.
bool is_config_key(const OptionSpec& spec) {
    return !spec.help.empty() && spec.name != "--config";
}

// The value of --config among the options from `first` on, found by walking them as the
// parser will (so a value that happens to read "--config" is not taken for the option).
// Errors in the walk are left to the parser.
std::optional<std::filesystem::path> config_argument(const std::vector<std::string>& args,
                                                     size_t first) {
    std::optional<std::filesystem::path> found;
    for (size_t i = first; i < args.size(); ++i) {
        const OptionSpec* spec = find_option(args[i]);
        if (spec == nullptr)
            return found;
        if (spec->kind == ValueKind::none)
            continue;
        if (i + 1 < args.size() && spec->name == "--config")
            found = args[i + 1];
        ++i;
    }
    return found;
}

// Edits needed to turn `a` into `b` (Levenshtein), for "did you mean" on a misspelt key.
size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string unknown_key_message(const std::string& key) {
    std::string message = "unknown key '" + key + "'";
    for (const OptionSpec& spec : kOptions) {
        if (is_config_key(spec) && edit_distance(key, spec.name.substr(2)) <= 2) {
            message += " (did you mean " + std::string(spec.name.substr(2)) + "?)";
            break;
        }
    }
    return message + "; keys are the serve options of stagehub --help, without --";
}

// A relative path in a configuration file is read from the file's folder, not from
// wherever the service happens to start (systemd starts it in /).
std::string resolve_in_file(const OptionSpec& spec, const ConfigFile& file,
                            const std::string& value) {
    if ((spec.value != "DIR" && spec.value != "FILE") || value.front() == '/')
        return value;
    return (file.path.parent_path() / value).lexically_normal().string();
}

Status apply_config_file(const ConfigFile& file, Options& options) {
    std::map<std::string, int, std::less<>> first_line;
    for (const ConfigSetting& setting : file.settings) {
        const std::string where = config_location(file, setting);
        const std::string flag = "--" + setting.key;
        const OptionSpec* spec = find_option(flag);
        if (spec == nullptr || !is_config_key(*spec))
            return bad(where + unknown_key_message(setting.key));
        if (spec->list == nullptr) {
            const auto [earlier, first] = first_line.emplace(setting.key, setting.line);
            if (!first) {
                return bad(where + setting.key + " is set twice (lines " +
                           std::to_string(earlier->second) + " and " +
                           std::to_string(setting.line) + "); keep one");
            }
        }
        if (spec->kind == ValueKind::none) {
            if (setting.value != "true" && setting.value != "false")
                return bad(where + setting.key + " is true or false, not '" + setting.value + "'");
            if (setting.value == "false")
                continue;
        }
        const Status applied = apply(*spec, options, resolve_in_file(*spec, file, setting.value));
        if (!applied) {
            // The option's own message names "--key"; in a file the reader wrote "key".
            std::string message = applied.error().message;
            if (message.starts_with(flag))
                message.erase(0, 2);
            return bad(where + message);
        }
        options.setting_sources[setting.key] =
            file.path.string() + ":" + std::to_string(setting.line);
    }
    return ok_status();
}

}  // namespace

std::string usage() {
    std::string text =
        R"(stagehub: runs hybrid theme days: the programme, live stages as HLS, live push.

usage:
  stagehub serve [options]         serve the programme, the web pages and every stage
  stagehub import FILE [--event ID] [--skip-bad-rows] [--data DIR]
                                   store a programme: stagehub JSON, frab schedule.json or
                                   schedule.xml, or a sessions CSV (docs/API.md, "Formats")
  stagehub admin ACTION [options]  accounts and their tokens:
      create-organiser --name NAME [--event ID]...  an organiser (of these events; one
                                                    with no event may import new ones)
      create-staff --name NAME --event ID...        staff: statistics of these events
      create-captioner --name NAME --event ID...    a captioner: live captions of the
                                                    stages of these events
      speaker-link --event ID --person PERSON       a speaker's personal link token
      revoke --account N                            revoke every token of an account
      list --event ID                               the accounts of an event
  stagehub stats --event ID [--day YYYY-MM-DD] [--csv TABLE] [--data DIR]
                                   the event's attendance per session (in person, live
                                   web, replays) as a table; --csv sessions|days|stages
                                   prints that table as CSV instead
  stagehub check-config [--config FILE] [options]
                                   print the settings serve would run with, and where
                                   each came from; check the folders and files they name
  stagehub backup --to FILE [--force] [--data DIR]
                                   copy the database while the server serves (--force
                                   replaces FILE); docs/OPERATIONS.md
  stagehub restore --from FILE [--data DIR]
                                   put a backup in place of the database, the server
                                   stopped; the old one is kept beside it
  stagehub privacy export|erase (--email ADDR | --code CODE) [--data DIR]
                                   one person's data (docs/PRIVACY.md): export prints all
                                   held about them as JSON; erase anonymises it (the
                                   figures keep counting); both are logged and audited
  stagehub --help | --version

serve options:
)";
    // The serve options, from the table: the name and value in a column of 23, the
    // description beside it (or below, when the name is longer).
    for (const OptionSpec& spec : kOptions) {
        if (spec.help.empty())
            continue;
        size_t synopsis = spec.name.size();
        text.append("  ").append(spec.name);
        if (!spec.value.empty()) {
            text.append(" ").append(spec.value);
            synopsis += 1 + spec.value.size();
        }
        if (synopsis < kUsageColumn) {
            text.append(kUsageColumn - synopsis, ' ');
        } else {
            text.append("\n").append(kUsageColumn + 2, ' ');
        }
        for (const char c : spec.help) {
            text.push_back(c);
            if (c == '\n')
                text.append(kUsageColumn + 2, ' ');
        }
        text.push_back('\n');
    }
    return text;
}

Result<Options> parse_options(const std::vector<std::string>& args,
                              const std::optional<std::filesystem::path>& default_config) {
    Options options;
    size_t i = 0;
    if (Status command = parse_command(args, i, options); !command)
        return command.error();
    const std::optional<std::filesystem::path> config_path = config_argument(args, i);
    const bool use_default =
        !config_path && default_config && std::filesystem::exists(*default_config);
    if (config_path || use_default) {
        auto file = read_config_file(config_path ? *config_path : *default_config);
        if (!file)
            return file.error();
        if (Status applied = apply_config_file(*file, options); !applied)
            return applied.error();
        options.config_file = file->path;
    }
    // Repeatable options the command line has emptied of the file's values.
    std::set<const OptionSpec*> replaced;
    for (; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const OptionSpec* spec = find_option(arg);
        if (spec == nullptr)
            return bad("unknown option '" + arg + "'; see stagehub --help");
        if (spec->only_with && options.command != *spec->only_with)
            return bad(arg + " goes with " + std::string(command_name(*spec->only_with)));
        std::string value;
        if (spec->kind != ValueKind::none) {
            if (i + 1 >= args.size())
                return bad(arg + " needs a value");
            value = args[++i];
        }
        if (spec->list != nullptr && replaced.insert(spec).second)
            (options.*spec->list).clear();
        if (Status applied = apply(*spec, options, value); !applied)
            return applied.error();
        if (is_config_key(*spec))
            options.setting_sources[std::string(spec->name.substr(2))] = "command line";
    }
    if (Status combination = check_combination(options); !combination)
        return combination.error();
    return options;
}

std::vector<EffectiveSetting> effective_settings(const Options& options) {
    std::vector<EffectiveSetting> settings;
    for (const OptionSpec& spec : kOptions) {
        if (!is_config_key(spec))
            continue;
        const std::string key(spec.name.substr(2));
        const auto source = options.setting_sources.find(key);
        const std::string from =
            source == options.setting_sources.end() ? "default" : source->second;
        if (spec.list != nullptr) {
            for (const std::string& value : options.*spec.list)
                settings.push_back({key, value, from});
            continue;
        }
        std::string value;
        switch (spec.kind) {
            case ValueKind::text:
            case ValueKind::name:
                value = options.*spec.text;
                break;
            case ValueKind::path:
                value = (options.*spec.path).string();
                break;
            case ValueKind::whole_number:
                value = std::to_string(options.*spec.number);
                break;
            case ValueKind::none:
            case ValueKind::other:
                value = spec.show != nullptr ? spec.show(options) : std::string();
                break;
        }
        // A relative path means the folder serve starts in: say which.
        if ((spec.value == "DIR" || spec.value == "FILE") && !value.empty())
            value = std::filesystem::absolute(value).lexically_normal().string();
        settings.push_back({key, value, from});
    }
    return settings;
}

}  // namespace stagehub::server
