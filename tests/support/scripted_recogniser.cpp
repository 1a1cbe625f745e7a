// A speech recogniser for tests (no model ships with stagehub): what `--asr-command` runs.
// It reads 16 kHz mono S16LE PCM on stdin and, every second, prints on stdout what it
// heard in that second:
//
//   heard 32000 bytes, 440 Hz, peak 3277
//
// (the bytes read, the pitch from the sound's zero crossings as if it were 16 kHz mono,
// the largest sample), so a test can check the rate, the format and that the sound is the
// stage's. At the end of its input it prints "the end after N bytes" and exits 0.
//
//   --exit-after S   exit with status 3 after S seconds (a recogniser that crashes)
//   --no-read        never read stdin (a recogniser that falls behind); prints "waiting"
//   --odd-lines      first print lines stagehub must not take as they are: an empty one,
//                    one of blanks, one of 2000 letters, one not UTF-8, one with a \r
//   --stderr N       first print N lines on stderr
//   --say TEXT       first print TEXT as a line
//   --flood N        first print N lines at once ("line 1", "line 2", ...)
//   --ignore-end     at the end of its input go on printing (a recogniser that will not end
//                    when its stdin closes: stagehub must kill it)
//   --pid-file PATH  first write its process id to PATH (a test that runs stagehub as a
//                    process finds, kills and looks for its recogniser by it)
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

struct Second {
    uint64_t bytes = 0;
    uint64_t crossings = 0;
    int peak = 0;
    bool has_last = false;
    bool last_negative = false;
    bool has_odd = false;  // a byte of a sample split across reads
    unsigned char odd = 0;

    void add(const unsigned char* data, size_t size) {
        bytes += size;
        for (size_t i = 0; i < size; ++i) {
            if (!has_odd) {
                odd = data[i];
                has_odd = true;
                continue;
            }
            has_odd = false;
            const auto sample = static_cast<int16_t>(static_cast<uint16_t>(odd | (data[i] << 8)));
            const int magnitude = sample < 0 ? -sample : sample;
            if (magnitude > peak)
                peak = magnitude;
            const bool negative = sample < 0;
            if (has_last && negative != last_negative)
                ++crossings;
            last_negative = negative;
            has_last = true;
        }
    }
    void report() {
        const double seconds_of_sound = static_cast<double>(bytes) / 2.0 / 16000.0;
        const double hz =
            seconds_of_sound > 0 ? static_cast<double>(crossings) / 2.0 / seconds_of_sound : 0.0;
        std::printf("heard %llu bytes, %.0f Hz, peak %d\n", static_cast<unsigned long long>(bytes),
                    hz, peak);
        std::fflush(stdout);
        bytes = 0;
        crossings = 0;
        peak = 0;
    }
};

}  // namespace

int main(int argc, char** argv) {
    double exit_after = -1;
    bool no_read = false;
    bool odd_lines = false;
    int stderr_lines = 0;
    const char* say = nullptr;
    int flood = 0;
    const char* pid_file = nullptr;
    bool ignore_end = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--exit-after" && i + 1 < argc)
            exit_after = std::atof(argv[++i]);
        else if (arg == "--no-read")
            no_read = true;
        else if (arg == "--odd-lines")
            odd_lines = true;
        else if (arg == "--stderr" && i + 1 < argc)
            stderr_lines = std::atoi(argv[++i]);
        else if (arg == "--say" && i + 1 < argc)
            say = argv[++i];
        else if (arg == "--flood" && i + 1 < argc)
            flood = std::atoi(argv[++i]);
        else if (arg == "--ignore-end")
            ignore_end = true;
        else if (arg == "--pid-file" && i + 1 < argc)
            pid_file = argv[++i];
    }
    if (pid_file != nullptr) {
        // Written whole under another name, then renamed: a reader never sees half a pid.
        const std::string partial = std::string(pid_file) + ".new";
        if (FILE* out = std::fopen(partial.c_str(), "w")) {
            std::fprintf(out, "%d\n", static_cast<int>(getpid()));
            std::fclose(out);
            std::rename(partial.c_str(), pid_file);
        }
    }
    for (int i = 0; i < stderr_lines; ++i)
        std::fprintf(stderr, "diagnostic line %d\n", i + 1);
    if (say != nullptr) {
        std::printf("%s\n", say);
        std::fflush(stdout);
    }
    for (int i = 0; i < flood; ++i)
        std::printf("line %d\n", i + 1);
    std::fflush(stdout);
    if (odd_lines) {
        std::printf("\n   \n%s\nbad \xff\xfe utf-8\n  hej p\xc3\xa5 dig\r\n",
                    std::string(2000, 'a').c_str());
        std::fflush(stdout);
    }
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto next_report = started + std::chrono::seconds(1);
    Second second;
    uint64_t total = 0;
    bool input_ended = false;
    unsigned char buffer[8192];
    for (;;) {
        const auto now = Clock::now();
        if (exit_after >= 0 && now - started >= std::chrono::duration<double>(exit_after)) {
            std::fprintf(stderr, "exiting as told\n");
            return 3;
        }
        if (now >= next_report) {
            if (no_read) {
                std::printf("waiting\n");
                std::fflush(stdout);
            } else {
                second.report();
            }
            next_report += std::chrono::seconds(1);
        }
        auto until = next_report;
        if (exit_after >= 0) {
            until = std::min(until, started + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(exit_after)));
        }
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        if (no_read || input_ended) {
            usleep(static_cast<useconds_t>(std::max<int64_t>(wait.count(), 1) * 1000));
            continue;
        }
        pollfd in{0, POLLIN, 0};
        if (poll(&in, 1, static_cast<int>(std::max<int64_t>(wait.count(), 0))) <= 0)
            continue;
        const ssize_t n = read(0, buffer, sizeof buffer);
        if (n == 0) {
            std::printf("the end after %llu bytes\n", static_cast<unsigned long long>(total));
            std::fflush(stdout);
            if (!ignore_end)
                return 0;
            input_ended = true;
            continue;
        }
        if (n < 0)
            continue;
        total += static_cast<uint64_t>(n);
        second.add(buffer, static_cast<size_t>(n));
    }
}
