// The load process of scripts/bench-fanout: N websocket clients on loopback, all subscribed to
// one channel, measuring how a server fans a delta out to them (docs/BENCHMARKS.md).
//
// One thread, one epoll loop, non-blocking sockets and a hand-written websocket client: the
// load must cost as little CPU as possible, since it shares the machine's two cores with the
// server it measures, and it must behave the same against every server (stagehub and the
// Node.js peer). Latency is the client's receive time (CLOCK_REALTIME, taken when read()
// returns) minus the message's "server_time" (same machine, same clock). server_time has
// millisecond resolution, truncated, so a figure is up to 1 ms above the true latency.
//
// stdout carries two lines for the script: "idle" once every client is connected and
// subscribed and the server has gone quiet (--hold-idle), and the results as one JSON object
// at the end. Progress and diagnostics go to stderr.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

// --- options ------------------------------------------------------------------------------

constexpr const char* kUsage = R"(usage: stagehub_ws_fanout_load --port N [options]
  --host ADDR             server address (default 127.0.0.1)
  --port N                server port
  --path PATH             websocket path (default /ws)
  --clients N             websocket clients (default 10000)
  --per-address N         clients per source address 127.0.0.1, 127.0.0.2, ... (default 20000;
                          an address has ~28k ephemeral ports towards one server port)
  --in-flight N           connects and upgrades in progress at once (default 500)
  --subscribe TEXT        sent by every client after the upgrade (default: the agenda channel
                          of tillsammans-for-fornyelse)
  --deltas K              broadcasts to trigger, one after another (default 20)
  --trigger-method M      HTTP method of the trigger request (default PATCH)
  --trigger-path PATH     its path
  --trigger-header H      a header line, e.g. 'authorization: Bearer X' (repeatable)
  --trigger-body TEXT     its body; every %d becomes the delta's index (0, 1, ...)
  --capture-delta FILE    write the first delta received to FILE
  --capture-snapshot FILE write the first snapshot received to FILE
  --hold-idle S           once connected, subscribed and quiet: print "idle", wait S seconds
  --connect-timeout S     bound on connecting every client (default 300)
  --subscribe-timeout S   bound on the replies to the subscribes (default 120)
  --quiet-ms MS           silence that ends the subscribe phase (default 1000)
  --delta-timeout S       bound on one delta reaching every client (default 10)
  --answer-timeout S      bound on the answer to a trigger request (default 60)
A delta is a text message containing "type":"delta"; every other message is ignored. Every
trigger must make the server broadcast exactly one delta (%d keeps the bodies apart) with a
growing "rev", which tells the broadcasts apart: one arriving after its wait counts as late.
The first trigger must be answered 2xx; a later one refused, reset or unanswered ends the
deltas there (reported; the rest count as missing).
)";

struct Options {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string path = "/ws";
    int clients = 10000;
    int per_address = 20000;
    int in_flight = 500;
    std::string subscribe =
        R"({"type":"subscribe","channels":["agenda:tillsammans-for-fornyelse"]})";
    int deltas = 20;
    std::string trigger_method = "PATCH";
    std::string trigger_path;
    std::vector<std::string> trigger_headers;
    std::string trigger_body;
    std::string capture_delta;
    std::string capture_snapshot;
    double hold_idle = 0;
    double connect_timeout = 300;
    double subscribe_timeout = 120;
    double quiet_ms = 1000;
    double delta_timeout = 10;
    double answer_timeout = 60;
};

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "stagehub_ws_fanout_load: %s\n", message.c_str());
    std::exit(1);
}

