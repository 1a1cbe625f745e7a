#include "server/broadcast/stage_control_store.hpp"

namespace stagehub::server {

nlohmann::json control_json(const StageControl& control) {
    using nlohmann::json;
    return {{"on_air", !control.off_air},
            {"slate", control.slate_text ? json{{"text", *control.slate_text}} : json(nullptr)},
            {"changed_at", control.changed_at.empty() ? json(nullptr) : json(control.changed_at)},
            {"changed_by", control.changed_by.empty() ? json(nullptr) : json(control.changed_by)}};
}

void StageControlStore::load() {
    controls_.clear();
    schedule::Statement query = db_.prepare(
        "SELECT stage_id, off_air, slate_text, changed_at, changed_by FROM stage_controls");
    while (query.step()) {
        StageControl control;
        control.off_air = query.column_int(1) != 0;
        if (!query.column_is_null(2))
            control.slate_text = query.column_text(2);
        control.changed_at = query.column_text(3);
        control.changed_by = query.column_text(4);
        controls_.emplace(query.column_text(0), std::move(control));
    }
}

const StageControl& StageControlStore::get(const std::string& stage_id) const {
    static const StageControl kUntouched;
    const auto it = controls_.find(stage_id);
    return it == controls_.end() ? kUntouched : it->second;
}

void StageControlStore::put(const std::string& stage_id, const StageControl& control) {
    schedule::Statement upsert = db_.prepare(
        "INSERT INTO stage_controls (stage_id, off_air, slate_text, changed_at, changed_by) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (stage_id) DO UPDATE SET off_air = excluded.off_air, "
        "slate_text = excluded.slate_text, changed_at = excluded.changed_at, "
        "changed_by = excluded.changed_by");
    upsert.bind(1, stage_id).bind(2, int64_t{control.off_air ? 1 : 0});
    if (control.slate_text) {
        upsert.bind(3, *control.slate_text);
    } else {
        upsert.bind_null(3);
    }
    upsert.bind(4, control.changed_at).bind(5, control.changed_by);
    upsert.run();
    controls_[stage_id] = control;
}

}  // namespace stagehub::server
