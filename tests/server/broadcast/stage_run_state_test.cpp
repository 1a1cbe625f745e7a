// The stage state machine, every event from every state: the table is the specification.
#include "server/broadcast/stage_run_state.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace stagehub::server {
namespace {

using State = StageRunState;
using Event = StageRunEvent;

constexpr std::array kStates{State::starting, State::live, State::restarting, State::failed,
                             State::stopped};

TEST(StageRunStateTest, EventsThatLeadToOneStateDoSoFromEveryState) {
    for (const State from : kStates) {
        SCOPED_TRACE(name_of(from));
        EXPECT_EQ(next_state(from, Event::run_begun), State::starting);
        EXPECT_EQ(next_state(from, Event::restart_scheduled), State::restarting);
        EXPECT_EQ(next_state(from, Event::gave_up), State::failed);
        EXPECT_EQ(next_state(from, Event::ended), State::stopped);
    }
}

TEST(StageRunStateTest, OnlyAStartingStageGoesLiveWithASegment) {
    EXPECT_EQ(next_state(State::starting, Event::segment_listed), State::live);
    for (const State from : {State::live, State::restarting, State::failed, State::stopped})
        EXPECT_EQ(next_state(from, Event::segment_listed), from) << name_of(from);
}

TEST(StageRunStateTest, AStoppedPipelineStopsTheStageButAFailureStaysVisible) {
    for (const State from : {State::starting, State::live, State::restarting, State::stopped})
        EXPECT_EQ(next_state(from, Event::pipeline_stopped), State::stopped) << name_of(from);
    EXPECT_EQ(next_state(State::failed, Event::pipeline_stopped), State::failed);
}

TEST(StageRunStateTest, APipelineRunsOnlyWhileStartingOrLive) {
    for (const State state : kStates) {
        const bool runs = state == State::starting || state == State::live;
        EXPECT_EQ(pipeline_runs(state), runs) << name_of(state);
    }
}

TEST(StageRunStateTest, HealthNamesEveryState) {
    EXPECT_EQ(std::string(name_of(State::starting)), "starting");
    EXPECT_EQ(std::string(name_of(State::live)), "live");
    EXPECT_EQ(std::string(name_of(State::restarting)), "restarting");
    EXPECT_EQ(std::string(name_of(State::failed)), "failed");
    EXPECT_EQ(std::string(name_of(State::stopped)), "stopped");
}

}  // namespace
}  // namespace stagehub::server
