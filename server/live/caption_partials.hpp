// The line each stage's captioners are typing, per language: what `captions:{stage}`
// pushes as `partial` and gives a new follower (docs/CAPTIONS.md). Only in memory: a
// partial is never stored, and one nobody has touched for a while is stale (the captioner
// closed the page mid-line), so a new follower is not shown it.
//
// Threads: the loop thread (LiveChannels owns it).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace stagehub::server {

class CaptionPartials {
  public:
    using Clock = std::chrono::steady_clock;
    // How long a partial nobody changed stays worth showing to a new follower.
    static constexpr std::chrono::seconds kFresh{60};

    struct Partial {
        std::string language;
        std::string text;
    };

    // Sets the stage's partial line for a language (empty text clears it). False when it
    // was that already and nothing needs telling.
    bool set(std::string_view stage_id, std::string_view language, std::string_view text,
             Clock::time_point now = Clock::now());
    // The stage's non-empty partials changed within kFresh of `now`, by language.
    std::vector<Partial> current(std::string_view stage_id,
                                 Clock::time_point now = Clock::now()) const;

    // The lines held, stale ones too until their stage's next line sweeps them.
    size_t held() const;

  private:
    struct Line {
        std::string text;
        Clock::time_point changed;
    };
    // stage → language → line; a cleared line is erased, so this holds only typed ones.
    std::map<std::string, std::map<std::string, Line, std::less<>>, std::less<>> lines_;
};

}  // namespace stagehub::server
