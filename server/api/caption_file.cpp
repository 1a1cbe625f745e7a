#include "server/api/caption_file.hpp"

#include <algorithm>
#include <cctype>

#include "schedule/captions/cue_text.hpp"
#include "schedule/captions/srt.hpp"
#include "schedule/captions/webvtt.hpp"
#include "schedule/utf8.hpp"
#include "server/api/api_errors.hpp"

namespace stagehub::server {
namespace {

using captions::TimedCue;

constexpr ErrorCode kCaptionFileError = ErrorCode::invalid_captions;

// The editor's text: tidied as a file's, and without blank lines, which would end the cue.
std::string editor_text(std::string_view text) {
    std::string tidy = captions::tidy_cue_text(text);
    std::string out;
    size_t from = 0;
    while (from <= tidy.size()) {
        const size_t end = std::min(tidy.find('\n', from), tidy.size());
        std::string_view line(tidy.data() + from, end - from);
        if (!line.empty() && line.find_first_not_of(" \t\r") != std::string_view::npos)
            out.append(out.empty() ? "" : "\n").append(line);
        from = end + 1;
    }
    return out;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size())
        return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i])
            return false;
    }
    return true;
}

// A cue that a player can show: in order of nothing (overlaps stack), but each within a
// day, not empty in time, and of a bounded text.
std::optional<std::string> cue_problem(const TimedCue& cue) {
    if (cue.start_ms < 0 || cue.end_ms > kMaxCueTimeMs)
        return "times must lie between 0 and 24 hours into the replay";
    if (cue.end_ms <= cue.start_ms)
        return "ends before it starts";
    if (cue.text.empty())
        return "no text";
    if (cue.text.size() > captions::kMaxCueTextBytes)
        return "text over " + std::to_string(captions::kMaxCueTextBytes) + " bytes";
    return std::nullopt;
}

Result<std::vector<TimedCue>> bounded(std::vector<TimedCue> cues) {
    if (cues.size() > captions::kMaxCuesPerTrack) {
        return Error{ErrorCode::payload_too_large, std::to_string(cues.size()) +
                                                       " cues: a track holds at most " +
                                                       std::to_string(captions::kMaxCuesPerTrack)};
    }
    for (size_t i = 0; i < cues.size(); ++i) {
        if (const auto problem = cue_problem(cues[i])) {
            return Error{kCaptionFileError, "cue " + std::to_string(i + 1) + ": " + *problem};
        }
    }
    return cues;
}

}  // namespace

CaptionFormat caption_format_of(std::string_view content_type, std::string_view body) {
    if (starts_with_ci(content_type, "text/vtt"))
        return CaptionFormat::webvtt;
    if (starts_with_ci(content_type, "application/x-subrip") ||
        starts_with_ci(content_type, "text/srt")) {
        return CaptionFormat::srt;
    }
    if (body.starts_with("\xEF\xBB\xBF"))
        body.remove_prefix(3);
    return body.starts_with("WEBVTT") ? CaptionFormat::webvtt : CaptionFormat::srt;
}

Result<std::vector<TimedCue>> read_caption_file(std::string_view content_type,
                                                std::string_view body) {
    if (body.size() > kMaxCaptionFileBytes) {
        return Error{
            ErrorCode::payload_too_large,
            "a caption file is at most " + std::to_string(kMaxCaptionFileBytes >> 20) + " MiB"};
    }
    if (!schedule::is_utf8(body))
        return Error{kCaptionFileError, "the file is not UTF-8 text"};
    const CaptionFormat format = caption_format_of(content_type, body);
    auto cues =
        format == CaptionFormat::webvtt ? captions::parse_webvtt(body) : captions::parse_srt(body);
    if (!cues) {
        return Error{cues.error().code,
                     std::string(format == CaptionFormat::webvtt ? "WebVTT" : "SRT") + ", " +
                         cues.error().message};
    }
    return bounded(std::move(cues).value());
}

Result<std::vector<TimedCue>> read_cue_list(const nlohmann::json& body) {
    const auto list = body.find("cues");
    if (list == body.end() || !list->is_array())
        return bad_fields({"cues: a list of {start_ms, end_ms, text}"});
    if (list->size() > captions::kMaxCuesPerTrack) {
        return Error{
            ErrorCode::payload_too_large,
            "a track holds at most " + std::to_string(captions::kMaxCuesPerTrack) + " cues"};
    }
    std::vector<TimedCue> cues;
    cues.reserve(list->size());
    size_t i = 0;
    for (const nlohmann::json& item : *list) {
        const std::string where = "cues[" + std::to_string(i++) + "]";
        const nlohmann::json* start = nullptr;
        const nlohmann::json* end = nullptr;
        const nlohmann::json* text = nullptr;
        if (item.is_object()) {
            for (const auto& [key, value] : item.items()) {
                // Whole milliseconds within a day's worth of hours: no double is cast out of
                // the range of an integer.
                const auto in_range = [](const nlohmann::json& v) {
                    return v.is_number_integer() && v.get<int64_t>() >= 0 &&
                           v.get<int64_t>() <= 1'000'000'000;
                };
                if (key == "start_ms" && in_range(value))
                    start = &value;
                else if (key == "end_ms" && in_range(value))
                    end = &value;
                else if (key == "text" && value.is_string())
                    text = &value;
            }
        }
        if (start == nullptr || end == nullptr || text == nullptr)
            return bad_fields({where + ": {start_ms, end_ms, text}"});
        TimedCue cue{start->get<int64_t>(), end->get<int64_t>(),
                     editor_text(text->get<std::string>())};
        if (const auto problem = cue_problem(cue))
            return bad_fields({where + ": " + *problem});
        cues.push_back(std::move(cue));
    }
    return cues;
}

Result<captions::CueKind> cue_kind_named(const std::optional<std::string>& name) {
    if (!name || *name == "captions")
        return captions::CueKind::captions;
    if (*name == "descriptions")
        return captions::CueKind::descriptions;
    return Error{ErrorCode::invalid, "kind: captions or descriptions"};
}

bool is_language_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 35 || tag.front() == '-' || tag.back() == '-')
        return false;
    for (const char c : tag) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
            return false;
    }
    return std::isalpha(static_cast<unsigned char>(tag.front())) != 0;
}

}  // namespace stagehub::server
