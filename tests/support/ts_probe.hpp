// A minimal MPEG-TS reader, so tests can check HLS segments without external tools:
// where the first video frame sits on the 90 kHz clock, whether a segment starts with an
// IDR, and how many video/audio PES it holds. Segment k of every rendition having the same
// first video PTS and starting with an IDR is what "keyframe-aligned ladder" means.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>

namespace stagehub::testing {

struct TsSummary {
    std::optional<int64_t> first_video_pts;  // 90 kHz, of the first video PES that has one
    std::optional<int64_t> first_audio_pts;  // 90 kHz, of the first audio PES
    bool starts_with_idr = false;  // the first video PES holds an H.264 NAL unit of type 5
    int video_pes = 0;             // H.264 (stream type 0x1B) PES packets started
    int audio_pes = 0;             // AAC ADTS (stream type 0x0F) PES packets started
    int video_idr_count = 0;       // video PES packets holding an IDR slice
};

// Reads PAT -> PMT -> the first H.264 and the first AAC stream, then their PES packets.
// Packets before the PMT are skipped (an HLS segment starts with PAT and PMT). Throws
// std::runtime_error when the file cannot be read or holds no TS sync byte at all;
// an empty file gives an empty summary.
TsSummary probe_ts(const std::filesystem::path& file);
TsSummary probe_ts(std::span<const uint8_t> bytes);

}  // namespace stagehub::testing
