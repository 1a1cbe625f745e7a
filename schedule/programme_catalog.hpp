// Every event's programme held in memory for the loop thread: reads (API, websocket,
// clock ticks) never touch disk; writes go through the store and then refresh this.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "schedule/model.hpp"
#include "schedule/programme_store.hpp"

namespace stagehub::schedule {

class ProgrammeCatalog {
  public:
    explicit ProgrammeCatalog(ProgrammeStore& store) : store_(store) {}

    // Reloads everything from the store (start-up).
    void reload();
    // Reloads one event after a change to it (dropped when it no longer exists): an edit
    // costs one event's load, however many events the week holds.
    void reload_event(std::string_view event_id);

    const std::vector<Programme>& programmes() const { return programmes_; }
    // What the public sees: the published events, each without its unpublished sessions.
    // Kept beside the full programmes so the clock and the websocket do not re-filter.
    const std::vector<Programme>& published() const { return published_; }
    int64_t revision() const { return revision_; }

    const Programme* find_event(std::string_view event_id) const;
    // The programme that has this stage, or nullptr.
    const Programme* find_stage_owner(std::string_view stage_id) const;

  private:
    ProgrammeStore& store_;
    std::vector<Programme> programmes_;
    std::vector<Programme> published_;
    int64_t revision_ = 0;
};

}  // namespace stagehub::schedule
