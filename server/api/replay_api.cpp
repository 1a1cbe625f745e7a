#include "server/api/replay_api.hpp"

#include <glib.h>

#include <algorithm>
#include <functional>
#include <map>

#include "pipelines/audio_group.hpp"
#include "pipelines/master_playlist.hpp"
#include "pipelines/replay_playlist.hpp"
#include "schedule/safe_path.hpp"
#include "server/api/api_errors.hpp"
#include "server/api/caller_route.hpp"
#include "server/api/edit_request.hpp"
#include "server/api/event_access.hpp"

namespace stagehub::server {

using nlohmann::json;
using pipelines::Milliseconds;
using pipelines::WallTime;
using schedule::Programme;
using schedule::Session;

namespace {

// Segment boundaries are frame-accurate, session times whole seconds.
constexpr Milliseconds kEndTolerance{250};
constexpr Milliseconds kSettle{8000};

WallTime wall(Instant at) {
    return std::chrono::time_point_cast<Milliseconds>(at);
}

std::string iso(WallTime at) {
    return format_instant_ms(at);
}

// The programme (as the caller sees it) that holds a session, and the session.
std::pair<std::optional<Programme>, const Session*> find_session(
    const schedule::ProgrammeCatalog& catalog, const Caller& caller, std::string_view id) {
    for (const Programme& programme : catalog.programmes()) {
        if (programme.find_session(id) == nullptr)
            continue;
        auto visible = reader_for(caller).view(programme);
        if (!visible || visible->find_session(id) == nullptr)
            break;
        const Session* session = visible->find_session(id);
        return {std::move(visible), session};
    }
    return {std::nullopt, nullptr};
}

// posters/{session}.jpg; nothing for an id that names no file (stored before the id rule).
std::optional<std::filesystem::path> poster_file(const std::filesystem::path& dir,
                                                 const std::string& session_id) {
    auto path = schedule::child_path(dir, session_id + ".jpg");
    return path ? std::optional(std::move(path).value()) : std::nullopt;
}

bool has_poster(const std::filesystem::path& dir, const std::string& session_id) {
    const auto poster = poster_file(dir, session_id);
    return poster && std::filesystem::exists(*poster);
}

Error no_replay(std::string_view id) {
    std::string message = "there is no replay of session '";
    message.append(id).append("' (yet): replays exist for ended sessions that allow them");
    return Error{ErrorCode::not_found, std::move(message)};
}

}  // namespace

ReplayApi::ReplayApi(schedule::ProgrammeCatalog& catalog, TokenStore& tokens,
                     pipelines::SegmentArchive& archive, std::filesystem::path poster_dir,
                     ProgrammeEditor& editor)
    : catalog_(catalog),
      tokens_(tokens),
      archive_(archive),
      poster_dir_(std::move(poster_dir)),
      editor_(editor),
      posters_([](const std::string& session, bool ok) {
          if (!ok)
              g_warning("replay %s: no poster could be made", session.c_str());
      }) {}

void ReplayApi::make_missing_posters(Instant now) {
    const Caller the_public;
    for (const Programme& programme : catalog_.published()) {
        for (const Session& s : programme.sessions) {
            const auto poster = poster_file(poster_dir_, s.id);
            if (!poster || std::filesystem::exists(*poster))
                continue;
            if (auto replay = replay_of(programme, s, the_public, now)) {
                // Away from the first segment (a stage switching to the session) when it can.
                const auto& middle = replay->segments[replay->segments.size() / 2];
                if (const auto segment = schedule::path_below(archive_.live_dir(), middle.file))
                    posters_.request(s.id, *segment, *poster);
            }
        }
    }
}

std::optional<ReplayApi::Replay> ReplayApi::replay_of(const Programme& programme,
                                                      const Session& session, const Caller& caller,
                                                      Instant now) {
    if (session.cancelled || !session.replay_allowed ||
        session.state_at(now) != schedule::SessionState::ended) {
        return std::nullopt;
    }
    Replay replay{&session, archive_.edit_of(session.id), {}, {}, {}, {}};
    if (replay.edit.hidden && !caller.organises(programme.event.id))
        return std::nullopt;
    replay.from = wall(session.effective_start()) + replay.edit.trim_in;
    replay.to = wall(session.effective_end()) - replay.edit.trim_out;
    if (replay.to <= replay.from)
        return std::nullopt;
    replay.renditions = archive_.renditions(session.stage_id, replay.from, replay.to);
    if (replay.renditions.empty())
        return std::nullopt;
    replay.segments =
        archive_.overlapping(session.stage_id, replay.from, replay.to, replay.renditions.front());
    if (replay.segments.empty())
        return std::nullopt;
    // Published once the segment holding the end has closed (a segment after the end), so
    // a replay never appears shorter than it will be; or, if the stage stopped and that
    // segment never comes, with what there is once kSettle has passed.
    const bool complete = replay.segments.back().ends() + kEndTolerance >= replay.to;
    if (!complete && wall(now) < replay.to + kSettle)
        return std::nullopt;
    replay.segments = pipelines::mostly_within(replay.segments, replay.from, replay.to);
    return replay;
}

MediaReach ReplayApi::live_file_reach(const std::string& relative, const Caller& caller,
                                      Instant now) {
    const std::filesystem::path path(relative);
    const auto parts = std::distance(path.begin(), path.end());
    if (parts < 2 || parts > 3)
        return MediaReach::none;
    const std::string stage_id = path.begin()->string();
    const Programme* owner = catalog_.find_stage_owner(stage_id);
    if (owner == nullptr)
        return MediaReach::none;
    const bool organiser = caller.organises(owner->event.id);
    if (!owner->event.published && !organiser)
        return MediaReach::none;
    // While the event is unpublished its organisers watch alone.
    const MediaReach live = owner->event.published ? MediaReach::live : MediaReach::organisers;
    if (path.extension() == ".m3u8")
        return live;
    const std::string rendition = parts == 3 ? std::next(path.begin())->string() : "";
    if (live_listing_ && live_listing_(stage_id, rendition, path.filename().string()))
        return live;
    const auto segment = archive_.find(relative);
    if (!segment)
        return MediaReach::none;
    if (segment->ends() + live_grace_ >= wall(now))
        return live;
    if (in_visible_replay(*owner, *segment, Caller{}, now))
        return MediaReach::replay;
    if (caller.account && in_visible_replay(*owner, *segment, caller, now))
        return MediaReach::organisers;
    return MediaReach::none;
}

MediaReach ReplayApi::poster_reach(const std::string& file_name, const Caller& caller,
                                   Instant now) {
    const std::filesystem::path file(file_name);
    if (file.extension() != ".jpg" || file.has_parent_path())
        return MediaReach::none;
    const std::string session_id = file.stem().string();
    const auto visible_to = [&](const Caller& reader) {
        auto [view, session] = find_session(catalog_, reader, session_id);
        return session != nullptr && replay_of(*view, *session, reader, now).has_value();
    };
    if (visible_to(Caller{}))
        return MediaReach::replay;
    if (caller.account && visible_to(caller))
        return MediaReach::organisers;
    return MediaReach::none;
}

bool ReplayApi::in_visible_replay(const Programme& programme,
                                  const pipelines::ArchivedSegment& segment, const Caller& caller,
                                  Instant now) {
    const auto view = reader_for(caller).view(programme);
    if (!view)
        return false;
    for (const Session& s : view->sessions) {
        // Trims only narrow a replay: sessions the segment does not touch are skipped.
        if (s.stage_id != segment.stage_id || wall(s.effective_start()) >= segment.ends() ||
            wall(s.effective_end()) <= segment.starts) {
            continue;
        }
        const auto replay = replay_of(*view, s, caller, now);
        if (!replay)
            continue;
        for (const auto& own : segments_of(*replay, segment.rendition)) {
            if (own.file == segment.file)
                return true;
        }
    }
    return false;
}

HttpResponse ReplayApi::erase_recording(const HttpRequest& request, const PathParams& params,
                                        const Caller& caller) {
    const std::string& session_id = params.at("session");
    auto start = begin_session_edit(catalog_, request, params.at("event"), session_id, caller,
                                    EditBody::none);
    if (!start)
        return error_response(start.error());
    const Programme& before = *start->before;
    const Session* session = start->session;
    const Instant now = now_utc();
    if (session->state_at(now) == schedule::SessionState::live) {
        return error_response(
            Error{ErrorCode::bad_state, "session " + in_quotes(session_id) +
                                            " is on air: end it first, then erase "
                                            "its recording"});
    }
    // The whole session, untrimmed: a trim only hides what the erasure must remove. Copied
    // now: saving the change log entry reloads the catalog `session` points into.
    const std::string stage_id = session->stage_id;
    const WallTime from = wall(session->effective_start());
    const WallTime to = wall(session->effective_end());
    // Logged before anything goes: an erasure that cannot be recorded does not happen.
    ProgrammeEditor::Edit note{before,
                               {session_id},
                               "erase_recording",
                               "erased the recording of " + in_quotes(session->title),
                               false};
    auto revision = editor_.save(caller.actor(), std::move(note));
    if (!revision)
        return error_response(revision.error());
    const auto erased = archive_.erase(stage_id, from, to);
    archive_.remove_edit(session_id);
    const int64_t cues = erase_captions_ ? erase_captions_(stage_id, session_id, from, to) : 0;
    std::error_code ec;
    const bool poster = std::filesystem::remove(poster_dir_ / (session_id + ".jpg"), ec);
    g_message("recording of session %s erased by %s: %zu segment files, %lld caption cues%s",
              session_id.c_str(), caller.actor().c_str(), erased.size(),
              static_cast<long long>(cues), poster ? " and its poster" : "");
    return json_response(200, {{"session", session_id},
                               {"revision", *revision},
                               {"erased_segments", erased.size()},
                               {"erased_caption_cues", cues},
                               {"erased_poster", poster}});
}

// The programme is the caller's view (a copy) and the replay points into it, so it lives on
// the heap, where it stays put.
std::optional<ReplayApi::FoundReplay> ReplayApi::find_replay(const std::string& session_id,
                                                             const Caller& caller) {
    auto [view, found] = find_session(catalog_, caller, session_id);
    if (found == nullptr)
        return std::nullopt;
    auto programme = std::make_unique<const Programme>(std::move(*view));
    const Session* session = programme->find_session(session_id);
    auto replay = session ? replay_of(*programme, *session, caller, now_utc()) : std::nullopt;
    if (!replay)
        return std::nullopt;
    return FoundReplay{std::move(programme), std::move(*replay)};
}

std::optional<ReplayApi::Visible> ReplayApi::visible_replay(const std::string& session_id,
                                                            const Caller& caller) {
    const auto found = find_replay(session_id, caller);
    if (!found)
        return std::nullopt;
    return Visible{found->programme->event.id, found->replay.session->stage_id,
                   found->replay.segments, find_replay(session_id, Caller{}).has_value()};
}

// One rendition's segments of a replay, cut as the replay's own (mostly inside its window).
std::vector<pipelines::ArchivedSegment> ReplayApi::segments_of(const Replay& replay,
                                                               const std::string& rendition) {
    return pipelines::mostly_within(
        archive_.overlapping(replay.session->stage_id, replay.from, replay.to, rendition),
        replay.from, replay.to);
}

// Trims and late segments may still change a replay's playlists; caches keep them briefly.
HttpResponse ReplayApi::playlist_response(std::string body) {
    HttpResponse response;
    response.content_type = "application/vnd.apple.mpegurl";
    response.body = std::move(body);
    response.header("cache-control", "public, max-age=5");
    return response;
}

// The interpretation recorded with a replay ("audio-{language}", a describer's
// "audio-{language}-described") is an alternative sound,
// named as its stage names it now. Returns the language of the program's own sound.
std::string ReplayApi::mark_interpretation(std::vector<pipelines::RenditionInfo>& infos,
                                           const std::string& stage_id) const {
    std::map<std::string, std::string> names;
    const schedule::Programme* owner = catalog_.find_stage_owner(stage_id);
    if (const schedule::Stage* stage = owner ? owner->find_stage(stage_id) : nullptr) {
        for (const schedule::AudioInput& input : stage->audio_inputs) {
            if (!input.describes_video)  // named by its language (described_audio_name)
                names[pipelines::audio_rendition_name(input.language).substr(6)] = input.name;
        }
    }
    pipelines::mark_alternative_audio(infos, names);
    return owner != nullptr ? owner->event.language() : "sv";
}

// The replay's master: every rendition that recorded it, with the bandwidth its segments
// really took.
std::string ReplayApi::master_of(const Replay& replay) {
    std::vector<pipelines::RenditionInfo> infos;
    for (const std::string& name : replay.renditions) {
        const auto segments = segments_of(replay, name);
        pipelines::RenditionInfo info;
        info.name = name;
        info.audio_only = name == pipelines::kAudioRendition;
        info.codecs = info.audio_only ? "mp4a.40.2" : "avc1.640028,mp4a.40.2";
        for (const auto& segment : segments) {
            if (segment.duration.count() > 100) {
                info.bandwidth =
                    std::max(info.bandwidth, segment.bytes * 8000 / segment.duration.count());
            }
        }
        infos.push_back(info);
    }
    const std::string language = mark_interpretation(infos, replay.session->stage_id);
    // Highest first by bandwidth (sizes are not stored per segment).
    std::stable_sort(infos.begin(), infos.end(), [](const auto& a, const auto& b) {
        return !a.audio_only && (b.audio_only || a.bandwidth > b.bandwidth);
    });
    for (size_t i = 0; i < infos.size(); ++i)
        infos[i].height = static_cast<int>(infos.size() - i);  // keeps this order in the master
    std::string text = pipelines::master_playlist(infos, "playlist.m3u8", language);
    if (!subtitle_tracks_)
        return text;
    return pipelines::with_subtitles(
        text,
        subtitle_tracks_(replay.session->id, replay.session->stage_id,
                         replay.segments.front().starts, replay.segments.back().ends()),
        "playlist.m3u8");
}

ReplayApi::Window ReplayApi::window(const Programme& programme, const Replay& replay) {
    const Session& s = *replay.session;
    return Window{programme.event.id,
                  s.stage_id,
                  s.id,
                  s.title,
                  replay.segments.front().starts.time_since_epoch().count(),
                  replay.from.time_since_epoch().count(),
                  replay.to.time_since_epoch().count(),
                  wall(s.effective_start()).time_since_epoch().count(),
                  replay.edit.hidden};
}

std::optional<ReplayApi::Window> ReplayApi::window_of(const std::string& session_id,
                                                      const Caller& caller) {
    const auto found = find_replay(session_id, caller);
    if (!found)
        return std::nullopt;
    return window(*found->programme, found->replay);
}

std::vector<ReplayApi::Window> ReplayApi::public_windows(Instant now) {
    std::vector<Window> windows;
    const Caller the_public;
    for (const Programme& programme : catalog_.published()) {
        for (const Session& s : programme.sessions) {
            if (auto replay = replay_of(programme, s, the_public, now))
                windows.push_back(window(programme, *replay));
        }
    }
    return windows;
}

json ReplayApi::replay_json(const Programme& programme, const Replay& replay,
                            const Caller& caller) const {
    const Session& s = *replay.session;
    json speakers = json::array();
    for (const auto& sp : s.people) {
        const schedule::Person* person = programme.find_person(sp.person_id);
        speakers.push_back({{"id", sp.person_id},
                            {"name", person ? person->name : sp.person_id},
                            {"role", to_string(sp.role)}});
    }
    json item = {{"session", s.id},
                 {"event", programme.event.id},
                 {"stage", s.stage_id},
                 {"kind", to_string(s.kind)},
                 {"title", s.title},
                 {"abstract", s.abstract},
                 {"theme", s.theme},
                 {"speakers", std::move(speakers)},
                 {"from", iso(replay.from)},
                 {"to", iso(replay.to)},
                 {"duration_seconds",
                  static_cast<double>(pipelines::total_duration(replay.segments).count()) / 1000.0},
                 {"segments", replay.segments.size()},
                 // What the segments really cover: whole segments, so up to one segment
                 // more than [from, to) at each end.
                 {"covers_from", iso(replay.segments.front().starts)},
                 {"covers_to", iso(replay.segments.back().ends())},
                 {"playlist", "/api/v1/replays/" + s.id + "/playlist.m3u8"},
                 {"poster", has_poster(poster_dir_, s.id) ? json("/posters/" + s.id + ".jpg")
                                                          : json(nullptr)}};
    if (caller.organises(programme.event.id)) {
        item["trim_in_seconds"] = static_cast<double>(replay.edit.trim_in.count()) / 1000.0;
        item["trim_out_seconds"] = static_cast<double>(replay.edit.trim_out.count()) / 1000.0;
        item["hidden"] = replay.edit.hidden;
        if (organiser_fields_)
            organiser_fields_(window(programme, replay), item);
    }
    return item;
}

void ReplayApi::add_routes(ApiRouter& router) {
    CallerRoutes routes(router, tokens_);
    const std::string replay = "/api/v1/replays/{session}";
    const std::string session = "/api/v1/events/{event}/sessions/{session}";
    routes.add(HttpMethod::get, "/api/v1/replays", std::bind_front(&ReplayApi::show_replays, this));
    routes.add(HttpMethod::get, replay, std::bind_front(&ReplayApi::show_replay, this));
    routes.add(HttpMethod::get, replay + "/playlist.m3u8",
               std::bind_front(&ReplayApi::show_playlist, this));
    routes.add(HttpMethod::get, replay + "/{rendition}/playlist.m3u8",
               std::bind_front(&ReplayApi::show_rendition_playlist, this));
    routes.add(HttpMethod::delete_, session + "/recording",
               std::bind_front(&ReplayApi::erase_recording, this));
    routes.add(HttpMethod::patch, session + "/replay",
               std::bind_front(&ReplayApi::edit_replay, this));
}

HttpResponse ReplayApi::show_replays(const HttpRequest& request, const PathParams&,
                                     const Caller& caller) {
    const Instant now = now_utc();
    const auto only_event = request.query_value("event");
    json replays = json::array();
    const schedule::Reader reader = reader_for(caller);
    for (const Programme& p : catalog_.programmes()) {
        if (only_event && p.event.id != *only_event)
            continue;
        const auto visible = reader.view(p);
        if (!visible)
            continue;
        for (const Session& s : visible->sessions) {
            if (auto replay = replay_of(*visible, s, caller, now))
                replays.push_back(replay_json(*visible, *replay, caller));
        }
    }
    return json_response(200, {{"replays", std::move(replays)}});
}

std::vector<std::string> ReplayApi::public_replays(const Programme& programme, Instant now) {
    std::vector<std::string> sessions;
    const Caller everyone;
    const auto visible = reader_for(everyone).view(programme);
    if (!visible)
        return sessions;
    for (const Session& s : visible->sessions) {
        if (replay_of(*visible, s, everyone, now))
            sessions.push_back(s.id);
    }
    return sessions;
}

HttpResponse ReplayApi::show_replay(const HttpRequest&, const PathParams& params,
                                    const Caller& caller) {
    const auto found = find_replay(params.at("session"), caller);
    if (!found)
        return error_response(no_replay(params.at("session")));
    return json_response(200, replay_json(*found->programme, found->replay, caller));
}

HttpResponse ReplayApi::show_playlist(const HttpRequest&, const PathParams& params,
                                      const Caller& caller) {
    const auto found = find_replay(params.at("session"), caller);
    if (!found)
        return error_response(no_replay(params.at("session")));
    const Replay& replay = found->replay;
    // Recorded before the ladder: one rendition, the playlist itself.
    const bool single = replay.renditions.size() == 1 && replay.renditions.front().empty();
    return playlist_response(single ? pipelines::vod_playlist(replay.segments, "/live/")
                                    : master_of(replay));
}

HttpResponse ReplayApi::show_rendition_playlist(const HttpRequest&, const PathParams& params,
                                                const Caller& caller) {
    const std::string& session_id = params.at("session");
    const auto found = find_replay(session_id, caller);
    if (!found)
        return error_response(no_replay(session_id));
    const Replay& replay = found->replay;
    const std::string& rendition = params.at("rendition");
    if (std::find(replay.renditions.begin(), replay.renditions.end(), rendition) ==
        replay.renditions.end()) {
        return error_response(Error{ErrorCode::not_found, "session " + in_quotes(session_id) +
                                                              " has no replay in rendition " +
                                                              in_quotes(rendition)});
    }
    return playlist_response(pipelines::vod_playlist(segments_of(replay, rendition), "/live/"));
}

HttpResponse ReplayApi::edit_replay(const HttpRequest& request, const PathParams& params,
                                    const Caller& caller) {
    const std::string& session_id = params.at("session");
    auto start = begin_session_edit(catalog_, request, params.at("event"), session_id, caller,
                                    EditBody::json_object);
    if (!start)
        return error_response(start.error());
    pipelines::ReplayEdit edit = archive_.edit_of(session_id);
    const json& body = start->body;
    const auto seconds = [&](const char* key, Milliseconds& out) -> Status {
        const auto it = body.find(key);
        if (it == body.end())
            return ok_status();
        if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 86400)
            return Error{ErrorCode::bad_field, std::string(key) + ": seconds, 0 or more"};
        out = Milliseconds{static_cast<int64_t>(it->get<double>() * 1000.0)};
        return ok_status();
    };
    if (auto s = seconds("trim_in_seconds", edit.trim_in); !s)
        return error_response(s.error());
    if (auto s = seconds("trim_out_seconds", edit.trim_out); !s)
        return error_response(s.error());
    if (const auto it = body.find("hidden"); it != body.end()) {
        if (!it->is_boolean())
            return error_response(Error{ErrorCode::bad_field, "hidden: true or false"});
        edit.hidden = it->get<bool>();
    }
    archive_.set_edit(session_id, edit);
    if (body.contains("hidden") && visibility_edited_)
        visibility_edited_(session_id);
    return json_response(200, {{"session", session_id},
                               {"trim_in_seconds", edit.trim_in.count() / 1000.0},
                               {"trim_out_seconds", edit.trim_out.count() / 1000.0},
                               {"hidden", edit.hidden}});
}

}  // namespace stagehub::server
