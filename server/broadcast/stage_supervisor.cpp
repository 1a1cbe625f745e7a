#include "server/broadcast/stage_supervisor.hpp"

#include <glib.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>

#include "pipelines/atomic_file.hpp"
#include "pipelines/audio_tap.hpp"
#include "pipelines/master_playlist.hpp"
#include "schedule/ids.hpp"
#include "schedule/instant.hpp"
#include "schedule/safe_path.hpp"
#include "server/broadcast/interpretation.hpp"

namespace stagehub::server {
namespace {

// An instant for health, or null when it never happened.
nlohmann::json instant_or_null(bool happened, std::chrono::system_clock::time_point at) {
    if (!happened)
        return nullptr;
    return format_instant_ms(std::chrono::time_point_cast<std::chrono::milliseconds>(at));
}

}  // namespace

// A stage whose id is not an id (stored before the id rule, schedule/ids.hpp) names no
// folder of its own: it is not broadcast. Application names such stages at start-up. The
// folder is checked as well, so that without the id rule such a stage is still skipped
// rather than thrown at (pipeline_config_for).
bool StageSupervisor::broadcastable(const schedule::Stage& stage) const {
    return schedule::is_id(stage.id) && schedule::child_path(config_.live_dir, stage.id).ok();
}

StageSupervisor::~StageSupervisor() {
    for (auto& [id, stage] : stages_)
        cancel_restart(stage);
    stages_.clear();
    // Inputs are torn down on background threads (an SRT source with a vanished peer takes
    // ~4 s to reach NULL); none may outlive the process's GStreamer.
    pipelines::wait_for_released_pipelines(std::chrono::seconds(10));
}

pipelines::StagePipelineConfig StageSupervisor::pipeline_config_for(
    const schedule::Stage& stage) const {
    using Kind = pipelines::SourceSpec::Kind;
    pipelines::StagePipelineConfig c;
    c.stage_id = stage.id;
    // Never live_dir / id: an id like "/tmp/x" would replace the folder (start_stage and
    // apply_control leave such stages out before this).
    auto output_dir = schedule::child_path(config_.live_dir, stage.id);
    if (!output_dir)
        throw std::invalid_argument("stage " + stage.id + ": " + output_dir.error().message);
    c.output_dir = std::move(output_dir).value();
    c.segment_seconds = config_.segment_seconds;
    c.ladder = config_.ladder;
    c.source.width = config_.width;
    c.source.height = config_.height;
    c.source.audio_kbps = config_.ladder.audio_kbps;
    c.source.uri = stage.source.url;
    c.source.passphrase = stage.source.passphrase;
    c.audio_inputs = audio_input_specs(stage);
    if (language_of_)
        c.language = language_of_(stage.id);
    switch (stage.source.kind) {
        case schedule::SourceKind::test_pattern:
            c.source.kind = Kind::pattern;
            break;
        case schedule::SourceKind::srt:
            c.source.kind = Kind::srt;
            break;
        case schedule::SourceKind::rtmp:
            c.source.kind = Kind::rtmp;
            break;
        case schedule::SourceKind::rtsp:
            c.source.kind = Kind::rtsp;
            break;
        case schedule::SourceKind::file:
            c.source.kind = Kind::file;
            break;
    }
    if (c.source.kind == Kind::pattern) {
        // The pattern is encoded at the stage's picture size: renditions as big or bigger
        // would only repeat it.
        std::erase_if(c.ladder.encoded, [&](const pipelines::EncodedRendition& r) {
            return r.height >= config_.height;
        });
    } else {
        c.source.burn_in = stage.effective_lower_third() == schedule::LowerThirdMode::burned_in;
    }
    return c;
}

void StageSupervisor::start_stage(const schedule::Stage& stage_info) {
    if (!broadcastable(stage_info))
        return;
    const pipelines::StagePipelineConfig config = pipeline_config_for(stage_info);
    const auto existing = stages_.find(stage_info.id);
    if (existing != stages_.end()) {
        Stage& stage = existing->second;
        if (stage.control.off_air)
            return;  // off air until an organiser puts it back
        if (!stage.pipeline) {
            open_stage(stage_info.id, stage, config);
            return;
        }
        const auto& current = stage.pipeline->config();
        const bool same =
            current.source.kind == config.source.kind && current.source.uri == config.source.uri &&
            current.source.passphrase == config.source.passphrase &&
            current.source.burn_in == config.source.burn_in &&
            current.audio_inputs == config.audio_inputs && current.language == config.language;
        if (same)
            return;
        g_message("stage %s: source changed; restarting its broadcast", stage_info.id.c_str());
        stage.pending_config = config;
        if (stage.pipeline->running()) {
            stage.pipeline->stop();
        } else {
            cancel_restart(stage);
            open_stage(stage_info.id, stage, *stage.pending_config);
        }
        return;
    }
    Stage& stage = stages_[stage_info.id];
    open_stage(stage_info.id, stage, config);
}

// `config` by value: callers pass the stage's pending config, which this clears.
void StageSupervisor::open_stage(const std::string& stage_id, Stage& stage,
                                 pipelines::StagePipelineConfig config) {
    stage.pending_config.reset();
    stage.source_kind = pipelines::name_of(config.source.kind);
    stage.playlists.clear();
    std::vector<std::string> names{pipelines::kSourceRendition};
    for (const auto& r : config.ladder.encoded)
        names.push_back(r.name);
    if (config.ladder.audio_only)
        names.push_back(pipelines::kAudioRendition);
    for (const auto& input : config.audio_inputs)
        names.push_back(pipelines::audio_rendition_name(input.language, input.describes_video));
    // Window: 10 segments, as players expect of a live playlist (3 target durations at least).
    for (const std::string& name : names) {
        std::error_code ec;
        std::filesystem::create_directories(config.output_dir / name, ec);
        auto playlist = std::make_unique<pipelines::LivePlaylist>(
            config.output_dir / name / "index.m3u8", config_.segment_seconds, size_t{10});
        playlist->resume();
        adopt_unarchived(stage, config.output_dir / name, *playlist);
        stage.playlists.emplace(name, std::move(playlist));
    }
    stage.pipeline = std::make_unique<pipelines::StagePipeline>(config, *this);
    apply_slate(stage);
    stage.master.clear();
    write_master(stage);
    stage.backoff = config_.first_backoff;
    run(stage_id, stage);
}

// The master lists every rendition from the start (sizes as configured), and is rewritten
// once a rendition's real size and bandwidth are known.
void StageSupervisor::write_master(Stage& stage) {
    if (!stage.pipeline)
        return;
    const auto& config = stage.pipeline->config();
    std::vector<pipelines::RenditionInfo> renditions = stage.pipeline->renditions();
    if (renditions.empty()) {
        pipelines::RenditionInfo top;
        top.name = pipelines::kSourceRendition;
        top.codecs = "avc1.640028,mp4a.40.2";
        renditions.push_back(top);
        for (const auto& r : config.ladder.encoded) {
            renditions.push_back(pipelines::RenditionInfo{r.name, false, r.width, r.height, 0,
                                                          "avc1.64001f,mp4a.40.2", 0});
        }
        if (config.ladder.audio_only) {
            renditions.push_back(pipelines::RenditionInfo{pipelines::kAudioRendition, true, 0, 0, 0,
                                                          "mp4a.40.2", 0});
        }
    }
    if (stage.pipeline->renditions().empty()) {
        for (auto& r : audio_input_renditions(config.audio_inputs))
            renditions.push_back(std::move(r));
    }
    const std::string text = pipelines::with_subtitles(
        pipelines::master_playlist(renditions, "index.m3u8", config.language),
        subtitle_tracks_ ? subtitle_tracks_(config.stage_id)
                         : std::vector<pipelines::SubtitleTrack>{});
    if (text == stage.master)
        return;
    if (pipelines::write_file_atomically(config.output_dir / "index.m3u8", text))
        stage.master = text;
}

void StageSupervisor::run(const std::string& stage_id, Stage& stage) {
    try {
        stage.record(StageRunEvent::run_begun);
        stage.run_started = Clock::now();
        stage.pipeline->start();
        g_message("stage %s: broadcasting to %s", stage_id.c_str(),
                  stage.pipeline->config().output_dir.c_str());
        attach_asr(stage_id, stage);
    } catch (const pipelines::MissingElementError& e) {
        // A plugin that is not installed stays missing however often we retry.
        not_started(stage_id, stage, e.what());
        stage.record(StageRunEvent::gave_up);
        stop_asr(stage);
    } catch (const std::exception& e) {
        not_started(stage_id, stage, e.what());
        schedule_restart(stage_id, stage);
    }
}

// The recogniser outlives program restarts (a model may take seconds to load); each run
// gets a tap of its own, which goes with the run.
void StageSupervisor::attach_asr(const std::string& stage_id, Stage& stage) {
    if (config_.asr_command.empty())
        return;
    if (!stage.asr) {
        stage.asr = std::make_unique<AsrProcess>(
            AsrProcess::Config{.stage_id = stage_id, .argv = config_.asr_command},
            [this, stage_id](const std::string& text, std::chrono::system_clock::time_point at) {
                if (asr_line_)
                    asr_line_(stage_id, text, at);
            });
    }
    stage.asr->start();
    try {
        // Ours until the program holds it: add_output may refuse it before taking it.
        GstElement* tap = pipelines::make_audio_tap(stage_id, stage.asr->pcm());
        gst_object_ref_sink(tap);
        const bool joined = stage.pipeline->add_output("asr", tap);
        gst_object_unref(tap);
        if (!joined)
            stage.asr->note_error("the program's sound could not be tapped");
    } catch (const std::exception& e) {
        stage.asr->note_error(e.what());
        g_warning("stage %s: speech recognition gets no sound: %s", stage_id.c_str(), e.what());
    }
}

void StageSupervisor::stop_asr(Stage& stage) {
    if (stage.asr)
        stage.asr->stop();
}

void StageSupervisor::not_started(const std::string& stage_id, Stage& stage,
                                  const std::string& message) {
    count_program_error(stage, message);
    g_warning("stage %s: cannot start the broadcast: %s", stage_id.c_str(), message.c_str());
}

void StageSupervisor::count_program_error(Stage& stage, const std::string& message) {
    stage.error = message;
    ++stage.program_errors;
    stage.last_program_error_at = std::chrono::system_clock::now();
}

void StageSupervisor::schedule_restart(const std::string& stage_id, Stage& stage) {
    if (stopping_) {
        stage.record(StageRunEvent::gave_up);
        return;
    }
    // A run that stayed up for a while was a one-off failure: start over from the first
    // backoff. Otherwise keep doubling, so a stage that fails at once does not spin.
    if (Clock::now() - stage.run_started >= config_.stable_after)
        stage.backoff = config_.first_backoff;
    stage.record(StageRunEvent::restart_scheduled);
    g_message("stage %s: restarting in %lld ms", stage_id.c_str(),
              static_cast<long long>(stage.backoff.count()));
    struct Restart {
        StageSupervisor* self;
        std::string stage_id;
    };
    // On the thread-default context, where the pipelines' bus watches are too.
    GSource* timer = g_timeout_source_new(static_cast<guint>(stage.backoff.count()));
    g_source_set_callback(
        timer,
        [](gpointer data) -> gboolean {
            const auto* restart = static_cast<Restart*>(data);
            Stage& s = restart->self->stages_[restart->stage_id];
            g_source_unref(s.restart_timer);
            s.restart_timer = nullptr;
            ++s.restarts;
            restart->self->run(restart->stage_id, s);
            return G_SOURCE_REMOVE;
        },
        new Restart{this, stage_id}, [](gpointer data) { delete static_cast<Restart*>(data); });
    GMainContext* context = g_main_context_ref_thread_default();
    g_source_attach(timer, context);
    g_main_context_unref(context);
    stage.restart_timer = timer;
    stage.backoff = std::min(stage.backoff * 2, config_.max_backoff);
}

void StageSupervisor::cancel_restart(Stage& stage) {
    if (stage.restart_timer == nullptr)
        return;
    g_source_destroy(stage.restart_timer);
    g_source_unref(stage.restart_timer);
    stage.restart_timer = nullptr;
}

void StageSupervisor::show(const std::string& stage_id, const pipelines::LowerThird& text) {
    const auto it = stages_.find(stage_id);
    if (it != stages_.end() && it->second.pipeline)
        it->second.pipeline->set_lower_third(text);
}

void StageSupervisor::play_session(const std::string& stage_id, const std::string& session_id) {
    const auto it = stages_.find(stage_id);
    if (it == stages_.end() || !it->second.pipeline || !it->second.pipeline->scheduled())
        return;
    auto& pipeline = *it->second.pipeline;
    pipeline.set_scheduled_file(
        pipelines::file_for_session(pipeline.config().source.uri, session_id));
}

void StageSupervisor::show_slate(const std::string& stage_id, const pipelines::LowerThird& text) {
    const auto it = stages_.find(stage_id);
    if (it == stages_.end())
        return;
    it->second.scheduled_slate = text;
    apply_slate(it->second);
}

// The organiser's card wins over the schedule's first line; "Next: …" stays.
void StageSupervisor::apply_slate(Stage& stage) {
    if (!stage.pipeline)
        return;
    pipelines::LowerThird card = stage.scheduled_slate;
    if (stage.control.slate_text)
        card.title = *stage.control.slate_text;
    stage.pipeline->set_slate_text(card);
    stage.pipeline->hold_slate(stage.control.slate_text.has_value());
}

void StageSupervisor::apply_control(const schedule::Stage& stage_info,
                                    const StageControl& control) {
    // A stage not started yet (off air since before this process) gets an entry too: its
    // health says so, and putting it on air starts it (start_stage opens an entry without
    // a pipeline).
    if (!broadcastable(stage_info))
        return;
    Stage& stage = stages_[stage_info.id];
    const bool was_off = stage.control.off_air;
    stage.control = control;
    if (control.off_air && !was_off) {
        take_off_air(stage_info.id, stage);
    } else if (!control.off_air && was_off) {
        put_back_on_air(stage_info, stage);
    } else if (!control.off_air) {
        start_stage(stage_info);
    }
    apply_slate(stage);
}

void StageSupervisor::take_off_air(const std::string& stage_id, Stage& stage) {
    stage.pending_config.reset();
    cancel_restart(stage);
    g_message("stage %s: taken off air by an organiser", stage_id.c_str());
    if (stage.pipeline && stage.pipeline->running()) {
        stage.pipeline->stop();  // on_pipeline_stopped ends the playlists
    } else {
        stage.record(StageRunEvent::ended);
        end_playlists(stage_id, stage);
        stop_asr(stage);
    }
}

void StageSupervisor::put_back_on_air(const schedule::Stage& stage_info, Stage& stage) {
    g_message("stage %s: put back on air by an organiser", stage_info.id.c_str());
    if (stage.pipeline && stage.pipeline->running()) {
        // Still finishing its files: on_pipeline_stopped starts the new run.
        stage.pending_config = pipeline_config_for(stage_info);
        return;
    }
    open_stage(stage_info.id, stage, pipeline_config_for(stage_info));
}

void StageSupervisor::end_playlists(const std::string& stage_id, Stage& stage) {
    for (auto& [name, playlist] : stage.playlists) {
        playlist->end();
        if (listed_)
            listed_(stage_id, name);
    }
}

void StageSupervisor::stop_all(std::function<void()> done) {
    stopping_ = true;
    on_all_stopped_ = std::move(done);
    for (auto& [id, stage] : stages_) {
        if (stage.restart_timer != nullptr) {
            cancel_restart(stage);
            stage.record(StageRunEvent::ended);
            stop_asr(stage);
        }
        if (pipeline_runs(stage.state))
            stage.pipeline->stop();
    }
    maybe_finish_stop();
}

void StageSupervisor::maybe_finish_stop() {
    if (!on_all_stopped_)
        return;
    for (const auto& [id, stage] : stages_) {
        if (pipeline_runs(stage.state))
            return;
    }
    auto done = std::move(on_all_stopped_);
    on_all_stopped_ = nullptr;
    done();
}

nlohmann::json StageSupervisor::health_of(Stage& stage) {
    using nlohmann::json;
    const bool live = stage.state == StageRunState::live;
    const auto uptime =
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - stage.run_started);
    json health = {
        {"state", name_of(stage.state)},
        {"segments", stage.segments},
        {"restarts", stage.restarts},
        {"uptime_seconds", live ? json(uptime.count()) : json(nullptr)},
        {"last_segment_at", instant_or_null(stage.segments > 0, stage.last_segment_at)},
        {"error", stage.error.empty() ? json(nullptr) : json(stage.error)},
        // A count and a time only: what failed is in `error` and the log, for organisers.
        {"program_errors", stage.program_errors},
        {"last_program_error_at",
         instant_or_null(stage.program_errors > 0, stage.last_program_error_at)},
        {"source", {{"kind", stage.source_kind}}},
        {"control", control_json(stage.control)}};
    if (stage.asr)
        health["asr"] = stage.asr->health();
    if (!stage.pipeline)
        return health;
    const pipelines::StageMediaHealth media = stage.pipeline->health();
    health["on_air"] = pipelines::name_of(media.on_air);
    health["switches"] = media.switches;
    health["slate_seconds"] = std::round(media.slate_seconds * 10) / 10;
    health["timestamps_moved"] = media.timestamps_moved;
    json& source = health["source"];
    source["state"] = media.input_state;
    source["error"] = media.input_error.empty() ? json(nullptr) : json(media.input_error);
    source["runs"] = media.input_runs;
    if (media.input) {
        const auto& in = *media.input;
        source["bitrate_kbps"] = std::round(in.video_kbps);
        source["fps"] = std::round(in.fps * 10) / 10;
        source["frames"] = in.frames;
        source["dropped_frames"] = in.dropped_frames;
        source["last_keyframe_age_seconds"] =
            in.last_keyframe_age_s ? json(std::round(*in.last_keyframe_age_s * 100) / 100)
                                   : json(nullptr);
        source["keyframe_interval_seconds"] = std::round(in.keyframe_interval_s * 100) / 100;
        source["width"] = in.width;
        source["height"] = in.height;
        source["uptime_seconds"] = std::round(in.uptime_s);
    }
    if (!media.audio_inputs.empty())
        health["audio_inputs"] = audio_inputs_health_json(media.audio_inputs);
    return health;
}

