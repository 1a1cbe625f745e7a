#include "server/app/options.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>

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
    return Error{"bad_arguments", message};
}

bool parse_int(const std::string& text, int& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string usage() {
    return R"(stagehub: runs hybrid theme days: the programme, live stages as HLS, live push.

usage:
  stagehub serve [options]         serve the programme, the web pages and every stage
  stagehub import FILE [--event ID] [--skip-bad-rows] [--data DIR]
                                   store a programme: stagehub JSON, frab schedule.json or
                                   schedule.xml, or a sessions CSV (docs/API.md, "Formats")
  stagehub admin ACTION [options]  accounts and their tokens:
      create-organiser --name NAME [--event ID]...  an organiser (of these events; one
                                                    with no event may import new ones)
      create-staff --name NAME --event ID...        staff: statistics of these events
      speaker-link --event ID --person PERSON       a speaker's personal link token
      revoke --account N                            revoke every token of an account
      list --event ID                               the accounts of an event
  stagehub stats --event ID [--day YYYY-MM-DD] [--csv TABLE] [--data DIR]
                                   the event's attendance per session (in person, live
                                   web, replays) as a table; --csv sessions|days|stages
                                   prints that table as CSV instead
  stagehub --help | --version

serve options:
  --data DIR             database and media folder (default: var)
  --host ADDR            address to listen on (default: 127.0.0.1; ::1 for IPv6)
  --port N               port (default: 8080; 0 picks a free one)
  --web DIR              the web pages (default: web/ of the source tree)
  --demo FILE            import FILE re-timed so its first session starts now
  --demo-speed X         with --demo: run the programme X times faster (e.g. 10)
  --no-broadcast         serve programme and pages without starting stage pipelines
  --segment-seconds N    HLS segment length (default: 2)
  --video WxH            test pattern and slate picture size (default: 1280x720)
  --ladder LIST          encoded renditions below the passthrough source, as
                         NAME:WxH:KBPS,... or "none" (default:
                         720p:1280x720:2500,360p:640x360:800)
  --ws-timeout N         close a websocket silent for N seconds; it is pinged halfway
                         (default: 40)
  --embed-origin URL     a site whose pages may frame /embed/{stage}, e.g.
                         https://kommun.se (repeatable; default: any site)
  --allow-origin URL     a site whose pages may open the websocket, e.g.
                         https://kommun.se (repeatable; "*" for any)
  --ws-per-address N     websockets open at once from one address (default: 256; 0: any)
  --connections-per-address N
                         connections open at once from one address, websockets included
                         (default: 1024; 0: any); more are closed at once
  --header-timeout S     seconds a request's head may take to arrive (default: 10)
  --body-timeout S       seconds a request's body may take to arrive (default: 30)
  --tls-cert FILE        serve HTTPS with this PEM certificate (chain); browsers then
  --tls-key FILE         speak HTTP/2 to it (ALPN h2), with HTTP/1.1 as the fallback
  --ws-subscriptions N   channels one websocket may follow at once (default: 32)
  --ws-queue N           unsent messages a websocket may have queued; past that it has
                         fallen behind and gets fresh snapshots instead (default: 256)
  --ws-stuck-timeout N   close a websocket that has fallen behind and not caught up
                         within N seconds (default: 10)
  --retention-days N     delete archived segments (replays) older than N days, checked at
                         start and hourly (default: 0, keep everything)
  --heartbeat-every N    players send a viewer heartbeat every N seconds; a viewer not
                         heard from for 3 N has left (default: 15)
  --heartbeat-connection-rate N
                         heartbeats a second one connection may send (default: 50)
  --heartbeat-queue N    heartbeats that may wait for the disk; past that 503 (default: 65536)
  --heartbeat-retention-days N
                         keep raw heartbeats N days, then only per-minute and per-session
                         figures (default: 30)
  --limit-registrations N
                         public registrations one address may make a minute (default: 60)
  --limit-code-lookups N check-in codes (their QR codes) one address may look up a minute
                         (default: 60)
  --limit-new-viewers N  viewers one address's heartbeats may bring a minute; a town hall
                         behind one NAT is one address (default: 200)
  --limit-failed-tokens N
                         unknown or revoked tokens one address may try a minute; then it
                         is refused before its token is looked up (default: 30)
                         Each --limit-* counts per client address (behind a reverse proxy:
                         the proxy's, so raise them there); past it 429; 0: no limit
)";
}

