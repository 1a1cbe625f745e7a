#include "pipelines/stage_pipeline.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <fstream>

#include "pipelines/gst_util.hpp"
#include "pipelines/silent_audio.hpp"

namespace stagehub::pipelines {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr guint kWatchdogMs = 100;

std::string utc_stamp() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::array<char, 32> text{};
    std::strftime(text.data(), text.size(), "%Y%m%dT%H%M%SZ", &utc);
    return text.data();
}

// A run id for segment names, unique in every rendition folder: segments are served as
// immutable, so a name must never be written twice. The start time in UTC, plus a counter
// when a run already started in the same second (a quick restart).
std::string unused_run_id(const std::filesystem::path& dir) {
    const std::string stamp = utc_stamp();
    for (int n = 1;; ++n) {
        const std::string id = n == 1 ? stamp : stamp + "-" + std::to_string(n);
        const std::string prefix = "seg-" + id + "-";
        std::error_code ec;
        bool taken = false;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
            if (entry.path().filename().string().starts_with(prefix)) {
                taken = true;
                break;
            }
        }
        if (!taken)
            return id;
    }
}

// A file source's play list: the file itself, or the files a .m3u/.txt lists (one per
// line, relative to the list's folder; '#' lines are comments).
std::vector<std::string> files_of(const std::string& uri) {
    const std::filesystem::path path(uri);
    const std::string ext = path.extension().string();
    if (ext != ".m3u" && ext != ".m3u8" && ext != ".txt")
        return {uri};
    std::vector<std::string> files;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        if (line.empty() || line.front() == '#')
            continue;
        const std::filesystem::path item(line);
        files.push_back(item.is_absolute() ? line : (path.parent_path() / item).string());
    }
    return files;
}

// Why a switch happened, by what went on air and whether an organiser holds the slate.
SwitchCause cause_of(Feed on_air, bool slate_held) {
    if (on_air != Feed::slate)
        return SwitchCause::input_back;
    return slate_held ? SwitchCause::organiser : SwitchCause::input_lost;
}

// A switch's detail in English, for the log and the `ops` message's reason.
std::string reason_for(SwitchCause cause, const std::string& input_error) {
    switch (cause) {
        case SwitchCause::input_back:
            return "input receiving";
        case SwitchCause::organiser:
            return "slate put up by an organiser";
        case SwitchCause::input_lost:
            break;
    }
    return input_error.empty() ? "no input" : input_error;
}

// The extra sounds' inputs. Their lanes hold sound back for longer than a segment, the
// longest a keyframe may take to be known as a split (segments end at keyframes).
std::vector<std::unique_ptr<AudioInput>> audio_inputs_for(const StagePipelineConfig& config) {
    std::vector<std::unique_ptr<AudioInput>> inputs;
    const std::chrono::milliseconds hold(config.segment_seconds * 1000 + 1000);
    for (const AudioInputSpec& spec : config.audio_inputs) {
        inputs.push_back(
            std::make_unique<AudioInput>(spec, config.stage_id, hold, config.listener_reset_after));
    }
    return inputs;
}

ProgramConfig program_config_for(const StagePipelineConfig& config,
                                 const std::vector<std::unique_ptr<AudioInput>>& inputs) {
    ProgramConfig c{config.stage_id, config.output_dir, config.segment_seconds, config.ladder, {}};
    for (const auto& input : inputs)
        c.audio_lanes.push_back(input->lane());
    return c;
}

}  // namespace

// What this stage's graphs will be made of, so a missing plugin is named before anything
// starts or touches the disk.
std::vector<const char*> StagePipeline::elements_needed() const {
    using Kind = SourceSpec::Kind;
    // The program, the slate and the test pattern.
    std::vector<const char*> needed{"appsrc",       "appsink",      "h264parse",    "tee",
                                    "queue",        "hlssink2",     "aacparse",     "videotestsrc",
                                    "audiotestsrc", "textoverlay",  "clockoverlay", "x264enc",
                                    "avenc_aac",    "audioconvert", "audioresample"};
    if (!config_.ladder.encoded.empty() || config_.source.burn_in) {
        for (const char* f : {"avdec_h264", "videoconvert", "videoscale"})
            needed.push_back(f);
    }
    switch (config_.source.kind) {
        case Kind::srt:
            needed.insert(needed.end(), {"srtsrc", "tsdemux"});
            break;
        case Kind::rtmp:
            needed.insert(needed.end(), {"rtmp2src", "flvdemux"});
            break;
        case Kind::rtsp:
            needed.insert(needed.end(), {"rtspsrc", "rtph264depay", "rtpmp4gdepay"});
            break;
        case Kind::file:
            needed.insert(needed.end(), {"filesrc", "parsebin"});
            break;
        case Kind::pattern:
        case Kind::slate:
            break;
    }
    if (!config_.audio_inputs.empty())
        needed.insert(needed.end(), {"srtsrc", "tsdemux"});
    return needed;
}

