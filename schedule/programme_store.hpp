// Reads and writes programmes in the SQLite database. Every write is one transaction
// that either lands whole, with the next revision in the change log, or not at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/database.hpp"
#include "schedule/model.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule {

// What a change is, for the change log: who made it, which operation, a line for people,
// and what it touched, so a client can catch up on exactly that.
struct ChangeNote {
    std::string actor;      // "organiser:3 (Anna)", "cli", "demo"
    std::string operation;  // "replace", "delay", "start_now", "edit_session", ...
    std::string summary;    // "delayed 'Välkommen' by 10 min; 3 later sessions shifted"
    std::vector<std::string> sessions;  // ids of sessions added, changed or removed
    bool whole_event = false;           // event fields, days, stages or everything changed
    // Of `sessions`, those the public could see before the change: the public may hear of
    // their removal, but never of a session that was not public.
    std::vector<std::string> public_before;
};

// One row of the change log.
struct ChangeRecord {
    int64_t revision = 0;
    std::string event_id;
    Instant at{};
    std::string actor;
    std::string operation;
    std::string summary;
    std::vector<std::string> sessions;
    bool whole_event = false;
    std::vector<std::string> public_before;
};

class ProgrammeStore {
  public:
    explicit ProgrammeStore(Database& db) : db_(db) {}

    // Validates, then makes the stored event exactly this programme: its fields, days,
    // stages and sessions afterwards are the given ones (rows of sessions that stay are
    // updated in place, so what refers to them survives); people are created or updated
    // (people are shared between events). Sessions and stages without a guid get one.
    // Returns the new revision. Errors: invalid programme ("invalid_programme" with every
    // problem listed, or the code of the single problem when there is one), or a stage or
    // session id that belongs to another event ("id_conflict").
    Result<int64_t> save_event(const Programme& programme, const ChangeNote& note);
    // save_event as a whole-event "replace" by `actor`.
    Result<int64_t> replace_event(const Programme& programme, std::string_view actor);

    // Removes the event and everything in it. Errors: "not_found".
    Result<int64_t> delete_event(std::string_view event_id, std::string_view actor);

    // The event with its days, stages, sessions (sorted) and the people in them.
    Result<Programme> load_event(std::string_view event_id);

    std::vector<std::string> event_ids();

    // A person from the people shared by all events.
    std::optional<Person> load_person(std::string_view person_id);

    // The latest revision of the whole programme database; 0 when nothing was ever stored.
    int64_t revision();

    // Changes after `revision`, oldest first; of one event when `event_id` is given.
    std::vector<ChangeRecord> changes_since(int64_t revision,
                                            std::optional<std::string_view> event_id = {});

  private:
    Status check_ids_free(const Programme& programme);
    void write_event_fields(const Event& event);
    void add_stages(const Programme& programme);
    void remove_stages_not_in(const Programme& programme);
    void write_sessions(const Programme& programme);
    int64_t log_change(std::string_view event_id, const ChangeNote& note);

    Database& db_;
};

// A random (version 4) UUID, for sessions and stages that come without a guid.
std::string random_uuid();

}  // namespace stagehub::schedule
