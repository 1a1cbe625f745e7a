#include "schedule/accessibility/caption_completeness.hpp"

#include "schedule/database.hpp"

namespace stagehub::accessibility {

std::set<std::string> sessions_with_complete_captions(schedule::Database& db,
                                                      const std::vector<std::string>& sessions) {
    std::set<std::string> complete;
    schedule::Statement query = db.prepare(
        "SELECT 1 FROM caption_tracks WHERE session_id = ? AND kind = 'captions' AND "
        "complete <> 0 LIMIT 1");
    for (const std::string& session : sessions) {
        query.reset();
        query.bind(1, session);
        if (query.step())
            complete.insert(session);
    }
    return complete;
}

}  // namespace stagehub::accessibility