nlohmann::json StageSupervisor::health() {
    nlohmann::json stages = nlohmann::json::object();
    for (auto& [id, stage] : stages_)
        stages[id] = health_of(stage);
    return stages;
}

std::optional<StageSupervisor::StageFigures> StageSupervisor::figures(const std::string& stage_id) {
    const auto it = stages_.find(stage_id);
    if (it == stages_.end())
        return std::nullopt;
    const Stage& stage = it->second;
    StageFigures figures;
    figures.state = stage.state;
    figures.restarts = stage.restarts;
    figures.program_errors = stage.program_errors;
    figures.segments = stage.segments;
    if (stage.segments > 0) {
        figures.segment_age_seconds =
            std::chrono::duration<double>(std::chrono::system_clock::now() - stage.last_segment_at)
                .count();
    }
    if (stage.pipeline) {
        const pipelines::StageMediaHealth media = stage.pipeline->health();
        figures.input_state = media.input_state;
        if (media.input) {
            figures.video_bytes_per_second = media.input->video_kbps * 1000.0 / 8.0;
            figures.frames_per_second = media.input->fps;
        }
    }
    return figures;
}

nlohmann::json StageSupervisor::stage_health(const std::string& stage_id) {
    const auto it = stages_.find(stage_id);
    return it == stages_.end() ? nlohmann::json(nullptr) : health_of(it->second);
}