template <typename Number>
Number number_of(const std::string& option, const std::string& text, Number low) {
    Number value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < low)
        fail(option + " takes a number of at least " + std::to_string(low) + ", not '" + text +
             "'");
    return value;
}

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        if (i + 1 >= argc)
            fail(arg + " needs a value (--help for usage)");
        const std::string value = argv[++i];
        if (arg == "--host") {
            options.host = value;
        } else if (arg == "--port") {
            options.port = number_of<int>(arg, value, 1);
        } else if (arg == "--path") {
            options.path = value;
        } else if (arg == "--clients") {
            options.clients = number_of<int>(arg, value, 1);
        } else if (arg == "--per-address") {
            options.per_address = number_of<int>(arg, value, 1);
        } else if (arg == "--in-flight") {
            options.in_flight = number_of<int>(arg, value, 1);
        } else if (arg == "--subscribe") {
            options.subscribe = value;
        } else if (arg == "--deltas") {
            options.deltas = number_of<int>(arg, value, 0);
        } else if (arg == "--trigger-method") {
            options.trigger_method = value;
        } else if (arg == "--trigger-path") {
            options.trigger_path = value;
        } else if (arg == "--trigger-header") {
            options.trigger_headers.push_back(value);
        } else if (arg == "--trigger-body") {
            options.trigger_body = value;
        } else if (arg == "--capture-delta") {
            options.capture_delta = value;
        } else if (arg == "--capture-snapshot") {
            options.capture_snapshot = value;
        } else if (arg == "--hold-idle") {
            options.hold_idle = number_of<double>(arg, value, 0);
        } else if (arg == "--connect-timeout") {
            options.connect_timeout = number_of<double>(arg, value, 1);
        } else if (arg == "--subscribe-timeout") {
            options.subscribe_timeout = number_of<double>(arg, value, 1);
        } else if (arg == "--quiet-ms") {
            options.quiet_ms = number_of<double>(arg, value, 0);
        } else if (arg == "--delta-timeout") {
            options.delta_timeout = number_of<double>(arg, value, 0.1);
        } else if (arg == "--answer-timeout") {
            options.answer_timeout = number_of<double>(arg, value, 0.1);
        } else {
            fail("unknown option " + arg + " (--help for usage)");
        }
    }
    if (options.port == 0)
        fail("--port is required (--help for usage)");
    if (options.deltas > 0 && options.trigger_path.empty())
        fail("--trigger-path is required to send deltas");
    // 127.0.0.1 + n must stay inside 127.0.0.0/8.
    if ((options.clients + options.per_address - 1) / options.per_address > 250)
        fail("--clients / --per-address needs more than 250 source addresses");
    return options;
}

// --- clocks and time stamps ---------------------------------------------------------------

