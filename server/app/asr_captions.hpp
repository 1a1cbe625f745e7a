// The speech recognisers' lines as live cues (docs/CAPTIONS.md, "Speech recognition"): a line
// a stage's recogniser printed (server/broadcast/asr_process.hpp) is stored as a cue of that
// stage's live track, in its event's main language, source `asr`, timed like every live line
// (it starts when it arrived), and then handed on to whoever pushes cues out (the
// `captions:{stage}` websocket channel).
//
// Threads: loop thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "schedule/captions/caption_store.hpp"
#include "schedule/programme_catalog.hpp"
#include "schedule/result.hpp"

namespace stagehub::server {

class AsrCaptions {
  public:
    using CueAdded = std::function<void(const captions::Cue& cue)>;

    AsrCaptions(captions::CaptionStore& store, const schedule::ProgrammeCatalog& catalog)
        : store_(store), catalog_(catalog) {}

    // Called with every cue stored: the one place to push it out (captions:{stage}).
    void on_cue_added(CueAdded sink) { cue_added_ = std::move(sink); }

    // A line (plain text) of stage_id's recogniser that arrived at `at`: the stored cue, or
    // why not (a stage no event holds any more, a text the store refuses).
    Result<captions::Cue> add_line(const std::string& stage_id, const std::string& text,
                                   std::chrono::system_clock::time_point at);

  private:
    captions::CaptionStore& store_;
    const schedule::ProgrammeCatalog& catalog_;
    CueAdded cue_added_;
};

}  // namespace stagehub::server
