#include "server/api/caption_post.hpp"

#include <algorithm>
#include <cctype>

#include "schedule/captions/cue_text.hpp"
#include "schedule/captions/webvtt.hpp"
#include "schedule/instant.hpp"
#include "schedule/trim.hpp"
#include "schedule/utf8.hpp"
#include "server/api/caption_file.hpp"
#include "server/api/request_body.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;

size_t characters_in(std::string_view utf8) {
    // Every byte but UTF-8's continuation bytes (10xxxxxx) starts a character.
    return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// The media type without parameters, lower case: "text/plain; charset=utf-8" → "text/plain".
std::string media_type(std::string_view content_type) {
    std::string type(schedule::trim(content_type.substr(0, content_type.find(';'))));
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return type;
}

Error too_long(size_t number, size_t characters, const CaptionLimits& limits) {
    return Error{ErrorCode::cue_too_long,
                 "cue " + std::to_string(number) + " has " + std::to_string(characters) +
                     " characters; a cue holds at most " + std::to_string(limits.max_cue_chars) +
                     ": send a long passage as several lines"};
}

Error too_many(size_t cues, const CaptionLimits& limits) {
    return Error{ErrorCode::too_many_cues, "the request has " + std::to_string(cues) +
                                               " cues; send at most " +
                                               std::to_string(limits.max_cues) + " in one request"};
}

// One typed line as a cue's text, or why not. `number` counts from 1, for the message.
Result<std::string> line_cue_text(std::string_view line, size_t number,
                                  const CaptionLimits& limits) {
    if (std::any_of(line.begin(), line.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\t'; })) {
        return Error{ErrorCode::bad_field,
                     "line " + std::to_string(number) + " holds a control character"};
    }
    if (const size_t n = characters_in(line); n > limits.max_cue_chars)
        return too_long(number, n, limits);
    return captions::cue_text_from_plain(line);
}

Status read_language(std::string_view text, CaptionPost& post) {
    const auto language = caption_language(text);
    if (!language) {
        return Error{ErrorCode::bad_field, "language: '" + std::string(text.substr(0, 40)) +
                                               "' is not a BCP 47 language tag such as \"sv\" "
                                               "or \"en-GB\""};
    }
    post.language = *language;
    return ok_status();
}

Status read_kind(const std::optional<std::string>& name, CaptionPost& post) {
    auto kind = cue_kind_named(name);
    if (!kind) {
        return Error{ErrorCode::bad_field,
                     "kind: '" + name.value_or("").substr(0, 40) +
                         "' is neither \"captions\" (what is said) nor \"descriptions\" "
                         "(what is seen)"};
    }
    post.kind = *kind;
    return ok_status();
}

Status read_json(const HttpRequest& request, const CaptionLimits& limits, CaptionPost& post) {
    auto body = json_body(request);
    if (!body)
        return body.error();
    const auto text = body->find("text");
    if (text == body->end() || !text->is_string())
        return Error{ErrorCode::bad_field, "text: the line, a string, is missing"};
    if (const auto language = body->find("language"); language != body->end()) {
        if (!language->is_string())
            return Error{ErrorCode::bad_field, "language: must be a string such as \"sv\""};
        if (const Status read = read_language(language->get<std::string>(), post); !read)
            return read;
    }
    if (const auto kind = body->find("kind"); kind != body->end()) {
        if (!kind->is_string())
            return Error{ErrorCode::bad_field,
                         "kind: must be \"captions\" or \"descriptions\", a string"};
        if (const Status read = read_kind(kind->get<std::string>(), post); !read)
            return read;
    }
    if (const auto final = body->find("final"); final != body->end()) {
        if (!final->is_boolean())
            return Error{ErrorCode::bad_field,
                         "final: must be true (a cue) or false (the line "
                         "being typed)"};
        post.partial = !final->get<bool>();
    }
    // A description is read aloud or shown beside the player when its picture plays, never
    // on the room screen where a partial line goes: there is no line being described.
    if (post.partial && post.kind == captions::CueKind::descriptions) {
        return Error{ErrorCode::bad_field,
                     "final: descriptions have no partial line; send each description once, "
                     "finished"};
    }
    const std::string line(schedule::trim(text->get<std::string>()));
    if (post.partial) {
        // Typed text: one line, bounded like a cue; empty clears it.
        auto cue_text = line_cue_text(line, 1, limits);
        if (!cue_text)
            return cue_text.error();
        post.partial_text = line;
        return ok_status();
    }
    if (line.empty())
        return Error{ErrorCode::bad_field, "text: empty; a cue needs something to show"};
    auto cue_text = line_cue_text(line, 1, limits);
    if (!cue_text)
        return cue_text.error();
    post.cues.push_back({0, 0, std::move(*cue_text)});
    return ok_status();
}

Status read_lines(const HttpRequest& request, const CaptionLimits& limits, CaptionPost& post) {
    std::string_view rest = request.body;
    size_t number = 0;
    while (!rest.empty()) {
        const size_t end = rest.find('\n');
        const std::string_view line = schedule::trim(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (line.empty())
            continue;
        ++number;
        if (number > limits.max_cues) {
            size_t total = number;
            for (size_t at = 0; (at = rest.find('\n', at)) != std::string_view::npos; ++at)
                ++total;
            return too_many(total, limits);
        }
        auto cue_text = line_cue_text(line, number, limits);
        if (!cue_text)
            return cue_text.error();
        post.cues.push_back({0, 0, std::move(*cue_text)});
    }
    if (post.cues.empty())
        return Error{ErrorCode::bad_field, "the body has no line to show"};
    return ok_status();
}

// "2026-12-07T19:00:00.250Z" → milliseconds (parse_instant keeps whole seconds).
Result<int64_t> instant_ms(std::string_view text) {
    const auto at = parse_instant(text);
    if (!at)
        return at.error();
    int64_t ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count();
    constexpr size_t kFraction = 19;  // after "YYYY-MM-DDTHH:MM:SS"
    if (text.size() > kFraction && text[kFraction] == '.') {
        int64_t scale = 100;
        for (size_t i = kFraction + 1;
             i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && scale > 0;
             ++i, scale /= 10)
            ms += (text[i] - '0') * scale;
    }
    return ms;
}

Status read_vtt(const HttpRequest& request, const CaptionLimits& limits, CaptionPost& post) {
    auto cues = captions::parse_webvtt(request.body);
    if (!cues)
        return Error{ErrorCode::invalid_captions, "the WebVTT body: " + cues.error().message};
    if (cues->empty())
        return Error{ErrorCode::bad_field, "the WebVTT body has no cue"};
    if (cues->size() > limits.max_cues)
        return too_many(cues->size(), limits);
    for (size_t i = 0; i < cues->size(); ++i) {
        const size_t n = characters_in(captions::plain_from_cue_text((*cues)[i].text));
        if (n > limits.max_cue_chars)
            return too_long(i + 1, n, limits);
    }
    post.cues = std::move(*cues);
    post.timed = true;
    if (const auto start = request.query_value("start")) {
        const auto origin = instant_ms(*start);
        if (!origin) {
            return Error{ErrorCode::bad_field,
                         "start: the wall-clock time of the file's 00:00:00.000, as ISO 8601 "
                         "with a zone (\"2026-12-07T10:00:00.000Z\"); " +
                             origin.error().message};
        }
        post.origin_ms = *origin;
    }
    return ok_status();
}

}  // namespace

std::optional<std::string> caption_language(std::string_view tag) {
    // language[-subtag]*: 2–3 letters, then subtags of 1–8 letters or digits (RFC 5646's
    // shape, not its registry), at most 35 characters as the RFC advises.
    if (tag.empty() || tag.size() > 35)
        return std::nullopt;
    std::string canonical;
    size_t index = 0;
    while (!tag.empty()) {
        const size_t dash = tag.find('-');
        std::string subtag(tag.substr(0, dash));
        tag = dash == std::string_view::npos ? std::string_view{} : tag.substr(dash + 1);
        const bool letters = std::all_of(subtag.begin(), subtag.end(),
                                         [](unsigned char c) { return std::isalpha(c); });
        const bool alnum = std::all_of(subtag.begin(), subtag.end(),
                                       [](unsigned char c) { return std::isalnum(c); });
        if (index == 0 ? !(letters && subtag.size() >= 2 && subtag.size() <= 3)
                       : !(alnum && !subtag.empty() && subtag.size() <= 8))
            return std::nullopt;
        if (dash != std::string_view::npos && tag.empty())
            return std::nullopt;  // a trailing '-'
        for (char& c : subtag)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        // BCP 47's conventional case: regions upper, scripts title, the rest lower.
        if (index > 0 && subtag.size() == 2 && letters) {
            for (char& c : subtag)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        } else if (index > 0 && subtag.size() == 4 && letters) {
            subtag[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(subtag[0])));
        }
        if (index > 0)
            canonical += '-';
        canonical += subtag;
        ++index;
    }
    return canonical;
}

Result<CaptionPost> read_caption_post(const HttpRequest& request, const CaptionLimits& limits) {
    if (request.body.size() > limits.max_body_bytes) {
        return Error{ErrorCode::payload_too_large,
                     "the body has " + std::to_string(request.body.size()) +
                         " bytes; a caption request holds at most " +
                         std::to_string(limits.max_body_bytes) + ": send fewer cues at a time"};
    }
    CaptionPost post;
    const std::string type = media_type(request.content_type);
    // The kind of a text body is in the query; a JSON body says it itself, and one place
    // only, so a query kind beside a JSON body is refused rather than silently ignored.
    const auto query_kind = request.query_value("kind");
    if (type == "application/json" || type.empty()) {
        if (query_kind)
            return Error{ErrorCode::bad_field,
                         "kind: a JSON body gives its kind as \"kind\" in the body, not in the "
                         "address"};
        if (const Status read = read_json(request, limits, post); !read)
            return read.error();
        return post;
    }
    if (const auto offset = schedule::first_non_utf8(request.body)) {
        return Error{ErrorCode::bad_field, "the body is not UTF-8 (byte " +
                                               std::to_string(*offset) + "); send text as UTF-8"};
    }
    if (const auto language = request.query_value("language")) {
        if (const Status read = read_language(*language, post); !read)
            return read.error();
    }
    if (query_kind) {
        if (const Status read = read_kind(query_kind, post); !read)
            return read.error();
    }
    const Status read =
        type == "text/vtt" ? read_vtt(request, limits, post) : read_lines(request, limits, post);
    if (!read)
        return read.error();
    return post;
}

Result<std::vector<captions::Cue>> place_caption_cues(
    const CaptionPost& post, const std::string& event_id, const std::string& stage_id,
    const std::string& language, int64_t arrival_ms, const CaptionLimits& limits) {
    // Each cue's length first: one cue over minutes is refused as such, wherever it lies.
    for (size_t i = 0; post.timed && i < post.cues.size(); ++i) {
        const int64_t lasts = post.cues[i].end_ms - post.cues[i].start_ms;
        if (lasts > captions::kMaxLiveCueMs) {
            return Error{ErrorCode::invalid_captions,
                         "cue " + std::to_string(i + 1) + " lasts " + std::to_string(lasts / 1000) +
                             " s; a live cue lasts at most " +
                             std::to_string(captions::kMaxLiveCueMs / 1000) + " s"};
        }
    }
    int64_t origin_ms = arrival_ms;
    if (post.timed) {
        int64_t last_end = 0;
        for (const captions::TimedCue& cue : post.cues)
            last_end = std::max(last_end, cue.end_ms);
        // Without `start`, the file was typed up to now: its last cue ends as it arrives.
        origin_ms = post.origin_ms.value_or(arrival_ms - last_end);
        if (origin_ms < arrival_ms - limits.max_past_ms) {
            return Error{ErrorCode::bad_time,
                         "start: the cues would begin more than " +
                             std::to_string(limits.max_past_ms / 60'000) +
                             " minutes ago; live captions are for what is on now (a replay's "
                             "captions are the organisers' to upload)"};
        }
        if (origin_ms + last_end > arrival_ms + limits.max_future_ms) {
            return Error{ErrorCode::bad_time,
                         "the last cue would end " +
                             std::to_string((origin_ms + last_end - arrival_ms) / 1000) +
                             " s from now; live cues end at most " +
                             std::to_string(limits.max_future_ms / 1000) + " s ahead"};
        }
    }
    std::vector<captions::Cue> cues;
    cues.reserve(post.cues.size());
    for (const captions::TimedCue& timed : post.cues) {
        captions::Cue cue;
        cue.event_id = event_id;
        cue.stage_id = stage_id;
        cue.language = language;
        cue.kind = post.kind;
        cue.text = timed.text;
        cue.source = captions::CueSource::live;
        if (post.timed) {
            cue.start_ms = origin_ms + timed.start_ms;
            cue.end_ms = origin_ms + timed.end_ms;
        } else {
            cue.start_ms = arrival_ms;
            cue.end_ms = arrival_ms +
                         captions::live_cue_duration_ms(captions::plain_from_cue_text(timed.text));
        }
        cues.push_back(std::move(cue));
    }
    return cues;
}

}  // namespace stagehub::server
