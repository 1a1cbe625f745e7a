// A process a test starts and always ends: senders, receivers, nginx, the RTSP test server.
// Output goes to a log file so a failing test can print what the child said.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stagehub::testing {

// Every wait is bounded; the destructor kills whatever still runs, so a failing assertion
// never leaves a live sender behind. Not thread-safe: one test thread owns it.
class ChildProcess {
  public:
    // Starts argv[0] (looked up in PATH) with stdin from /dev/null and stdout + stderr
    // appended to `log_file` (created or truncated). Throws std::runtime_error if it
    // cannot start (e.g. the program is not installed).
    ChildProcess(std::vector<std::string> argv, std::filesystem::path log_file);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }

    // True while the process has not exited; reaps it (and records its status) once it has.
    bool running();

    // Waits up to `timeout` for the process to exit on its own.
    // Its status (see exit_status()) once it has, nullopt if it still runs.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);

    // The exit code, or 128 + signal number when a signal ended it (the shell's
    // convention); nullopt while it runs.
    std::optional<int> exit_status() const { return exit_status_; }

    // SIGKILL and reap. Does nothing once the process is reaped.
    void kill_hard();

    // SIGTERM, then SIGKILL if it has not exited after `timeout`.
    // True when it exited on SIGTERM alone.
    bool terminate(std::chrono::milliseconds timeout);

    // SIGINT, then SIGKILL after `timeout`. gst-launch-1.0 -e turns SIGINT into EOS, so a
    // receiver finishes its files (last HLS segment, MP4 index) before it exits.
    bool interrupt(std::chrono::milliseconds timeout);

    // Polls the log until it contains `text`; false on timeout or if the process exits first.
    bool wait_for_log(std::string_view text, std::chrono::milliseconds timeout);

    // What the process wrote so far.
    std::string log() const;
    const std::filesystem::path& log_path() const { return log_path_; }

    // argv joined by spaces, for failure messages.
    std::string command_line() const;

  private:
    // Passed by argument.
    std::vector<std::string> argv_;
    std::filesystem::path log_path_;
    // Allocated by this.
    pid_t pid_ = -1;
    std::optional<int> exit_status_;

    bool stop_with(int signal_number, std::chrono::milliseconds timeout);
    bool reaped() const { return exit_status_.has_value(); }
};

}  // namespace stagehub::testing
