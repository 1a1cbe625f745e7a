// A token bucket per client address (an IPv6 client's /64: address_prefix.hpp), for what
// the public may do only so often from one place (a registration, a check-in code looked up, a new
// viewer introduced, a bad token tried): a flood from one address is refused with 429 while
// everyone else is served. Addresses whose bucket has refilled are forgotten now and then, so the
// table holds only the recently busy.
//
// Threads: the loop thread (one owner).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/http/address_prefix.hpp"
#include "server/http/token_bucket.hpp"

namespace stagehub::server {

class AddressRateLimit {
  public:
    using TimePoint = TokenBucket::TimePoint;

    // A rate of 0 is no limit.
    AddressRateLimit(double per_second, double burst) : per_second_(per_second), burst_(burst) {}
    // `count` a minute from one address, all at once if need be (0: no limit).
    static AddressRateLimit per_minute(int count) {
        return {count / 60.0, static_cast<double>(count)};
    }

    // Nullopt: go ahead (a token taken). Otherwise how long until the address may again.
    std::optional<std::chrono::milliseconds> refuse(const std::string& address, TimePoint now) {
        if (per_second_ <= 0)
            return std::nullopt;
        if (buckets_.size() >= next_sweep_at_)
            forget_the_idle(now);
        auto [it, added] = buckets_.try_emplace(address_prefix(address), per_second_, burst_, now);
        if (it->second.take(now))
            return std::nullopt;
        return it->second.wait(now);
    }

    // For limits on failures (bad tokens): whether the address may try now, without taking
    // anything. Nullopt: it may; otherwise how long until it may.
    std::optional<std::chrono::milliseconds> exhausted(const std::string& address, TimePoint now) {
        const auto it = buckets_.find(address_prefix(address));
        if (per_second_ <= 0 || it == buckets_.end())
            return std::nullopt;
        const auto wait = it->second.wait(now);
        return wait.count() == 0 ? std::nullopt : std::optional(wait);
    }
    // Counts one against the address (a failure), whether or not it had one left.
    void spend(const std::string& address, TimePoint now) { refuse(address, now); }

    size_t addresses() const { return buckets_.size(); }

  private:
    // An address quiet for as long as a full refill takes is like a new one.
    void forget_the_idle(TimePoint now) {
        const auto refill =
            std::chrono::milliseconds(static_cast<long long>(burst_ / per_second_ * 1000.0) + 1);
        std::erase_if(buckets_,
                      [&](const auto& entry) { return now - entry.second.last_used() >= refill; });
        next_sweep_at_ = std::max<size_t>(kFirstSweep, buckets_.size() * 2);
    }

    static constexpr size_t kFirstSweep = 1024;
    double per_second_;
    double burst_;
    std::unordered_map<std::string, TokenBucket> buckets_;
    size_t next_sweep_at_ = kFirstSweep;
};

}  // namespace stagehub::server