void StageSupervisor::on_pipeline_error(const std::string& stage_id, const std::string& message) {
    Stage& stage = stages_[stage_id];
    count_program_error(stage, message);
    g_warning("stage %s: broadcast failed: %s", stage_id.c_str(), message.c_str());
    if (stage.pending_config && !stopping_) {
        open_stage(stage_id, stage, *stage.pending_config);
        return;
    }
    if (stopping_) {
        stage.record(StageRunEvent::gave_up);
        stop_asr(stage);
        maybe_finish_stop();
        return;
    }
    if (stage.control.off_air) {  // failed on its way off air: off air it is
        stage.record(StageRunEvent::ended);
        stop_asr(stage);
        end_playlists(stage_id, stage);
        return;
    }
    schedule_restart(stage_id, stage);
}

void StageSupervisor::on_segment_closed(const std::string& stage_id,
                                        const pipelines::ClosedSegment& segment) {
    Stage& stage = stages_[stage_id];
    keep_segment(stage_id, stage, segment);
    if (const auto it = stage.playlists.find(segment.rendition); it != stage.playlists.end()) {
        it->second->add(segment.path.filename().string(), segment.duration_s, segment.run_id,
                        segment.discontinuity, segment.started_at);
        if (listed_)
            listed_(stage_id, segment.rendition);
    }
    if (stage.live_only.size() > 0) {
        stage.live_only.sweep(
            [&](const std::string& rendition, const std::string& file) {
                const auto it = stage.playlists.find(rendition);
                return it != stage.playlists.end() && it->second->lists(file);
            },
            std::chrono::system_clock::now(), config_.live_grace);
    }
    if (segment.rendition != pipelines::kSourceRendition)
        return;
    write_master(stage);
    ++stage.segments;
    stage.last_segment_at =
        segment.started_at + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                 std::chrono::duration<double>(segment.duration_s));
    const StageRunState before = stage.state;
    stage.record(StageRunEvent::segment_listed);
    if (before != stage.state)
        g_message("stage %s: live", stage_id.c_str());
}

