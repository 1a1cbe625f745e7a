// What is on a stage now and what comes next, computed from the programme at an instant.
// Never stored: the answer follows every edit and every clock tick by construction.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/model.hpp"

namespace stagehub::schedule {

struct NowNext {
    // Effective times, cancelled sessions skipped.
    const Session* now = nullptr;   // start <= at < end (half-open: at `end` it is over)
    const Session* next = nullptr;  // the earliest session starting after `at` that is not `now`
};

NowNext now_and_next(const Programme& programme, std::string_view stage_id, Instant at);

// Remembers the last now/next per stage and reports the stages where it changed, so the
// clock can push `now` messages and switch lower thirds exactly when a session changes.
class NowTracker {
  public:
    // Stage ids whose (now, next) differ from the previous call (all stages on first call).
    std::vector<std::string> update(const Programme& programme, Instant at);

    // Forget a stage's state, e.g. after an edit, so the next update reports it.
    void invalidate(const std::string& stage_id) { last_.erase(stage_id); }

  private:
    struct Ids {
        std::string now;
        std::string next;
        bool operator==(const Ids&) const = default;
    };
    std::map<std::string, Ids> last_;
};

}  // namespace stagehub::schedule
