#include "server/api/caption_deadline.hpp"

#include <glib.h>

#include "server/api/api_errors.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
// The change log's author for what the rule does by itself.
constexpr const char* kActor = "caption-deadline";

int64_t ms_of(Instant at) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

std::string iso_ms(int64_t ms) {
    return format_instant_ms(
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds{ms}));
}

}  // namespace

std::optional<DeadlineAction> deadline_action_named(std::string_view name) {
    if (name == "hide")
        return DeadlineAction::hide;
    if (name == "warn")
        return DeadlineAction::warn;
    return std::nullopt;
}

std::string_view to_string(DeadlineAction action) {
    return action == DeadlineAction::hide ? "hide" : "warn";
}

CaptionDeadline::CaptionDeadline(schedule::Database& db, const schedule::ProgrammeCatalog& catalog,
                                 pipelines::SegmentArchive& archive, captions::CaptionStore& store,
                                 ReplayApi& replays, ProgrammeEditor& editor, Config config,
                                 Ops ops)
    : db_(db),
      catalog_(catalog),
      archive_(archive),
      store_(store),
      replays_(replays),
      editor_(editor),
      config_(config),
      ops_(std::move(ops)) {}

std::string CaptionDeadline::status_of(const ReplayApi::Window& replay) const {
    std::string status = "none";
    for (const auto& track :
         store_.replay_tracks(replay.session_id, replay.stage_id, replay.from_ms, replay.to_ms)) {
        if (track.kind != captions::CueKind::captions)
            continue;
        if (track.own && track.complete)
            return "complete";
        if (track.cues > 0)
            status = "live";
    }
    return status;
}

json CaptionDeadline::deadline_json(const ReplayApi::Window& replay, Instant now) const {
    const int64_t due = replay.first_broadcast_ms + config_.days * kDayMs;
    const int64_t left = due - ms_of(now);
    // Whole days, rounded up: "1 day left" until the moment it is due.
    const int64_t days_left = left <= 0 ? 0 : (left + kDayMs - 1) / kDayMs;
    const auto taken = action_taken(replay.session_id);
    return {{"status", status_of(replay)},
            {"due", iso_ms(due)},
            {"days_left", days_left},
            {"deadline", !taken                  ? json(nullptr)
                         : *taken == "hide"      ? json("hidden")
                         : *taken == "organiser" ? json("hidden_then_organiser")
                                                 : json("warned")}};
}

std::optional<std::string> CaptionDeadline::action_taken(const std::string& session_id) const {
    auto query = db_.prepare("SELECT action FROM caption_deadline_actions WHERE session_id = ?");
    query.bind(1, session_id);
    if (!query.step())
        return std::nullopt;
    return query.column_text(0);
}

int CaptionDeadline::run(Instant now) {
    const int64_t now_ms = ms_of(now);
    int acted = 0;
    // Windows are copied: the change log's save below reloads the catalog.
    for (const ReplayApi::Window& replay : replays_.public_windows(now)) {
        const int64_t due = replay.first_broadcast_ms + config_.days * kDayMs;
        if (now_ms < due || status_of(replay) == "complete")
            continue;
        const auto taken = action_taken(replay.session_id);
        // Once per replay and action: a warning is not repeated hourly, and a replay an
        // organiser showed again after the rule hid it is not hidden twice.
        if (taken && (*taken != "warn" || config_.action == DeadlineAction::warn))
            continue;
        const bool hide = config_.action == DeadlineAction::hide;
        if (hide) {
            pipelines::ReplayEdit edit = archive_.edit_of(replay.session_id);
            edit.hidden = true;
            archive_.set_edit(replay.session_id, edit);
        }
        auto record = db_.prepare(
            "INSERT INTO caption_deadline_actions (session_id, action, at_ms) VALUES (?, ?, ?) "
            "ON CONFLICT (session_id) DO UPDATE SET action = excluded.action, at_ms = "
            "excluded.at_ms");
        record.bind(1, replay.session_id)
            .bind(2, std::string(to_string(config_.action)))
            .bind(3, now_ms)
            .run();
        const std::string summary = std::string(hide ? "hid" : "warned about") + " the replay of " +
                                    in_quotes(replay.title) + ": no complete captions " +
                                    std::to_string(config_.days) +
                                    " days after its first broadcast (--caption-deadline-action " +
                                    std::string(to_string(config_.action)) + ")";
        g_message("captions: %s", summary.c_str());
        note(replay.event_id, replay.session_id,
             hide ? "caption_deadline_hide" : "caption_deadline_warn", summary);
        if (ops_) {
            ops_(replay.stage_id, {{"type", "caption_deadline"},
                                   {"event", replay.event_id},
                                   {"session", replay.session_id},
                                   {"title", replay.title},
                                   {"action", to_string(config_.action)},
                                   {"due", iso_ms(due)}});
        }
        ++acted;
    }
    return acted;
}

void CaptionDeadline::on_visibility_edited(const std::string& session_id) {
    auto handed_over = db_.prepare(
        "UPDATE caption_deadline_actions SET action = 'organiser' WHERE session_id = ? AND "
        "action = 'hide'");
    handed_over.bind(1, session_id).run();
}

void CaptionDeadline::on_captions_changed(const ReplayApi::Window& replay,
                                          const std::string& actor) {
    const auto taken = action_taken(replay.session_id);
    if (!taken || *taken != "hide" || status_of(replay) != "complete")
        return;
    pipelines::ReplayEdit edit = archive_.edit_of(replay.session_id);
    if (edit.hidden) {
        edit.hidden = false;
        archive_.set_edit(replay.session_id, edit);
    }
    auto forget = db_.prepare("DELETE FROM caption_deadline_actions WHERE session_id = ?");
    forget.bind(1, replay.session_id).run();
    const std::string summary = "showed the replay of " + in_quotes(replay.title) +
                                " again: its captions are complete (" + actor + ")";
    g_message("captions: %s", summary.c_str());
    note(replay.event_id, replay.session_id, "caption_deadline_show", summary);
    if (ops_) {
        ops_(replay.stage_id, {{"type", "caption_deadline"},
                               {"event", replay.event_id},
                               {"session", replay.session_id},
                               {"title", replay.title},
                               {"action", "show"}});
    }
}

// The change log holds the programme's revisions: an unchanged programme with a note, as the
// recording's erasure does.
void CaptionDeadline::note(const std::string& event_id, const std::string& session_id,
                           std::string operation, std::string summary) {
    const schedule::Programme* programme = catalog_.find_event(event_id);
    if (programme == nullptr)
        return;
    ProgrammeEditor::Edit edit{
        *programme, {session_id}, std::move(operation), std::move(summary), false};
    if (auto saved = editor_.save(kActor, std::move(edit)); !saved)
        g_warning("captions: the change log refused a note: %s", saved.error().message.c_str());
}

}  // namespace stagehub::server
