#include "server/app/asr_captions.hpp"

#include "schedule/captions/cue_text.hpp"

namespace stagehub::server {

Result<captions::Cue> AsrCaptions::add_line(const std::string& stage_id, const std::string& text,
                                            std::chrono::system_clock::time_point at) {
    const schedule::Programme* owner = catalog_.find_stage_owner(stage_id);
    if (owner == nullptr)
        return Error{ErrorCode::not_found, "no event holds the stage '" + stage_id + "'"};
    captions::Cue cue;
    cue.event_id = owner->event.id;
    cue.stage_id = stage_id;
    cue.language = owner->event.language();
    cue.kind = captions::CueKind::captions;
    cue.start_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
    // Read as plain text: what is on screen, not its escaped form, sets how long it stays.
    cue.end_ms = cue.start_ms + captions::live_cue_duration_ms(text);
    cue.text = captions::cue_text_from_plain(text);
    cue.source = captions::CueSource::asr;
    auto stored = store_.add_live_cue(cue);
    if (stored.ok() && cue_added_)
        cue_added_(*stored);
    return stored;
}

}  // namespace stagehub::server
