#include "schedule/migrations.hpp"

#include <array>
#include <string>
#include <string_view>

namespace stagehub::schedule {
namespace {

// Append only: a released migration is never edited, a change is a new migration.
constexpr std::array<std::string_view, 1> kMigrations{
    // 1: the programme and its change log.
    R"sql(
CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    organiser   TEXT NOT NULL DEFAULT '',
    time_zone   TEXT NOT NULL DEFAULT 'Europe/Stockholm',
    language    TEXT NOT NULL DEFAULT 'sv',
    venue       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE stages (
    id       TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    position INTEGER NOT NULL
) STRICT;

CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    affiliation TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    event_id   TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    stage_id   TEXT NOT NULL REFERENCES stages(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('talk', 'panel', 'keynote', 'break', 'study_visit',
                                             'remote_training', 'workshop')),
    title      TEXT NOT NULL,
    abstract   TEXT NOT NULL DEFAULT '',
    theme      TEXT NOT NULL DEFAULT '',
    starts_at  INTEGER NOT NULL,  -- UTC, seconds since the Unix epoch
    duration_s INTEGER NOT NULL CHECK (duration_s > 0)
) STRICT;
CREATE INDEX sessions_by_event ON sessions(event_id, starts_at);
CREATE INDEX sessions_by_stage ON sessions(stage_id, starts_at);

CREATE TABLE session_people (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    person_id  TEXT NOT NULL REFERENCES people(id),
    role       TEXT NOT NULL CHECK (role IN ('speaker', 'panelist', 'moderator')),
    position   INTEGER NOT NULL,  -- speaking (panel) order within the session
    PRIMARY KEY (session_id, person_id)
) STRICT;

-- Every accepted change gets the next revision; clients catch up from a revision.
CREATE TABLE change_log (
    revision INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    at       INTEGER NOT NULL,
    actor    TEXT NOT NULL,
    summary  TEXT NOT NULL
) STRICT;
)sql",
};

int user_version(Database& db) {
    Statement query = db.prepare("PRAGMA user_version");
    query.step();
    return static_cast<int>(query.column_int(0));
}

}  // namespace

int latest_schema_version() {
    return static_cast<int>(kMigrations.size());
}

void migrate(Database& db) {
    const int current = user_version(db);
    if (current > latest_schema_version()) {
        throw DatabaseError("database " + db.path().string() + " has schema version " +
                            std::to_string(current) + " but this stagehub knows only up to " +
                            std::to_string(latest_schema_version()) +
                            ": run a newer stagehub or use another data directory");
    }
    for (int version = current + 1; version <= latest_schema_version(); ++version) {
        Transaction tx(db);
        db.execute(kMigrations[static_cast<size_t>(version - 1)]);
        db.execute("PRAGMA user_version = " + std::to_string(version));
        tx.commit();
    }
}

}  // namespace stagehub::schedule
