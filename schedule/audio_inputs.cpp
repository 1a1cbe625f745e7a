#include "schedule/audio_inputs.hpp"

#include <algorithm>
#include <set>

#include "schedule/utf8.hpp"

namespace stagehub::schedule {
namespace {

using nlohmann::json;

size_t characters(std::string_view text) {
    return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

bool alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// BCP 47 in its common shape: a primary language of 2–3 letters, then subtags of 1–8
// letters or digits ("en", "sv-SE", "sgn-SE", "zh-Hant-TW"). It names a folder
// (audio-{language}[-described]), so nothing else gets through. No subtag has 9
// characters, so "-described" never ends a language's own rendition name.
bool is_language_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 35)
        return false;
    size_t start = 0;
    bool first = true;
    while (start <= tag.size()) {
        const size_t dash = tag.find('-', start);
        const std::string_view part = tag.substr(
            start, dash == std::string_view::npos ? std::string_view::npos : dash - start);
        if (part.empty() || part.size() > 8 || !std::all_of(part.begin(), part.end(), alnum))
            return false;
        if (first && (part.size() < 2 || part.size() > 3 ||
                      !std::all_of(part.begin(), part.end(), [](char c) { return c > '9'; })))
            return false;
        first = false;
        if (dash == std::string_view::npos)
            break;
        start = dash + 1;
    }
    return true;
}

std::string port_of(std::string_view url) {
    const size_t colon = url.rfind(':');
    if (colon == std::string_view::npos)
        return "";
    std::string_view port = url.substr(colon + 1);
    port = port.substr(0, port.find('?'));
    return std::string(port);
}

bool valid_port(const std::string& port) {
    return !port.empty() && port.size() <= 5 &&
           std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
           std::stoi(port) > 0 && std::stoi(port) < 65536;
}

}  // namespace

json audio_inputs_json(const std::vector<AudioInput>& inputs, bool with_secrets) {
    json list = json::array();
    for (const AudioInput& input : inputs) {
        json item = {{"language", input.language}, {"name", input.name}, {"url", input.url}};
        if (input.describes_video)
            item["describes_video"] = true;
        if (with_secrets && !input.passphrase.empty())
            item["passphrase"] = input.passphrase;
        list.push_back(std::move(item));
    }
    return list;
}

std::vector<AudioInput> read_audio_inputs_json(const json& value, const std::string& where,
                                               std::vector<std::string>& problems) {
    std::vector<AudioInput> inputs;
    const std::string at = where.empty() ? "audio_inputs" : where + ".audio_inputs";
    if (value.is_null())
        return inputs;
    if (!value.is_array()) {
        problems.push_back(at + ": must be a list");
        return inputs;
    }
    if (value.size() > kMaxAudioInputs) {
        problems.push_back(at + ": at most " + std::to_string(kMaxAudioInputs) +
                           " audio inputs per stage");
        return inputs;
    }
    for (size_t i = 0; i < value.size(); ++i) {
        const json& item = value[i];
        const std::string here = at + "[" + std::to_string(i) + "]";
        if (!item.is_object()) {
            problems.push_back(here + ": must be an object");
            continue;
        }
        AudioInput input;
        for (auto [key, field, required] :
             {std::tuple{"language", &input.language, true}, std::tuple{"name", &input.name, true},
              std::tuple{"url", &input.url, true},
              std::tuple{"passphrase", &input.passphrase, false}}) {
            const auto it = item.find(key);
            if (it == item.end() || it->is_null()) {
                if (required)
                    problems.push_back(here + "." + key + ": missing");
            } else if (!it->is_string()) {
                problems.push_back(here + "." + key + ": must be a string");
            } else {
                *field = it->get<std::string>();
            }
        }
        if (const auto it = item.find("describes_video"); it != item.end() && !it->is_null()) {
            if (it->is_boolean())
                input.describes_video = it->get<bool>();
            else
                problems.push_back(here + ".describes_video: must be true or false");
        }
        inputs.push_back(std::move(input));
    }
    return inputs;
}

std::string audio_input_srt_port(const AudioInput& input) {
    return input.url.starts_with("srt://") ? port_of(input.url) : "";
}

std::optional<std::string> audio_inputs_problem(const Stage& stage) {
    if (stage.audio_inputs.size() > kMaxAudioInputs)
        return "at most " + std::to_string(kMaxAudioInputs) + " audio inputs per stage";
    std::set<std::string> languages;
    for (const AudioInput& input : stage.audio_inputs) {
        const std::string what =
            "audio input '" + (is_utf8(input.language) ? input.language : "?") + "'";
        if (!is_language_tag(input.language))
            return what + ": language must be a BCP 47 tag such as en or sv-SE";
        std::string lower = input.language;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        // An interpreter and a describer may share a language (and the event's): each is
        // its own rendition.
        if (!languages.insert(lower + (input.describes_video ? "/described" : "")).second)
            return what + (input.describes_video ? ": one described audio input per language"
                                                 : ": one audio input per language");
        if (input.name.empty() || !is_utf8(input.name) ||
            characters(input.name) > kMaxAudioInputName)
            return what + ": name must have 1 to " + std::to_string(kMaxAudioInputName) +
                   " characters";
        const bool srt = input.url.starts_with("srt://") && valid_port(port_of(input.url));
        const bool rtmp = (input.url.starts_with("rtmp://") || input.url.starts_with("rtmps://")) &&
                          input.url.size() >= 9;
        if ((!srt && !rtmp) || !is_utf8(input.url) || input.url.size() > 500)
            return what +
                   ": url is srt://:PORT (or srt://ADDRESS:PORT) to listen on, or an rtmp:// "
                   "stream to pull";
        const size_t length = input.passphrase.size();
        if (length != 0 && (length < 10 || length > 79 || !srt))
            return what + ": an SRT passphrase has 10 to 79 characters (or none)";
    }
    return std::nullopt;
}

void keep_audio_passphrases(std::vector<AudioInput>& edited, const std::vector<AudioInput>& before,
                            const json& listed) {
    if (!listed.is_array())
        return;
    for (size_t i = 0; i < edited.size() && i < listed.size(); ++i) {
        if (!listed[i].is_object() || listed[i].contains("passphrase"))
            continue;
        for (const AudioInput& old : before) {
            if (old.url == edited[i].url)
                edited[i].passphrase = old.passphrase;
        }
    }
}

std::string audio_inputs_column(const std::vector<AudioInput>& inputs) {
    return audio_inputs_json(inputs, true).dump();
}

std::vector<AudioInput> audio_inputs_from_column(std::string_view text) {
    const json value = json::parse(text, nullptr, false);
    if (value.is_discarded())
        return {};
    std::vector<std::string> problems;
    return read_audio_inputs_json(value, "", problems);
}

}  // namespace stagehub::schedule
