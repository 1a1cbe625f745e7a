// WebVTT caption files (schedule/captions/webvtt), as organisers upload them and captioners
// POST them as text/vtt. Whatever the reader accepts must write back as WebVTT and read
// again as the same cues, and write as SubRip that reads again (caption_round_trip.hpp).
// Seeds are files as Subtitle Edit, Aegisub, YouTube and ffmpeg write them.
#include <cstddef>
#include <cstdint>

#include "caption_round_trip.hpp"
#include "fuzz_support.hpp"
#include "schedule/captions/webvtt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto cues = stagehub::captions::parse_webvtt(stagehub::fuzz::as_text(data, size));
    if (cues.ok())
        stagehub::fuzz::require_caption_round_trips(*cues);
    return 0;
}
