#include "schedule/migrations.hpp"

#include <array>
#include <string>
#include <string_view>

namespace stagehub::schedule {
namespace {

// Append only: a released migration is never edited, a change is a new migration.
constexpr std::array<std::string_view, 16> kMigrations{
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
    // 2: the full programme model (days, stage details, actual times, publication, panel
    // follow-ups), change log details for catch-up, and accounts with hashed tokens.
    R"sql(
ALTER TABLE events ADD COLUMN organisers TEXT NOT NULL DEFAULT '[]';  -- JSON list
ALTER TABLE events ADD COLUMN languages TEXT NOT NULL DEFAULT '["sv"]';  -- JSON list
ALTER TABLE events ADD COLUMN published INTEGER NOT NULL DEFAULT 1 CHECK (published IN (0, 1));
UPDATE events SET organisers = json_array(organiser) WHERE organiser != '';
UPDATE events SET languages = json_array(language);
ALTER TABLE events DROP COLUMN organiser;
ALTER TABLE events DROP COLUMN language;

CREATE TABLE event_days (
    event_id  TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at   INTEGER NOT NULL CHECK (ends_at > starts_at),
    PRIMARY KEY (event_id, position)
) STRICT;

ALTER TABLE stages ADD COLUMN guid TEXT NOT NULL DEFAULT '';
ALTER TABLE stages ADD COLUMN broadcast INTEGER NOT NULL DEFAULT 1 CHECK (broadcast IN (0, 1));
ALTER TABLE stages ADD COLUMN capacity INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0);
ALTER TABLE stages ADD COLUMN location TEXT NOT NULL DEFAULT '';

ALTER TABLE sessions ADD COLUMN guid TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN actual_start INTEGER;  -- UTC seconds; NULL: as planned
ALTER TABLE sessions ADD COLUMN actual_end INTEGER;
ALTER TABLE sessions ADD COLUMN attendance TEXT NOT NULL DEFAULT 'hybrid'
    CHECK (attendance IN ('in_person', 'web', 'hybrid'));
ALTER TABLE sessions ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1));
ALTER TABLE sessions ADD COLUMN replay_allowed INTEGER NOT NULL DEFAULT 1
    CHECK (replay_allowed IN (0, 1));
ALTER TABLE sessions ADD COLUMN published INTEGER NOT NULL DEFAULT 1 CHECK (published IN (0, 1));

-- A panel dialogue and the talks it follows up, in order.
CREATE TABLE session_follow_ups (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    followed_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    PRIMARY KEY (session_id, followed_id)
) STRICT;

-- What each change touched, so a client catches up from a revision: the sessions, or the
-- whole event (fields, days, stages, an import).
ALTER TABLE change_log ADD COLUMN operation TEXT NOT NULL DEFAULT 'replace';
ALTER TABLE change_log ADD COLUMN sessions TEXT NOT NULL DEFAULT '[]';  -- JSON list of ids
ALTER TABLE change_log ADD COLUMN whole_event INTEGER NOT NULL DEFAULT 1;
ALTER TABLE change_log ADD COLUMN public_before TEXT NOT NULL DEFAULT '[]';  -- JSON list of ids
CREATE INDEX change_log_by_event ON change_log(event_id, revision);

-- Who may do what. Tokens are random and stored only as SHA-256 hashes.
CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('organiser', 'staff', 'speaker')),
    person_id  TEXT REFERENCES people(id) ON DELETE CASCADE,  -- speakers: who they are
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
) STRICT;
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,  -- hex SHA-256 of the token
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
-- The events an account acts in (organisers edit them, staff read their statistics,
-- speakers read their own sessions in them).
CREATE TABLE event_grants (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL,  -- may name an event before it is imported
    PRIMARY KEY (account_id, event_id)
) STRICT;
)sql",
    // 3: the replay archive: every live segment as it closes, and organisers' replay edits.
    R"sql(
