// What both caption file targets check of the cues a reader accepted (schedule/captions/):
// written as WebVTT and read again they are the same cues, exactly; written as SubRip they
// read again, and where SubRip can say the same thing (no '<', '>' or '{' in the text,
// which SubRip has no way to escape) they are the same times and the same plain text, but
// for what SubRip cannot hold: tabs, and lines (or cues) that are markup only.
#pragma once

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "schedule/captions/cue.hpp"
#include "schedule/captions/cue_text.hpp"
#include "schedule/captions/srt.hpp"
#include "schedule/captions/webvtt.hpp"

namespace stagehub::fuzz {

// A cue's plain text as SubRip can hold it: a tab reads back as a space (as every line typed
// live), and a line that is blank once its markup is gone (a lone <v Name>) is left out, as
// a blank line would end the block.
inline std::string plain_for_srt(const std::string& cue_text) {
    const std::string plain = captions::plain_from_cue_text(cue_text);
    std::string kept;
    size_t start = 0;
    while (start <= plain.size()) {
        const size_t end = std::min(plain.find('\n', start), plain.size());
        std::string line = plain.substr(start, end - start);
        std::replace(line.begin(), line.end(), '\t', ' ');
        if (line.find_first_not_of(' ') != std::string::npos)
            kept += (kept.empty() ? "" : "\n") + line;
        start = end + 1;
    }
    return kept;
}

inline void require_caption_round_trips(const std::vector<captions::TimedCue>& cues) {
    const auto again = captions::parse_webvtt(captions::write_webvtt(cues));
    require(again.ok(), "the WebVTT written of cues read reads back");
    require(*again == cues, "the WebVTT written of cues read reads back as the same cues");

    const auto srt = captions::parse_srt(captions::write_srt(cues));
    require(srt.ok(), "the SubRip written of cues read reads back");
    const bool srt_can_say_it = std::none_of(cues.begin(), cues.end(), [](const auto& cue) {
        const std::string plain = captions::plain_from_cue_text(cue.text);
        return plain.find_first_of("<>{") != std::string::npos;
    });
    if (!srt_can_say_it)
        return;
    // A cue of markup only shows nothing: SubRip skips it, or keeps it as its <i>, <b>, <u>
    // alone. Compared are the cues that show text, on both sides.
    const auto shown = [](const std::vector<captions::TimedCue>& all) {
        std::vector<captions::TimedCue> some;
        std::copy_if(all.begin(), all.end(), std::back_inserter(some),
                     [](const auto& cue) { return !plain_for_srt(cue.text).empty(); });
        return some;
    };
    const std::vector<captions::TimedCue> sayable = shown(cues);
    const std::vector<captions::TimedCue> read = shown(*srt);
    require(read.size() == sayable.size(), "the SubRip written reads back as as many cues");
    for (size_t i = 0; i < sayable.size(); ++i) {
        require(read[i].start_ms == sayable[i].start_ms && read[i].end_ms == sayable[i].end_ms,
                "the SubRip written reads back with the same times");
        require(plain_for_srt(read[i].text) == plain_for_srt(sayable[i].text),
                "the SubRip written reads back with the same plain text");
    }
}

}  // namespace stagehub::fuzz