StagePipeline::StagePipeline(StagePipelineConfig config, Listener& listener)
    : config_(std::move(config)),
      listener_(listener),
      switch_(std::make_shared<SourceSwitch>()),
      audio_inputs_(audio_inputs_for(config_)),
      program_(program_config_for(config_, audio_inputs_), switch_, *this) {}

StagePipeline::~StagePipeline() {
    cancel_timers();
    input_.reset();
    slate_.reset();
}

void StagePipeline::cancel_timers() {
    destroy_source(watchdog_);
    destroy_source(input_timer_);
}

void StagePipeline::start() {
    if (state_ != RunState::idle)
        return;
    if (config_.segment_seconds < 1 || config_.source.framerate < 1 || config_.source.width < 16 ||
        config_.source.height < 16) {
        throw std::runtime_error("stage " + config_.stage_id + ": invalid pipeline configuration");
    }
    require_elements(elements_needed(), config_.stage_id);
    std::error_code ec;
    std::filesystem::create_directories(config_.output_dir, ec);
    if (ec) {
        throw std::runtime_error("stage " + config_.stage_id + ": cannot create " +
                                 config_.output_dir.string() + ": " + ec.message());
    }
    if (!silence_ready_) {
        const SamplePtr silence = make_silent_aac_frame(config_.stage_id);
        switch_->set_silence(silence.get());
        for (const auto& input : audio_inputs_)
            input->lane()->set_silence(silence.get());
        silence_ready_ = true;
    }
    program_.start(unused_run_id(config_.output_dir));
    state_ = RunState::playing;
    switches_ = 0;
    slate_time_ = {};
    on_air_ = Feed::none;
    if (config_.source.kind == SourceSpec::Kind::file && !scheduled()) {
        playlist_ = files_of(config_.source.uri);
        playlist_next_ = 0;
    }
    watchdog_ = g_timeout_source_new(kWatchdogMs);
    g_source_set_callback(watchdog_, &StagePipeline::on_watchdog, this, nullptr);
    GMainContext* context = g_main_context_ref_thread_default();
    g_source_attach(watchdog_, context);
    g_main_context_unref(context);
    start_input();
    for (const auto& input : audio_inputs_)
        input->start();
}

std::string file_for_session(const std::filesystem::path& folder, const std::string& session_id) {
    if (session_id.empty())
        return "";
    std::error_code ec;
    std::vector<std::filesystem::path> matches;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
        if (entry.is_regular_file(ec) && entry.path().stem() == session_id)
            matches.push_back(entry.path());
    }
    std::sort(matches.begin(), matches.end());  // one answer, whatever the folder order
    return matches.empty() ? "" : matches.front().string();
}

bool StagePipeline::scheduled() const {
    std::error_code ec;
    return config_.source.kind == SourceSpec::Kind::file &&
           std::filesystem::is_directory(config_.source.uri, ec);
}

void StagePipeline::set_scheduled_file(const std::string& file) {
    if (!scheduled() || file == scheduled_file_)
        return;
    scheduled_file_ = file;
    if (state_ != RunState::playing)
        return;
    g_message("stage %s: the schedule plays %s", config_.stage_id.c_str(),
              file.empty() ? "nothing" : file.c_str());
    input_.reset();
    input_error_.clear();
    destroy_source(input_timer_);
    start_input();
}

SourceSpec StagePipeline::next_input_spec() {
    SourceSpec spec = config_.source;
    spec.keyframe_seconds = config_.keyframe_seconds;
    if (scheduled()) {
        spec.uri = scheduled_file_;
    } else if (spec.kind == SourceSpec::Kind::file && !playlist_.empty()) {
        spec.uri = playlist_[playlist_next_ % playlist_.size()];
        ++playlist_next_;
    }
    return spec;
}

void StagePipeline::start_input() {
    if (state_ != RunState::playing)
        return;
    // A scheduled folder with nothing to play now: the slate says what comes next.
    if (scheduled() && scheduled_file_.empty())
        return;
    auto run = std::make_unique<SourceRun>(next_input_spec(), Feed::input, next_run_++, switch_,
                                           *this, config_.stage_id);
    switch_->set_input_run(run->run());
    ++input_runs_;
    try {
        run->start();
        input_ = std::move(run);
    } catch (const std::exception& e) {
        input_error_ = e.what();
        g_warning("%s; retrying in %lld ms", e.what(),
                  static_cast<long long>(config_.input_retry.count()));
        schedule_input(config_.input_retry);
    }
}

