// A panel's running order as it happens: who of the session's people (in their speaking
// order, set by `panel-order`) speaks now, who is next, and how long the current speaker
// has left. The moderator advances it live; it is kept in the database so a restart
// does not send a panel back to its first speaker.
//
// Each speaker's share is the session's length divided by the people in the running order
// (moderator included), counted from the moment they were given the word.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "schedule/database.hpp"
#include "schedule/model.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule {

struct PanelProgress {
    // Index into the session's people: -1 before the first speaker, people.size() after
    // the last one.
    int position = -1;
    std::optional<Instant> speaker_since;  // when the current speaker was given the word
};

enum class PanelStep { next, previous, restart };

// The step from `progress`; errors "bad_state" (next after the last speaker, previous
// before the first) and "no_running_order" (a session with nobody in it).
Result<PanelProgress> step_panel(const Session& session, const PanelProgress& progress,
                                 PanelStep step, Instant now);

// {"session", "title", "state": "waiting" | "speaking" | "finished", "speaker_seconds",
//  "order": [{"person", "name", "role", "position"}], "current": {…, "since", "ends",
//  "seconds_left"} | null, "next": {…} | null}; positions are 1-based.
nlohmann::json panel_json(const Programme& programme, const Session& session,
                          const PanelProgress& progress, Instant at);

class PanelProgressStore {
  public:
    explicit PanelProgressStore(Database& db) : db_(db) {}
    PanelProgress get(const std::string& session_id);
    void put(const std::string& session_id, const PanelProgress& progress);

  private:
    Database& db_;
};

}  // namespace stagehub::schedule