CREATE TABLE segments (
    id          INTEGER PRIMARY KEY,
    stage_id    TEXT NOT NULL,  -- no foreign key: the recording outlives edits of the stage
    run_id      TEXT NOT NULL,  -- the pipeline run; timestamps restart with each
    seq         INTEGER NOT NULL,  -- number within the run
    file        TEXT NOT NULL UNIQUE,  -- relative to the live media folder: {stage}/seg-….ts
    starts_ms   INTEGER NOT NULL,  -- wall clock, UTC milliseconds since the epoch
    duration_ms INTEGER NOT NULL CHECK (duration_ms > 0),
    bytes       INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX segments_by_stage_time ON segments(stage_id, starts_ms);

CREATE TABLE replay_edits (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    trim_in_ms  INTEGER NOT NULL DEFAULT 0 CHECK (trim_in_ms >= 0),
    trim_out_ms INTEGER NOT NULL DEFAULT 0 CHECK (trim_out_ms >= 0),
    hidden      INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1))
) STRICT;
)sql",
    // 4: what feeds each stage's broadcast, and where its lower third is drawn.
    R"sql(
ALTER TABLE stages ADD COLUMN source_kind TEXT NOT NULL DEFAULT 'test_pattern'
    CHECK (source_kind IN ('test_pattern', 'srt', 'rtmp', 'rtsp', 'file'));
ALTER TABLE stages ADD COLUMN source_url TEXT NOT NULL DEFAULT '';
ALTER TABLE stages ADD COLUMN source_passphrase TEXT NOT NULL DEFAULT '';
ALTER TABLE stages ADD COLUMN lower_third TEXT NOT NULL DEFAULT 'automatic'
    CHECK (lower_third IN ('automatic', 'burned_in', 'player', 'off'));
)sql",
    // 5: the adaptive ladder: a segment per rendition at each boundary, and where a new
    // picture begins (a switch between input and slate).
    R"sql(
ALTER TABLE segments ADD COLUMN rendition TEXT NOT NULL DEFAULT '';  -- '' before the ladder
ALTER TABLE segments ADD COLUMN discontinuity INTEGER NOT NULL DEFAULT 0
    CHECK (discontinuity IN (0, 1));
DROP INDEX segments_by_stage_time;
CREATE INDEX segments_by_stage_time ON segments(stage_id, rendition, starts_ms);
)sql",
    // 6: where a panel's running order stands (schedule/panel_progress.hpp). No foreign
    // key: a session deleted and re-created keeps nothing it should not.
    R"sql(
CREATE TABLE panel_progress (
    session_id    TEXT PRIMARY KEY,
    position      INTEGER NOT NULL,
    speaker_since INTEGER             -- unix seconds; NULL when nobody speaks
);
)sql",
    // 7: attendance (docs/STATISTICS.md): registrations and door check-ins, presence at
    // sessions with limited seats, the web players' heartbeats, and what compaction keeps of
    // heartbeats past their retention. No foreign keys from heartbeats or figures: counts
    // outlive edits of the programme, and the heartbeat writer must not wait on them.
    R"sql(
CREATE TABLE registrations (
    id         INTEGER PRIMARY KEY,
    event_id   TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    code       TEXT NOT NULL UNIQUE,  -- the short check-in code (in person)
    name       TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    mode       TEXT NOT NULL CHECK (mode IN ('in_person', 'web')),
    created_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX registrations_by_event ON registrations(event_id);

-- One per person and event day; a walk-in has no registration.
CREATE TABLE check_ins (
    id              INTEGER PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    registration_id INTEGER REFERENCES registrations(id) ON DELETE CASCADE,
    day             TEXT NOT NULL,  -- YYYY-MM-DD in the event's time zone
    at_ms           INTEGER NOT NULL,
    by_account      TEXT NOT NULL DEFAULT '',
    UNIQUE (registration_id, day)
) STRICT;
CREATE INDEX check_ins_by_event ON check_ins(event_id, day);

-- Presence at one session (study visits with limited seats); a walk-in has no registration.
CREATE TABLE session_presence (
    id              INTEGER PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    registration_id INTEGER REFERENCES registrations(id) ON DELETE CASCADE,
    at_ms           INTEGER NOT NULL,
    UNIQUE (session_id, registration_id)
) STRICT;

-- Raw heartbeats, kept for the retention period. `at_ms` is the server's clock when it
-- was received; `target` is a stage id (live) or the replayed session's id (replay).
CREATE TABLE heartbeats (
    id          INTEGER PRIMARY KEY,
    at_ms       INTEGER NOT NULL,
    viewer      TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('live', 'replay')),
    target      TEXT NOT NULL,
    position_ms INTEGER NOT NULL,
    played_ms   INTEGER NOT NULL
) STRICT;
CREATE INDEX heartbeats_by_target ON heartbeats(kind, target, at_ms);

