#include "server/api/replay_caption_api.hpp"

#include <glib.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "schedule/captions/srt.hpp"
#include "schedule/captions/webvtt.hpp"
#include "server/api/api_errors.hpp"
#include "server/api/caller_route.hpp"
#include "server/api/caption_file.hpp"
#include "server/api/event_access.hpp"
#include "server/api/request_body.hpp"

namespace stagehub::server {
namespace {

using captions::CueKind;
using captions::TimedCue;
using nlohmann::json;

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

struct ReplayCaptionApi::Target {
    ReplayApi::Window replay;
    std::string language;  // empty when the path names none
    CueKind kind = CueKind::captions;
};

ReplayCaptionApi::ReplayCaptionApi(const schedule::ProgrammeCatalog& catalog, TokenStore& tokens,
                                   ReplayApi& replays, captions::CaptionStore& store,
                                   CaptionDeadline& deadline)
    : catalog_(catalog), tokens_(tokens), replays_(replays), store_(store), deadline_(deadline) {}

bool ReplayCaptionApi::takes_a_file(HttpMethod method, std::string_view path) {
    if (method != HttpMethod::put && method != HttpMethod::patch)
        return false;
    // /api/v1/events/{event}/sessions/{session}/captions/{language}
    std::vector<std::string_view> parts;
    for (size_t at = 0; at <= path.size();) {
        const size_t slash = std::min(path.find('/', at), path.size());
        parts.push_back(path.substr(at, slash - at));
        at = slash + 1;
    }
    return parts.size() == 9 && parts[0].empty() && parts[1] == "api" && parts[2] == "v1" &&
           parts[3] == "events" && !parts[4].empty() && parts[5] == "sessions" &&
           !parts[6].empty() && parts[7] == "captions" && !parts[8].empty();
}

void ReplayCaptionApi::add_routes(ApiRouter& router) {
    CallerRoutes routes(router, tokens_);
    const std::string base = "/api/v1/events/{event}/sessions/{session}/captions";
    const std::string track = base + "/{language}";
    routes.add(HttpMethod::get, base, std::bind_front(&ReplayCaptionApi::list_tracks, this));
    routes.add(HttpMethod::get, track, std::bind_front(&ReplayCaptionApi::show_track, this));
    // A file as editors save it: named by its type, or sent as bytes and recognised.
    routes.add(HttpMethod::put, track, std::bind_front(&ReplayCaptionApi::upload_track, this),
               RouteOptions{{"text/vtt", "application/x-subrip", "text/srt", "text/plain",
                             "application/octet-stream"}});
    routes.add(HttpMethod::patch, track, std::bind_front(&ReplayCaptionApi::edit_track, this));
    routes.add(HttpMethod::delete_, track, std::bind_front(&ReplayCaptionApi::drop_track, this));
    routes.add(HttpMethod::post, track + "/complete",
               std::bind_front(&ReplayCaptionApi::mark_complete, this));
}

// Who first (401/403), then the event and session (404), then a replay of it the organiser
// sees (hidden ones too), then the language and kind (400).
Result<ReplayCaptionApi::Target> ReplayCaptionApi::target_of(const HttpRequest& request,
                                                             const PathParams& params,
                                                             const Caller& caller,
                                                             bool language) const {
    auto event = organised_event(catalog_, caller, params.at("event"));
    if (!event)
        return event.error();
    const std::string& session_id = params.at("session");
    if (auto session = session_of(**event, session_id); !session)
        return session.error();
    auto replay = replays_.window_of(session_id, caller);
    if (!replay) {
        return Error{ErrorCode::not_found, "session " + in_quotes(session_id) +
                                               " has no replay (yet) to caption: replays "
                                               "exist for ended sessions that allow them"};
    }
    Target target{std::move(*replay), {}, CueKind::captions};
    if (language) {
        target.language = params.at("language");
        if (!is_language_tag(target.language)) {
            return Error{ErrorCode::invalid, "language " + in_quotes(target.language) +
                                                 ": a BCP 47 tag such as sv or en-GB"};
        }
    }
    auto kind = cue_kind_named(request.query_value("kind"));
    if (!kind)
        return kind.error();
    target.kind = *kind;
    return target;
}

json ReplayCaptionApi::track_json(const Target& target) const {
    const ReplayApi::Window& r = target.replay;
    json cues = json::array();
    const auto shown = store_.has_own_track(r.session_id, target.language, target.kind)
                           ? store_.own_track(r.session_id, target.language, target.kind)
                           : store_.replay_cues(r.session_id, r.stage_id, target.language,
                                                target.kind, r.from_ms, r.to_ms);
    for (const captions::Cue& cue : shown) {
        cues.push_back({{"id", cue.id},
                        {"start_ms", cue.start_ms - r.origin_ms},
                        {"end_ms", cue.end_ms - r.origin_ms},
                        {"text", cue.text},
                        {"source", captions::to_string(cue.source)}});
    }
    bool own = false;
    bool complete = false;
    for (const auto& track : store_.replay_tracks(r.session_id, r.stage_id, r.from_ms, r.to_ms)) {
        if (track.language == target.language && track.kind == target.kind) {
            own = track.own;
            complete = track.complete;
        }
    }
    return {{"session", r.session_id},
            {"language", target.language},
            {"kind", captions::to_string(target.kind)},
            {"own", own},
            {"complete", complete},
            {"duration_ms", r.to_ms - r.origin_ms},
            {"cues", std::move(cues)}};
}

Status ReplayCaptionApi::store_track(const Target& target, const std::vector<TimedCue>& cues,
                                     captions::CueSource source, bool complete,
                                     const Caller& caller) {
    const ReplayApi::Window& r = target.replay;
    std::vector<captions::Cue> stored;
    stored.reserve(cues.size());
    for (const TimedCue& timed : cues) {
        captions::Cue cue;
        cue.event_id = r.event_id;
        cue.stage_id = r.stage_id;
        cue.session_id = r.session_id;
        cue.language = target.language;
        cue.kind = target.kind;
        cue.start_ms = r.origin_ms + timed.start_ms;
        cue.end_ms = r.origin_ms + timed.end_ms;
        cue.text = timed.text;
        cue.source = source;
        stored.push_back(std::move(cue));
    }
    auto replaced =
        store_.replace_replay_track(r.event_id, r.session_id, r.stage_id, target.language,
                                    target.kind, stored, complete, now_ms());
    if (!replaced)
        return replaced.error();
    g_message("captions: %s stored %zu %s cues (%s) of the replay of %s%s", caller.actor().c_str(),
              stored.size(), target.language.c_str(),
              std::string(captions::to_string(target.kind)).c_str(), r.session_id.c_str(),
              complete ? ", complete" : "");
    deadline_.on_captions_changed(r, caller.actor());
    return ok_status();
}

HttpResponse ReplayCaptionApi::list_tracks(const HttpRequest& request, const PathParams& params,
                                           const Caller& caller) {
    const auto target = target_of(request, params, caller, false);
    if (!target)
        return error_response(target.error());
    const ReplayApi::Window& r = target->replay;
    json tracks = json::array();
    for (const auto& track : store_.replay_tracks(r.session_id, r.stage_id, r.from_ms, r.to_ms)) {
        tracks.push_back({{"language", track.language},
                          {"kind", captions::to_string(track.kind)},
                          {"own", track.own},
                          {"complete", track.complete},
                          {"cues", track.cues},
                          {"updated_ms", track.updated_ms}});
    }
    json answer = {{"session", r.session_id},
                   {"origin", format_instant_ms(std::chrono::sys_time<std::chrono::milliseconds>(
                                  std::chrono::milliseconds{r.origin_ms}))},
                   {"duration_ms", r.to_ms - r.origin_ms},
                   {"playlist", "/api/v1/replays/" + r.session_id + "/playlist.m3u8"},
                   {"tracks", std::move(tracks)}};
    answer["deadline"] = deadline_.deadline_json(r, now_utc());
    return json_response(200, answer);
}

HttpResponse ReplayCaptionApi::show_track(const HttpRequest& request, const PathParams& params,
                                          const Caller& caller) {
    const auto target = target_of(request, params, caller, true);
    if (!target)
        return error_response(target.error());
    json track = track_json(*target);
    const auto format = request.query_value("format");
    if (!format || *format == "json")
        return json_response(200, track);
    if (*format != "vtt" && *format != "srt")
        return error_response(Error{ErrorCode::invalid, "format: json, vtt or srt"});
    std::vector<TimedCue> cues;
    for (const json& cue : track["cues"]) {
        cues.push_back({std::max<int64_t>(0, cue["start_ms"].get<int64_t>()),
                        std::max<int64_t>(1, cue["end_ms"].get<int64_t>()),
                        cue["text"].get<std::string>()});
    }
    HttpResponse response;
    const bool vtt = *format == "vtt";
    response.content_type = vtt ? "text/vtt; charset=utf-8" : "application/x-subrip; charset=utf-8";
    response.body = vtt ? captions::write_webvtt(cues) : captions::write_srt(cues);
    const std::string name = target->replay.session_id + "." + target->language +
                             (target->kind == CueKind::descriptions ? ".descriptions" : "") +
                             (vtt ? ".vtt" : ".srt");
    response.header("content-disposition", "attachment; filename=\"" + name + "\"");
    response.header("cache-control", "private, no-store");
    return response;
}

HttpResponse ReplayCaptionApi::upload_track(const HttpRequest& request, const PathParams& params,
                                            const Caller& caller) {
    const auto target = target_of(request, params, caller, true);
    if (!target)
        return error_response(target.error());
    const auto cues = read_caption_file(request.content_type, request.body);
    if (!cues)
        return error_response(cues.error());
    if (auto stored = store_track(*target, *cues, captions::CueSource::upload, true, caller);
        !stored) {
        return error_response(stored.error());
    }
    json answer = track_json(*target);
    return json_response(200, answer);
}

HttpResponse ReplayCaptionApi::edit_track(const HttpRequest& request, const PathParams& params,
                                          const Caller& caller) {
    const auto target = target_of(request, params, caller, true);
    if (!target)
        return error_response(target.error());
    const auto body = json_body(request);
    if (!body)
        return error_response(body.error());
    const auto cues = read_cue_list(*body);
    if (!cues)
        return error_response(cues.error());
    bool complete = track_json(*target)["complete"].get<bool>();
    if (const auto it = body->find("complete"); it != body->end()) {
        if (!it->is_boolean())
            return error_response(bad_fields({"complete: true or false"}));
        complete = it->get<bool>();
    }
    if (auto stored = store_track(*target, *cues, captions::CueSource::edit, complete, caller);
        !stored) {
        return error_response(stored.error());
    }
    return json_response(200, track_json(*target));
}

HttpResponse ReplayCaptionApi::mark_complete(const HttpRequest& request, const PathParams& params,
                                             const Caller& caller) {
    const auto target = target_of(request, params, caller, true);
    if (!target)
        return error_response(target.error());
    const auto body = optional_json_body(request);
    if (!body)
        return error_response(body.error());
    const auto it = body->find("complete");
    const bool complete = it == body->end() || (it->is_boolean() && it->get<bool>());
    if (it != body->end() && !it->is_boolean())
        return error_response(bad_fields({"complete: true or false"}));
    json track = track_json(*target);
    if (!track["own"].get<bool>()) {
        // The live cues become the replay's own track: marking them complete vouches for
        // them as they are, and later live cues no longer change the recording.
        std::vector<TimedCue> cues;
        for (const json& cue : track["cues"]) {
            cues.push_back({cue["start_ms"].get<int64_t>(), cue["end_ms"].get<int64_t>(),
                            cue["text"].get<std::string>()});
        }
        if (cues.empty() && complete) {
            return error_response(
                Error{ErrorCode::bad_state, "the " + target->language +
                                                " track has no cues: upload a file or write them "
                                                "first"});
        }
        if (auto stored = store_track(*target, cues, captions::CueSource::edit, complete, caller);
            !stored) {
            return error_response(stored.error());
        }
    } else {
        auto set = store_.set_track_complete(target->replay.session_id, target->language,
                                             target->kind, complete, now_ms());
        if (!set)
            return error_response(set.error());
        deadline_.on_captions_changed(target->replay, caller.actor());
    }
    return json_response(200, track_json(*target));
}

HttpResponse ReplayCaptionApi::drop_track(const HttpRequest& request, const PathParams& params,
                                          const Caller& caller) {
    const auto target = target_of(request, params, caller, true);
    if (!target)
        return error_response(target.error());
    if (auto dropped =
            store_.delete_replay_track(target->replay.session_id, target->language, target->kind);
        !dropped) {
        return error_response(dropped.error());
    }
    g_message("captions: %s dropped the %s %s track of the replay of %s", caller.actor().c_str(),
              target->language.c_str(), std::string(captions::to_string(target->kind)).c_str(),
              target->replay.session_id.c_str());
    return json_response(200, track_json(*target));
}

}  // namespace stagehub::server
