// One stage's speech recogniser (`--asr-command`, docs/CAPTIONS.md "Speech recognition"): an
// external command that reads the stage's program sound as 16 kHz mono S16LE PCM on its
// stdin and prints what it heard, a line at a time, on its stdout. Each line becomes a cue
// through `on_line`, timed by its arrival. The command is started without a shell (argv
// split as a shell would, see command_argv), in a process group of its own, restarted with
// backoff when it exits (1 s doubling to 30 s; back to 1 s after a minute up), and ended
// with its stage: stdin closed (it may print its last words), then killed after a grace.
// stderr goes to the log, a few lines per ten seconds at most.
//
// Never blocks the loop: sound goes to stdin in non-blocking writes from a short timer;
// what the command does not take in time waits in the PcmQueue, which drops its oldest.
//
// Threads: loop thread only (the thread-default main context when constructed). The
// PcmQueue is the one part other threads touch (the audio tap pushes into it).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipelines/audio_tap.hpp"
#include "schedule/result.hpp"

typedef struct _GMainContext GMainContext;
typedef struct _GSource GSource;

namespace stagehub::server {

// A command line split into argv as a POSIX shell would split words (quotes, backslashes),
// with no expansion, pipes or redirections: an administrator who wants those writes
// `sh -c '...'`. An error names what is wrong (an open quote, nothing to run).
Result<std::vector<std::string>> command_argv(const std::string& command_line);

// Longest line taken from the command, in bytes; the rest of a longer line is dropped.
inline constexpr size_t kAsrMaxLineBytes = 500;

class AsrProcess {
  public:
    struct Config {
        std::string stage_id;
        std::vector<std::string> argv;
        std::chrono::milliseconds first_backoff{1000};
        std::chrono::milliseconds max_backoff{30000};
        std::chrono::seconds stable_after{60};       // a run this long resets the backoff
        std::chrono::milliseconds stop_grace{2000};  // stdin closed → killed after this
        std::chrono::milliseconds feed_every{100};
        // Sound waiting for the command; the oldest goes past this (2 s).
        size_t queue_bytes = 2 * pipelines::kTapBytesPerSecond;
    };
    enum class State { stopped, running, restarting, failed };
    // A line of text the command printed (UTF-8, no control characters, not empty, at most
    // kAsrMaxLineBytes; ten a second at most, the rest dropped), and when it arrived.
    using LineSink =
        std::function<void(const std::string& text, std::chrono::system_clock::time_point at)>;

    AsrProcess(Config config, LineSink on_line);
    ~AsrProcess();  // kills a running command (its process group)
    AsrProcess(const AsrProcess&) = delete;
    AsrProcess& operator=(const AsrProcess&) = delete;

    // Where the stage's audio tap pushes (pipelines::make_audio_tap).
    const std::shared_ptr<pipelines::PcmQueue>& pcm() const { return pcm_; }

    // Starts the command, and keeps it running until stop(). No-op while it is wanted.
    void start();
    // Closes its stdin and kills it after the grace; no restart.
    void stop();
    // A problem outside the process that keeps sound from it (the tap did not join).
    void note_error(const std::string& message) { error_ = message; }

    State state() const { return state_; }
    uint64_t lines() const { return lines_; }
    uint64_t restarts() const { return restarts_; }
    uint64_t bytes_written() const { return bytes_written_; }
    // {"state","lines","restarts","error","audio_seconds","dropped_seconds"} (docs/API.md).
    // The error never repeats the command line, which may carry a key.
    nlohmann::json health() const;

  private:
    struct Child;
    struct Output;
    void spawn();
    void schedule_restart();
    void feed();
    void exited(const std::string& why);
    void take_line(Output& output, std::string line);
    GSource* add_timer(std::chrono::milliseconds after, int (*callback)(void*));
    static int on_feed_timer(void* self);
    static int on_restart_timer(void* self);

    // Passed by argument.
    Config config_;
    LineSink on_line_;

    // Allocated by this.
    std::shared_ptr<pipelines::PcmQueue> pcm_;
    std::shared_ptr<Child> child_;
    bool wanted_ = false;
    State state_ = State::stopped;
    std::string error_;
    uint64_t lines_ = 0;
    uint64_t restarts_ = 0;
    uint64_t bytes_written_ = 0;
    std::chrono::milliseconds backoff_{0};
    GMainContext* context_;             // the loop's; one reference
    GSource* restart_timer_ = nullptr;  // ours (one reference) while pending
    GSource* feed_timer_ = nullptr;     // ours while wanted
};

const char* name_of(AsrProcess::State state);

}  // namespace stagehub::server
