#include "schedule/captions/srt.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

#include "schedule/captions/caption_file_lines.hpp"
#include "schedule/captions/cue_text.hpp"

namespace stagehub::captions {
namespace {

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

bool is_number_line(std::string_view line) {
    const size_t first = line.find_first_not_of(" \t");
    const size_t last = line.find_last_not_of(" \t");
    if (first == std::string_view::npos)
        return false;
    const std::string_view number = line.substr(first, last - first + 1);
    return std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// hh:mm:ss,mmm (also '.', and one or two digits where tools are sloppy).
std::optional<int64_t> srt_time(std::string_view text) {
    std::array<int64_t, 4> parts{};
    size_t at = 0;
    for (size_t part = 0; part < 4; ++part) {
        const size_t begin = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9' && at - begin < 9)
            ++at;
        if (at == begin)
            return std::nullopt;
        std::from_chars(text.data() + begin, text.data() + at, parts[part]);
        if (part == 3) {
            // "5" after the comma is 500 ms, "05" is 50 ms.
            for (size_t width = at - begin; width < 3; ++width)
                parts[3] *= 10;
            if (at - begin > 3)
                return std::nullopt;
            break;
        }
        const char expected = part < 2 ? ':' : ',';
        if (at >= text.size() || (text[at] != expected && !(part == 2 && text[at] == '.')))
            return std::nullopt;
        ++at;
    }
    if (at != text.size() || parts[1] > 59 || parts[2] > 59)
        return std::nullopt;
    return ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + parts[3];
}

std::string_view trim(std::string_view text) {
    const size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The longest <font …> tag or {\…} override read as one: longer is text.
constexpr size_t kMaxTagBytes = 200;

// SubRip's text → WebVTT cue text: <i>, <b>, <u> kept; other tags and {\…} overrides
// dropped; '&' and '<' escaped.
std::string cue_text_from_srt(std::string_view text) {
    static constexpr std::array<std::string_view, 6> kKept{"<i>",  "</i>", "<b>",
                                                           "</b>", "<u>",  "</u>"};
    std::string out;
    for (size_t i = 0; i < text.size();) {
        if (text[i] == '<') {
            const std::string_view rest = text.substr(i);
            bool kept = false;
            for (const std::string_view tag : kKept) {
                if (rest.size() >= tag.size() &&
                    std::equal(tag.begin(), tag.end(), rest.begin(), [](char a, char b) {
                        return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
                    })) {
                    out += tag;
                    i += tag.size();
                    kept = true;
                    break;
                }
            }
            if (kept)
                continue;
            // Searched within the longest tag only: searching the whole line for each '<'
            // made a long line of them quadratic.
            const size_t close = text.substr(i, kMaxTagBytes).find('>');
            if (close != std::string_view::npos) {
                i += close + 1;  // <font color="…"> and the like
                continue;
            }
        }
        if (text[i] == '{' && i + 1 < text.size() && text[i + 1] == '\\') {
            const size_t close = text.substr(i, kMaxTagBytes).find('}');
            if (close != std::string_view::npos) {
                i += close + 1;
                continue;
            }
        }
        // '>' is text in WebVTT as it is (tidy_cue_text defuses "-->"): escaped, a line of
        // them grew fourfold, past the cue's limit, so a WebVTT track downloaded as SubRip
        // did not upload again.
        if (text[i] == '>')
            out += '>';
        else
            out += cue_text_from_plain(text.substr(i, 1));
        ++i;
    }
    return out;
}

}  // namespace

Result<std::vector<TimedCue>> parse_srt(std::string_view file) {
    auto read = caption_file_lines(file);
    if (!read)
        return read.error();
    const std::vector<FileLine>& lines = read.value();
    std::vector<TimedCue> cues;
    size_t i = 0;
    while (i < lines.size()) {
        if (blank(lines[i].text)) {
            ++i;
            continue;
        }
        if (is_number_line(lines[i].text))
            ++i;
        if (i >= lines.size())
            return caption_file_error(lines.back().number,
                                      "a cue's number without its times after it");
        const FileLine& timing = lines[i];
        const size_t arrow = timing.text.find("-->");
        if (arrow == std::string_view::npos)
            return caption_file_error(timing.number,
                                      "expected a cue's times, like 00:00:01,000 --> 00:00:04,000");
        const auto start = srt_time(trim(timing.text.substr(0, arrow)));
        // Some tools add display coordinates after the end time ("X1:… X2:…").
        std::string_view after = trim(timing.text.substr(arrow + 3));
        after = after.substr(0, after.find_first_of(" \t"));
        const auto end = srt_time(after);
        if (!start)
            return caption_file_error(timing.number,
                                      "the cue's start is not a time like 00:01:02,500");
        if (!end)
            return caption_file_error(timing.number,
                                      "the cue's end is not a time like 00:01:04,000");
        if (*end < *start)
            return caption_file_error(timing.number, "the cue ends before it starts");
        ++i;
        std::string text;
        while (i < lines.size() && !blank(lines[i].text)) {
            if (!text.empty())
                text += '\n';
            text += cue_text_from_srt(lines[i].text);
            ++i;
        }
        text = tidy_cue_text(text);
        if (text.size() > kMaxCueTextBytes)
            return caption_file_error(
                timing.number,
                "the cue's text is longer than " + std::to_string(kMaxCueTextBytes) + " bytes");
        if (text.empty() || *end == *start)
            continue;
        if (cues.size() == kMaxCuesPerTrack)
            return caption_file_error(
                timing.number,
                "more than " + std::to_string(kMaxCuesPerTrack) + " cues in one file");
        cues.push_back({*start, *end, std::move(text)});
    }
    return cues;
}

std::string write_srt(const std::vector<TimedCue>& cues) {
    std::string out;
    size_t number = 1;
    for (const TimedCue& cue : cues) {
        out += std::to_string(number++) + "\r\n";
        out += caption_timestamp(cue.start_ms, ',') + " --> " +
               caption_timestamp(std::max(cue.end_ms, cue.start_ms), ',') + "\r\n";
        std::string text = tidy_cue_text(cue.text);
        // WebVTT's other markup (<v Name>, <c.class>, timestamps) has no SubRip form, and
        // SubRip has no character references.
        std::string plain;
        size_t chunk = 0;
        for (size_t i = 0; i <= text.size(); ++i) {
            if (i < text.size() && text[i] != '<')
                continue;
            plain += plain_from_cue_text(std::string_view(text).substr(chunk, i - chunk));
            if (i == text.size())
                break;
            const size_t close = text.find('>', i);
            if (close == std::string::npos)
                break;
            const std::string_view tag = std::string_view(text).substr(i, close - i + 1);
            if (tag == "<i>" || tag == "</i>" || tag == "<b>" || tag == "</b>" || tag == "<u>" ||
                tag == "</u>")
                plain += tag;
            i = close;
            chunk = close + 1;
        }
        size_t line_start = 0;
        while (line_start <= plain.size()) {
            const size_t line_end = std::min(plain.find('\n', line_start), plain.size());
            const std::string line = plain.substr(line_start, line_end - line_start);
            // A line of markup only (<v Name>, <c> </c>) is blank in SubRip, and a blank
            // line would end the block: leave it out.
            if (!blank(line))
                out += line + "\r\n";
            line_start = line_end + 1;
        }
        out += "\r\n";
    }
    return out;
}

}  // namespace stagehub::captions
