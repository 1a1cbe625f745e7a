// The one way an edit reaches the programme: validate, store in one transaction with the
// next revision, refresh the in-memory catalog, tell the listener (which pushes the delta
// to every screen) — or, for a dry run, only show what would happen.
//
// Threads: loop thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "schedule/model.hpp"
#include "schedule/programme_catalog.hpp"
#include "schedule/programme_store.hpp"
#include "server/auth/access.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

class ProgrammeEditor {
  public:
    class Listener {
      public:
        virtual ~Listener() = default;
        // After the change is stored and the catalog holds it.
        virtual void on_programme_changed(const schedule::ChangeRecord& change) = 0;
    };

    struct Edit {
        schedule::Programme programme;     // the whole event after the edit
        std::vector<std::string> changed;  // sessions added, changed or removed
        std::string operation;             // "delay", "edit_session", ...
        std::string summary;               // one line for people
        bool whole_event = false;          // event fields, days or stages changed
    };

    ProgrammeEditor(schedule::ProgrammeStore& store, schedule::ProgrammeCatalog& catalog,
                    Listener& listener)
        : store_(store), catalog_(catalog), listener_(listener) {}

    // Answers 200 {"revision", "dry_run", "operation", "summary", "changed": [{"id",
    // "before", "after"}]} (before/after null for added/removed sessions), or the error
    // (409/422) naming the conflict. `before` is the event as it was (null for a new one).
    HttpResponse commit(const Caller& caller, const schedule::Programme* before, Edit edit,
                        bool dry_run);

    // Stores without answering HTTP (imports, the CLI); returns the new revision.
    Result<int64_t> save(const std::string& actor, Edit edit);

    Result<int64_t> remove_event(const Caller& caller, const std::string& event_id);

  private:
    void announce(int64_t revision, const std::string& event_id, const schedule::ChangeNote& note);

    schedule::ProgrammeStore& store_;
    schedule::ProgrammeCatalog& catalog_;
    Listener& listener_;
};

}  // namespace stagehub::server