double seconds_of(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double monotonic() {
    return seconds_of(CLOCK_MONOTONIC);
}
double realtime() {
    return seconds_of(CLOCK_REALTIME);
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// "2026-11-23T21:50:00.123Z" (the shape both servers write) to seconds since the epoch.
std::optional<double> parse_iso_utc(std::string_view text) {
    const auto digits = [&](size_t at, size_t count) -> std::optional<int> {
        if (at + count > text.size())
            return std::nullopt;
        int value = 0;
        for (size_t i = at; i < at + count; ++i) {
            if (text[i] < '0' || text[i] > '9')
                return std::nullopt;
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    const auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
    const auto hour = digits(11, 2), minute = digits(14, 2), second = digits(17, 2);
    if (!year || !month || !day || !hour || !minute || !second || text.size() < 20 ||
        text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
        return std::nullopt;
    }
    double fraction = 0;
    size_t at = 19;
    if (text[at] == '.') {
        double scale = 0.1;
        for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
            fraction += (text[at] - '0') * scale;
            scale /= 10;
        }
    }
    if (at >= text.size() || text[at] != 'Z')
        return std::nullopt;
    const int64_t days =
        days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
    return static_cast<double>(days * 86400 + *hour * 3600 + *minute * 60 + *second) + fraction;
}

// The string value of a top-level-looking "key":"value" pair; both servers write compact
// JSON, and the keys read here occur once in a message.
std::optional<std::string_view> string_field(std::string_view json, std::string_view key) {
    const std::string pattern = "\"" + std::string(key) + "\":\"";
    const size_t at = json.find(pattern);
    if (at == std::string_view::npos)
        return std::nullopt;
    const size_t start = at + pattern.size();
    const size_t end = json.find('"', start);
    if (end == std::string_view::npos)
        return std::nullopt;
    return json.substr(start, end - start);
}

std::optional<int64_t> integer_field(std::string_view json, std::string_view key) {
    const std::string pattern = "\"" + std::string(key) + "\":";
    const size_t at = json.find(pattern);
    if (at == std::string_view::npos)
        return std::nullopt;
    int64_t value = 0;
    const char* start = json.data() + at + pattern.size();
    const auto [end, ec] = std::from_chars(start, json.data() + json.size(), value);
    if (ec != std::errc() || end == start)
        return std::nullopt;
    return value;
}

// --- websocket framing --------------------------------------------------------------------

std::string base64(const uint8_t* data, size_t size) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (size_t i = 0; i < size; i += 3) {
        const uint32_t chunk = (uint32_t{data[i]} << 16) |
                               (i + 1 < size ? uint32_t{data[i + 1]} << 8 : 0) |
                               (i + 2 < size ? uint32_t{data[i + 2]} : 0);
        out += kAlphabet[(chunk >> 18) & 63];
        out += kAlphabet[(chunk >> 12) & 63];
        out += i + 1 < size ? kAlphabet[(chunk >> 6) & 63] : '=';
        out += i + 2 < size ? kAlphabet[chunk & 63] : '=';
    }
    return out;
}

enum class Opcode : uint8_t {
    continuation = 0,
    text = 1,
    binary = 2,
    close = 8,
    ping = 9,
    pong = 10
};

// RFC 6455 requires a client to mask every frame it sends, with a fresh key each time.
void append_client_frame(std::string& out, Opcode opcode, std::string_view payload,
                         std::mt19937_64& random) {
    out += static_cast<char>(0x80 | static_cast<uint8_t>(opcode));
    const size_t size = payload.size();
    if (size < 126) {
        out += static_cast<char>(0x80 | size);
    } else if (size <= 0xffff) {
        out += static_cast<char>(0x80 | 126);
        out += static_cast<char>(size >> 8);
        out += static_cast<char>(size & 0xff);
    } else {
        out += static_cast<char>(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8)
            out += static_cast<char>((size >> shift) & 0xff);
    }
    const uint32_t key = static_cast<uint32_t>(random());
    const std::array<char, 4> mask = {static_cast<char>(key >> 24), static_cast<char>(key >> 16),
                                      static_cast<char>(key >> 8), static_cast<char>(key)};
    out.append(mask.data(), mask.size());
    for (size_t i = 0; i < size; ++i)
        out += static_cast<char>(payload[i] ^ mask[i % 4]);
}

// --- the load -----------------------------------------------------------------------------

enum class Phase : uint8_t { unstarted, connecting, upgrading, open, closed };

struct Client {
    int fd = -1;
    Phase phase = Phase::unstarted;
    bool writing = false;     // EPOLLOUT armed: connect pending, or `out` not yet all sent
    bool replied = false;     // a message arrived after the subscribe was sent
    int32_t last_delta = -1;  // index of the last delta counted for this client
    std::string in;           // bytes of an incomplete handshake response or frame
    std::string out;          // bytes to send: handshake, subscribe, pongs
    std::string message;      // payload of a fragmented message so far
};

// The trigger: one HTTP/1.1 request per delta on a connection of its own, driven by the same
// epoll loop, so that deliveries arriving while the server answers are time-stamped as they
// arrive rather than after a blocking call returns.
struct Trigger {
    int fd = -1;
    std::string out;
    std::string in;
    bool done = false;     // answered or cut off
    bool refused = false;  // answered with a status other than 2xx
    std::string failure;   // why it did not succeed; empty if it did
};

constexpr uint64_t kTriggerTag = ~uint64_t{0};
constexpr size_t kMaxFrame = 64u << 20;

class Load {
  public:
    explicit Load(Options options);
    ~Load();
    int run();

  private:
    // The phases, in order; each loops on poll() until its condition or its deadline.
    void connect_all();
    void await_subscribed();
    void hold_idle();
    void send_deltas();
    void print_results() const;

    void poll(double timeout_s);
    void start_connect(int index);
    void on_event(Client& client, uint32_t events);
    void on_connected(Client& client);
    void on_readable(Client& client);
    void on_upgraded(Client& client);
    size_t parse_frames(Client& client, const char* data, size_t size);
    void on_frame(Client& client, uint8_t first, std::string_view payload);
    void on_message(Client& client, std::string_view text);
    void on_delta(Client& client, std::string_view text);
    void send(Client& client, std::string bytes);
    void flush(Client& client);
    void close_client(Client& client, const char* why, bool during_connect);
    void start_trigger(int index);
    void on_trigger_event(uint32_t events);
    void end_trigger(std::string failure);
    bool trigger_complete();
    void capture(const std::string& file, std::string_view text, bool& captured);

    // Passed by argument.
    const Options options_;
    // Allocated by this.
    sockaddr_in server_{};
    int epoll_ = -1;
    std::vector<Client> clients_;
    Trigger trigger_;
    std::mt19937_64 random_;
    std::vector<char> buffer_ = std::vector<char>(256 * 1024);
    double read_time_ = 0;  // CLOCK_REALTIME when the current read() returned
    double last_message_ = 0;

    int next_client_ = 0;
    int in_flight_ = 0;
    int connected_ = 0;
    int connect_failures_ = 0;
    int closed_after_open_ = 0;
    double connect_seconds_ = 0;
    std::string first_failure_;

    int current_delta_ = -1;  // the delta triggered last
    int ended_ = -1;          // the last delta whose wait is over: later arrivals are late
    std::vector<std::optional<int64_t>> revs_;
    std::vector<int64_t> delivered_;
    std::vector<double> trigger_start_;  // monotonic
    std::vector<double> last_delivery_;  // monotonic
    std::vector<double> latencies_ms_;
    int deltas_triggered_ = 0;  // fewer than --deltas if a trigger request failed
    int64_t late_ = 0;
    int64_t duplicates_ = 0;
    int64_t stray_ = 0;
    int64_t unparsed_time_ = 0;
    size_t delta_bytes_ = 0;
    bool delta_captured_ = false;
    bool snapshot_captured_ = false;
    int replied_ = 0;   // open clients that have had a reply to their subscribe
    int no_reply_ = 0;  // open clients that have not, when the subscribe phase ended
};

Load::Load(Options options)
    : options_(std::move(options)),
      clients_(static_cast<size_t>(options_.clients)),
      random_(std::random_device{}()) {
    server_.sin_family = AF_INET;
    server_.sin_port = htons(static_cast<uint16_t>(options_.port));
    if (inet_pton(AF_INET, options_.host.c_str(), &server_.sin_addr) != 1)
        fail("--host must be an IPv4 address, not " + options_.host);
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0)
        fail(std::string("epoll_create1: ") + std::strerror(errno));
    revs_.resize(static_cast<size_t>(options_.deltas));
    delivered_.resize(static_cast<size_t>(options_.deltas));
    trigger_start_.resize(static_cast<size_t>(options_.deltas));
    last_delivery_.resize(static_cast<size_t>(options_.deltas));
    latencies_ms_.reserve(static_cast<size_t>(options_.clients) *
                          static_cast<size_t>(options_.deltas));
}

Load::~Load() {
    for (Client& client : clients_) {
        if (client.fd >= 0)
            ::close(client.fd);
    }
    if (trigger_.fd >= 0)
        ::close(trigger_.fd);
    ::close(epoll_);
}

int Load::run() {
    connect_all();
    await_subscribed();
    hold_idle();
    send_deltas();
    print_results();
    return 0;
}

void Load::poll(double timeout_s) {
    std::array<epoll_event, 1024> events{};
    const int timeout_ms = std::max(0, static_cast<int>(std::ceil(timeout_s * 1000)));
    const int count = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                                 std::min(timeout_ms, 50));
    if (count < 0 && errno != EINTR)
        fail(std::string("epoll_wait: ") + std::strerror(errno));
    for (int i = 0; i < count; ++i) {
        if (events[i].data.u64 == kTriggerTag)
            on_trigger_event(events[i].events);
        else
            on_event(clients_[events[i].data.u64], events[i].events);
    }
}

