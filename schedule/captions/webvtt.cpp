#include "schedule/captions/webvtt.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "schedule/captions/caption_file_lines.hpp"
#include "schedule/captions/cue_text.hpp"

namespace stagehub::captions {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Reads a run of digits at `at`; advances past it.
std::optional<int64_t> digits(std::string_view text, size_t& at, size_t min, size_t max) {
    const size_t begin = at;
    while (at < text.size() && is_digit(text[at]) && at - begin < max)
        ++at;
    if (at - begin < min)
        return std::nullopt;
    int64_t value = 0;
    std::from_chars(text.data() + begin, text.data() + at, value);
    return value;
}

// [hh:]mm:ss.ttt, as WebVTT defines a timestamp.
std::optional<int64_t> timestamp(std::string_view text, size_t& at) {
    auto first = digits(text, at, 2, 9);
    if (!first || at >= text.size() || text[at] != ':')
        return std::nullopt;
    ++at;
    auto second = digits(text, at, 2, 2);
    if (!second)
        return std::nullopt;
    int64_t hours = 0;
    int64_t minutes = *first;
    int64_t seconds = *second;
    if (at < text.size() && text[at] == ':') {
        ++at;
        auto third = digits(text, at, 2, 2);
        if (!third)
            return std::nullopt;
        hours = *first;
        minutes = *second;
        seconds = *third;
    }
    if (at >= text.size() || text[at] != '.')
        return std::nullopt;
    ++at;
    auto fraction = digits(text, at, 3, 3);
    if (!fraction || minutes > 59 || seconds > 59)
        return std::nullopt;
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + *fraction;
}

void skip_blanks(std::string_view text, size_t& at) {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t'))
        ++at;
}

struct Timing {
    int64_t start_ms;
    int64_t end_ms;
};

Result<Timing> cue_timing(const FileLine& line) {
    const std::string_view text = line.text;
    size_t at = 0;
    skip_blanks(text, at);
    const auto start = timestamp(text, at);
    if (!start)
        return caption_file_error(line.number, "the cue's start is not a time like 00:01:02.500");
    skip_blanks(text, at);
    if (text.substr(at, 3) != "-->")
        return caption_file_error(line.number, "expected \"-->\" between the cue's two times");
    at += 3;
    skip_blanks(text, at);
    const auto end = timestamp(text, at);
    if (!end)
        return caption_file_error(line.number, "the cue's end is not a time like 00:01:04.000");
    if (at < text.size() && text[at] != ' ' && text[at] != '\t')
        return caption_file_error(line.number, "unexpected text right after the cue's end time");
    if (*end < *start)
        return caption_file_error(line.number, "the cue ends before it starts");
    return Timing{*start, *end};
}

bool starts_block(std::string_view line, std::string_view keyword) {
    return line.starts_with(keyword) &&
           (line.size() == keyword.size() || line[keyword.size()] == ' ' ||
            line[keyword.size()] == '\t');
}

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

Result<std::vector<TimedCue>> parse_webvtt(std::string_view file) {
    auto read = caption_file_lines(file);
    if (!read)
        return read.error();
    const std::vector<FileLine>& lines = read.value();
    if (lines.empty() || !starts_block(lines[0].text, "WEBVTT"))
        return caption_file_error(1, "a WebVTT file starts with the line WEBVTT");

    std::vector<TimedCue> cues;
    size_t i = 1;
    // The header runs to the first blank line, or to a timing line: a cue right under
    // WEBVTT is a cue, as browsers read it (the W3C parser's header ends at "-->").
    while (i < lines.size() && !blank(lines[i].text) &&
           lines[i].text.find("-->") == std::string_view::npos)
        ++i;
    while (i < lines.size()) {
        if (blank(lines[i].text)) {
            ++i;
            continue;
        }
        const std::string_view first = lines[i].text;
        if (first.find("-->") == std::string_view::npos &&
            (starts_block(first, "NOTE") || starts_block(first, "STYLE") ||
             starts_block(first, "REGION"))) {
            while (i < lines.size() && !blank(lines[i].text))
                ++i;
            continue;
        }
        // An identifier line, then the timing line.
        if (first.find("-->") == std::string_view::npos) {
            // "00:00:01.000 -> 00:00:02.000" is a timing line gone wrong, not an identifier.
            size_t at = 0;
            if (timestamp(first, at))
                return caption_file_error(lines[i].number,
                                          "expected \"-->\" between the cue's two times");
            ++i;
            if (i >= lines.size() || lines[i].text.find("-->") == std::string_view::npos)
                return caption_file_error(
                    i < lines.size() ? lines[i].number : lines.back().number + 1,
                    "expected a cue's times, like 00:00:01.000 --> 00:00:04.000");
        }
        auto timing = cue_timing(lines[i]);
        if (!timing)
            return timing.error();
        const size_t timing_line = lines[i].number;
        ++i;
        std::string text;
        while (i < lines.size() && !blank(lines[i].text) &&
               lines[i].text.find("-->") == std::string_view::npos) {
            if (!text.empty())
                text += '\n';
            text += lines[i].text;
            ++i;
        }
        text = tidy_cue_text(text);
        if (text.size() > kMaxCueTextBytes)
            return caption_file_error(timing_line, "the cue's text is longer than " +
                                                       std::to_string(kMaxCueTextBytes) + " bytes");
        // A cue without text or time shows nothing: real tools write a few; skip them.
        if (text.empty() || timing->end_ms == timing->start_ms)
            continue;
        if (cues.size() == kMaxCuesPerTrack)
            return caption_file_error(
                timing_line, "more than " + std::to_string(kMaxCuesPerTrack) + " cues in one file");
        cues.push_back({timing->start_ms, timing->end_ms, std::move(text)});
    }
    return cues;
}

std::string write_webvtt(const std::vector<TimedCue>& cues,
                         const std::vector<std::string>& header) {
    std::string out = "WEBVTT\n";
    for (const std::string& line : header)
        out += line + "\n";
    out += "\n";
    for (const TimedCue& cue : cues) {
        out += caption_timestamp(cue.start_ms, '.');
        out += " --> ";
        out += caption_timestamp(std::max(cue.end_ms, cue.start_ms), '.');
        out += "\n";
        out += tidy_cue_text(cue.text);
        out += "\n\n";
    }
    return out;
}

}  // namespace stagehub::captions
