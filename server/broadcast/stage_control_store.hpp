// The organiser's hand on each stage's broadcast, kept in SQLite (stage_controls): a stage
// taken off air stays off, across server restarts, until it is put on air again; a slate
// put up by hand stays up until taken down. A stage with no row is on air, on its input.
//
// Threads: loop thread (the server's connection).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "schedule/database.hpp"

namespace stagehub::server {

struct StageControl {
    bool off_air = false;
    std::optional<std::string> slate_text;  // shown instead of the input; nullopt: the input
    std::string changed_at;                 // ISO 8601 UTC; empty: never changed
    std::string changed_by;                 // the account's name

    bool operator==(const StageControl&) const = default;
};

// {"on_air", "slate": null | {"text"}, "changed_at", "changed_by"}: the API's answers, the
// health's "control" and the ops channel's control message.
nlohmann::json control_json(const StageControl& control);

class StageControlStore {
  public:
    explicit StageControlStore(schedule::Database& db) : db_(db) {}

    // Reads every stage's control (once the schema is migrated); later reads come from
    // memory.
    void load();

    // The stage's control; the default (on air, no slate) when it was never changed.
    const StageControl& get(const std::string& stage_id) const;

    // Stores it, then remembers it. Throws schedule::DatabaseError when it cannot be stored:
    // then nothing changed.
    void put(const std::string& stage_id, const StageControl& control);

  private:
    schedule::Database& db_;
    std::map<std::string, StageControl> controls_;
};

}  // namespace stagehub::server
