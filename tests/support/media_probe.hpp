// Looking at HLS output the way a player would: playlist entries, and what GStreamer's
// discoverer finds in a segment.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace stagehub::testing {

std::string read_text_file(const std::filesystem::path& file);

// The URIs a media playlist lists, in order.
std::vector<std::string> playlist_segments(const std::string& playlist);

// The EXTINF durations of a media playlist, in order.
std::vector<double> playlist_durations(const std::string& playlist);

// The caps of every stream the discoverer finds in the file, one per line
// (e.g. "video/x-h264, ...\naudio/mpeg, mpegversion=(int)4, ..."), or a line starting
// with "error:" when it cannot read the file.
std::string discover_streams(const std::filesystem::path& file);

}  // namespace stagehub::testing
