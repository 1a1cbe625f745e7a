// How often one captioner's token may post captions (docs/CAPTIONS.md, "Limits"): requests
// (partials come once per keystroke pause, so these are generous) and stored cues (a WebVTT
// body brings up to 200 at once, and a stage's track must stay a size a playlist can
// serve). Kept per account, which a token stands for; a request over either is refused
// whole, before anything is stored.
//
// Threads: the loop thread (one owner, CaptionApi).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "server/http/token_bucket.hpp"

namespace stagehub::server {

class CaptionRateLimit {
  public:
    using TimePoint = TokenBucket::TimePoint;

    struct Rates {
        double requests_per_second = 20;
        double request_burst = 40;
        double cues_per_second = 10;
        double cue_burst = 400;  // two full WebVTT requests at once
    };

    explicit CaptionRateLimit(Rates rates) : rates_(rates) {}

    // Nullopt: go ahead (the request and its `cues` counted). Otherwise how long until the
    // account may send this request.
    std::optional<std::chrono::milliseconds> refuse(int64_t account_id, size_t cues, TimePoint now);

  private:
    struct Account {
        TokenBucket requests;
        double cue_tokens;
        TimePoint cues_counted;
    };

    Rates rates_;
    // Accounts are made by organisers and the CLI, so this stays as small as they are.
    std::unordered_map<int64_t, Account> accounts_;
};

}  // namespace stagehub::server
