#include "server/api/caption_rate_limit.hpp"

#include <algorithm>

namespace stagehub::server {

std::optional<std::chrono::milliseconds> CaptionRateLimit::refuse(int64_t account_id, size_t cues,
                                                                  TimePoint now) {
    auto [it, added] = accounts_.try_emplace(
        account_id, Account{TokenBucket(rates_.requests_per_second, rates_.request_burst, now),
                            rates_.cue_burst, now});
    Account& account = it->second;
    if (now > account.cues_counted) {
        const double seconds = std::chrono::duration<double>(now - account.cues_counted).count();
        account.cue_tokens =
            std::min(rates_.cue_burst, account.cue_tokens + seconds * rates_.cues_per_second);
        account.cues_counted = now;
    }
    const double wanted = static_cast<double>(cues);
    if (account.cue_tokens < wanted) {
        // More than the burst can never pass; the request limit caps that below it anyway.
        const double missing = std::min(wanted, rates_.cue_burst) - account.cue_tokens;
        return std::chrono::milliseconds(
            static_cast<long long>(std::max(0.0, missing) / rates_.cues_per_second * 1000.0) + 1);
    }
    if (!account.requests.take(now))
        return account.requests.wait(now);
    account.cue_tokens -= wanted;
    return std::nullopt;
}

}  // namespace stagehub::server
