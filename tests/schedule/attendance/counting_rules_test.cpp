#include "schedule/attendance/counting_rules.hpp"

#include <gtest/gtest.h>

namespace stagehub::attendance {
namespace {

using namespace std::chrono_literals;

// "09:00" of the examples (a fixed instant), and an offset from it.
TimePoint at(Millis since_nine) {
    return TimePoint{Millis{1'570'517'200'000}} + since_nine;
}

std::vector<TimePoint> beats_every(Millis period, Millis from, Millis to) {
    std::vector<TimePoint> beats;
    for (Millis t = from; t < to; t += period)
        beats.push_back(at(t));
    return beats;
}

const CountingRules kRules;

TEST(CountingRules, AViewerHasLeftAfter45SecondsWithoutAHeartbeat) {
    // Every 15 s from 09:00 to 09:10, then a 40 s silence (a tunnel), then on to 09:20.
    auto beats = beats_every(15s, 0min, 10min);
    const auto later = beats_every(15s, 10min + 25s, 20min);
    beats.insert(beats.end(), later.begin(), later.end());
    auto intervals = watching_intervals(beats, kRules);
    ASSERT_EQ(intervals.size(), 1u) << "40 s without a heartbeat is not leaving";
    EXPECT_EQ(intervals[0], (Interval{at(0s), at(19min + 55s + 15s)}));

    // A 50 s silence is: the first stretch ends when its last heartbeat's cover runs out.
    beats = beats_every(15s, 0min, 10min);
    beats.push_back(at(9min + 45s + 50s));
    intervals = watching_intervals(beats, kRules);
    ASSERT_EQ(intervals.size(), 2u);
    EXPECT_EQ(intervals[0], (Interval{at(0s), at(9min + 45s + 15s)}));
    EXPECT_EQ(intervals[1].length(), 15s);

    // 45 s sharp without a heartbeat is leaving too: "not heard from for 45 s".
    beats = beats_every(15s, 0min, 10min);
    beats.push_back(at(9min + 45s + 45s));
    intervals = watching_intervals(beats, kRules);
    ASSERT_EQ(intervals.size(), 2u) << "a silence of exactly 45 s";
    EXPECT_EQ(intervals[0].to, at(9min + 45s + 15s));
    beats.back() = at(9min + 45s + 44s);
    EXPECT_EQ(watching_intervals(beats, kRules).size(), 1u) << "44 s is not leaving";

    // Order and repeats in what arrives do not matter.
    EXPECT_EQ(watching_intervals({at(30s), at(0s), at(15s), at(15s)}, kRules),
              (std::vector<Interval>{{at(0s), at(45s)}}));
    EXPECT_TRUE(watching_intervals({}, kRules).empty());
}

TEST(CountingRules, WatchingAcrossASessionBoundaryCountsForBothSessions) {
    // Anna watches 09:50–10:10; the talk is 09:30–10:00, the panel 10:00–10:30.
    Watching watching;
    watching["anna"] = {{at(50min), at(70min)}};
    watching["bo"] = {{at(31min), at(40min)}, {at(45min), at(55min)}};  // left and came back
    watching["cilla"] = {{at(60min), at(90min)}};                       // from the panel on

    const Audience talk = audience_of(watching, at(30min), at(60min));
    EXPECT_EQ(talk.viewers, 2u) << "anna and bo; cilla came at its end (half-open)";
    EXPECT_EQ(talk.watch_time, 10min + 19min);
    EXPECT_EQ(talk.peak_concurrent, 2u);

    const Audience panel = audience_of(watching, at(60min), at(90min));
    EXPECT_EQ(panel.viewers, 2u) << "anna and cilla";
    EXPECT_EQ(panel.watch_time, 10min + 30min);
    EXPECT_EQ(panel.peak_concurrent, 2u);

    EXPECT_EQ(concurrent_at(watching, at(52min)), 2u);
    EXPECT_EQ(concurrent_at(watching, at(70min)), 1u) << "anna left at 10:10 sharp";
    EXPECT_EQ(audience_of(watching, at(100min), at(110min)), Audience{});
}

TEST(CountingRules, AReplayCountsOncePerViewerAndDayAfter30SecondsOfPlayback) {
    const std::vector<ReplayPlayback> playbacks = {
        {"anna", "idesslussen", "2019-10-08", 29s},   // not yet a view
        {"bo", "idesslussen", "2019-10-08", 30s},     // a view, exactly at the rule
        {"bo", "idesslussen", "2019-10-08", 10min},   // the same day again: no second view
        {"cilla", "idesslussen", "2019-10-08", 20s},  // two short plays the same day...
        {"cilla", "idesslussen", "2019-10-08", 15s},  // ...add up to one view
        {"bo", "idesslussen", "2019-10-09", 1min},    // the next day counts again
        {"anna", "forskolan", "2019-10-08", 5min},
    };
    const auto figures = replay_figures(playbacks, kRules);
    EXPECT_EQ(figures.at("idesslussen"), (ReplayFigures{3, 29s + 30s + 10min + 20s + 15s + 1min}));
    EXPECT_EQ(figures.at("forskolan"), (ReplayFigures{1, 5min}));
    EXPECT_FALSE(figures.contains("valkommen"));
}

}  // namespace
}  // namespace stagehub::attendance
