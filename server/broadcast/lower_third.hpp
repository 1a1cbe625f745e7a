// What a stage's lower third says, in the event's language: the session on now and who
// is speaking, or during a break / off air what comes next and when.
#pragma once

#include "pipelines/stage_pipeline.hpp"
#include "schedule/model.hpp"
#include "schedule/now_next.hpp"

namespace stagehub::server {

pipelines::LowerThird lower_third_for(const schedule::Programme& programme,
                                      const schedule::NowNext& now_next);

// The fallback slate's card while a stage's input is lost: "We'll be right back" in the
// event's language, and the session the viewer waits for (or the next one, with its time).
pipelines::LowerThird slate_for(const schedule::Programme& programme,
                                const schedule::NowNext& now_next);

// "13:30" for an instant in an IANA time zone (falls back to UTC for an unknown zone).
std::string local_clock_time(Instant at, const std::string& time_zone);

}  // namespace stagehub::server
