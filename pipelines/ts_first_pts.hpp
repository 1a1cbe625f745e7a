// The presentation time of an HLS segment's first frame, read from its MPEG-TS bytes: the
// 90 kHz PTS of the first video PES that carries one (of the first audio PES when the
// program has no video: the audio-only rendition). WebVTT subtitle segments name it in
// X-TIMESTAMP-MAP (RFC 8216 3.5), so a player places their cues on the media timeline.
//
// Bounded: reads PAT -> PMT -> the PES headers of the first few packets, and gives up after
// kMaxScanBytes (a segment written by hlssink2 has its first video PES within a few
// packets). Threads: any; no state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>

namespace stagehub::pipelines {

constexpr size_t kMaxScanBytes = 256 * 1024;

// The first video PTS (else the first audio PTS of a program without video), 0..2^33-1;
// nullopt if there is none within the first kMaxScanBytes or the bytes are not MPEG-TS.
std::optional<int64_t> ts_first_pts(std::span<const uint8_t> bytes);
// The same for a file (its first kMaxScanBytes); nullopt when it cannot be read.
std::optional<int64_t> ts_first_pts(const std::filesystem::path& file);

}  // namespace stagehub::pipelines
