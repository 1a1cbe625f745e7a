// The 14-day rule (docs/CAPTIONS.md, "The 14-day rule"): a published recording must carry
// captions within 14 days of its first broadcast (DOS-lagen; webbriktlinjer.se R119).
// Every public replay is due `days` after its session's actual start; on that day a
// replay without a complete captions track is hidden (or, with the warn action, only
// warned about), once, logged in the change log and pushed on `ops`. A replay the
// deadline hid comes back by itself when a complete track arrives; one an organiser hid
// stays hidden. An organiser who shows a deadline-hidden replay again without captions
// is obeyed (the change log holds both); the job does not hide it twice.
//
// Threads: loop thread (the catalog, the archive's edits and the captions on the
// application's connection).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "pipelines/segment_archive.hpp"
#include "schedule/captions/caption_store.hpp"
#include "schedule/database.hpp"
#include "schedule/instant.hpp"
#include "server/api/programme_editor.hpp"
#include "server/api/replay_api.hpp"

namespace stagehub::server {

enum class DeadlineAction { hide, warn };

class CaptionDeadline {
  public:
    struct Config {
        int days = 14;
        DeadlineAction action = DeadlineAction::hide;
    };
    // A message for the ops channel of a stage.
    using Ops = std::function<void(const std::string& stage_id, const nlohmann::json& message)>;

    CaptionDeadline(schedule::Database& db, const schedule::ProgrammeCatalog& catalog,
                    pipelines::SegmentArchive& archive, captions::CaptionStore& store,
                    ReplayApi& replays, ProgrammeEditor& editor, Config config, Ops ops);

    // Acts on every public replay due at or before `now` without complete captions that
    // it has not acted on yet. Returns how many it acted on.
    int run(Instant now);

    // "none", "live" (cues from the live captions only) or "complete": an own captions
    // track marked complete, in any language.
    std::string status_of(const ReplayApi::Window& replay) const;
    // The organiser's view of a replay's deadline: {"status", "due", "days_left",
    // "deadline"} (deadline: null, "hidden" or "warned").
    nlohmann::json deadline_json(const ReplayApi::Window& replay, Instant now) const;

    // After a track of the session changed: a replay this rule hid whose captions are now
    // complete is shown again (logged).
    void on_captions_changed(const ReplayApi::Window& replay, const std::string& actor);
    // An organiser showed or hid a replay this rule hid: from now on its visibility is
    // theirs, and complete captions no longer show it again by themselves.
    void on_visibility_edited(const std::string& session_id);

  private:
    std::optional<std::string> action_taken(const std::string& session_id) const;
    void note(const std::string& event_id, const std::string& session_id, std::string operation,
              std::string summary);

    schedule::Database& db_;
    const schedule::ProgrammeCatalog& catalog_;
    pipelines::SegmentArchive& archive_;
    captions::CaptionStore& store_;
    ReplayApi& replays_;
    ProgrammeEditor& editor_;
    Config config_;
    Ops ops_;
};

std::optional<DeadlineAction> deadline_action_named(std::string_view name);
std::string_view to_string(DeadlineAction action);

}  // namespace stagehub::server