// A resumed playlist may list segments kept for live only by the last process (it stopped
// while the disk was low): they go, like ours, once unlisted and past the grace.
void StageSupervisor::adopt_unarchived(Stage& stage, const std::filesystem::path& folder,
                                       const pipelines::LivePlaylist& playlist) {
    for (const auto& listed : playlist.listed()) {
        const std::filesystem::path path = folder / listed.uri;
        const std::string rendition = folder.filename().string();
        if (listed.uri.find('/') != std::string::npos ||
            stage.live_only.holds(rendition, listed.uri) ||
            archive_.find(path.lexically_relative(config_.live_dir).generic_string()))
            continue;
        pipelines::ClosedSegment segment;
        segment.path = path;
        segment.rendition = rendition;
        segment.started_at = std::chrono::system_clock::time_point(
            std::chrono::milliseconds(listed.starts_ms.value_or(0)));
        segment.duration_s = listed.duration_s;
        stage.live_only.add(segment);
    }
}

// Archived for replays, or, while archiving is off, kept for live only.
void StageSupervisor::keep_segment(const std::string& stage_id, Stage& stage,
                                   const pipelines::ClosedSegment& segment) {
    if (!archiving_) {
        stage.live_only.add(segment);
        stage.archive_gap.insert(segment.rendition);
        return;
    }
    if (stage.archive_gap.erase(segment.rendition) > 0) {
        pipelines::ClosedSegment after_gap = segment;
        after_gap.discontinuity = true;
        archive_.add(stage_id, after_gap);
        return;
    }
    archive_.add(stage_id, segment);
}

