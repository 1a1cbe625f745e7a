// A stage's HLS master playlist: one line per rendition of its ladder, so a player picks
// the rendition its connection carries and switches at any segment (every rendition splits
// at the same instants).
#pragma once

#include <string>
#include <vector>

#include "pipelines/program_pipeline.hpp"

namespace stagehub::pipelines {

// `prefix` goes before each rendition's folder ("" for a master beside the folders). A
// rendition whose size is not known yet is listed without RESOLUTION; one without a
// measured bandwidth gets `fallback_bandwidth(rendition)`.
// Alternative sounds (a `language` set) are listed as EXT-X-MEDIA, not as variants, with
// the program's own sound in `main_language` (audio_group.hpp).
std::string master_playlist(const std::vector<RenditionInfo>& renditions,
                            const std::string& media_playlist_name = "index.m3u8",
                            const std::string& main_language = "sv");

// What a rendition is likely to need before a segment was measured: its encoder's bitrate
// plus audio, or a typical 1080p passthrough.
int64_t fallback_bandwidth(const RenditionInfo& rendition);

}  // namespace stagehub::pipelines
