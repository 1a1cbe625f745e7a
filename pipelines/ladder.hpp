// What a stage's live output is made of: the renditions of its adaptive HLS ladder.
//
// The top rendition ("source") is what the stage's source sends, passed through without a
// re-encode (parse and remux only). Every other video rendition is decoded from it once,
// scaled and encoded with keyframes forced at the source's keyframes, so all renditions
// split into segments at the same instants and a player can switch between them at any
// segment. An audio-only rendition carries the sound for listeners on a bad connection.
#pragma once

#include <string>
#include <vector>

namespace stagehub::pipelines {

struct EncodedRendition {
    std::string name;  // folder and playlist name, e.g. "720p"
    int width = 0;
    int height = 0;
    int video_kbps = 0;

    bool operator==(const EncodedRendition&) const = default;
};

struct Ladder {
    // Scaled down from the source, in descending size. Default: 720p and 360p below a
    // 1080p source.
    std::vector<EncodedRendition> encoded{{"720p", 1280, 720, 2500}, {"360p", 640, 360, 800}};
    bool audio_only = true;  // an "audio" rendition as well
    int audio_kbps = 128;    // what encoded sources (test pattern, slate) use for their sound

    bool operator==(const Ladder&) const = default;
};

// Folder names of the renditions every segment boundary is written in.
inline constexpr const char* kSourceRendition = "source";
inline constexpr const char* kAudioRendition = "audio";

// Parses "720p:1280x720:2500,360p:640x360:800" (a command line or config value); an empty
// text means no encoded renditions. Throws std::invalid_argument naming the bad part.
std::vector<EncodedRendition> parse_encoded_renditions(const std::string& text);

}  // namespace stagehub::pipelines