// Bounded batches: at most --in-flight connects and upgrades at once, so the server's listen
// backlog (4096 here; 511 for Node) is never overrun and a slow accept shows as a slow rate
// rather than as SYN retries.
void Load::connect_all() {
    const double start = monotonic();
    const double deadline = start + options_.connect_timeout;
    double last_report = start;
    while (next_client_ < options_.clients || in_flight_ > 0) {
        while (in_flight_ < options_.in_flight && next_client_ < options_.clients)
            start_connect(next_client_++);
        const double now = monotonic();
        if (now >= deadline)
            break;
        if (now - last_report >= 5) {
            last_report = now;
            std::fprintf(stderr, "  connected %d of %d (%d failed) after %.0f s\n", connected_,
                         options_.clients, connect_failures_, now - start);
        }
        poll(deadline - now);
    }
    connect_seconds_ = monotonic() - start;
    // What the deadline left unfinished counts as failed.
    const int unstarted = options_.clients - next_client_;
    for (Client& client : clients_) {
        if (client.phase == Phase::connecting || client.phase == Phase::upgrading)
            close_client(client, "connect timeout", true);
    }
    connect_failures_ += unstarted;
    if (unstarted > 0 || in_flight_ > 0)
        std::fprintf(stderr, "  connect timeout after %.0f s\n", options_.connect_timeout);
    std::fprintf(stderr, "  connected %d of %d in %.2f s (%d failed)%s%s\n", connected_,
                 options_.clients, connect_seconds_, connect_failures_,
                 first_failure_.empty() ? "" : "; first failure: ", first_failure_.c_str());
}

// Every client has had a reply since its subscribe, and the server has then been silent for
// --quiet-ms: whatever it sends on connect or subscribe has arrived, so the deltas that follow
// meet idle, subscribed sockets.
void Load::await_subscribed() {
    const double start = monotonic();
    const double deadline = start + options_.subscribe_timeout;
    last_message_ = monotonic();
    for (;;) {
        no_reply_ = connected_ - closed_after_open_ - replied_;
        const double now = monotonic();
        if (no_reply_ == 0 && now - last_message_ >= options_.quiet_ms / 1000) {
            std::fprintf(stderr, "  subscribed and quiet after %.2f s\n", now - start);
            return;
        }
        if (now >= deadline) {
            std::fprintf(stderr, "  subscribe timeout: %d clients had no reply after %.0f s\n",
                         no_reply_, options_.subscribe_timeout);
            return;
        }
        poll(deadline - now);
    }
}

void Load::hold_idle() {
    if (options_.hold_idle <= 0)
        return;
    std::puts("idle");
    std::fflush(stdout);
    const double deadline = monotonic() + options_.hold_idle;
    for (double now = monotonic(); now < deadline; now = monotonic())
        poll(deadline - now);
}

