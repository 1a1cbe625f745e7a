// A benchmark driver: one real StagePipeline on its own GMainLoop, for scripts/bench-pipelines
// to measure from outside (utime + stime of this process in /proc/PID/stat,
// docs/BROADCAST_DESIGN.md §10). It prints "ready" on stdout once the top rendition has
// closed a segment with the input on air, stops the stage (EOS, so every file is final) on
// SIGINT or SIGTERM or after --seconds, and exits 0 once stop() has completed.
//
// Threads: main() runs the loop on a fresh context made thread-default, as the server's loop
// thread has it; the listener, the signal handlers and the timer run there. The GStreamer
// streaming threads are the pipeline's own.
#include <glib-unix.h>
#include <gst/gst.h>

#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pipelines/ladder.hpp"
#include "pipelines/stage_pipeline.hpp"

namespace stagehub::pipelines {
namespace {

constexpr const char* kUsage =
    "usage: stagehub_stage_bench --out DIR [--seconds N] [--segment-seconds S]\n"
    "         [--source pattern [--video WxH] | --source srt --port P [--video WxH]]\n"
    "         [--ladder none|NAME:WxH:KBPS,...]\n"
    "  --seconds N          stop after N seconds at the latest (default 60)\n"
    "  --source pattern     the test pattern, encoded by stagehub at --video (default)\n"
    "  --source srt         an SRT listener on 127.0.0.1:P, no passphrase\n"
    "  --video WxH          picture size of the pattern and of the slate (default 1920x1080)\n"
    "  --ladder             encoded renditions below the top one; 'none' for passthrough only\n"
    "                       (default: the stage default, 720p:1280x720:2500,360p:640x360:800)\n";

struct Options {
    std::filesystem::path out;
    int seconds = 60;
    int segment_seconds = 2;
    SourceSpec::Kind source = SourceSpec::Kind::pattern;
    int port = 0;
    int width = 1920;
    int height = 1080;
    std::optional<std::vector<EncodedRendition>> ladder;  // nullopt: the stage default
};

std::optional<int> to_int(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// Throws std::invalid_argument naming the bad option.
Options parse_options(int argc, char** argv) {
    Options options;
    bool have_out = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "--help" || name == "-h")
            throw std::invalid_argument("usage");
        if (i + 1 >= argc)
            throw std::invalid_argument(std::string(name) + " needs a value");
        const std::string value = argv[++i];
        const auto positive = [&]() {
            const auto number = to_int(value);
            if (!number || *number < 1)
                throw std::invalid_argument(std::string(name) + " needs a positive number");
            return *number;
        };
        if (name == "--out") {
            options.out = value;
            have_out = true;
        } else if (name == "--seconds") {
            options.seconds = positive();
        } else if (name == "--segment-seconds") {
            options.segment_seconds = positive();
        } else if (name == "--port") {
            options.port = positive();
        } else if (name == "--source") {
            if (value == "srt")
                options.source = SourceSpec::Kind::srt;
            else if (value == "pattern")
                options.source = SourceSpec::Kind::pattern;
            else
                throw std::invalid_argument("--source is srt or pattern");
        } else if (name == "--video") {
            const auto x = value.find('x');
            const auto width = to_int(std::string_view(value).substr(0, x));
            const auto height = x == std::string::npos
                                    ? std::nullopt
                                    : to_int(std::string_view(value).substr(x + 1));
            if (!width || !height || *width < 16 || *height < 16)
                throw std::invalid_argument("--video is WIDTHxHEIGHT, e.g. 1920x1080");
            options.width = *width;
            options.height = *height;
        } else if (name == "--ladder") {
            options.ladder =
                value == "none" ? std::vector<EncodedRendition>{} : parse_encoded_renditions(value);
        } else {
            throw std::invalid_argument("unknown option " + std::string(name));
        }
    }
    if (!have_out)
        throw std::invalid_argument("--out is required");
    if (options.source == SourceSpec::Kind::srt && (options.port < 1 || options.port > 65535))
        throw std::invalid_argument("--source srt needs --port");
    return options;
}

StagePipelineConfig config_of(const Options& options) {
    StagePipelineConfig config;
    config.stage_id = "bench";
    config.output_dir = options.out;
    config.segment_seconds = options.segment_seconds;
    if (options.ladder)
        config.ladder.encoded = *options.ladder;
    config.source.kind = options.source;
    if (options.source == SourceSpec::Kind::srt)
        config.source.uri = "srt://127.0.0.1:" + std::to_string(options.port);
    config.source.width = options.width;
    config.source.height = options.height;
    config.source.keyframe_seconds = options.segment_seconds;
    return config;
}

// What the stage reports, kept for the summary at the end. Loop thread only.
class Bench : public StagePipeline::Listener {
  public:
    explicit Bench(GMainLoop* loop) : loop_(loop) {}

