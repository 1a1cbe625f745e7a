#include "pipelines/timestamp_guard.hpp"

#include <algorithm>

namespace stagehub::pipelines {

GstClockTime TimestampGuard::next_keyframe_at() const {
    return GST_CLOCK_TIME_IS_VALID(max_pts_) ? max_pts_ + 1 : 0;
}

TimestampGuard::Stamps TimestampGuard::admit(Stamps wanted, bool keyframe) {
    Stamps out = wanted;
    if (keyframe)
        gop_floor_ = next_keyframe_at();
    const GstClockTime floor = GST_CLOCK_TIME_IS_VALID(gop_floor_) ? gop_floor_ : 0;
    if (GST_CLOCK_TIME_IS_VALID(out.dts)) {
        if (GST_CLOCK_TIME_IS_VALID(last_dts_) && out.dts <= last_dts_)
            out.dts = last_dts_ + 1;
        last_dts_ = out.dts;
    }
    // Not before the GOPs already written, and never shown before it is decoded.
    out.pts = std::max(out.pts, floor);
    if (GST_CLOCK_TIME_IS_VALID(out.dts))
        out.pts = std::max(out.pts, out.dts);
    max_pts_ = GST_CLOCK_TIME_IS_VALID(max_pts_) ? std::max(max_pts_, out.pts) : out.pts;
    if (out.pts != wanted.pts || out.dts != wanted.dts)
        ++moved_;
    return out;
}

void TimestampGuard::reset() {
    *this = TimestampGuard{};
}

}  // namespace stagehub::pipelines