void StagePipeline::schedule_input(std::chrono::milliseconds after) {
    if (input_timer_ != nullptr || state_ != RunState::playing)
        return;
    input_timer_ = g_timeout_source_new(static_cast<guint>(after.count()));
    g_source_set_callback(input_timer_, &StagePipeline::on_input_timer, this, nullptr);
    GMainContext* context = g_main_context_ref_thread_default();
    g_source_attach(input_timer_, context);
    g_main_context_unref(context);
}

gboolean StagePipeline::on_input_timer(gpointer data) {
    auto* self = static_cast<StagePipeline*>(data);
    g_source_unref(self->input_timer_);
    self->input_timer_ = nullptr;
    try {
        self->start_input();
    } catch (const std::exception& e) {
        g_critical("stage %s: %s", self->config_.stage_id.c_str(), e.what());
    }
    return G_SOURCE_REMOVE;
}

// The slate at the input's picture size, so renditions keep their resolution when it goes on
// air; the stage's configured size until an input told its own.
void StagePipeline::start_slate() {
    SourceSpec spec = config_.source;
    spec.kind = SourceSpec::Kind::slate;
    spec.uri.clear();
    spec.passphrase.clear();
    spec.burn_in = false;
    spec.keyframe_seconds = config_.keyframe_seconds;
    if (input_width_ >= 16 && input_height_ >= 16) {
        spec.width = input_width_ & ~1;
        spec.height = input_height_ & ~1;
    }
    if (input_framerate_ >= 1)
        spec.framerate = static_cast<int>(std::lround(input_framerate_));
    // A still card needs few bits.
    spec.video_kbps = std::max(300, spec.height);
    spec.text = config_.slate_text;
    auto slate = std::make_unique<SourceRun>(spec, Feed::slate, next_run_++, switch_, *this,
                                             config_.stage_id);
    try {
        slate->start();
        slate_ = std::move(slate);
    } catch (const std::exception& e) {
        g_warning("%s", e.what());  // retried by the next watchdog tick
    }
}

gboolean StagePipeline::on_watchdog(gpointer data) {
    auto* self = static_cast<StagePipeline*>(data);
    try {
        self->watch();
    } catch (const std::exception& e) {
        g_critical("stage %s: watchdog: %s", self->config_.stage_id.c_str(), e.what());
    }
    return G_SOURCE_CONTINUE;
}

// Every 100 ms: report switches, put the slate on when the input is silent, take it off
// when the input is back, and restart a listener whose caller vanished.
void StagePipeline::watch() {
    if (state_ != RunState::playing)
        return;
    report_switches();
    choose_feed(observe_input());
    renew_silent_listener();
    for (const auto& input : audio_inputs_)
        input->watch();
}

// The switches the streaming threads made since the last look, in order: timed for health,
// logged, and reported with their cause.
void StagePipeline::report_switches() {
    for (FeedSwitch change : switch_->take_switches()) {
        const auto now = SteadyClock::now();
        if (on_air_ == Feed::slate)
            slate_time_ += now - slate_since_;
        if (change.to == Feed::slate)
            slate_since_ = now;
        on_air_ = change.to;
        ++switches_;
        change.cause = cause_of(change.to, slate_held_);
        const std::string reason = reason_for(change.cause, input_error_);
        g_message("stage %s: on air: %s (%s)", config_.stage_id.c_str(), name_of(change.to),
                  reason.c_str());
        listener_.on_feed_switched(config_.stage_id, change, reason);
    }
}

// Whether the input is live: it has had data, and a frame within the silence timeout. On the
// way, its picture is remembered (a slate started later matches it), and a live input
// clears the reason it last failed.
bool StagePipeline::observe_input() {
    const bool input_live =
        input_ && input_->silent_for() < config_.silence_timeout && input_->had_data();
    if (input_) {
        const SourceStats stats = input_->stats();
        if (stats.width > 0) {
            input_width_ = stats.width;
            input_height_ = stats.height;
            input_framerate_ = stats.framerate;
        }
    }
    if (input_live)
        input_error_.clear();
    return input_live;
}

// The slate while an organiser holds it or the input is silent; once the input is back on
// air, the slate run ends.
void StagePipeline::choose_feed(bool input_live) {
    if (slate_held_) {
        put_up_slate();
    } else if (input_live) {
        if (on_air_ == Feed::input && slate_) {
            switch_->want_slate(false);
            slate_.reset();  // torn down in the background; saves its encode
        }
    } else if (!input_ || input_->silent_for() >= config_.silence_timeout) {
        // Covered within the silence timeout (plus the slate's first keyframe, ~100 ms).
        put_up_slate();
    }
}

void StagePipeline::put_up_slate() {
    if (!slate_)
        start_slate();
    switch_->want_slate(true);
}

