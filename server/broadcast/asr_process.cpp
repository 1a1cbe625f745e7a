#include "server/broadcast/asr_process.hpp"

#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "pipelines/gst_util.hpp"
#include "schedule/utf8.hpp"

namespace stagehub::server {
namespace {

using pipelines::destroy_source;

constexpr size_t kWriteChunk = 16384;
// Reads per wakeup of one stream: a command that floods its stdout cannot hold the loop.
constexpr int kReadsPerWakeup = 16;
constexpr unsigned kStderrLinesPerWindow = 10;
constexpr auto kStderrWindow = std::chrono::seconds(10);
// Cues a second at most: people read a few lines a second, and each cue is a write to the
// database on the loop, so a command that floods its stdout is cut off, not followed.
constexpr unsigned kLinesPerSecond = 10;

// The command's stdin is a pipe: a write after it exited would raise SIGPIPE, whose default
// ends the process. The server ignores it anyway (libwebsockets does at start); this makes
// the broadcast library safe on its own.
void ignore_sigpipe() {
    static std::once_flag once;
    std::call_once(once, [] { signal(SIGPIPE, SIG_IGN); });
}

// The child's first act: a process group of its own, so that stopping it reaches what it
// started (`sh -c 'a | b'`) and a Ctrl-C at the server's terminal is the server's alone.
void own_process_group(gpointer) {
    setpgid(0, 0);
}

// A pipe whose ends are closed on exec; `ours` (0: read end, 1: write end) is non-blocking.
bool make_pipe(std::array<int, 2>& fds, int ours) {
    if (pipe2(fds.data(), O_CLOEXEC) != 0)
        return false;
    g_unix_set_fd_nonblocking(fds[static_cast<size_t>(ours)], TRUE, nullptr);
    return true;
}

void close_fd(int& fd) {
    if (fd >= 0)
        close(fd);
    fd = -1;
}

// Control characters (a stray \r, a tab, an escape sequence) become spaces; then trimmed.
std::string clean_line(std::string line) {
    for (char& c : line) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            c = ' ';
    }
    const size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos)
        return {};
    const size_t last = line.find_last_not_of(' ');
    return line.substr(first, last - first + 1);
}

// The longest prefix of at most `max` bytes that ends on a character boundary.
size_t utf8_cut(const std::string& text, size_t max) {
    if (text.size() <= max)
        return text.size();
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return cut;
}

std::string describe_exit(int wait_status) {
    if (WIFEXITED(wait_status))
        return "the command exited with status " + std::to_string(WEXITSTATUS(wait_status));
    if (WIFSIGNALED(wait_status))
        return "the command was killed by signal " + std::to_string(WTERMSIG(wait_status));
    return "the command ended";
}

using FdCallback = gboolean (*)(gint, GIOCondition, gpointer);

GSource* watch_fd(int fd, GMainContext* context, FdCallback callback, void* data) {
    GSource* source =
        g_unix_fd_source_new(fd, static_cast<GIOCondition>(G_IO_IN | G_IO_HUP | G_IO_ERR));
    // GLib's documented way to pass a GUnixFDSourceFunc where a GSourceFunc is asked for.
    g_source_set_callback(source,
                          reinterpret_cast<GSourceFunc>(reinterpret_cast<void (*)()>(callback)),
                          data, nullptr);
    g_source_attach(source, context);
    return source;
}

}  // namespace

Result<std::vector<std::string>> command_argv(const std::string& command_line) {
    gint argc = 0;
    gchar** argv = nullptr;
    GError* error = nullptr;
    if (!g_shell_parse_argv(command_line.c_str(), &argc, &argv, &error)) {
        std::string message = "the command '" + command_line + "' cannot be split into words: " +
                              (error != nullptr ? error->message : "unknown error");
        if (error != nullptr)
            g_error_free(error);
        return Error{ErrorCode::bad_arguments, message};
    }
    std::vector<std::string> words(argv, argv + argc);
    g_strfreev(argv);
    return words;
}

const char* name_of(AsrProcess::State state) {
    switch (state) {
        case AsrProcess::State::stopped:
            return "stopped";
        case AsrProcess::State::running:
            return "running";
        case AsrProcess::State::restarting:
            return "restarting";
        case AsrProcess::State::failed:
            return "failed";
    }
    return "stopped";
}

// One of the streams the command writes: stdout (captions) or stderr (the log).
struct AsrProcess::Output {
    Child* child = nullptr;
    bool is_stderr = false;
    int fd = -1;
    GSource* source = nullptr;  // ours, while the stream is open
    std::string line;           // bytes of the line being printed
    bool overflow = false;      // the line passed kAsrMaxLineBytes: the rest is dropped

