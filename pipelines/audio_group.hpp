// The alternative sounds of a master playlist (interpretation): one
// #EXT-X-MEDIA:TYPE=AUDIO line for the program's own sound, muxed in every variant (no
// URI), and one per extra input with its audio-only rendition, all in the group "aud" that
// every #EXT-X-STREAM-INF names. hls.js (1.x) lists them as `hls.audioTracks` and switches
// between the muxed sound and an alternative one at any time (docs/BROADCAST.md,
// "Interpretation audio").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipelines/program_pipeline.hpp"

namespace stagehub::pipelines {

inline constexpr const char* kAudioGroup = "aud";

// Whether any rendition is an alternative sound (its `language` set).
bool has_alternative_audio(const std::vector<RenditionInfo>& renditions);

// The EXT-X-MEDIA lines: the program's own sound in `main_language` first (the default),
// then each alternative sound, `{name}/{media_playlist_name}`; a described one with
// CHARACTERISTICS "public.accessibility.describes-video". Empty without alternatives.
std::string audio_media_lines(const std::vector<RenditionInfo>& renditions,
                              const std::string& main_language,
                              const std::string& media_playlist_name);

// How a language names itself ("Svenska", "Norsk bokmål", "English"), or the code.
std::string language_name(const std::string& language);

// What players show for a describer's sound: "Svenska – syntolkat", "Norsk bokmål –
// synstolket", "English – audio description" (the language's own name and word; English
// for a language without one).
std::string described_audio_name(const std::string& language);

// Archived renditions named "audio-{language}" are alternative sounds: marked so, with the
// name the stage gives that language's interpreter (`names`, by language), or the
// language's own name; "audio-{language}-described" is that language's audio description.
void mark_alternative_audio(std::vector<RenditionInfo>& renditions,
                            const std::map<std::string, std::string>& names);

}  // namespace stagehub::pipelines
