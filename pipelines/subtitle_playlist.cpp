#include "pipelines/subtitle_playlist.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace stagehub::pipelines {
namespace {

struct LanguageName {
    std::string_view code, name, described;
};

// The languages stagehub's pages speak and their neighbours; the others show their code.
constexpr std::array<LanguageName, 9> kNames{{
    {"sv", "Svenska", "Svenska – syntolkning"},
    {"nb", "Norsk bokmål", "Norsk bokmål – synstolking"},
    {"nn", "Norsk nynorsk", "Norsk nynorsk – synstolking"},
    {"no", "Norsk", "Norsk – synstolking"},
    {"da", "Dansk", "Dansk – synstolkning"},
    {"fi", "Suomi", "Suomi – kuvailutulkkaus"},
    {"en", "English", "English – audio description"},
    {"de", "Deutsch", "Deutsch – Audiodeskription"},
    {"fr", "Français", "Français – audiodescription"},
}};

// Attribute values are quoted strings: no quote or line break may end them early.
std::string quoted_value(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c != '"' && c != '\n' && c != '\r')
            out.push_back(c);
    }
    return out;
}

// `text` with each line (without its '\n') replaced by `rewrite(line)`, line breaks kept.
template <typename Rewrite>
std::string rewrite_lines(std::string_view text, Rewrite rewrite) {
    std::string out;
    out.reserve(text.size() + 256);
    size_t at = 0;
    while (at < text.size()) {
        const size_t end = std::min(text.find('\n', at), text.size());
        out.append(rewrite(text.substr(at, end - at)));
        if (end < text.size())
            out.push_back('\n');
        at = end + 1;
    }
    return out;
}

}  // namespace

bool is_language_tag(std::string_view text) {
    return text.size() >= 2 && text.size() <= 35 &&
           std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-';
           });
}

std::string_view subtitle_folder(bool descriptions) {
    return descriptions ? "desc" : "subs";
}

std::string subtitle_name(const SubtitleTrack& track) {
    for (const LanguageName& known : kNames) {
        if (known.code == track.language)
            return std::string(track.descriptions ? known.described : known.name);
    }
    return track.descriptions ? track.language + " – descriptions" : track.language;
}

std::string with_subtitles(std::string_view master, const std::vector<SubtitleTrack>& tracks,
                           std::string_view playlist_name) {
    if (tracks.empty())
        return std::string(master);
    std::string media;
    for (const SubtitleTrack& track : tracks) {
        const std::string language = quoted_value(track.language);
        media.append("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"")
            .append(language)
            .append("\",NAME=\"")
            .append(quoted_value(subtitle_name(track)))
            .append("\",AUTOSELECT=YES,DEFAULT=NO");
        if (track.descriptions)
            media.append(",CHARACTERISTICS=\"public.accessibility.describes-video\"");
        media.append(",URI=\"")
            .append(subtitle_folder(track.descriptions))
            .append("/")
            .append(language)
            .append("/")
            .append(playlist_name)
            .append("\"\n");
    }
    bool media_written = false;
    std::string out = rewrite_lines(master, [&](std::string_view line) {
        if (!line.starts_with("#EXT-X-STREAM-INF:"))
            return std::string(line);
        std::string variant = media_written ? std::string() : media;
        media_written = true;
        return variant.append(line).append(",SUBTITLES=\"subs\"");
    });
    return media_written ? out : out.append(media);
}

std::string vtt_segment_name(std::string_view video_file) {
    const size_t slash = video_file.rfind('/');
    if (slash != std::string_view::npos)
        video_file.remove_prefix(slash + 1);
    const size_t dot = video_file.rfind('.');
    return std::string(video_file.substr(0, dot)) + ".vtt";
}

std::string vtt_media_playlist(std::string_view video_playlist) {
    return rewrite_lines(video_playlist, [](std::string_view line) {
        return !line.empty() && line[0] != '#' ? vtt_segment_name(line) : std::string(line);
    });
}

}  // namespace stagehub::pipelines