// A listener whose caller went away hears of it only after SRT's ~5 s peer timeout;
// a new run (fresh demuxer) is ready for the next caller sooner.
void StagePipeline::renew_silent_listener() {
    if (!input_ || input_->spec().kind != SourceSpec::Kind::srt || !input_->had_data() ||
        input_->silent_for() < config_.listener_reset_after) {
        return;
    }
    g_message("stage %s: SRT caller silent for %lld ms; listening afresh", config_.stage_id.c_str(),
              static_cast<long long>(config_.listener_reset_after.count()));
    input_error_ = "the SRT caller went silent";
    input_.reset();
    schedule_input(config_.input_retry);
}

void StagePipeline::on_source_ended(uint64_t run, const std::string* error) {
    if (slate_ && slate_->run() == run) {
        slate_.reset();  // the watchdog starts another if still needed
        return;
    }
    if (!input_ || input_->run() != run)
        return;
    const bool file = input_->spec().kind == SourceSpec::Kind::file;
    if (error != nullptr) {
        input_error_ = *error;
    } else if (!file) {
        input_error_ = "the input ended";
    }
    g_message("stage %s: input %s%s", config_.stage_id.c_str(),
              error != nullptr ? "failed: " : "ended", error != nullptr ? error->c_str() : "");
    input_.reset();
    // A scheduled file plays once: then the slate until the schedule says otherwise. The
    // next file of a list follows at once (its first keyframe continues the timeline); a
    // lost connection is retried shortly.
    if (file && error == nullptr && scheduled())
        return;
    if (file && error == nullptr)
        start_input();
    else
        schedule_input(config_.input_retry);
}

void StagePipeline::end_sources() {
    cancel_timers();
    input_.reset();
    slate_.reset();
    for (const auto& input : audio_inputs_)
        input->stop();
}

void StagePipeline::on_segment_closed(const ClosedSegment& segment) {
    listener_.on_segment_closed(config_.stage_id, segment);
}

void StagePipeline::on_program_error(const std::string& message) {
    end_sources();
    state_ = RunState::idle;
    listener_.on_pipeline_error(config_.stage_id, message);
}

void StagePipeline::on_program_stopped() {
    end_sources();
    state_ = RunState::idle;
    listener_.on_pipeline_stopped(config_.stage_id);
}

void StagePipeline::stop(unsigned timeout_ms) {
    if (state_ != RunState::playing)
        return;
    state_ = RunState::stopping;
    // The sources feed on until the program sends its end of stream.
    program_.stop(timeout_ms);
}

void StagePipeline::set_lower_third(const LowerThird& text) {
    config_.source.text = text;
    if (input_)
        input_->set_text(text);
}

void StagePipeline::set_slate_text(const LowerThird& text) {
    config_.slate_text = text;
    if (slate_)
        slate_->set_text(text);
}

void StagePipeline::hold_slate(bool held) {
    slate_held_ = held;
    switch_->hold_input(held);
    if (state_ == RunState::playing)
        watch();  // on air within the slate's first keyframe, not the next 100 ms tick
}

bool StagePipeline::running() const {
    return state_ != RunState::idle;
}

StageMediaHealth StagePipeline::health() {
    StageMediaHealth health;
    health.on_air = on_air_;
    health.input_error = input_error_;
    health.input_runs = input_runs_;
    health.switches = switches_;
    health.timestamps_moved = switch_->timestamps_moved();
    auto slate_time = slate_time_;
    if (on_air_ == Feed::slate)
        slate_time += SteadyClock::now() - slate_since_;
    health.slate_seconds = std::chrono::duration<double>(slate_time).count();
    if (input_) {
        health.input = input_->stats();
        if (health.input->receiving)
            health.input_state = "receiving";
        else
            health.input_state = input_->had_data() ? "lost" : "waiting";
    } else if (scheduled() && state_ == RunState::playing) {
        health.input_state = "scheduled_off";  // nothing to play now, by the schedule
    } else {
        health.input_state = state_ == RunState::playing ? "restarting" : "stopped";
    }
    for (const auto& input : audio_inputs_)
        health.audio_inputs.push_back(input->health());
    return health;
}

std::vector<RenditionInfo> StagePipeline::renditions() const {
    std::vector<RenditionInfo> infos = program_.renditions();
    for (RenditionInfo& info : infos) {
        for (const auto& input : audio_inputs_) {
            if (input->lane()->rendition() == info.name) {
                info.language = input->spec().language;
                info.label = input->spec().name;
                info.describes_video = input->spec().describes_video;
            }
        }
    }
    return infos;
}

std::vector<std::string> StagePipeline::input_elements() const {
    return input_ ? input_->elements() : std::vector<std::string>{};
}

bool StagePipeline::add_output(const std::string& name, GstElement* output) {
    return program_.add_output(name, output);
}

void StagePipeline::remove_output(const std::string& name) {
    program_.remove_output(name);
}

}  // namespace stagehub::pipelines
