// The share of replay views that were of captioned replays, in the staff report
// (docs/STATISTICS.md, "Captioned replays"): a session's replay counts as captioned when
// it has captions now (its own track, or live cues in its window, in any language); the
// state at the report's time, not at each view's (views are not stored with it).
//
// Threads: any thread with its own Database connection (the report's worker, the CLI).
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "schedule/captions/caption_store.hpp"
#include "schedule/model.hpp"

namespace stagehub::server {

// The sessions of `programme` whose replays have captions.
std::set<std::string> captioned_replays(const captions::CaptionStore& store,
                                        const schedule::Programme& programme);

// Adds "replay_captioned" to each session row and, to the totals, "replay_views_captioned"
// and "replay_captioned_share" (0..1; null without replay views), over the report's
// session rows (so a report of one day counts that day's sessions).
void add_caption_share(nlohmann::json& report, const std::set<std::string>& captioned);

}  // namespace stagehub::server