// One trigger at a time, the next only once the last was answered: both servers queue the
// broadcast before they answer, so the broadcasts reach every client in trigger order, which
// on_delta relies on to tell them apart.
void Load::send_deltas() {
    for (int k = 0; k < options_.deltas; ++k) {
        current_delta_ = k;
        deltas_triggered_ = k + 1;
        const auto index = static_cast<size_t>(k);
        start_trigger(k);
        const double deadline = trigger_start_[index] + options_.delta_timeout;
        for (;;) {
            const double now = monotonic();
            if ((delivered_[index] >= connected_ && trigger_.done) || now >= deadline ||
                !trigger_.failure.empty()) {
                break;
            }
            poll(deadline - now);
        }
        ended_ = k;
        if (delivered_[index] < connected_ && trigger_.failure.empty()) {
            std::fprintf(stderr, "  delta %d: %lld of %d clients within %.1f s\n", k,
                         static_cast<long long>(delivered_[index]), connected_,
                         options_.delta_timeout);
        }
        // Deliveries can beat the answer to the trigger; a slow answer is waited for (what
        // arrives meanwhile is late), since the next trigger must not overtake this one.
        const double answer_deadline = trigger_start_[index] + options_.answer_timeout;
        for (double now = monotonic(); !trigger_.done && now < answer_deadline; now = monotonic())
            poll(answer_deadline - now);
        if (!trigger_.done)
            trigger_.failure = "no answer in --answer-timeout";
        if (trigger_.failure.empty())
            continue;
        // A first trigger refused is a wrong token or path. A later failure is the server's,
        // and whether it still broadcast is unknown: the deltas stop there, and the rest of
        // them count as missing.
        if (k == 0 && trigger_.refused)
            fail("the trigger request was " + trigger_.failure);
        std::fprintf(stderr, "  the trigger request of delta %d failed (%s); no more deltas\n", k,
                     trigger_.failure.c_str());
        break;
    }
    // Late deliveries of the last delta would otherwise go unseen; a short grace to count them.
    const double grace = monotonic() + std::min(1.0, options_.delta_timeout);
    for (double now = monotonic(); options_.deltas > 0 && now < grace; now = monotonic())
        poll(grace - now);
}

void Load::print_results() const {
    std::vector<double> sorted = latencies_ms_;
    std::sort(sorted.begin(), sorted.end());
    // Nearest rank: the smallest value with at least p of the samples at or below it.
    const auto percentile = [&](double p) {
        if (sorted.empty())
            return -1.0;
        const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
        return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
    };
    int64_t deliveries = 0;
    double window = 0;
    for (size_t k = 0; k < delivered_.size(); ++k) {
        deliveries += delivered_[k];
        if (delivered_[k] > 0)
            window += last_delivery_[k] - trigger_start_[k];
    }
    const int64_t expected = int64_t{connected_} * options_.deltas;
    std::printf(
        "{\"clients\":%d,\"connected\":%d,\"connect_failures\":%d,\"connect_seconds\":%.3f,"
        "\"connect_rate\":%.1f,\"no_subscribe_reply\":%d,\"closed_after_open\":%d,"
        "\"deltas\":%d,\"deltas_triggered\":%d,\"deliveries\":%lld,\"expected\":%lld,"
        "\"missing\":%lld,\"late\":%lld,"
        "\"duplicates\":%lld,\"stray\":%lld,\"unparsed_time\":%lld,\"p50_ms\":%.3f,"
        "\"p99_ms\":%.3f,\"max_ms\":%.3f,\"min_ms\":%.3f,\"delivery_seconds\":%.6f,"
        "\"msgs_per_s\":%.1f,\"delta_bytes\":%zu}\n",
        options_.clients, connected_, connect_failures_, connect_seconds_,
        connect_seconds_ > 0 ? connected_ / connect_seconds_ : 0.0, no_reply_, closed_after_open_,
        options_.deltas, deltas_triggered_, static_cast<long long>(deliveries),
        static_cast<long long>(expected), static_cast<long long>(expected - deliveries),
        static_cast<long long>(late_), static_cast<long long>(duplicates_),
        static_cast<long long>(stray_), static_cast<long long>(unparsed_time_), percentile(0.5),
        percentile(0.99), sorted.empty() ? -1.0 : sorted.back(),
        sorted.empty() ? -1.0 : sorted.front(), window,
        window > 0 ? static_cast<double>(deliveries) / window : 0.0, delta_bytes_);
    std::fflush(stdout);
}

