#include "server/live/caption_partials.hpp"

namespace stagehub::server {

bool CaptionPartials::set(std::string_view stage_id, std::string_view language,
                          std::string_view text, Clock::time_point now) {
    auto stage = lines_.find(stage_id);
    if (text.empty()) {
        if (stage == lines_.end())
            return false;
        const auto line = stage->second.find(language);
        if (line == stage->second.end())
            return false;
        stage->second.erase(line);
        if (stage->second.empty())
            lines_.erase(stage);
        return true;
    }
    if (stage == lines_.end())
        stage =
            lines_.emplace(std::string(stage_id), std::map<std::string, Line, std::less<>>{}).first;
    // Stale lines go as the stage's next one comes, so the map holds only what is shown.
    std::erase_if(stage->second, [&](const auto& entry) {
        return entry.first != language && now - entry.second.changed > kFresh;
    });
    Line& line = stage->second[std::string(language)];
    const bool changed = line.text != text;
    line.text = std::string(text);
    line.changed = now;
    return changed;
}

size_t CaptionPartials::held() const {
    size_t count = 0;
    for (const auto& [stage, lines] : lines_)
        count += lines.size();
    return count;
}

std::vector<CaptionPartials::Partial> CaptionPartials::current(std::string_view stage_id,
                                                               Clock::time_point now) const {
    std::vector<Partial> partials;
    const auto stage = lines_.find(stage_id);
    if (stage == lines_.end())
        return partials;
    for (const auto& [language, line] : stage->second) {
        if (now - line.changed <= kFresh)
            partials.push_back({language, line.text});
    }
    return partials;
}

}  // namespace stagehub::server
