#include "server/api/caption_api.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

#include "schedule/captions/cue_text.hpp"
#include "schedule/instant.hpp"
#include "server/api/api_errors.hpp"
#include "server/api/caller_route.hpp"
#include "server/auth/access.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using Ms = std::chrono::sys_time<std::chrono::milliseconds>;

std::string iso_ms(int64_t ms) {
    return format_instant_ms(Ms{std::chrono::milliseconds{ms}});
}

json cue_json(const captions::Cue& cue) {
    return {{"id", cue.id},
            {"language", cue.language},
            {"kind", captions::to_string(cue.kind)},
            {"start", iso_ms(cue.start_ms)},
            {"end", iso_ms(cue.end_ms)},
            {"text", captions::plain_from_cue_text(cue.text)}};
}

}  // namespace

void CaptionApi::add_routes(ApiRouter& router) {
    // Bodies of three types. A plain-text body is one a page of another site could send
    // without asking, but this route needs an Authorization header, which no such page can
    // send without the CORS preflight this server never grants.
    CallerRoutes routes(router, tokens_);
    routes.add(HttpMethod::post, "/api/v1/events/{event}/stages/{stage}/captions",
               std::bind_front(&CaptionApi::post_captions, this),
               RouteOptions{{"application/json", "text/plain", "text/vtt"}});
}

Status CaptionApi::language_room(const schedule::Programme& programme, const std::string& stage_id,
                                 const std::string& language, captions::CueKind kind) const {
    const auto& event_languages = programme.event.languages;
    if (std::find(event_languages.begin(), event_languages.end(), language) !=
        event_languages.end())
        return ok_status();
    const std::vector<std::string> live = captions_.live_languages(stage_id, kind);
    if (std::find(live.begin(), live.end(), language) != live.end())
        return ok_status();
    std::vector<std::string> extra;
    for (const std::string& known : live) {
        if (std::find(event_languages.begin(), event_languages.end(), known) ==
            event_languages.end())
            extra.push_back(known);
    }
    if (extra.size() < kMaxStageLanguages)
        return ok_status();
    std::string list;
    for (const std::string& known : extra)
        list += (list.empty() ? "" : ", ") + known;
    return Error{ErrorCode::bad_field, "language: stage " + stage_id + " already has " +
                                           std::string(captions::to_string(kind)) + " in " +
                                           std::to_string(extra.size()) +
                                           " languages besides the event's (" + list +
                                           "); add the language to the event's languages to send " +
                                           std::string(captions::to_string(kind)) + " in it"};
}

HttpResponse CaptionApi::post_captions(const HttpRequest& request, const PathParams& params,
                                       const Caller& caller) {
    const std::string& event_id = params.at("event");
    const std::string& stage_id = params.at("stage");
    // Who first (401/403), then what exists (404): a stage of another event is answered
    // exactly like one that does not exist.
    if (const Status allowed = require_captioner_of(caller, event_id); !allowed)
        return error_response(allowed.error());
    const schedule::Programme* programme = catalog_.find_event(event_id);
    if (programme == nullptr)
        return error_response(no_such_event(event_id));
    if (programme->find_stage(stage_id) == nullptr)
        return error_response(no_such_stage(event_id, stage_id));

    auto post = read_caption_post(request, limits_.post);
    if (!post)
        return error_response(post.error());
    const std::string language =
        post->language.empty() ? programme->event.language() : post->language;
    // Every language a stage has captions in is a subtitle rendition in every master and a
    // menu entry for every viewer: the event's languages and a few translations, no more.
    if (const Status room = language_room(*programme, stage_id, language, post->kind); !room)
        return error_response(room.error());

    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    if (const auto wait = rate_limit_.refuse(caller.account->id, post->cues.size(), now)) {
        const std::string seconds = std::to_string(rate_limited(*wait, "").seconds);
        return error_response(
                   Error{ErrorCode::rate_limited,
                         "too many captions from this token; try again in " + seconds + " s"})
            .header("retry-after", seconds);
    }

    if (post->partial) {
        // Partials are never stored, so language_room would count none of them: a captioner
        // could open a line in every language tag there is. A partial is for a language the
        // stage is already captioned in (or the event's); a new one starts with a line sent.
        const auto live = captions_.live_languages(stage_id, captions::CueKind::captions);
        const auto& ours = programme->event.languages;
        if (std::find(ours.begin(), ours.end(), language) == ours.end() &&
            std::find(live.begin(), live.end(), language) == live.end()) {
            return error_response(
                Error{ErrorCode::bad_field,
                      "language: stage " + stage_id + " has no captions in " + language +
                          " yet; send the first line in it as a caption, then its partial lines"});
        }
        on_partial_(stage_id, language, post->partial_text);
        return json_response(200, {{"event", event_id},
                                   {"stage", stage_id},
                                   {"language", language},
                                   {"partial", post->partial_text},
                                   {"cues", json::array()}});
    }

    auto placed = place_caption_cues(*post, event_id, stage_id, language,
                                     now.time_since_epoch().count(), limits_.post);
    if (!placed)
        return error_response(placed.error());
    std::vector<captions::Cue> stored;
    stored.reserve(placed->size());
    {
        schedule::Transaction tx(db_);
        for (const captions::Cue& cue : *placed) {
            auto added = captions_.add_live_cue(cue);
            if (!added)
                return error_response(added.error());  // the transaction rolls back
            stored.push_back(std::move(*added));
        }
        tx.commit();
    }
    // A line sent is the line that was being typed: its partial is done. (Descriptions
    // have no partial; one leaves the captioner's line of its language alone.)
    if (post->kind == captions::CueKind::captions)
        on_partial_(stage_id, language, "");
    json cues = json::array();
    for (const captions::Cue& cue : stored) {
        on_cue_(cue);
        cues.push_back(cue_json(cue));
    }
    return json_response(201, {{"event", event_id},
                               {"stage", stage_id},
                               {"language", language},
                               {"kind", captions::to_string(post->kind)},
                               {"cues", std::move(cues)}});
}

}  // namespace stagehub::server