void Load::start_connect(int index) {
    Client& client = clients_[static_cast<size_t>(index)];
    client.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (client.fd < 0) {
        close_client(client, std::strerror(errno), true);
        return;
    }
    ++in_flight_;
    client.phase = Phase::connecting;
    const int one = 1;
    setsockopt(client.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // The port is chosen at connect() time, unique per (source, destination) pair rather than
    // per source address, so each source address offers the whole ephemeral range.
    setsockopt(client.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr =
        htonl(INADDR_LOOPBACK + static_cast<uint32_t>(index / options_.per_address));
    if (bind(client.fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) < 0) {
        close_client(client, std::strerror(errno), true);
        return;
    }
    if (connect(client.fd, reinterpret_cast<const sockaddr*>(&server_), sizeof server_) < 0 &&
        errno != EINPROGRESS) {
        close_client(client, std::strerror(errno), true);
        return;
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT;
    event.data.u64 = static_cast<uint64_t>(index);
    client.writing = true;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, client.fd, &event) < 0)
        fail(std::string("epoll_ctl: ") + std::strerror(errno));
}

void Load::on_event(Client& client, uint32_t events) {
    if (client.phase == Phase::connecting) {
        if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0)
            on_connected(client);
        return;
    }
    if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0)
        on_readable(client);
    if (client.phase != Phase::closed && (events & EPOLLOUT) != 0)
        flush(client);
}

void Load::on_connected(Client& client) {
    int error = 0;
    socklen_t size = sizeof error;
    getsockopt(client.fd, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) {
        close_client(client, std::strerror(error), true);
        return;
    }
    client.phase = Phase::upgrading;
    std::array<uint8_t, 16> key{};
    for (auto& byte : key)
        byte = static_cast<uint8_t>(random_());
    // No Origin header: a non-browser client, which stagehub always admits.
    std::string request = "GET " + options_.path + " HTTP/1.1\r\nHost: " + options_.host + ":" +
                          std::to_string(options_.port) +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: " +
                          base64(key.data(), key.size()) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    send(client, std::move(request));
}

void Load::on_readable(Client& client) {
    for (;;) {
        const ssize_t got = ::read(client.fd, buffer_.data(), buffer_.size());
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (got <= 0) {
            close_client(client, got == 0 ? "closed by the server" : std::strerror(errno),
                         client.phase == Phase::upgrading);
            return;
        }
        read_time_ = realtime();
        last_message_ = monotonic();
        const auto size = static_cast<size_t>(got);
        if (client.phase == Phase::upgrading) {
            client.in.append(buffer_.data(), size);
            const size_t end = client.in.find("\r\n\r\n");
            if (end == std::string::npos) {
                if (client.in.size() > 16384)
                    close_client(client, "oversized handshake response", true);
                if (client.phase == Phase::closed)
                    return;
                continue;
            }
            if (!client.in.starts_with("HTTP/1.1 101")) {
                close_client(client, client.in.substr(0, client.in.find("\r\n")).c_str(), true);
                return;
            }
            client.in.erase(0, end + 4);
            on_upgraded(client);
            const size_t used = parse_frames(client, client.in.data(), client.in.size());
            if (client.phase != Phase::closed)
                client.in.erase(0, used);
        } else if (client.in.empty()) {
            // The common case parses straight from the shared buffer; only an incomplete frame
            // is kept per client.
            const size_t used = parse_frames(client, buffer_.data(), size);
            if (client.phase != Phase::closed)
                client.in.assign(buffer_.data() + used, size - used);
        } else {
            client.in.append(buffer_.data(), size);
            const size_t used = parse_frames(client, client.in.data(), client.in.size());
            if (client.phase != Phase::closed)
                client.in.erase(0, used);
        }
        if (client.phase == Phase::closed)
            return;
        // A snapshot split across reads leaves a buffer of its size behind: 20 KiB x 10,000
        // clients would be most of the load's memory.
        if (client.in.empty() && client.in.capacity() > 1024)
            std::string().swap(client.in);
        if (size < buffer_.size())
            return;
    }
}

void Load::on_upgraded(Client& client) {
    client.phase = Phase::open;
    --in_flight_;
    ++connected_;
    std::string frame;
    append_client_frame(frame, Opcode::text, options_.subscribe, random_);
    send(client, std::move(frame));
}

size_t Load::parse_frames(Client& client, const char* data, size_t size) {
    size_t at = 0;
    while (client.phase == Phase::open && size - at >= 2) {
        const auto* bytes = reinterpret_cast<const uint8_t*>(data + at);
        const bool masked = (bytes[1] & 0x80) != 0;
        uint64_t length = bytes[1] & 0x7f;
        size_t header = 2;
        if (length == 126) {
            if (size - at < 4)
                break;
            length = (uint64_t{bytes[2]} << 8) | bytes[3];
            header = 4;
        } else if (length == 127) {
            if (size - at < 10)
                break;
            length = 0;
            for (int i = 2; i < 10; ++i)
                length = (length << 8) | bytes[i];
            header = 10;
        }
        if (length > kMaxFrame) {
            close_client(client, "frame larger than 64 MiB", false);
            break;
        }
        const size_t mask_at = header;
        header += masked ? 4 : 0;
        if (size - at < header + length)
            break;
        // Servers do not mask; unmasking anyway keeps a misbehaving one readable.
        std::string_view payload(data + at + header, static_cast<size_t>(length));
        std::string unmasked;
        if (masked) {
            unmasked.assign(payload);
            for (size_t i = 0; i < unmasked.size(); ++i)
                unmasked[i] = static_cast<char>(unmasked[i] ^ data[at + mask_at + i % 4]);
            payload = unmasked;
        }
        on_frame(client, bytes[0], payload);
        at += header + static_cast<size_t>(length);
    }
    return at;
}