bool StageSupervisor::serves_live(const std::string& stage_id, const std::string& rendition,
                                  const std::string& file) const {
    const auto stage = stages_.find(stage_id);
    if (stage == stages_.end())
        return false;
    const auto it = stage->second.playlists.find(rendition);
    if (it != stage->second.playlists.end() && it->second->lists(file))
        return true;
    return stage->second.live_only.holds(rendition, file);
}

const pipelines::LivePlaylist* StageSupervisor::playlist(const std::string& stage_id,
                                                         const std::string& rendition) const {
    const auto stage = stages_.find(stage_id);
    if (stage == stages_.end())
        return nullptr;
    const auto it = stage->second.playlists.find(rendition);
    return it == stage->second.playlists.end() ? nullptr : it->second.get();
}

void StageSupervisor::on_feed_switched(const std::string& stage_id,
                                       const pipelines::FeedSwitch& change,
                                       const std::string& reason) {
    if (!ops_)
        return;
    // `cause` for consoles to say in their own language; `reason` is the detail (in English).
    ops_(stage_id,
         {{"type", "switch"},
          {"stage", stage_id},
          {"on_air", pipelines::name_of(change.to)},
          {"cause", pipelines::name_of(change.cause)},
          {"reason", reason},
          {"at",
           format_instant_ms(std::chrono::time_point_cast<std::chrono::milliseconds>(change.at))}});
}

void StageSupervisor::on_pipeline_stopped(const std::string& stopped_id) {
    // A copy: the pipeline reports its own config's id, and open_stage below replaces (frees)
    // that pipeline while this runs (a use after free the asan stage found).
    const std::string stage_id = stopped_id;
    Stage& stage = stages_[stage_id];
    stage.record(StageRunEvent::pipeline_stopped);
    if (stage.pending_config && !stopping_) {
        // A source edit: the old run's files are final; the new source starts afresh.
        open_stage(stage_id, stage, *stage.pending_config);
        return;
    }
    end_playlists(stage_id, stage);
    stop_asr(stage);
    g_message("stage %s: broadcast stopped, files complete", stage_id.c_str());
    maybe_finish_stop();
}

}  // namespace stagehub::server