Result<Options> parse_options(const std::vector<std::string>& args) {
    Options options;
    size_t i = 0;
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
        } else if (args[i] == "admin") {
            options.command = Command::admin;
            const std::string action = i + 1 < args.size() ? args[++i] : "";
            if (action == "create-organiser") {
                options.admin_action = AdminAction::create_organiser;
            } else if (action == "create-staff") {
                options.admin_action = AdminAction::create_staff;
            } else if (action == "speaker-link") {
                options.admin_action = AdminAction::speaker_link;
            } else if (action == "revoke") {
                options.admin_action = AdminAction::revoke;
            } else if (action == "list") {
                options.admin_action = AdminAction::list;
            } else {
                return bad(
                    "admin needs an action: create-organiser, create-staff, "
                    "speaker-link, revoke or list (see stagehub --help)");
            }
        } else {
            return bad("unknown command '" + args[i] +
                       "'; commands are serve, import, admin and stats");
        }
        ++i;
    }
    for (; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const auto value = [&]() -> Result<std::string> {
            if (i + 1 >= args.size())
                return bad(arg + " needs a value");
            return args[++i];
        };
        if (arg == "--help" || arg == "-h") {
            options.command = Command::help;
        } else if (arg == "--version") {
            options.command = Command::version;
        } else if (arg == "--no-broadcast") {
            options.broadcast = false;
        } else if (arg == "--skip-bad-rows") {
            if (options.command != Command::import)
                return bad("--skip-bad-rows goes with import");
            options.skip_bad_rows = true;
        } else if (arg == "--day" || arg == "--csv") {
            if (options.command != Command::stats)
                return bad(arg + " goes with stats");
            auto v = value();
            if (!v)
                return v.error();
            if (arg == "--day") {
                options.stats_day = *v;
            } else if (*v == "sessions" || *v == "days" || *v == "stages") {
                options.stats_table = *v;
            } else {
                return bad("--csv takes sessions, days or stages, not '" + *v + "'");
            }
        } else if (arg == "--event" || arg == "--name" || arg == "--person" || arg == "--account") {
            auto v = value();
            if (!v)
                return v.error();
            if (v->empty())
                return bad(arg + " needs a value");
            if (arg == "--event") {
                options.events.push_back(*v);
                options.event_id = *v;
            } else if (arg == "--name") {
                options.account_name = *v;
            } else if (arg == "--person") {
                options.person_id = *v;
            } else {
                int id = 0;
                if (!parse_int(*v, id) || id <= 0)
                    return bad("--account must be an account number, not '" + *v + "'");
                options.account_id = id;
            }
        } else if (arg == "--data" || arg == "--web" || arg == "--host" || arg == "--demo" ||
                   arg == "--port" || arg == "--demo-speed" || arg == "--segment-seconds" ||
                   arg == "--video" || arg == "--retention-days" || arg == "--ladder" ||
                   arg == "--ws-timeout" || arg == "--allow-origin" || arg == "--embed-origin" ||
                   arg == "--ws-per-address" || arg == "--connections-per-address" ||
                   arg == "--header-timeout" || arg == "--body-timeout" ||
                   arg == "--ws-subscriptions" || arg == "--ws-queue" ||
                   arg == "--ws-stuck-timeout" || arg == "--tls-cert" || arg == "--tls-key" ||
                   arg == "--heartbeat-every" || arg == "--heartbeat-connection-rate" ||
                   arg == "--heartbeat-queue" || arg == "--heartbeat-retention-days" ||
                   arg == "--limit-registrations" || arg == "--limit-code-lookups" ||
                   arg == "--limit-new-viewers" || arg == "--limit-failed-tokens") {
            auto v = value();
            if (!v)
                return v.error();
            const std::string& text = *v;
            if (arg == "--data") {
                options.data_dir = text;
            } else if (arg == "--web") {
                options.web_dir = text;
            } else if (arg == "--host") {
                options.host = text;
            } else if (arg == "--demo") {
                if (options.command != Command::serve)
                    return bad("--demo goes with serve");
                options.programme_file = text;
            } else if (arg == "--port") {
                if (!parse_int(text, options.port) || options.port < 0 || options.port > 65535) {
                    return bad("--port must be a number from 0 to 65535, not '" + text + "'");
                }
            } else if (arg == "--demo-speed") {
                char* end = nullptr;
                options.demo_speed = std::strtod(text.c_str(), &end);
                if (end == text.c_str() || *end != '\0' || !(options.demo_speed >= 1.0) ||
                    options.demo_speed > 3600) {
                    return bad("--demo-speed must be a number from 1 to 3600, not '" + text + "'");
                }
            } else if (arg == "--segment-seconds") {
                if (!parse_int(text, options.segment_seconds) || options.segment_seconds < 1 ||
                    options.segment_seconds > 10) {
                    return bad("--segment-seconds must be a whole number from 1 to 10");
                }
            } else if (arg == "--retention-days") {
                if (!parse_int(text, options.retention_days) || options.retention_days < 0 ||
                    options.retention_days > 3650) {
                    return bad(
                        "--retention-days must be a whole number of days from 0 (keep "
                        "everything) to 3650, not '" +
                        text + "'");
                }
            } else if (arg == "--embed-origin") {
                // Written into a Content-Security-Policy header: a plain origin only, so no
                // value can add a directive of its own.
                if (!is_plain_origin(text)) {
                    return bad(
                        "--embed-origin must be an origin like https://kommun.se or "
                        "https://kommun.se:8443, not '" +
                        text + "'");
                }
                options.embed_origins.push_back(text);
            } else if (arg == "--allow-origin") {
                if (text != "*" && !text.starts_with("http://") && !text.starts_with("https://")) {
                    return bad(
                        "--allow-origin must be * or an origin like https://kommun.se, not '" +
                        text + "'");
                }
                options.allowed_origins.push_back(text);
            } else if (arg == "--connections-per-address") {
                if (!parse_int(text, options.connections_per_address) ||
                    options.connections_per_address < 0) {
                    return bad(
                        "--connections-per-address must be a whole number (0 for no limit), "
                        "not '" +
                        text + "'");
                }
            } else if (arg == "--header-timeout" || arg == "--body-timeout") {
                int& seconds =
                    arg == "--header-timeout" ? options.header_timeout_s : options.body_timeout_s;
                if (!parse_int(text, seconds) || seconds < 1 || seconds > 3600)
                    return bad(arg + " must be a number of seconds from 1 to 3600, not '" + text +
                               "'");
            } else if (arg == "--ws-per-address") {
                if (!parse_int(text, options.websockets_per_address) ||
                    options.websockets_per_address < 0) {
                    return bad("--ws-per-address must be a whole number (0 for no limit), not '" +
                               text + "'");
                }
            } else if (arg == "--tls-cert" || arg == "--tls-key") {
                std::error_code ec;
                if (!std::filesystem::is_regular_file(text, ec))
                    return bad(arg + ": no file at " + text);
                (arg == "--tls-cert" ? options.tls_cert : options.tls_key) = text;
            } else if (arg == "--ws-subscriptions" || arg == "--ws-queue" ||
                       arg == "--ws-stuck-timeout") {
                int& target = arg == "--ws-subscriptions" ? options.websocket_subscriptions
                              : arg == "--ws-queue"       ? options.websocket_queue_messages
                                                          : options.websocket_stuck_timeout_s;
                const int most = arg == "--ws-stuck-timeout" ? 600 : 65536;
                if (!parse_int(text, target) || target < 1 || target > most) {
                    return bad(arg + " must be a whole number from 1 to " + std::to_string(most) +
                               ", not '" + text + "'");
                }
            } else if (arg.starts_with("--heartbeat-")) {
                struct Bounds {
                    int* target;
                    int least;
                    int most;
                };
                const Bounds bounds = arg == "--heartbeat-every"
                                          ? Bounds{&options.heartbeat_every_s, 2, 300}
                                      : arg == "--heartbeat-connection-rate"
                                          ? Bounds{&options.heartbeat_connection_rate, 1, 1000000}
                                      : arg == "--heartbeat-queue"
                                          ? Bounds{&options.heartbeat_queue, 16, 1 << 22}
                                          : Bounds{&options.heartbeat_retention_days, 1, 3650};
                if (!parse_int(text, *bounds.target) || *bounds.target < bounds.least ||
                    *bounds.target > bounds.most) {
                    return bad(arg + " must be a whole number from " +
                               std::to_string(bounds.least) + " to " + std::to_string(bounds.most) +
                               ", not '" + text + "'");
                }
            } else if (arg.starts_with("--limit-")) {
                int& target = arg == "--limit-registrations"  ? options.registrations_per_minute
                              : arg == "--limit-code-lookups" ? options.code_lookups_per_minute
                              : arg == "--limit-new-viewers"  ? options.new_viewers_per_minute
                                                              : options.failed_tokens_per_minute;
                if (!parse_int(text, target) || target < 0 || target > 1000000) {
                    return bad(arg + " must be a whole number a minute from 0 (no limit) to " +
                               "1000000, not '" + text + "'");
                }
            } else if (arg == "--ws-timeout") {
                if (!parse_int(text, options.websocket_timeout_s) ||
                    options.websocket_timeout_s < 2 || options.websocket_timeout_s > 3600) {
                    return bad(
                        "--ws-timeout must be a whole number of seconds from 2 to 3600, not '" +
                        text + "'");
                }
            } else if (arg == "--ladder") {
                try {
                    options.ladder.encoded = text == "none"
                                                 ? std::vector<pipelines::EncodedRendition>{}
                                                 : pipelines::parse_encoded_renditions(text);
                } catch (const std::invalid_argument& e) {
                    return bad(std::string("--ladder: ") + e.what());
                }
            } else if (arg == "--video") {
                const size_t x = text.find('x');
                if (x == std::string::npos || !parse_int(text.substr(0, x), options.video_width) ||
                    !parse_int(text.substr(x + 1), options.video_height) ||
                    options.video_width < 64 || options.video_height < 64 ||
                    options.video_width > 3840 || options.video_height > 2160 ||
                    options.video_width % 2 != 0 || options.video_height % 2 != 0) {
                    return bad(
                        "--video must be WIDTHxHEIGHT with even sizes up to 3840x2160, not '" +
                        text + "'");
                }
            }
        } else {
            return bad("unknown option '" + arg + "'; see stagehub --help");
        }
    }
    if (options.demo_speed != 1.0 && options.programme_file.empty()) {
        return bad("--demo-speed needs --demo FILE");
    }
    if (options.command == Command::stats && options.events.size() != 1)
        return bad("stats needs --event ID: the event to report on");
    if (options.command == Command::import && options.events.size() > 1)
        return bad("import takes one --event");
    if (options.command == Command::admin) {
        using enum AdminAction;
        const AdminAction a = options.admin_action;
        if ((a == create_organiser || a == create_staff) && options.account_name.empty())
            return bad("admin needs --name NAME: who will hold the token");
        if ((a == create_staff || a == speaker_link || a == list) && options.events.empty())
            return bad("admin needs --event ID");
        if (a == speaker_link && options.person_id.empty())
            return bad("speaker-link needs --person PERSON (the person's id in the programme)");
        if (a == revoke && options.account_id == 0)
            return bad("revoke needs --account N (see stagehub admin list --event ID)");
    }
    if (options.tls_cert.empty() != options.tls_key.empty())
        return bad("--tls-cert and --tls-key go together: the certificate and its private key");
    return options;
}

}  // namespace stagehub::server