-- What compaction keeps once raw heartbeats are past their retention: per minute of each
-- stage (live) or replay, the peak of concurrent viewers, the viewers heard in it and their
-- watch time; each span's audience (a session, a stage's day, a day, the event: keys in
-- schedule/attendance/audience_report.hpp); each replay's figures per viewing day.
CREATE TABLE viewing_minutes (
    kind      TEXT NOT NULL,
    target    TEXT NOT NULL,
    minute_ms INTEGER NOT NULL,
    peak      INTEGER NOT NULL,
    viewers   INTEGER NOT NULL,
    watch_ms  INTEGER NOT NULL,
    PRIMARY KEY (kind, target, minute_ms)
) STRICT, WITHOUT ROWID;
CREATE TABLE frozen_audience (
    span     TEXT PRIMARY KEY,
    viewers  INTEGER NOT NULL,
    watch_ms INTEGER NOT NULL,
    peak     INTEGER NOT NULL
) STRICT;
CREATE TABLE replay_days (
    session_id  TEXT NOT NULL,
    day         TEXT NOT NULL,     -- the viewing day, YYYY-MM-DD in the event's time zone
    views       INTEGER NOT NULL,
    watch_ms    INTEGER NOT NULL,
    furthest_ms INTEGER NOT NULL,  -- the furthest positions reached in the views, summed
    PRIMARY KEY (session_id, day)
) STRICT;
-- Per event: heartbeats before this instant have been compacted.
CREATE TABLE attendance_compaction (
    event_id     TEXT PRIMARY KEY,
    watermark_ms INTEGER NOT NULL
) STRICT;
)sql",
    // 8: the organiser's hand on each stage's broadcast (server/stage_control_store): taken
    // off air, or the slate shown instead of the input. Kept across restarts, so a stage an
    // organiser stopped does not come back on air by itself.
    R"sql(
CREATE TABLE stage_controls (
    stage_id   TEXT PRIMARY KEY,
    off_air    INTEGER NOT NULL CHECK (off_air IN (0, 1)),
    slate_text TEXT,               -- shown instead of the input; NULL: the input
    changed_at TEXT NOT NULL,      -- ISO 8601 UTC
    changed_by TEXT NOT NULL       -- the account's name
) STRICT;
)sql",
    // 9: a segment's URL is looked up on every request outside the live window, to serve
    // it only under the replay rules (server/api/replay_api.hpp, media_reach).
    R"sql(
CREATE INDEX segments_by_file ON segments(file);
)sql",
    // 10: personal data (docs/PRIVACY.md): a registration past its retention, or erased on
    // request, keeps its row (the statistics count it) without name, email or code; and
    // every export, erasure and retention run leaves an audit row that names nobody in
    // clear text (an email only as its SHA-256).
    R"sql(
