#include "schedule/programme_catalog.hpp"

#include <algorithm>
#include <stdexcept>

#include "schedule/programme_json.hpp"

namespace stagehub::schedule {

void ProgrammeCatalog::reload() {
    std::vector<Programme> loaded;
    for (const std::string& id : store_.event_ids()) {
        auto programme = store_.load_event(id);
        // The id came from the same database a moment ago; a miss means corruption.
        if (!programme)
            throw std::runtime_error(programme.error().message);
        loaded.push_back(std::move(programme).value());
    }
    std::vector<Programme> published;
    for (const Programme& programme : loaded) {
        if (auto visible = published_part(programme))
            published.push_back(std::move(*visible));
    }
    programmes_ = std::move(loaded);
    published_ = std::move(published);
    revision_ = store_.revision();
}

void ProgrammeCatalog::reload_event(std::string_view event_id) {
    const auto by_id = [&](const Programme& p) { return p.event.id == event_id; };
    std::erase_if(programmes_, by_id);
    std::erase_if(published_, by_id);
    if (auto programme = store_.load_event(event_id)) {
        // Kept in id order, as reload() has them.
        const auto at = std::lower_bound(
            programmes_.begin(), programmes_.end(), event_id,
            [](const Programme& p, std::string_view id) { return p.event.id < id; });
        if (auto visible = published_part(*programme)) {
            const auto public_at = std::lower_bound(
                published_.begin(), published_.end(), event_id,
                [](const Programme& p, std::string_view id) { return p.event.id < id; });
            published_.insert(public_at, std::move(*visible));
        }
        programmes_.insert(at, std::move(programme).value());
    }
    revision_ = store_.revision();
}

const Programme* ProgrammeCatalog::find_event(std::string_view event_id) const {
    for (const Programme& p : programmes_) {
        if (p.event.id == event_id)
            return &p;
    }
    return nullptr;
}

const Programme* ProgrammeCatalog::find_stage_owner(std::string_view stage_id) const {
    for (const Programme& p : programmes_) {
        if (p.find_stage(stage_id) != nullptr)
            return &p;
    }
    return nullptr;
}

}  // namespace stagehub::schedule
