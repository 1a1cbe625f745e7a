// A token bucket per client address, for public endpoints that write (a registration): a
// flood from one address is refused with 429 while everyone else is served. Addresses
// whose bucket has refilled are forgotten now and then, so the table holds only the
// recently busy.
//
// Threads: the loop thread (one owner).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/token_bucket.hpp"

namespace stagehub::server {

class AddressRateLimit {
  public:
    using TimePoint = TokenBucket::TimePoint;

    AddressRateLimit(double per_second, double burst) : per_second_(per_second), burst_(burst) {}

    // Nullopt: go ahead (a token taken). Otherwise how long until the address may again.
    std::optional<std::chrono::milliseconds> refuse(const std::string& address, TimePoint now) {
        if (buckets_.size() >= next_sweep_at_)
            forget_the_idle(now);
        auto [it, added] = buckets_.try_emplace(address, per_second_, burst_, now);
        if (it->second.take(now))
            return std::nullopt;
        return it->second.wait(now);
    }

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