ALTER TABLE registrations ADD COLUMN anonymised_ms INTEGER;  -- NULL: holds personal data
CREATE TABLE privacy_audit (
    id            INTEGER PRIMARY KEY,
    at_ms         INTEGER NOT NULL,
    action        TEXT NOT NULL CHECK (action IN ('export', 'erase', 'retention')),
    subject       TEXT NOT NULL,  -- email-sha256:HEX, code:CODE or event:ID
    registrations INTEGER NOT NULL,
    check_ins     INTEGER NOT NULL,
    presence      INTEGER NOT NULL,
    actor         TEXT NOT NULL   -- cli, or retention
) STRICT;
)sql",
    // 11: captions (docs/CAPTIONS.md). Live cues belong to a stage and sit on the wall clock
    // the segments start on; a replay's own track (uploaded or corrected) holds cues tied to
    // its session, and caption_tracks says whether an organiser calls that track complete.
    // The accounts table is rebuilt (SQLite's way to change a CHECK) to admit captioners;
    // migrate_to runs this with foreign keys off, so tokens and grants keep pointing at it.
    R"sql(
CREATE TABLE accounts_new (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('organiser', 'staff', 'speaker', 'captioner')),
    person_id  TEXT REFERENCES people(id) ON DELETE CASCADE,  -- speakers: who they are
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
) STRICT;
INSERT INTO accounts_new (id, name, role, person_id, created_at, created_by)
    SELECT id, name, role, person_id, created_at, created_by FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;

CREATE TABLE caption_cues (
    id         INTEGER PRIMARY KEY,
    event_id   TEXT NOT NULL,
    stage_id   TEXT NOT NULL,  -- no foreign keys: captions outlive edits, like segments
    session_id TEXT,           -- NULL: the stage's live track; else that replay's own track
    language   TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('captions', 'descriptions')),
    start_ms   INTEGER NOT NULL,  -- wall clock, UTC milliseconds since the epoch
    end_ms     INTEGER NOT NULL CHECK (end_ms >= start_ms),
    text       TEXT NOT NULL,     -- WebVTT cue text
    source     TEXT NOT NULL CHECK (source IN ('live', 'asr', 'upload', 'edit'))
) STRICT;
CREATE INDEX caption_cues_live ON caption_cues(stage_id, language, kind, start_ms)
    WHERE session_id IS NULL;
CREATE INDEX caption_cues_replay ON caption_cues(session_id, language, kind, start_ms)
    WHERE session_id IS NOT NULL;

CREATE TABLE caption_tracks (
    session_id TEXT NOT NULL,
    language   TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('captions', 'descriptions')),
    complete   INTEGER NOT NULL CHECK (complete IN (0, 1)),
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (session_id, language, kind)
) STRICT;
)sql",
    // 12: the accessibility statement (docs/ACCESSIBILITY.md): each event's settings, and
    // the feedback the public sends through it (personal data when a name or email is
    // given: docs/PRIVACY.md). The privacy audit counts the feedback an erasure touched.
    R"sql(
CREATE TABLE accessibility_statements (
    event_id      TEXT PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
    publisher     TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    compliance    TEXT NOT NULL CHECK (compliance IN ('full', 'partial', 'none')),
    known_gaps    TEXT NOT NULL DEFAULT '{}',  -- JSON: language -> text
    prepared      TEXT NOT NULL,               -- YYYY-MM-DD
    reviewed      TEXT NOT NULL DEFAULT '',    -- YYYY-MM-DD, or '' when never
    evaluation    TEXT NOT NULL DEFAULT 'self' CHECK (evaluation IN ('self', 'external')),
    country       TEXT NOT NULL DEFAULT 'SE' CHECK (country IN ('SE', 'NO')),
    updated_ms    INTEGER NOT NULL,
    updated_by    TEXT NOT NULL
) STRICT;
CREATE TABLE accessibility_feedback (
    id            INTEGER PRIMARY KEY,
    event_id      TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    received_ms   INTEGER NOT NULL,
    page          TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    message       TEXT NOT NULL,
    language      TEXT NOT NULL DEFAULT '',
    anonymised_ms INTEGER  -- set when an erasure blanked name and email
) STRICT;
CREATE INDEX accessibility_feedback_by_event ON accessibility_feedback(event_id, id);
CREATE INDEX accessibility_feedback_by_time ON accessibility_feedback(received_ms);
ALTER TABLE privacy_audit ADD COLUMN feedback INTEGER NOT NULL DEFAULT 0;
)sql",
    // 13: the 90 kHz PTS of a segment's first frame (pipelines/ts_first_pts.hpp), named
    // in the X-TIMESTAMP-MAP of the WebVTT segment beside it. NULL: unknown (archived
    // before, or unreadable); the file is read when it is asked for.
    R"sql(
