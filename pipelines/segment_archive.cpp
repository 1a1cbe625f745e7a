#include "pipelines/segment_archive.hpp"

#include <glib.h>

#include <system_error>

#include "pipelines/ts_first_pts.hpp"
#include "schedule/safe_path.hpp"

namespace stagehub::pipelines {
namespace {

int64_t ms_of(WallTime at) {
    return at.time_since_epoch().count();
}

}  // namespace

void SegmentArchive::add(const std::string& stage_id, const ClosedSegment& segment) {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(segment.path, ec);
    const std::filesystem::path relative = segment.path.lexically_relative(live_dir_);
    // Only what lies below the live folder is indexed: rows name files the retention
    // deletes and replays serve, so none may name a file elsewhere.
    if (!schedule::path_below(live_dir_, relative.generic_string())) {
        g_warning("stage %s: segment outside the live folder not archived", stage_id.c_str());
        return;
    }
    const auto starts = std::chrono::time_point_cast<Milliseconds>(segment.started_at);
    const auto duration_ms = static_cast<int64_t>(segment.duration_s * 1000.0 + 0.5);
    if (duration_ms <= 0)
        return;  // an empty fragment (a stop right after a split) holds nothing to replay
    schedule::Statement insert = db_.prepare(
        "INSERT OR IGNORE INTO segments (stage_id, run_id, seq, file, starts_ms, duration_ms, "
        "bytes, rendition, discontinuity, first_pts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, stage_id)
        .bind(2, segment.run_id)
        .bind(3, static_cast<int64_t>(segment.index))
        .bind(4, relative.generic_string())
        .bind(5, ms_of(starts))
        .bind(6, duration_ms)
        .bind(7, ec ? int64_t{0} : static_cast<int64_t>(bytes))
        .bind(8, segment.rendition)
        .bind(9, int64_t{segment.discontinuity});
    // Read now, while the file is fresh in the page cache: a few packets of it.
    if (const auto pts = ts_first_pts(segment.path))
        insert.bind(10, *pts);
    else
        insert.bind_null(10);
    insert.run();
    if (bytes_known_ && db_.changes() > 0 && !ec)
        bytes_by_stage_[stage_id] += static_cast<int64_t>(bytes);
}

std::optional<int64_t> SegmentArchive::first_pts_from_disk(const std::string& file) {
    const auto path = schedule::path_below(live_dir_, file);
    if (!path)
        return std::nullopt;
    const auto pts = ts_first_pts(*path);
    if (pts)
        remember_first_pts(file, *pts);
    return pts;
}

void SegmentArchive::remember_first_pts(const std::string& file, int64_t pts) {
    schedule::Statement update =
        db_.prepare("UPDATE segments SET first_pts = ? WHERE file = ? AND first_pts IS NULL");
    update.bind(1, pts).bind(2, file);
    update.run();
}

const std::map<std::string, int64_t>& SegmentArchive::bytes_by_stage() {
    if (!bytes_known_) {
        bytes_by_stage_.clear();
        schedule::Statement sums =
            db_.prepare("SELECT stage_id, SUM(bytes) FROM segments GROUP BY stage_id");
        while (sums.step())
            bytes_by_stage_[sums.column_text(0)] = sums.column_int(1);
        bytes_known_ = true;
    }
    return bytes_by_stage_;
}

std::vector<ArchivedSegment> SegmentArchive::query(const std::string& sql,
                                                   const std::string& stage_id, int64_t from_ms,
                                                   int64_t to_ms, const std::string& rendition) {
    schedule::Statement statement = db_.prepare(
        "SELECT stage_id, run_id, seq, file, starts_ms, duration_ms, bytes, rendition, "
        "discontinuity, first_pts FROM segments " +
        sql);
    statement.bind(1, stage_id).bind(2, from_ms).bind(3, to_ms).bind(4, rendition);
    std::vector<ArchivedSegment> segments;
    while (statement.step()) {
        segments.push_back(ArchivedSegment{
            statement.column_text(0), statement.column_text(1), statement.column_int(2),
            statement.column_text(3), WallTime{Milliseconds{statement.column_int(4)}},
            Milliseconds{statement.column_int(5)}, statement.column_int(6),
            statement.column_text(7), statement.column_int(8) != 0,
            statement.column_is_null(9) ? std::nullopt
                                        : std::optional<int64_t>(statement.column_int(9))});
    }
    return segments;
}

std::vector<ArchivedSegment> SegmentArchive::overlapping(const std::string& stage_id, WallTime from,
                                                         WallTime to,
                                                         const std::string& rendition) {
    return query(
        "WHERE stage_id = ?1 AND rendition = ?4 AND starts_ms < ?3 AND "
        "starts_ms + duration_ms > ?2 ORDER BY starts_ms, run_id, seq",
        stage_id, ms_of(from), ms_of(to), rendition);
}

std::vector<std::string> SegmentArchive::renditions(const std::string& stage_id, WallTime from,
                                                    WallTime to) {
    schedule::Statement statement = db_.prepare(
        "SELECT DISTINCT rendition FROM segments WHERE stage_id = ?1 AND starts_ms < ?3 AND "
        "starts_ms + duration_ms > ?2 ORDER BY rendition <> 'source', rendition");
    statement.bind(1, stage_id).bind(2, ms_of(from)).bind(3, ms_of(to));
    std::vector<std::string> names;
    while (statement.step())
        names.push_back(statement.column_text(0));
    return names;
}

std::vector<ArchivedSegment> SegmentArchive::of_stage(const std::string& stage_id) {
    return query(
        "WHERE stage_id = ?1 AND ?2 <= ?3 AND ?4 = ?4 ORDER BY starts_ms, rendition, run_id, seq",
        stage_id, 0, 0, "");
}

std::optional<ArchivedSegment> SegmentArchive::find(const std::string& file) {
    // The stage id stands in for the ?1 every query binds; the file decides.
    auto found = query("WHERE file = ?4 AND ?1 = ?1 AND ?2 <= ?3 LIMIT 1", "", 0, 0, file);
    if (found.empty())
        return std::nullopt;
    return std::move(found.front());
}

std::vector<ArchivedSegment> SegmentArchive::erase(const std::string& stage_id, WallTime from,
                                                   WallTime to) {
    std::vector<ArchivedSegment> doomed = query(
        "WHERE stage_id = ?1 AND starts_ms < ?3 AND starts_ms + duration_ms > ?2 AND "
        "?4 = ?4 ORDER BY starts_ms, rendition, run_id, seq",
        stage_id, ms_of(from), ms_of(to), "");
    schedule::Transaction tx(db_);
    schedule::Statement remove = db_.prepare("DELETE FROM segments WHERE file = ?");
    for (const ArchivedSegment& segment : doomed) {
        remove.bind(1, segment.file);
        remove.run();
    }
    tx.commit();
    bytes_known_ = false;
    // As retention: files after the rows, so a crash leaves files without rows, never rows
    // without files. `file` is the archive's own relative path, joined below its folder.
    for (const ArchivedSegment& segment : doomed) {
        std::error_code ec;
        std::filesystem::remove(live_dir_ / segment.file, ec);
    }
    return doomed;
}

void SegmentArchive::remove_edit(const std::string& session_id) {
    db_.prepare("DELETE FROM replay_edits WHERE session_id = ?").bind(1, session_id).run();
}

ReplayEdit SegmentArchive::edit_of(const std::string& session_id) {
    schedule::Statement query = db_.prepare(
        "SELECT trim_in_ms, trim_out_ms, hidden FROM replay_edits WHERE session_id = ?");
    query.bind(1, session_id);
    if (!query.step())
        return {};
    return ReplayEdit{Milliseconds{query.column_int(0)}, Milliseconds{query.column_int(1)},
                      query.column_int(2) != 0};
}

void SegmentArchive::set_edit(const std::string& session_id, const ReplayEdit& edit) {
    db_.prepare(
           "INSERT INTO replay_edits (session_id, trim_in_ms, trim_out_ms, hidden) "
           "VALUES (?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET "
           "trim_in_ms = excluded.trim_in_ms, trim_out_ms = excluded.trim_out_ms, "
           "hidden = excluded.hidden")
        .bind(1, session_id)
        .bind(2, static_cast<int64_t>(edit.trim_in.count()))
        .bind(3, static_cast<int64_t>(edit.trim_out.count()))
        .bind(4, int64_t{edit.hidden})
        .run();
}

int64_t SegmentArchive::remove_older_than(WallTime cutoff) {
    schedule::Statement old =
        db_.prepare("SELECT id, file FROM segments WHERE starts_ms + duration_ms < ? ORDER BY id");
    old.bind(1, ms_of(cutoff));
    std::vector<std::pair<int64_t, std::string>> doomed;
    while (old.step())
        doomed.emplace_back(old.column_int(0), old.column_text(1));
    schedule::Transaction tx(db_);
    schedule::Statement remove = db_.prepare("DELETE FROM segments WHERE id = ?");
    for (const auto& [id, file] : doomed) {
        remove.bind(1, id);
        remove.run();
    }
    tx.commit();
    if (!doomed.empty())
        bytes_known_ = false;
    // Files go after the index no longer names them: a crash in between leaves files
    // without rows, never rows without files.
    for (const auto& [id, file] : doomed) {
        std::error_code ec;
        if (const auto path = schedule::path_below(live_dir_, file))
            std::filesystem::remove(*path, ec);
    }
    return static_cast<int64_t>(doomed.size());
}

}  // namespace stagehub::pipelines
