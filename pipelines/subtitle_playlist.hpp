// The WebVTT subtitle renditions of an HLS stream (RFC 8216 4.3.4.1, 3.5): the
// #EXT-X-MEDIA:TYPE=SUBTITLES lines a master gets (group "subs", SUBTITLES="subs" on every
// variant), and the subtitle media playlists, which mirror a video rendition's playlist
// entry for entry (the same media sequence numbers, durations and discontinuities) with a
// WebVTT segment per video segment.
//
// Kept apart from the master writers (pipelines/master_playlist, the replay's): they write
// the variants, with_subtitles() adds the group to what they wrote.
//
// Threads: any; no state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stagehub::pipelines {

struct SubtitleTrack {
    std::string language;       // BCP 47, e.g. "sv"
    bool descriptions = false;  // WebVTT kind "descriptions" (of the picture), else captions

    bool operator==(const SubtitleTrack&) const = default;
};

// A BCP 47-shaped language tag: letters, digits and '-', 2 to 35 characters (what may
// name a track's folder and stand in a playlist's quoted LANGUAGE).
bool is_language_tag(std::string_view text);

// The folder of a track's playlist and segments beside the master: "subs" or "desc".
std::string_view subtitle_folder(bool descriptions);

// What a player's menu shows: the language in itself ("Svenska"), and for descriptions what
// they are ("Svenska – syntolkning"); an unknown language by its code.
std::string subtitle_name(const SubtitleTrack& track);

// `master` with one #EXT-X-MEDIA:TYPE=SUBTITLES line per track before its first variant and
// SUBTITLES="subs" on every #EXT-X-STREAM-INF. Each track's URI is
// "{subs|desc}/{language}/{playlist_name}". No tracks: `master` unchanged.
std::string with_subtitles(std::string_view master, const std::vector<SubtitleTrack>& tracks,
                           std::string_view playlist_name = "index.m3u8");

// A segment's WebVTT name: the video segment's file name with ".vtt" for its extension
// ("salen/source/seg-ab12-7.ts" -> "seg-ab12-7.vtt").
std::string vtt_segment_name(std::string_view video_file);

// A video rendition's media playlist as the subtitle playlist beside it: every line kept,
// each segment URI replaced by its WebVTT name (the same folder: URIs are relative).
std::string vtt_media_playlist(std::string_view video_playlist);

}  // namespace stagehub::pipelines