ALTER TABLE segments ADD COLUMN first_pts INTEGER;
)sql",
    // 14: the 14-day rule's actions on replays (server/api/caption_deadline.hpp): a replay the
    // rule hid comes back when its captions are complete, and none is acted on twice;
    // 'organiser': an organiser showed or hid it since, and the rule leaves it to them.
    R"sql(
CREATE TABLE caption_deadline_actions (
    session_id  TEXT PRIMARY KEY,
    action      TEXT NOT NULL CHECK (action IN ('hide', 'warn', 'organiser')),
    at_ms       INTEGER NOT NULL
) STRICT;
)sql",
    // 15: interpretation: a stage's extra audio inputs, a JSON list (schedule/audio_inputs.hpp)
    // with their passphrases, read and written with the stage.
    R"sql(
ALTER TABLE stages ADD COLUMN audio_inputs TEXT NOT NULL DEFAULT '[]';
)sql",
    // 16: captions go with what they belong to. Ids are global and may be taken again once
    // free: a session or stage another event creates later with the same id must not
    // inherit the tracks, completeness or deadline actions of one that was deleted (nor
    // its languages, through the live cues). Triggers, so that every way a row goes (an
    // edit, an import, an event's deletion cascading) takes its captions with it in the
    // same transaction; a migration that rebuilds sessions or stages must create them
    // again. What went before this migration is cleared once here.
    R"sql(
CREATE TRIGGER captions_of_a_deleted_session AFTER DELETE ON sessions BEGIN
    DELETE FROM caption_cues WHERE session_id = old.id;
    DELETE FROM caption_tracks WHERE session_id = old.id;
    DELETE FROM caption_deadline_actions WHERE session_id = old.id;
END;
CREATE TRIGGER live_captions_of_a_deleted_stage AFTER DELETE ON stages BEGIN
    DELETE FROM caption_cues WHERE session_id IS NULL AND stage_id = old.id;
END;
DELETE FROM caption_cues WHERE
    (session_id IS NOT NULL AND session_id NOT IN (SELECT id FROM sessions)) OR
    (session_id IS NULL AND stage_id NOT IN (SELECT id FROM stages));
DELETE FROM caption_tracks WHERE session_id NOT IN (SELECT id FROM sessions);
DELETE FROM caption_deadline_actions WHERE session_id NOT IN (SELECT id FROM sessions);
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
    migrate_to(db, latest_schema_version());
}

void migrate_to(Database& db, int target) {
    const int current = user_version(db);
    if (current > latest_schema_version()) {
        throw DatabaseError("database " + db.path().string() + " has schema version " +
                            std::to_string(current) + " but this stagehub knows only up to " +
                            std::to_string(latest_schema_version()) +
                            ": run a newer stagehub or use another data directory");
    }
    for (int version = current + 1; version <= target && version <= latest_schema_version();
         ++version) {
        // Foreign keys off while a migration runs (SQLite's procedure for changing a
        // table): rebuilding a table must not cascade into the rows that point at it. The
        // check before the commit refuses a migration that broke a reference.
        db.execute("PRAGMA foreign_keys = OFF");
        try {
            Transaction tx(db);
            db.execute(kMigrations[static_cast<size_t>(version - 1)]);
            Statement broken = db.prepare("PRAGMA foreign_key_check");
            if (broken.step()) {
                throw DatabaseError("migration " + std::to_string(version) +
                                    " left a broken reference in table " + broken.column_text(0));
            }
            db.execute("PRAGMA user_version = " + std::to_string(version));
            tx.commit();
        } catch (...) {
            db.execute("PRAGMA foreign_keys = ON");
            throw;
        }
        db.execute("PRAGMA foreign_keys = ON");
    }
}

}  // namespace stagehub::schedule
