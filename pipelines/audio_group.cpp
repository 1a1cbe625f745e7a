#include "pipelines/audio_group.hpp"

#include <algorithm>

#include "pipelines/audio_lane.hpp"

namespace stagehub::pipelines {
namespace {

// A quoted-string attribute may hold neither a double quote nor a line break (RFC 8216
// 4.2); names come from organisers.
std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c != '"' && c != '\n' && c != '\r')
            out += c;
    }
    return out + '"';
}

constexpr std::string_view kPrefix = "audio-";

}  // namespace

bool has_alternative_audio(const std::vector<RenditionInfo>& renditions) {
    return std::any_of(renditions.begin(), renditions.end(),
                       [](const RenditionInfo& r) { return !r.language.empty(); });
}

std::string language_name(const std::string& language) {
    static const std::map<std::string, std::string, std::less<>> kNames = {
        {"sv", "Svenska"}, {"nb", "Norsk bokmål"},    {"nn", "Norsk nynorsk"},
        {"no", "Norsk"},   {"en", "English"},         {"da", "Dansk"},
        {"fi", "Suomi"},   {"de", "Deutsch"},         {"fr", "Français"},
        {"es", "Español"}, {"se", "Davvisámegiella"}, {"sgn-SE", "Svenskt teckenspråk"}};
    const auto it = kNames.find(language);
    return it == kNames.end() ? language : it->second;
}

std::string described_audio_name(const std::string& language) {
    static const std::map<std::string, std::string, std::less<>> kWords = {
        {"sv", "syntolkat"}, {"nb", "synstolket"}, {"no", "synstolket"}};
    const auto it = kWords.find(language);
    return language_name(language) + " – " +
           (it == kWords.end() ? std::string("audio description") : it->second);
}

std::string audio_media_lines(const std::vector<RenditionInfo>& renditions,
                              const std::string& main_language,
                              const std::string& media_playlist_name) {
    if (!has_alternative_audio(renditions))
        return {};
    const std::string group = std::string(",GROUP-ID=\"") + kAudioGroup + '"';
    std::string text = "#EXT-X-MEDIA:TYPE=AUDIO" + group + ",LANGUAGE=" + quoted(main_language) +
                       ",NAME=" + quoted(language_name(main_language)) +
                       ",DEFAULT=YES,AUTOSELECT=YES\n";
    for (const RenditionInfo& r : renditions) {
        if (r.language.empty())
            continue;
        // A described sound is named for what it is, whatever the booth is called, so that
        // its NAME says so and never equals the programme's own ("Svenska").
        const std::string name = r.describes_video ? described_audio_name(r.language)
                                 : r.label.empty() ? language_name(r.language)
                                                   : r.label;
        text += "#EXT-X-MEDIA:TYPE=AUDIO" + group + ",LANGUAGE=" + quoted(r.language) +
                ",NAME=" + quoted(name) + ",DEFAULT=NO,AUTOSELECT=NO";
        if (r.describes_video)
            text += ",CHARACTERISTICS=\"public.accessibility.describes-video\"";
        text += ",URI=" + quoted(r.name + '/' + media_playlist_name) + '\n';
    }
    return text;
}

void mark_alternative_audio(std::vector<RenditionInfo>& renditions,
                            const std::map<std::string, std::string>& names) {
    for (RenditionInfo& r : renditions) {
        if (!r.name.starts_with(kPrefix) || r.name.size() == kPrefix.size())
            continue;
        std::string language = r.name.substr(kPrefix.size());
        const bool described = language.ends_with(kDescribedSuffix);
        if (described)
            language.resize(language.size() - kDescribedSuffix.size());
        if (language.empty() || language.ends_with('-'))
            continue;  // not a name stagehub gives
        r.language = std::move(language);
        r.describes_video = described;
        r.audio_only = true;
        r.codecs = "mp4a.40.2";
        const auto it = names.find(r.language);
        r.label = r.describes_video   ? described_audio_name(r.language)
                  : it != names.end() ? it->second
                                      : language_name(r.language);
    }
}

}  // namespace stagehub::pipelines
