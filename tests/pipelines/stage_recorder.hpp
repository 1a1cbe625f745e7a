// What a StagePipeline reports, recorded for the tests on the loop thread: the segments of
// each rendition, the switches, errors and stops; each report wakes the test's Loop.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipelines/stage_pipeline.hpp"
#include "test_loop.hpp"

namespace stagehub::pipelines {

struct Recorder : StagePipeline::Listener {
    explicit Recorder(Loop& l) : loop(l) {}

    Loop& loop;
    std::map<std::string, std::vector<ClosedSegment>> segments;  // by rendition
    std::vector<std::pair<FeedSwitch, std::chrono::steady_clock::time_point>> switches;
    std::vector<std::string> errors;
    int stopped = 0;

    void on_pipeline_error(const std::string&, const std::string& message) override {
        errors.push_back(message);
        loop.reported();
    }
    void on_segment_closed(const std::string&, const ClosedSegment& segment) override {
        segments[segment.rendition].push_back(segment);
        loop.reported();
    }
    void on_pipeline_stopped(const std::string&) override {
        ++stopped;
        loop.reported();
    }
    void on_feed_switched(const std::string&, const FeedSwitch& change,
                          const std::string&) override {
        switches.emplace_back(change, std::chrono::steady_clock::now());
        loop.reported();
    }
    size_t count(const std::string& rendition) const {
        const auto it = segments.find(rendition);
        return it == segments.end() ? 0 : it->second.size();
    }
    std::optional<Feed> on_air() const {
        if (switches.empty())
            return std::nullopt;
        return switches.back().first.to;
    }
};

}  // namespace stagehub::pipelines