void Load::on_frame(Client& client, uint8_t first, std::string_view payload) {
    const bool final_fragment = (first & 0x80) != 0;
    const auto opcode = static_cast<Opcode>(first & 0x0f);
    switch (opcode) {
        case Opcode::ping: {
            std::string frame;
            append_client_frame(frame, Opcode::pong, payload, random_);
            send(client, std::move(frame));
            return;
        }
        case Opcode::pong:
            return;
        case Opcode::close: {
            const int code = payload.size() >= 2 ? (static_cast<uint8_t>(payload[0]) << 8) |
                                                       static_cast<uint8_t>(payload[1])
                                                 : 0;
            const std::string why =
                "close " + std::to_string(code) + " " +
                std::string(payload.substr(std::min<size_t>(2, payload.size())));
            close_client(client, why.c_str(), false);
            return;
        }
        case Opcode::text:
        case Opcode::binary:
            if (final_fragment) {
                on_message(client, payload);
                return;
            }
            client.message.assign(payload);
            return;
        case Opcode::continuation:
            client.message.append(payload);
            if (final_fragment) {
                const std::string whole = std::move(client.message);
                client.message.clear();
                on_message(client, whole);
            }
            return;
    }
    close_client(client, "unknown opcode", false);
}

void Load::on_message(Client& client, std::string_view text) {
    if (!client.replied) {
        client.replied = true;
        ++replied_;
    }
    if (text.find(R"("type":"delta")") != std::string_view::npos) {
        on_delta(client, text);
    } else if (!options_.capture_snapshot.empty() && !snapshot_captured_ &&
               text.find(R"("type":"snapshot")") != std::string_view::npos) {
        capture(options_.capture_snapshot, text, snapshot_captured_);
    }
}

void Load::on_delta(Client& client, std::string_view text) {
    if (!options_.capture_delta.empty() && !delta_captured_)
        capture(options_.capture_delta, text, delta_captured_);
    if (current_delta_ < 0) {
        ++stray_;
        return;
    }
    // Which broadcast is this? Each trigger makes one, in trigger order, and revs grow: a rev
    // not seen before is that of the earliest trigger whose rev is still unknown.
    int index = current_delta_;
    if (const auto rev = integer_field(text, "rev")) {
        index = -1;
        int unknown = -1;
        std::optional<int64_t> before;  // the highest known rev of an earlier trigger
        for (int k = 0; k <= current_delta_ && index < 0; ++k) {
            const auto& known = revs_[static_cast<size_t>(k)];
            if (known == *rev)
                index = k;
            else if (!known && unknown < 0)
                unknown = k;
            else if (known && unknown < 0)
                before = known;
        }
        if (index < 0 && unknown >= 0 && (!before || *rev > *before)) {
            revs_[static_cast<size_t>(unknown)] = *rev;
            index = unknown;
        }
        if (index < 0) {
            ++stray_;
            return;
        }
    }
    if (client.last_delta >= index) {
        ++duplicates_;
        return;
    }
    if (index <= ended_) {
        ++late_;
        client.last_delta = index;
        return;
    }
    const auto sent = string_field(text, "server_time");
    const auto sent_at = sent ? parse_iso_utc(*sent) : std::nullopt;
    if (!sent_at) {
        ++unparsed_time_;
        return;
    }
    client.last_delta = index;
    ++delivered_[static_cast<size_t>(index)];
    last_delivery_[static_cast<size_t>(index)] = monotonic();
    latencies_ms_.push_back((read_time_ - *sent_at) * 1000);
    if (delta_bytes_ == 0)
        delta_bytes_ = text.size();
}

void Load::send(Client& client, std::string bytes) {
    client.out += bytes;
    flush(client);
}

