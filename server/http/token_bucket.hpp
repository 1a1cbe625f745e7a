// A token bucket: `burst` requests at once, then `per_second` on average. Used to limit
// heartbeats per viewer and per connection. Times are the caller's clock (the attendance
// clock, so a test that plays a day in seconds is limited by the day's time); a clock that
// steps back refills nothing.
#pragma once

#include <algorithm>
#include <chrono>

namespace stagehub::server {

class TokenBucket {
  public:
    using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

    TokenBucket(double per_second, double burst, TimePoint now)
        : per_second_(per_second), burst_(burst), tokens_(burst), last_(now) {}

    // Takes a token if there is one.
    bool take(TimePoint now) {
        refill(now);
        if (tokens_ < 1.0)
            return false;
        tokens_ -= 1.0;
        return true;
    }
    // How long until a token is there (zero if one is).
    std::chrono::milliseconds wait(TimePoint now) {
        refill(now);
        if (tokens_ >= 1.0)
            return std::chrono::milliseconds{0};
        return std::chrono::milliseconds{
            static_cast<long long>((1.0 - tokens_) / per_second_ * 1000.0) + 1};
    }
    TimePoint last_used() const { return last_; }

  private:
    void refill(TimePoint now) {
        if (now <= last_)
            return;
        const double seconds = std::chrono::duration<double>(now - last_).count();
        tokens_ = std::min(burst_, tokens_ + seconds * per_second_);
        last_ = now;
    }

    double per_second_;
    double burst_;
    double tokens_;
    TimePoint last_;
};

}  // namespace stagehub::server
