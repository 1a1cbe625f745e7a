#include "server/api/heartbeat_api.hpp"

#include <glib.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "schedule/bounded_number.hpp"
#include "schedule/json_text.hpp"
#include "server/auth/access.hpp"

namespace stagehub::server {
namespace {

using attendance::Heartbeat;
using attendance::Millis;
using attendance::TimePoint;
using attendance::ViewingKind;
using nlohmann::json;

// A client clock further off than this is broken or lying; its beats are not counted.
constexpr Millis kClockTolerance{5 * 60 * 1000};
// A replay's position may pass its planned length by this much (a player's rounding).
constexpr Millis kPositionSlack{5000};
// One viewer may beat this many times at once, then three times per beat interval (a
// player that reloads, a seek, a tab restored) — a heartbeat every `every` needs one.
constexpr double kViewerBurst = 3;
constexpr size_t kViewerIdMin = 8;
constexpr size_t kViewerIdMax = 64;

bool valid_viewer_id(const std::string& id) {
    if (id.size() < kViewerIdMin || id.size() > kViewerIdMax)
        return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

// A beat that is not counted: always 400, whatever its code says (the codes are the
// heartbeat's own, docs/API.md).
HttpResponse refuse(const Error& error) {
    return error_response(400, to_string(error.code), error.message);
}

// Seconds (a JSON number, as players measure media time) as milliseconds; nullopt when
// the field is missing, not a number, negative or absurd.
std::optional<Millis> seconds_field(const json& body, const char* name) {
    const auto it = body.find(name);
    if (it == body.end() || !it->is_number())
        return std::nullopt;
    const double seconds = it->get<double>();
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e7)
        return std::nullopt;
    return Millis{static_cast<int64_t>(std::llround(seconds * 1000.0))};
}

// Who beats, and what they watch: a stage live or a session's replay.
Status read_viewing(const json& body, Heartbeat& beat) {
    if (const auto it = body.find("viewer"); it != body.end() && it->is_string())
        beat.viewer = it->get<std::string>();
    if (!valid_viewer_id(beat.viewer)) {
        return Error{ErrorCode::bad_request,
                     "\"viewer\" must be the player's random id: 8 to 64 letters, digits, - or _"};
    }
    const auto stage = body.find("stage");
    const auto replay = body.find("replay");
    const bool live = stage != body.end();
    if (live == (replay != body.end()) || !(live ? stage : replay)->is_string()) {
        return Error{ErrorCode::bad_request,
                     "a heartbeat names either \"stage\" (live) or \"replay\" "
                     "(a session id), as a string"};
    }
    beat.kind = live ? ViewingKind::live : ViewingKind::replay;
    beat.target = (live ? stage : replay)->get<std::string>();
    return ok_status();
}

// Where the player is and how much it played since its last beat (beats come `every`).
Status read_playback(const json& body, Millis every, Heartbeat& beat) {
    const auto position = seconds_field(body, "position");
    const auto played = body.contains("played") ? seconds_field(body, "played") : Millis{0};
    if (!position || !played) {
        return Error{ErrorCode::bad_request,
                     "\"position\" (and \"played\", if sent) must be seconds: a "
                     "number from 0"};
    }
    // Playback since the last beat cannot much exceed the time between beats.
    if (*played > every * 4) {
        return Error{ErrorCode::impossible_heartbeat,
                     "\"played\" says " + std::to_string(played->count() / 1000) +
                         " s since the last heartbeat; beats come every " +
                         std::to_string(every.count() / 1000) + " s"};
    }
    beat.position = *position;
    beat.played = *played;
    return ok_status();
}

// The player's clock ("sent_at") is near ours.
Status check_clock(const json& body, TimePoint now) {
    // Up to the end of year 9999: anything later is not a clock, and would overflow the
    // difference below.
    constexpr int64_t kLatestMillis = 253'402'300'799'999;
    const auto sent_at = body.find("sent_at");
    const auto sent_ms = sent_at == body.end()
                             ? std::nullopt
                             : schedule::json_integer_within(*sent_at, 0, kLatestMillis);
    if (!sent_ms) {
        return Error{ErrorCode::bad_request,
                     "\"sent_at\" must be the player's clock in milliseconds since 1970 "
                     "(Date.now()), a whole number"};
    }
    const Millis skew = TimePoint{Millis{*sent_ms}} - now;
    if (skew > kClockTolerance || skew < -kClockTolerance) {
        return Error{ErrorCode::clock_off, "the player's clock is " +
                                               std::to_string(skew.count() / 1000) +
                                               " s off the server's; heartbeats more than " +
                                               std::to_string(kClockTolerance.count() / 1000) +
                                               " s off are not counted (set the device's clock)"};
    }
    return ok_status();
}

// The request body as a beat heard `now`. Errors: the 400s of docs/API.md.
Result<Heartbeat> read_beat(const std::string& text, TimePoint now, Millis every) {
    const json body = schedule::parse_json(text).value_or(json());
    if (!body.is_object()) {
        return Error{ErrorCode::bad_json,
                     "the heartbeat must be a JSON object (docs/API.md, \"Viewer heartbeats\")"};
    }
    Heartbeat beat;
    beat.at = now;
    if (const Status read = read_viewing(body, beat); !read)
        return read.error();
    if (const Status read = read_playback(body, every, beat); !read)
        return read.error();
    if (const Status read = check_clock(body, now); !read)
        return read.error();
    return beat;
}

// A live beat names a broadcast stage of the published programme.
Status check_stage(const schedule::ProgrammeCatalog& catalog, const Heartbeat& beat) {
    const schedule::Programme* owner = catalog.find_stage_owner(beat.target);
    const schedule::Stage* s = owner != nullptr ? owner->find_stage(beat.target) : nullptr;
    if (s == nullptr || !owner->event.published || !s->broadcast) {
        return Error{ErrorCode::unknown_stage, "there is no stage '" + beat.target +
                                                   "' on the web; heartbeats name a stage of the "
                                                   "published programme"};
    }
    return ok_status();
}

// A replay beat names an ended published session that allows replays, at a position
// inside it.
Status check_replay(const schedule::ProgrammeCatalog& catalog, const Heartbeat& beat,
                    TimePoint now) {
    const schedule::Session* session = nullptr;
    for (const auto& programme : catalog.published()) {
        if ((session = programme.find_session(beat.target)) != nullptr)
            break;
    }
    const Instant at = std::chrono::time_point_cast<Seconds>(now);
    if (session == nullptr || !session->replay_allowed ||
        session->state_at(at) != schedule::SessionState::ended) {
        return Error{ErrorCode::unknown_replay, "there is no replay of '" + beat.target + "'"};
    }
    const Millis length =
        std::chrono::duration_cast<Millis>(session->effective_end() - session->effective_start());
    if (beat.position > length + kPositionSlack) {
        return Error{ErrorCode::impossible_heartbeat,
                     "\"position\" " + std::to_string(beat.position.count() / 1000) +
                         " s is past the end of the replay (" +
                         std::to_string(length.count() / 1000) + " s)"};
    }
    return ok_status();
}

}  // namespace

HeartbeatApi::HeartbeatApi(const schedule::ProgrammeCatalog& catalog, LoopMailbox& mailbox,
                           Config config, Answer answer)
    : catalog_(catalog),
      mailbox_(mailbox),
      config_(std::move(config)),
      answer_(std::move(answer)),
      new_viewers_(AddressRateLimit::per_minute(config_.new_viewers_per_address_per_minute)),
      writer_(std::make_unique<attendance::HeartbeatWriter>(
          config_.database, config_.queue, [this](attendance::HeartbeatWriter::Written w) {
              mailbox_.post([this, w = std::move(w)]() mutable { written(std::move(w)); });
          })) {
    if (!config_.clock) {
        config_.clock = [] {
            return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
        };
    }
}

void HeartbeatApi::add_routes(ApiRouter& router) {
    router.add(HttpMethod::post, "/api/v1/heartbeats",
               [this](const HttpRequest& request, const PathParams&) { return receive(request); });
}

HttpResponse HeartbeatApi::receive(const HttpRequest& request) {
    const TimePoint now = config_.clock();
    auto beat = read_beat(request.body, now, config_.rules.heartbeat_every);
    if (beat) {
        const Status known = beat->kind == ViewingKind::live ? check_stage(catalog_, *beat)
                                                             : check_replay(catalog_, *beat, now);
        if (!known)
            beat = known.error();
    }
    if (!beat) {
        ++rejected_;
        return refuse(beat.error());
    }
    if (auto limited = rate_limit(request, beat->viewer, now))
        return std::move(*limited);
    return queue(request, std::move(beat).value(), now);
}

std::optional<HttpResponse> HeartbeatApi::rate_limit(const HttpRequest& request,
                                                     const std::string& viewer_id, TimePoint now) {
    const Millis every = config_.rules.heartbeat_every;
    // A viewer not heard from lately is new: one address may bring only so many a minute.
    if (!viewers_.contains(viewer_id)) {
        if (const auto wait = new_viewers_.refuse(request.peer, now)) {
            ++rate_limited_;
            return rate_limited_response(*wait, "too many new viewers");
        }
    }
    // Per viewer (a player beats once per interval) and per connection.
    const double per_viewer = kViewerBurst * 1000.0 / static_cast<double>(every.count());
    auto [viewer, fresh] = viewers_.try_emplace(
        viewer_id, Viewer{TokenBucket(per_viewer, kViewerBurst, now), now, ""});
    auto [connection, _] = connections_.try_emplace(
        request.connection, TokenBucket(config_.per_connection_per_second,
                                        std::max(1.0, config_.per_connection_per_second), now));
    if (!connection->second.take(now) || !viewer->second.bucket.take(now)) {
        ++rate_limited_;
        const auto wait = std::max(connection->second.wait(now), viewer->second.bucket.wait(now));
        return error_response(
                   Error{ErrorCode::too_many_heartbeats,
                         "heartbeats come too often from this viewer or connection; one every " +
                             std::to_string(every.count() / 1000) + " s is enough"})
            .header("retry-after", std::to_string(std::max<int64_t>(1, wait.count() / 1000)));
    }
    return std::nullopt;
}

HttpResponse HeartbeatApi::queue(const HttpRequest& request, Heartbeat beat, TimePoint now) {
    Viewer& state = viewers_.at(beat.viewer);  // rate_limit made it
    const std::string stage = beat.kind == ViewingKind::live ? beat.target : std::string();
    if (!writer_->offer(std::move(beat), request.exchange)) {
        return error_response(Error{ErrorCode::overloaded,
                                    "the server is storing heartbeats more slowly than they come; "
                                    "this one was not stored, send the next one as usual"})
            .header("retry-after", "1");
    }
    state.heard = now;
    state.stage = stage;
    return deferred_response();
}

void HeartbeatApi::written(attendance::HeartbeatWriter::Written written) {
    if (written.failure) {
        failed_ += written.tickets.size();
        g_warning("heartbeats not stored (%zu answered 503): %s", written.tickets.size(),
                  written.failure->c_str());
        for (const uint64_t ticket : written.tickets) {
            answer_(ticket, error_response(
                                Error{ErrorCode::storage_failed,
                                      "the heartbeat could not be stored: " + *written.failure}));
        }
        return;
    }
    const json stored = {{"every", config_.rules.heartbeat_every.count() / 1000}};
    const HttpResponse ok = json_response(200, stored);
    for (const uint64_t ticket : written.tickets)
        answer_(ticket, ok);
}

std::map<std::string, size_t> HeartbeatApi::watching_now() const {
    if (viewers_.size() > kCountOnTheSpot)
        return swept_;
    const TimePoint now = config_.clock();
    std::map<std::string, size_t> watching;
    for (const auto& [id, viewer] : viewers_) {
        if (!viewer.stage.empty() && now - viewer.heard < config_.rules.leave_after)
            ++watching[viewer.stage];
    }
    return watching;
}

void HeartbeatApi::sweep(size_t slices) {
    const TimePoint now = config_.clock();
    // A rehash moves viewers between buckets: the count so far is not a count, start over.
    if (viewers_.bucket_count() != sweep_bucket_count_) {
        sweep_bucket_count_ = viewers_.bucket_count();
        sweep_bucket_ = 0;
        sweeping_.clear();
    }
    const size_t end =
        std::min(sweep_bucket_count_, sweep_bucket_ + (sweep_bucket_count_ + slices - 1) / slices);
    std::vector<std::string> quiet;
    for (; sweep_bucket_ < end; ++sweep_bucket_) {
        for (auto it = viewers_.begin(sweep_bucket_); it != viewers_.end(sweep_bucket_); ++it) {
            const Viewer& viewer = it->second;
            if (now - viewer.heard < config_.rules.leave_after) {
                if (!viewer.stage.empty())
                    ++sweeping_[viewer.stage];
            } else if (now - viewer.bucket.last_used() >= config_.rules.leave_after) {
                quiet.push_back(it->first);  // its bucket is full again: nothing to remember
            }
        }
    }
    for (const std::string& id : quiet)
        viewers_.erase(id);
    if (sweep_bucket_ >= sweep_bucket_count_) {
        swept_ = std::move(sweeping_);
        sweeping_.clear();
        sweep_bucket_ = 0;
        std::erase_if(connections_, [&](const auto& entry) {
            return now - entry.second.last_used() >= std::chrono::seconds{10};
        });
    }
}

HeartbeatApi::Counters HeartbeatApi::counters() const {
    return {writer_->queued(),  writer_->capacity(), writer_->written(), writer_->batches(),
            writer_->refused(), rejected_,           rate_limited_,      failed_};
}

json HeartbeatApi::health() const {
    const Counters c = counters();
    return {{"queued", c.queued},     {"queue_capacity", c.queue_capacity},
            {"written", c.written},   {"refused_queue_full", c.refused_queue_full},
            {"rejected", c.rejected}, {"rate_limited", c.rate_limited},
            {"failed", c.failed}};
}

}  // namespace stagehub::server