    void on_pipeline_error(const std::string&, const std::string& message) override {
        std::cerr << "stagehub_stage_bench: pipeline error: " << message << std::endl;
        failed_ = true;
        g_main_loop_quit(loop_);
    }
    void on_segment_closed(const std::string&, const ClosedSegment& segment) override {
        auto& [count, seconds] = segments_[segment.rendition];
        ++count;
        seconds += segment.duration_s;
        // Slate segments do not count: the benchmark measures the input's work.
        if (!ready_ && segment.rendition == kSourceRendition && on_air_ == Feed::input) {
            ready_ = true;
            std::cout << "ready" << std::endl;
        }
    }
    void on_pipeline_stopped(const std::string&) override {
        stopped_ = true;
        g_main_loop_quit(loop_);
    }
    void on_feed_switched(const std::string&, const FeedSwitch& change,
                          const std::string& reason) override {
        on_air_ = change.to;
        std::cerr << "on air: " << name_of(change.to) << " (" << reason << ")" << std::endl;
    }

    bool failed() const { return failed_; }
    bool stopped() const { return stopped_; }
    bool ready() const { return ready_; }
    void print_summary() const {
        for (const auto& [rendition, totals] : segments_) {
            std::fprintf(stderr, "rendition %s: %d segments, %.3f s\n", rendition.c_str(),
                         totals.first, totals.second);
        }
    }

  private:
    GMainLoop* loop_;
    Feed on_air_ = Feed::none;
    bool ready_ = false;
    bool failed_ = false;
    bool stopped_ = false;
    std::map<std::string, std::pair<int, double>> segments_;  // count, seconds
};

// What the signal handlers and the timer need. Loop thread only.
struct Run {
    StagePipeline* pipeline = nullptr;
    bool stop_asked = false;
};

gboolean stop_stage(gpointer data) {
    auto* run = static_cast<Run*>(data);
    if (!run->stop_asked) {
        run->stop_asked = true;
        std::cerr << "stopping" << std::endl;
        run->pipeline->stop();
    }
    return G_SOURCE_CONTINUE;  // removed when the loop's context goes
}

void attach(GSource* source, GMainContext* context, Run& run) {
    g_source_set_callback(source, &stop_stage, &run, nullptr);
    g_source_attach(source, context);
}

int run_stage(const Options& options) {
    const MainContextPtr context(g_main_context_new());
    g_main_context_push_thread_default(context.get());
    const MainLoopPtr loop(g_main_loop_new(context.get(), FALSE));
    Bench bench(loop.get());
    int status = 0;
    {
        StagePipeline pipeline(config_of(options), bench);
        Run run;
        run.pipeline = &pipeline;
        const SourcePtr timer(g_timeout_source_new_seconds(static_cast<guint>(options.seconds)));
        const SourcePtr interrupt(g_unix_signal_source_new(SIGINT));
        const SourcePtr terminate(g_unix_signal_source_new(SIGTERM));
        for (GSource* source : {timer.get(), interrupt.get(), terminate.get()})
            attach(source, context.get(), run);
        try {
            pipeline.start();
            std::cerr << "started; program:";
            for (const std::string& factory : pipeline.program_elements())
                std::cerr << " " << factory;
            std::cerr << std::endl;
            g_main_loop_run(loop.get());
        } catch (const std::exception& e) {
            std::cerr << "stagehub_stage_bench: " << e.what() << std::endl;
            status = 1;
        }
        for (GSource* source : {timer.get(), interrupt.get(), terminate.get()})
            g_source_destroy(source);
        if (bench.failed())
            status = 1;
        else if (status == 0 && !bench.stopped())
            status = 1;  // the loop ended without a report: cannot happen, but say so
    }
    wait_for_released_pipelines(std::chrono::seconds(10));
    g_main_context_pop_thread_default(context.get());
    if (!bench.ready())
        std::cerr << "stagehub_stage_bench: never ready (no segment with the input on air)"
                  << std::endl;
    bench.print_summary();
    return status;
}

}  // namespace
}  // namespace stagehub::pipelines

int main(int argc, char** argv) {
    gst_init(&argc, &argv);
    stagehub::pipelines::Options options;
    try {
        options = stagehub::pipelines::parse_options(argc, argv);
    } catch (const std::invalid_argument& e) {
        const bool help = std::string_view(e.what()) == "usage";
        if (!help)
            std::cerr << "stagehub_stage_bench: " << e.what() << "\n";
        std::cerr << stagehub::pipelines::kUsage;
        return help ? 0 : 2;
    }
    return stagehub::pipelines::run_stage(options);
}
