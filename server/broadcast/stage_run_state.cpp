#include "server/broadcast/stage_run_state.hpp"

namespace stagehub::server {

StageRunState next_state(StageRunState state, StageRunEvent event) {
    using State = StageRunState;
    switch (event) {
        case StageRunEvent::run_begun:
            return State::starting;
        case StageRunEvent::segment_listed:
            return state == State::starting ? State::live : state;
        case StageRunEvent::restart_scheduled:
            return State::restarting;
        case StageRunEvent::gave_up:
            return State::failed;
        case StageRunEvent::ended:
            return State::stopped;
        case StageRunEvent::pipeline_stopped:
            return state == State::failed ? State::failed : State::stopped;
    }
    return state;
}

bool pipeline_runs(StageRunState state) {
    return state == StageRunState::starting || state == StageRunState::live;
}

const char* name_of(StageRunState state) {
    switch (state) {
        case StageRunState::starting:
            return "starting";
        case StageRunState::live:
            return "live";
        case StageRunState::restarting:
            return "restarting";
        case StageRunState::failed:
            return "failed";
        case StageRunState::stopped:
            return "stopped";
    }
    return "unknown";
}

}  // namespace stagehub::server