void Load::flush(Client& client) {
    while (!client.out.empty()) {
        const ssize_t sent = ::send(client.fd, client.out.data(), client.out.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (sent < 0) {
            close_client(client, std::strerror(errno), client.phase != Phase::open);
            return;
        }
        client.out.erase(0, static_cast<size_t>(sent));
    }
    const bool want_write = !client.out.empty();
    if (want_write != client.writing) {
        epoll_event event{};
        event.events = EPOLLIN | (want_write ? EPOLLOUT : 0u);
        event.data.u64 = static_cast<uint64_t>(&client - clients_.data());
        epoll_ctl(epoll_, EPOLL_CTL_MOD, client.fd, &event);
        client.writing = want_write;
    }
}

void Load::close_client(Client& client, const char* why, bool during_connect) {
    if (client.phase == Phase::closed)
        return;
    if (during_connect) {
        if (client.phase == Phase::connecting || client.phase == Phase::upgrading)
            --in_flight_;
        ++connect_failures_;
        if (first_failure_.empty())
            first_failure_ = why;
    } else {
        replied_ -= client.replied ? 1 : 0;
        if (closed_after_open_++ == 0)
            std::fprintf(stderr, "  a client was closed after its upgrade: %s\n", why);
    }
    if (client.fd >= 0)
        ::close(client.fd);  // also leaves the epoll set
    client.fd = -1;
    client.phase = Phase::closed;
    std::string().swap(client.in);
    std::string().swap(client.out);
    std::string().swap(client.message);
}

void Load::start_trigger(int index) {
    if (trigger_.fd >= 0)
        ::close(trigger_.fd);
    trigger_ = Trigger{};
    std::string body = options_.trigger_body;
    for (size_t at = body.find("%d"); at != std::string::npos; at = body.find("%d", at)) {
        const std::string number = std::to_string(index);
        body.replace(at, 2, number);
        at += number.size();
    }
    trigger_.out = options_.trigger_method + " " + options_.trigger_path +
                   " HTTP/1.1\r\nHost: " + options_.host + ":" + std::to_string(options_.port) +
                   "\r\nConnection: close\r\n";
    for (const std::string& header : options_.trigger_headers)
        trigger_.out += header + "\r\n";
    trigger_.out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;

    trigger_start_[static_cast<size_t>(index)] = monotonic();
    trigger_.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (trigger_.fd < 0)
        fail(std::string("trigger socket: ") + std::strerror(errno));
    if (connect(trigger_.fd, reinterpret_cast<const sockaddr*>(&server_), sizeof server_) < 0 &&
        errno != EINPROGRESS) {
        fail(std::string("trigger connect: ") + std::strerror(errno));
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT;
    event.data.u64 = kTriggerTag;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, trigger_.fd, &event) < 0)
        fail(std::string("epoll_ctl: ") + std::strerror(errno));
}

void Load::on_trigger_event(uint32_t events) {
    if ((events & EPOLLOUT) != 0 && !trigger_.out.empty()) {
        const ssize_t sent =
            ::send(trigger_.fd, trigger_.out.data(), trigger_.out.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno != EAGAIN && errno != EINTR) {
            end_trigger(std::string("request not sent: ") + std::strerror(errno));
            return;
        }
        if (sent > 0)
            trigger_.out.erase(0, static_cast<size_t>(sent));
        if (trigger_.out.empty()) {
            epoll_event event{};
            event.events = EPOLLIN;
            event.data.u64 = kTriggerTag;
            epoll_ctl(epoll_, EPOLL_CTL_MOD, trigger_.fd, &event);
        }
    }
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) == 0)
        return;
    for (;;) {
        const ssize_t got = ::read(trigger_.fd, buffer_.data(), buffer_.size());
        if (got > 0) {
            trigger_.in.append(buffer_.data(), static_cast<size_t>(got));
            continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        if (got < 0) {
            end_trigger(std::string("no answer: ") + std::strerror(errno));
            return;
        }
        // End of the answer (Connection: close).
        end_trigger(trigger_.in.empty() ? "no answer: connection closed" : "");
        return;
    }
    if (trigger_complete())
        end_trigger("");
}

// Ends the trigger request: answered (`failure` empty: judged here by its status line), or
// cut off with `failure` saying how.
void Load::end_trigger(std::string failure) {
    ::close(trigger_.fd);
    trigger_.fd = -1;
    trigger_.done = true;
    if (failure.empty() && !trigger_.in.starts_with("HTTP/1.1 2") &&
        !trigger_.in.starts_with("HTTP/1.0 2")) {
        trigger_.refused = true;
        failure = "answered " + trigger_.in.substr(0, 600);
    }
    trigger_.failure = std::move(failure);
}

// Headers and a Content-Length body received: the answer is whole without waiting for EOF.
bool Load::trigger_complete() {
    const size_t end = trigger_.in.find("\r\n\r\n");
    if (end == std::string::npos)
        return false;
    std::string head = trigger_.in.substr(0, end);
    std::transform(head.begin(), head.end(), head.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const size_t at = head.find("\r\ncontent-length:");
    if (at == std::string::npos)
        return false;
    size_t value = 0;
    const char* digits = head.data() + at + 17;
    while (*digits == ' ')
        ++digits;
    std::from_chars(digits, head.data() + head.size(), value);
    return trigger_.in.size() >= end + 4 + value;
}

void Load::capture(const std::string& file, std::string_view text, bool& captured) {
    captured = true;
    FILE* out = std::fopen(file.c_str(), "w");
    if (out == nullptr)
        fail("cannot write " + file + ": " + std::strerror(errno));
    std::fwrite(text.data(), 1, text.size(), out);
    std::fclose(out);
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    Load load(options);
    return load.run();
}
