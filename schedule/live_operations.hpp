// The edits an organiser makes while the day runs: delay, start now, end now, swap, move,
// cancel, restore, reorder a panel. Each is a pure function: it takes the programme and
// returns the whole new programme (validated, sessions sorted) with the ids that changed and
// one line for the change log. Nothing is stored here; the caller saves and broadcasts.
//
// Every operation either succeeds completely or returns an Error and changes nothing. After
// applying an edit the result is checked with validate(): if it breaks a rule, the edit is
// refused with the first problem's code ("overlap", "person_double_booked",
// "outside_event_days", ...) and all problem messages joined by "; ". In particular a delay
// that would push a session past the day's end is refused, naming the sessions; the organiser
// can shorten or cancel a session first. Cascades never move sessions on other stages, so a
// delay that puts a person on two stages at once is refused the same way.
//
// State words follow Session::state_at(now): "scheduled" (not started: now is before its
// effective start), "live", "ended", "cancelled". Other error codes, each naming the session
// by id and title: "not_found" (no such session), "unknown_stage", "bad_field" (a bad
// argument), "bad_state" (the session is in the wrong state for the operation),
// "bad_panel_order".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/instant.hpp"
#include "schedule/model.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule {

// How a delay travels down a stage. shift_all: every later session that would overlap is
// pushed, breaks included. absorb_into_breaks: a break that would be overlapped shrinks
// instead (its end stays), down to kMinimumBreak, and only what it cannot absorb passes on.
enum class CascadeMode { shift_all, absorb_into_breaks };

// "shift_all", "absorb_into_breaks".
std::string_view to_string(CascadeMode mode);
std::optional<CascadeMode> cascade_mode_from_string(std::string_view text);

// The shortest a break is shrunk to when it absorbs a delay: people still need to change
// rooms and the technicians to switch the stage. A break already shorter than this is not
// shrunk at all; it moves whole.
inline constexpr Seconds kMinimumBreak{5 * 60};
// The longest delay accepted in one operation; anything longer is a typo or a new day.
inline constexpr Seconds kMaximumDelay{12 * 60 * 60};

struct Outcome {
    Programme programme;               // after the operation, validated, sessions sorted
    std::vector<std::string> changed;  // ids of sessions whose value differs, in programme order
    // One line for the change log, e.g. "delayed 'Välkommen' by 10 min; 3 later sessions on
    // Stora salen shifted, break 'Lunch' absorbed 5 min".
    std::string summary;
};

// The cascade, shared by delay_session and start_now: after a session ends later than before,
// the later sessions on its stage that have not started and are not cancelled are walked in
// start order; each one the previous end overlaps is pushed to start exactly at that end.
// Free gaps absorb delay by themselves, and a session that is not overlapped does not move.

// A scheduled session starts `by` later; a live one runs `by` longer (its duration grows).
// Then the cascade. `by` must be > 0 and at most kMaximumDelay ("bad_field"); an ended or
// cancelled session cannot be delayed ("bad_state").
Result<Outcome> delay_session(const Programme& programme, std::string_view session_id, Seconds by,
                              CascadeMode mode, Instant now);

// Records that the session starts at `now` (actual_start); it then runs for its duration. If
// another session on the stage is live at `now`, that one ends at `now` (the stage switches).
// Starting late pushes the later sessions it now overlaps (the cascade); starting early moves
// nothing else. Accepted for a scheduled session and for one whose planned start has passed
// without it being started (the clock shows it live but it has no actual_start: the previous
// session ran over); refused ("bad_state") once started, ended or cancelled.
Result<Outcome> start_now(const Programme& programme, std::string_view session_id, Instant now,
                          CascadeMode mode);

// Records that the live session ends at `now` (actual_end; actual_start is filled in from its
// effective start if unset, so the record is explicit). Later sessions do not move: the next
// one can be started early with start_now. Refused ("bad_state") unless live at `now`.
Result<Outcome> end_now(const Programme& programme, std::string_view session_id, Instant now);

// Both sessions must be scheduled and differ. On one stage, with X the earlier and Y the
// later: Y takes X's start, X ends where Y ended, and the scheduled sessions between them
// shift by (Y's duration - X's duration), so the block keeps its start and end. On two
// stages: they exchange stage and start, each keeping its duration. No cascade: a conflict
// is refused by validation.
Result<Outcome> swap_sessions(const Programme& programme, std::string_view a, std::string_view b,
                              Instant now);

// Puts a scheduled or cancelled session on `stage_id` at `start`, keeping its duration (a
// cancelled one stays cancelled until restored). `start` may not be before `now`
// ("bad_field"): that would make the session appear already started. No cascade: a conflict
// ("overlap", "person_double_booked", "outside_event_days") is refused by validation.
Result<Outcome> move_session(const Programme& programme, std::string_view session_id,
                             std::string_view stage_id, Instant start, Instant now);

// Cancels a scheduled session; its slot is then free. A live session is ended with end_now
// instead, so the record says what really happened.
Result<Outcome> cancel_session(const Programme& programme, std::string_view session_id,
                               Instant now);

// Un-cancels a session at its planned place; refused by validation if the slot has been
// taken meanwhile (move it first).
Result<Outcome> restore_session(const Programme& programme, std::string_view session_id);

// Puts the session's people in `person_order` (ids); each keeps their role. The order must be
// a permutation of the session's people: otherwise "bad_panel_order", naming the missing,
// unknown and repeated ids. Allowed in any state: a moderator may change the order live.
Result<Outcome> reorder_panel(const Programme& programme, std::string_view session_id,
                              const std::vector<std::string>& person_order);

}  // namespace stagehub::schedule
