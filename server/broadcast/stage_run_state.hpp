// The state machine of one stage under the StageSupervisor: the states a stage's health
// reports as its `state` (docs/API.md), the events the supervisor records, and every move
// between them in one pure function (no clock, no pipeline: the supervisor does the work).
#pragma once

namespace stagehub::server {

enum class StageRunState {
    starting,    // a pipeline run began; no segment yet
    live,        // the run has listed a segment
    restarting,  // the run failed; the next one waits for its backoff
    failed,      // no run will follow by itself (a missing element; the server stopping)
    stopped,     // ended cleanly: taken off air, a source edit, the server stopping
};

// What happened to a stage, as the supervisor sees it; the state it leads to.
enum class StageRunEvent {
    run_begun,          // → starting: a first start, a restart, a new source
    segment_listed,     // starting → live; elsewhere no change
    restart_scheduled,  // → restarting
    gave_up,            // → failed
    ended,              // → stopped: off air with no pipeline, or a restart cancelled
    pipeline_stopped,   // → stopped, but failed stays failed: health must show the failure
};

// The state after `event`. Every event is allowed in every state.
StageRunState next_state(StageRunState state, StageRunEvent event);

// Whether a pipeline runs in this state (to be stopped, and awaited, at shutdown).
bool pipeline_runs(StageRunState state);

// The name in health reports: "starting", "live", "restarting", "failed", "stopped".
const char* name_of(StageRunState state);

}  // namespace stagehub::server