    static gboolean on_readable(gint fd, GIOCondition, gpointer data);
    // Reads what is there now (a bounded amount); false at the end of the stream.
    bool drain(int reads);
    void take(const char* data, size_t size);
    void end();
};

// One run of the command. Destroyed only by its AsrProcess, which outlives it.
struct AsrProcess::Child {
    AsrProcess* owner = nullptr;
    GSubprocess* process = nullptr;  // ours
    pid_t pid = 0;
    int stdin_fd = -1;
    std::string pending;  // sound taken from the queue, not yet written
    Output out;
    Output err;
    GCancellable* cancellable = g_cancellable_new();
    GSource* kill_timer = nullptr;  // ours, after stdin was closed on stop
    bool exited = false;
    bool stopping = false;  // stop() closed its stdin
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point log_window{};
    unsigned log_lines = 0;
    uint64_t log_suppressed = 0;
    std::chrono::steady_clock::time_point line_window{};
    unsigned window_lines = 0;

    Child() {
        out.child = this;
        err.child = this;
        err.is_stderr = true;
    }
    ~Child() {
        g_cancellable_cancel(cancellable);
        g_object_unref(cancellable);
        destroy_source(kill_timer);
        destroy_source(out.source);
        destroy_source(err.source);
        close_fd(out.fd);
        close_fd(err.fd);
        close_fd(stdin_fd);
        kill_group();
        if (process != nullptr)
            g_object_unref(process);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    void kill_group() {
        if (exited || pid <= 0)
            return;
        kill(-pid, SIGKILL);
        if (process != nullptr)
            g_subprocess_force_exit(process);
    }
    static void on_wait(GObject* source, GAsyncResult* result, gpointer data);
};

gboolean AsrProcess::Output::on_readable(gint, GIOCondition, gpointer data) {
    auto* output = static_cast<Output*>(data);
    if (output->drain(kReadsPerWakeup))
        return G_SOURCE_CONTINUE;
    output->end();
    return G_SOURCE_REMOVE;
}

bool AsrProcess::Output::drain(int reads) {
    std::array<char, 4096> buffer{};
    for (int i = 0; i < reads && fd >= 0; ++i) {
        const ssize_t n = read(fd, buffer.data(), buffer.size());
        if (n > 0) {
            take(buffer.data(), static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    return fd >= 0;
}

void AsrProcess::Output::take(const char* data, size_t size) {
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == '\n') {
            std::string done = std::move(line);
            line.clear();
            overflow = false;
            child->owner->take_line(*this, std::move(done));
            continue;
        }
        if (overflow)
            continue;
        line.push_back(data[i]);
        if (line.size() > kAsrMaxLineBytes) {
            line.resize(utf8_cut(line, kAsrMaxLineBytes));
            overflow = true;
        }
    }
}

// The end of the stream: a last line without its newline still counts.
void AsrProcess::Output::end() {
    destroy_source(source);  // no poll on a closed descriptor
    close_fd(fd);
    if (!line.empty()) {
        std::string done = std::move(line);
        line.clear();
        child->owner->take_line(*this, std::move(done));
    }
}

void AsrProcess::Child::on_wait(GObject*, GAsyncResult* result, gpointer data) {
    std::unique_ptr<std::weak_ptr<Child>> weak(static_cast<std::weak_ptr<Child>*>(data));
    const std::shared_ptr<Child> child = weak->lock();
    if (!child)
        return;  // stopped and forgotten; the result dies with the task
    GError* error = nullptr;
    const bool waited = g_subprocess_wait_finish(child->process, result, &error) != FALSE;
    if (error != nullptr)
        g_error_free(error);
    if (!waited)
        return;  // cancelled: the Child is going away
    child->exited = true;
    const std::string why = describe_exit(g_subprocess_get_status(child->process));
    // Its last words: what it printed before it ended is in the pipes.
    for (Output* output : {&child->out, &child->err}) {
        if (output->fd >= 0 && !output->drain(256))
            output->end();
    }
    // Whatever it started and left behind goes with it (its group outlives it while any
    // member lives, so the id names no one else).
    if (child->pid > 0)  // never kill(0, ...): that is our own group
        kill(-child->pid, SIGKILL);
    child->owner->exited(why);
}

AsrProcess::AsrProcess(Config config, LineSink on_line)
    : config_(std::move(config)),
      on_line_(std::move(on_line)),
      pcm_(std::make_shared<pipelines::PcmQueue>(config_.queue_bytes)),
      backoff_(config_.first_backoff),
      context_(g_main_context_ref_thread_default()) {
    ignore_sigpipe();
}

AsrProcess::~AsrProcess() {
    destroy_source(restart_timer_);
    destroy_source(feed_timer_);
    child_.reset();  // kills it
    g_main_context_unref(context_);
}

GSource* AsrProcess::add_timer(std::chrono::milliseconds after, int (*callback)(void*)) {
    GSource* timer = g_timeout_source_new(static_cast<guint>(std::max<int64_t>(after.count(), 0)));
    g_source_set_callback(timer, callback, this, nullptr);
    g_source_attach(timer, context_);
    return timer;
}

void AsrProcess::start() {
    if (wanted_)
        return;
    wanted_ = true;
    backoff_ = config_.first_backoff;
    if (feed_timer_ == nullptr)
        feed_timer_ = add_timer(config_.feed_every, &AsrProcess::on_feed_timer);
    if (!child_)
        spawn();
}

void AsrProcess::stop() {
    if (!wanted_)
        return;
    wanted_ = false;
    destroy_source(restart_timer_);
    if (!child_) {
        state_ = State::stopped;
        destroy_source(feed_timer_);
        return;
    }
    // What the tap gave last goes in, then the end of input: a recogniser may print the
    // words it still holds. Killed if it has not ended within the grace.
    feed();
    close_fd(child_->stdin_fd);
    child_->stopping = true;
    if (child_->kill_timer == nullptr) {
        child_->kill_timer = add_timer(config_.stop_grace, [](void* self) -> int {
            auto* asr = static_cast<AsrProcess*>(self);
            if (asr->child_) {
                g_source_unref(asr->child_->kill_timer);
                asr->child_->kill_timer = nullptr;
                asr->child_->kill_group();
            }
            return G_SOURCE_REMOVE;
        });
    }
}

void AsrProcess::spawn() {
    if (config_.argv.empty()) {
        state_ = State::failed;
        error_ = "no command to run";
        return;
    }
    auto child = std::make_shared<Child>();
    child->owner = this;
    std::array<int, 2> in{-1, -1};
    std::array<int, 2> out{-1, -1};
    std::array<int, 2> err{-1, -1};
    if (!make_pipe(in, 1) || !make_pipe(out, 0) || !make_pipe(err, 0)) {
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) {
            if (fd >= 0)
                close(fd);
        }
        state_ = State::failed;
        error_ = std::string("cannot make pipes for the command: ") + std::strerror(errno);
        schedule_restart();
        return;
    }
    GSubprocessLauncher* launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
    // The launcher closes the child's ends after the spawn.
    g_subprocess_launcher_take_stdin_fd(launcher, in[0]);
    g_subprocess_launcher_take_stdout_fd(launcher, out[1]);
    g_subprocess_launcher_take_stderr_fd(launcher, err[1]);
    g_subprocess_launcher_set_child_setup(launcher, &own_process_group, nullptr, nullptr);
    std::vector<const gchar*> argv;
    for (const std::string& word : config_.argv)
        argv.push_back(word.c_str());
    argv.push_back(nullptr);
    GError* error = nullptr;
    child->process = g_subprocess_launcher_spawnv(launcher, argv.data(), &error);
    g_object_unref(launcher);
    child->stdin_fd = in[1];
    child->out.fd = out[0];
    child->err.fd = err[0];
    if (child->process == nullptr) {
        // GLib's message names the program (argv[0]) and the reason, never the arguments.
        error_ = std::string("cannot start the command: ") +
                 (error != nullptr ? error->message : "unknown error");
        if (error != nullptr)
            g_error_free(error);
        g_warning("stage %s: speech recognition: %s", config_.stage_id.c_str(), error_.c_str());
        state_ = State::failed;
        schedule_restart();
        return;
    }
    const char* identifier = g_subprocess_get_identifier(child->process);
    child->pid = identifier != nullptr ? static_cast<pid_t>(std::atol(identifier)) : 0;
    child->out.source = watch_fd(child->out.fd, context_, &Output::on_readable, &child->out);
    child->err.source = watch_fd(child->err.fd, context_, &Output::on_readable, &child->err);
    g_main_context_push_thread_default(context_);
    g_subprocess_wait_async(child->process, child->cancellable, &Child::on_wait,
                            new std::weak_ptr<Child>(child));
    g_main_context_pop_thread_default(context_);
    pcm_->clear();  // it hears the stage from now on, not what waited for it
    child_ = std::move(child);
    state_ = State::running;
    g_message("stage %s: speech recognition started (pid %d)", config_.stage_id.c_str(),
              static_cast<int>(child_->pid));
}

void AsrProcess::exited(const std::string& why) {
    const auto ran = std::chrono::steady_clock::now() - child_->started;
    const bool was_stopping = child_->stopping;
    child_.reset();
    if (was_stopping && wanted_) {  // started again while it was ending
        spawn();
        return;
    }
    if (!wanted_) {
        state_ = State::stopped;
        destroy_source(feed_timer_);
        g_message("stage %s: speech recognition stopped", config_.stage_id.c_str());
        return;
    }
    error_ = why;
    g_warning("stage %s: speech recognition: %s", config_.stage_id.c_str(), why.c_str());
    // A run that stayed up was a one-off: start over from the first backoff.
    if (ran >= config_.stable_after)
        backoff_ = config_.first_backoff;
    state_ = State::restarting;
    schedule_restart();
}

void AsrProcess::schedule_restart() {
    if (!wanted_ || restart_timer_ != nullptr)
        return;
    if (state_ != State::failed)
        state_ = State::restarting;
    restart_timer_ = add_timer(backoff_, &AsrProcess::on_restart_timer);
    backoff_ = std::min(backoff_ * 2, config_.max_backoff);
}

int AsrProcess::on_restart_timer(void* self) {
    auto* asr = static_cast<AsrProcess*>(self);
    g_source_unref(asr->restart_timer_);
    asr->restart_timer_ = nullptr;
    if (asr->wanted_ && !asr->child_) {
        ++asr->restarts_;
        asr->spawn();
    }
    return G_SOURCE_REMOVE;
}

int AsrProcess::on_feed_timer(void* self) {
    static_cast<AsrProcess*>(self)->feed();
    return G_SOURCE_CONTINUE;
}

// Writes what the pipe takes now, never waiting: the rest stays for the next tick, and the
// queue drops its oldest if the command falls behind.
void AsrProcess::feed() {
    if (!child_ || child_->stdin_fd < 0)
        return;
    Child& child = *child_;
    for (;;) {
        if (child.pending.empty()) {
            child.pending = pcm_->take(kWriteChunk);
            if (child.pending.empty())
                return;
        }
        const ssize_t n = write(child.stdin_fd, child.pending.data(), child.pending.size());
        if (n > 0) {
            bytes_written_ += static_cast<uint64_t>(n);
            child.pending.erase(0, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        // It closed its stdin (or is gone): no more sound; its exit is reported by the wait.
        error_ = std::string("the command closed its input: ") + std::strerror(errno);
        close_fd(child.stdin_fd);
        return;
    }
}

void AsrProcess::take_line(Output& output, std::string line) {
    Child& child = *output.child;
    if (output.is_stderr) {
        const auto now = std::chrono::steady_clock::now();
        if (now - child.log_window >= kStderrWindow) {
            if (child.log_suppressed > 0) {
                g_message("stage %s: speech recognition: %llu more lines on stderr not logged",
                          config_.stage_id.c_str(),
                          static_cast<unsigned long long>(child.log_suppressed));
            }
            child.log_window = now;
            child.log_lines = 0;
            child.log_suppressed = 0;
        }
        if (child.log_lines >= kStderrLinesPerWindow) {
            ++child.log_suppressed;
            return;
        }
        ++child.log_lines;
        gchar* valid = g_utf8_make_valid(clean_line(std::move(line)).c_str(), -1);
        g_message("stage %s: speech recognition says: %s", config_.stage_id.c_str(), valid);
        g_free(valid);
        return;
    }
    if (!schedule::is_utf8(line)) {
        error_ = "a line that is not UTF-8 was skipped";
        return;
    }
    std::string text = clean_line(std::move(line));
    if (text.empty())
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - child.line_window >= std::chrono::seconds(1)) {
        child.line_window = now;
        child.window_lines = 0;
    }
    if (++child.window_lines > kLinesPerSecond) {
        error_ = "lines beyond " + std::to_string(kLinesPerSecond) + " a second were dropped";
        return;
    }
    ++lines_;
    if (on_line_)
        on_line_(text, std::chrono::system_clock::now());
}

nlohmann::json AsrProcess::health() const {
    const auto seconds = [](uint64_t bytes) {
        return std::round(static_cast<double>(bytes) /
                          static_cast<double>(pipelines::kTapBytesPerSecond) * 10.0) /
               10.0;
    };
    return {{"state", name_of(state_)},
            {"lines", lines_},
            {"restarts", restarts_},
            {"error", error_.empty() ? nlohmann::json(nullptr) : nlohmann::json(error_)},
            {"audio_seconds", seconds(bytes_written_)},
            {"dropped_seconds", seconds(pcm_->bytes_dropped())}};
}

}  // namespace stagehub::server
