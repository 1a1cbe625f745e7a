// Reads and writes programmes in the SQLite database. Every write is one transaction
// that either lands whole, with the next revision in the change log, or not at all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/database.hpp"
#include "schedule/model.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule {

class ProgrammeStore {
  public:
    explicit ProgrammeStore(Database& db) : db_(db) {}

    // Validates, then replaces the event with this programme: its stages and sessions
    // are exactly the given ones afterwards; people are created or updated (people are
    // shared between events). Returns the new revision. Errors: invalid programme
    // ("invalid_programme", every problem listed), or a stage or session id that belongs
    // to another event ("id_conflict").
    Result<int64_t> replace_event(const Programme& programme, std::string_view actor);

    // The event with its stages, sessions (sorted) and the people in them.
    Result<Programme> load_event(std::string_view event_id);

    std::vector<std::string> event_ids();

    // The latest revision of the whole programme database; 0 when nothing was ever stored.
    int64_t revision();

  private:
    Status check_ids_free(const Programme& programme);

    Database& db_;
};

}  // namespace stagehub::schedule
