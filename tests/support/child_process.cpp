#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace stagehub::testing {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(10);

int status_code(int status) {
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

// posix_spawn's attribute and file-action objects, released on every path.
class SpawnSetup {
  public:
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
};

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv, std::filesystem::path log_file)
    : argv_(std::move(argv)), log_path_(std::move(log_file)) {
    if (argv_.empty())
        throw std::invalid_argument("ChildProcess: empty argv");

    SpawnSetup setup;
    posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&setup.actions, 1, log_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&setup.actions, 1, 2);
    // Descriptors the test process holds (the server's listening socket, client
    // connections) must not live on in a sender that outlives them.
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3);

    // A test runner may block or ignore signals; both survive exec, and a child that
    // ignores SIGTERM or SIGINT could not be stopped politely.
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT})
        sigaddset(&defaults, signal_number);
    posix_spawnattr_setsigmask(&setup.attributes, &none);
    posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
    posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<char*> c_argv;
    for (std::string& arg : argv_)
        c_argv.push_back(arg.data());
    c_argv.push_back(nullptr);

    int error =
        posix_spawnp(&pid_, c_argv[0], &setup.actions, &setup.attributes, c_argv.data(), environ);
    if (error != 0) {
        pid_ = -1;
        std::string message = "cannot start ";
        message += argv_[0];
        message += ": ";
        message += std::strerror(error);
        throw std::runtime_error(message);
    }
}

ChildProcess::~ChildProcess() {
    kill_hard();
}

bool ChildProcess::running() {
    if (pid_ < 0 || reaped())
        return false;
    int status = 0;
    pid_t result = waitpid(pid_, &status, WNOHANG);
    if (result == pid_) {
        exit_status_ = status_code(status);
        return false;
    }
    // result < 0: not our child any more (someone else reaped it); treat as gone.
    if (result < 0) {
        exit_status_ = -1;
        return false;
    }
    return true;
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(kPollInterval);
    }
    return exit_status_;
}

void ChildProcess::kill_hard() {
    if (!running())
        return;
    kill(pid_, SIGKILL);
    // SIGKILL cannot be caught, so this blocking wait ends as soon as the kernel has torn
    // the process down.
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    exit_status_ = status_code(status);
}

bool ChildProcess::stop_with(int signal_number, std::chrono::milliseconds timeout) {
    if (!running())
        return true;
    kill(pid_, signal_number);
    if (wait_exit(timeout))
        return true;
    kill_hard();
    return false;
}

bool ChildProcess::terminate(std::chrono::milliseconds timeout) {
    return stop_with(SIGTERM, timeout);
}

bool ChildProcess::interrupt(std::chrono::milliseconds timeout) {
    return stop_with(SIGINT, timeout);
}

bool ChildProcess::wait_for_log(std::string_view text, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (log().find(text) != std::string::npos)
            return true;
        if (!running() || std::chrono::steady_clock::now() >= deadline)
            return log().find(text) != std::string::npos;
        std::this_thread::sleep_for(kPollInterval);
    }
}

std::string ChildProcess::log() const {
    std::ifstream in(log_path_);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string ChildProcess::command_line() const {
    std::string line;
    for (const std::string& arg : argv_) {
        if (!line.empty())
            line += ' ';
        line += arg;
    }
    return line;
}

}  // namespace stagehub::testing
