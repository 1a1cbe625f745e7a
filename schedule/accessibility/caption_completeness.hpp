// Which replays have complete captions, for the accessibility statement's list of known
// gaps (WCAG 1.2.2: a recording kept online needs captions). A replay counts as captioned
// when it has a captions track an organiser marked complete (`caption_tracks`, the
// caption store's table, schedule/captions/caption_store.hpp); live cues alone do not make
// it complete, as nobody has checked them. Read straight from the table: one indexed look
// per replay, without the cue counts CaptionStore::replay_tracks adds.
//
// Threads: any thread with its own connection.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace stagehub::schedule {
class Database;
}

namespace stagehub::accessibility {

// Those of `sessions` with a complete captions track in some language.
std::set<std::string> sessions_with_complete_captions(schedule::Database& db,
                                                      const std::vector<std::string>& sessions);

}  // namespace stagehub::accessibility
