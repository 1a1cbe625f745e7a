#include "schedule/captions/caption_store.hpp"

#include <algorithm>
#include <limits>

namespace stagehub::captions {
namespace {

constexpr std::string_view kCueColumns =
    "id, event_id, stage_id, COALESCE(session_id, ''), language, kind, start_ms, end_ms, text, "
    "source";

Cue read_cue(const schedule::Statement& row) {
    Cue cue;
    cue.id = row.column_int(0);
    cue.event_id = row.column_text(1);
    cue.stage_id = row.column_text(2);
    cue.session_id = row.column_text(3);
    cue.language = row.column_text(4);
    cue.kind = cue_kind_from_string(row.column_text(5)).value_or(CueKind::captions);
    cue.start_ms = row.column_int(6);
    cue.end_ms = row.column_int(7);
    cue.text = row.column_text(8);
    cue.source = cue_source_from_string(row.column_text(9)).value_or(CueSource::live);
    return cue;
}

std::vector<Cue> read_cues(schedule::Statement& query) {
    std::vector<Cue> cues;
    while (query.step())
        cues.push_back(read_cue(query));
    return cues;
}

schedule::Statement prepare_insert(schedule::Database& db) {
    return db.prepare(
        "INSERT INTO caption_cues (event_id, stage_id, session_id, language, kind, start_ms, "
        "end_ms, text, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
}

// Runs `insert` (prepare_insert's) for one cue and leaves it ready for the next: a track of
// 15,000 cues is one statement prepared once, not 15,000.
void insert_cue(schedule::Statement& insert, const Cue& cue) {
    insert.bind(1, cue.event_id).bind(2, cue.stage_id);
    if (cue.session_id.empty()) {
        insert.bind_null(3);
    } else {
        insert.bind(3, cue.session_id);
    }
    insert.bind(4, cue.language)
        .bind(5, to_string(cue.kind))
        .bind(6, cue.start_ms)
        .bind(7, cue.end_ms)
        .bind(8, cue.text)
        .bind(9, to_string(cue.source));
    insert.run();
}

// The earliest start of a live cue still running at `at_ms` (kMaxLiveCueMs before it).
int64_t earliest_live_start(int64_t at_ms) {
    return at_ms < std::numeric_limits<int64_t>::min() + kMaxLiveCueMs ? at_ms
                                                                       : at_ms - kMaxLiveCueMs;
}

}  // namespace

Result<Cue> CaptionStore::add_live_cue(const Cue& cue) {
    if (!cue.session_id.empty())
        return Error(ErrorCode::invalid, "a live cue belongs to a stage, not to a replay");
    if (cue.end_ms < cue.start_ms)
        return Error(ErrorCode::invalid_captions, "the cue ends before it starts");
    if (cue.end_ms - cue.start_ms > kMaxLiveCueMs)
        return Error(ErrorCode::invalid_captions,
                     "a live cue lasts at most " + std::to_string(kMaxLiveCueMs / 1000) + " s");
    if (cue.text.empty() || cue.text.size() > kMaxCueTextBytes)
        return Error(ErrorCode::invalid_captions,
                     "a cue's text is 1 to " + std::to_string(kMaxCueTextBytes) + " bytes");
    schedule::Statement insert = prepare_insert(db_);
    insert_cue(insert, cue);
    Cue stored = cue;
    stored.id = db_.last_insert_rowid();
    return stored;
}

std::vector<Cue> CaptionStore::live_cues(std::string_view stage_id, std::string_view language,
                                         CueKind kind, int64_t from_ms, int64_t to_ms) const {
    // A cue overlaps the window when it starts before its end and ends after its start. A
    // live cue lasts at most kMaxLiveCueMs, so the overlapping ones start no earlier than
    // that before the window: a range of the index, not the stage's whole history.
    schedule::Statement query = db_.prepare(
        std::string("SELECT ") + std::string(kCueColumns) +
        " FROM caption_cues WHERE session_id IS NULL AND stage_id = ? AND language = ? AND "
        "kind = ? AND start_ms >= ? AND start_ms < ? AND end_ms > ? ORDER BY start_ms, id");
    query.bind(1, stage_id)
        .bind(2, language)
        .bind(3, to_string(kind))
        .bind(4, earliest_live_start(from_ms))
        .bind(5, to_ms)
        .bind(6, from_ms);
    return read_cues(query);
}

std::vector<Cue> CaptionStore::latest_live_cues(std::string_view stage_id,
                                                std::string_view language, CueKind kind,
                                                size_t count, int64_t since_ms) const {
    schedule::Statement query = db_.prepare(
        std::string("SELECT ") + std::string(kCueColumns) +
        " FROM caption_cues WHERE session_id IS NULL AND stage_id = ? AND language = ? AND "
        "kind = ? AND start_ms >= ? AND end_ms > ? ORDER BY start_ms DESC, id DESC LIMIT ?");
    query.bind(1, stage_id)
        .bind(2, language)
        .bind(3, to_string(kind))
        .bind(4, earliest_live_start(since_ms))
        .bind(5, since_ms)
        .bind(6, static_cast<int64_t>(count));
    std::vector<Cue> cues = read_cues(query);
    std::reverse(cues.begin(), cues.end());
    return cues;
}

std::vector<std::string> CaptionStore::live_languages(std::string_view stage_id,
                                                      CueKind kind) const {
    // A skip scan of the live index: one seek per language the stage has (a few), not a read
    // of every cue it ever had, which a DISTINCT over its rows would be.
    schedule::Statement next = db_.prepare(
        "SELECT min(language) FROM caption_cues WHERE session_id IS NULL AND stage_id = ? "
        "AND language > ?");
    schedule::Statement has_kind = db_.prepare(
        "SELECT 1 FROM caption_cues WHERE session_id IS NULL AND stage_id = ? AND language = ? "
        "AND kind = ? LIMIT 1");
    std::vector<std::string> languages;
    std::string after;
    for (;;) {
        next.bind(1, stage_id).bind(2, after);
        const bool found = next.step() && !next.column_is_null(0);
        if (found)
            after = next.column_text(0);
        next.reset();
        if (!found)
            break;
        has_kind.bind(1, stage_id).bind(2, after).bind(3, to_string(kind));
        if (has_kind.step())
            languages.push_back(after);
        has_kind.reset();
    }
    return languages;
}

std::vector<Cue> CaptionStore::replay_cues(std::string_view session_id, std::string_view stage_id,
                                           std::string_view language, CueKind kind,
                                           int64_t window_from_ms, int64_t window_to_ms) const {
    if (!has_own_track(session_id, language, kind))
        return live_cues(stage_id, language, kind, window_from_ms, window_to_ms);
    schedule::Statement query =
        db_.prepare(std::string("SELECT ") + std::string(kCueColumns) +
                    " FROM caption_cues WHERE session_id = ? AND language = ? AND kind = ? AND "
                    "start_ms < ? AND end_ms > ? ORDER BY start_ms, id");
    query.bind(1, session_id)
        .bind(2, language)
        .bind(3, to_string(kind))
        .bind(4, window_to_ms)
        .bind(5, window_from_ms);
    return read_cues(query);
}

bool CaptionStore::has_own_track(std::string_view session_id, std::string_view language,
                                 CueKind kind) const {
    schedule::Statement query = db_.prepare(
        "SELECT 1 FROM caption_tracks WHERE session_id = ? AND language = ? AND kind = ?");
    query.bind(1, session_id).bind(2, language).bind(3, to_string(kind));
    return query.step();
}

std::vector<Cue> CaptionStore::own_track(std::string_view session_id, std::string_view language,
                                         CueKind kind) const {
    schedule::Statement query =
        db_.prepare(std::string("SELECT ") + std::string(kCueColumns) +
                    " FROM caption_cues WHERE session_id = ? AND language = ? AND kind = ? "
                    "ORDER BY start_ms, id");
    query.bind(1, session_id).bind(2, language).bind(3, to_string(kind));
    return read_cues(query);
}

std::vector<CaptionStore::Track> CaptionStore::replay_tracks(std::string_view session_id,
                                                             std::string_view stage_id,
                                                             int64_t window_from_ms,
                                                             int64_t window_to_ms) const {
    std::vector<Track> tracks;
    schedule::Statement own = db_.prepare(
        "SELECT t.language, t.kind, t.complete, t.updated_ms, "
        "(SELECT count(*) FROM caption_cues c WHERE c.session_id = t.session_id AND "
        "c.language = t.language AND c.kind = t.kind) "
        "FROM caption_tracks t WHERE t.session_id = ? ORDER BY t.kind, t.language");
    own.bind(1, session_id);
    while (own.step()) {
        Track track;
        track.language = own.column_text(0);
        track.kind = cue_kind_from_string(own.column_text(1)).value_or(CueKind::captions);
        track.own = true;
        track.complete = own.column_int(2) != 0;
        track.updated_ms = own.column_int(3);
        track.cues = own.column_int(4);
        tracks.push_back(std::move(track));
    }
    const size_t own_count = tracks.size();
    // Per language the stage has, a count over the index's range for the window (see
    // live_cues), so no request reads the stage's whole history.
    schedule::Statement live = db_.prepare(
        "SELECT count(*) FROM caption_cues WHERE session_id IS NULL AND stage_id = ? AND "
        "language = ? AND kind = ? AND start_ms >= ? AND start_ms < ? AND end_ms > ?");
    for (const CueKind kind : {CueKind::captions, CueKind::descriptions}) {
        for (const std::string& language : live_languages(stage_id, kind)) {
            const bool shadowed = std::any_of(
                tracks.begin(), tracks.begin() + static_cast<std::ptrdiff_t>(own_count),
                [&](const Track& mine) { return mine.kind == kind && mine.language == language; });
            if (shadowed)
                continue;
            live.bind(1, stage_id)
                .bind(2, language)
                .bind(3, to_string(kind))
                .bind(4, earliest_live_start(window_from_ms))
                .bind(5, window_to_ms)
                .bind(6, window_from_ms);
            const int64_t count = live.step() ? live.column_int(0) : 0;
            live.reset();
            if (count == 0)
                continue;
            Track track;
            track.kind = kind;
            track.language = language;
            track.cues = count;
            tracks.push_back(std::move(track));
        }
    }
    return tracks;
}

Status CaptionStore::replace_replay_track(std::string_view event_id, std::string_view session_id,
                                          std::string_view stage_id, std::string_view language,
                                          CueKind kind, const std::vector<Cue>& cues, bool complete,
                                          int64_t now_ms) {
    if (session_id.empty())
        return Error(ErrorCode::invalid, "a replay's track needs its session");
    if (cues.size() > kMaxCuesPerTrack)
        return Error(ErrorCode::invalid_captions,
                     "a track holds at most " + std::to_string(kMaxCuesPerTrack) + " cues");
    for (const Cue& cue : cues) {
        if (cue.end_ms < cue.start_ms)
            return Error(ErrorCode::invalid_captions, "a cue ends before it starts");
        if (cue.text.size() > kMaxCueTextBytes)
            return Error(
                ErrorCode::invalid_captions,
                "a cue's text is longer than " + std::to_string(kMaxCueTextBytes) + " bytes");
    }
    schedule::Transaction tx(db_);
    schedule::Statement drop =
        db_.prepare("DELETE FROM caption_cues WHERE session_id = ? AND language = ? AND kind = ?");
    drop.bind(1, session_id).bind(2, language).bind(3, to_string(kind));
    drop.run();
    schedule::Statement insert = prepare_insert(db_);
    for (const Cue& given : cues) {
        Cue cue = given;
        cue.event_id = std::string(event_id);
        cue.stage_id = std::string(stage_id);
        cue.session_id = std::string(session_id);
        cue.language = std::string(language);
        cue.kind = kind;
        insert_cue(insert, cue);
    }
    schedule::Statement track = db_.prepare(
        "INSERT INTO caption_tracks (session_id, language, kind, complete, updated_ms) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, language, kind) DO UPDATE SET "
        "complete = excluded.complete, updated_ms = excluded.updated_ms");
    track.bind(1, session_id)
        .bind(2, language)
        .bind(3, to_string(kind))
        .bind(4, int64_t{complete ? 1 : 0})
        .bind(5, now_ms);
    track.run();
    tx.commit();
    return ok_status();
}

Status CaptionStore::set_track_complete(std::string_view session_id, std::string_view language,
                                        CueKind kind, bool complete, int64_t now_ms) {
    schedule::Statement update = db_.prepare(
        "UPDATE caption_tracks SET complete = ?, updated_ms = ? WHERE session_id = ? AND "
        "language = ? AND kind = ?");
    update.bind(1, int64_t{complete ? 1 : 0})
        .bind(2, now_ms)
        .bind(3, session_id)
        .bind(4, language)
        .bind(5, to_string(kind));
    update.run();
    if (db_.changes() == 0)
        return Error(ErrorCode::not_found, "the replay has no own " + std::string(language) + " " +
                                               std::string(to_string(kind)) + " track");
    return ok_status();
}

Status CaptionStore::delete_replay_track(std::string_view session_id, std::string_view language,
                                         CueKind kind) {
    schedule::Transaction tx(db_);
    schedule::Statement track = db_.prepare(
        "DELETE FROM caption_tracks WHERE session_id = ? AND language = ? AND kind = ?");
    track.bind(1, session_id).bind(2, language).bind(3, to_string(kind));
    track.run();
    if (db_.changes() == 0)
        return Error(ErrorCode::not_found, "the replay has no own " + std::string(language) + " " +
                                               std::string(to_string(kind)) + " track");
    schedule::Statement cues =
        db_.prepare("DELETE FROM caption_cues WHERE session_id = ? AND language = ? AND kind = ?");
    cues.bind(1, session_id).bind(2, language).bind(3, to_string(kind));
    cues.run();
    tx.commit();
    return ok_status();
}

int64_t CaptionStore::delete_cues_before(int64_t before_ms) {
    schedule::Transaction tx(db_);
    schedule::Statement drop = db_.prepare("DELETE FROM caption_cues WHERE end_ms < ?");
    drop.bind(1, before_ms);
    drop.run();
    const int64_t removed = db_.changes();
    db_.execute(
        "DELETE FROM caption_tracks WHERE NOT EXISTS (SELECT 1 FROM caption_cues c WHERE "
        "c.session_id = caption_tracks.session_id AND c.language = caption_tracks.language AND "
        "c.kind = caption_tracks.kind)");
    tx.commit();
    return removed;
}

int64_t CaptionStore::erase_recording(std::string_view stage_id, std::string_view session_id,
                                      int64_t from_ms, int64_t to_ms) {
    schedule::Transaction tx(db_);
    schedule::Statement live = db_.prepare(
        "DELETE FROM caption_cues WHERE session_id IS NULL AND stage_id = ? AND start_ms < ? AND "
        "end_ms > ?");
    live.bind(1, stage_id).bind(2, to_ms).bind(3, from_ms);
    live.run();
    int64_t removed = db_.changes();
    schedule::Statement own = db_.prepare("DELETE FROM caption_cues WHERE session_id = ?");
    own.bind(1, session_id);
    own.run();
    removed += db_.changes();
    schedule::Statement tracks = db_.prepare("DELETE FROM caption_tracks WHERE session_id = ?");
    tracks.bind(1, session_id);
    tracks.run();
    tx.commit();
    return removed;
}

}  // namespace stagehub::captions
