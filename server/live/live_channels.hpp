// The websocket channels of docs/PROTOCOL.md: what a screen may follow, what it gets when
// it subscribes (the channel's current state, or on `agenda` what it missed since its last
// revision), and every push after that, each built once and shared by its followers.
//
//   agenda:{event}    public, published events: snapshot, then delta/snapshot/removed
//   now:{stage}       public: what is on now and next on a stage
//   panel:{session}   public for published sessions; the session's speakers and the
//                     event's organisers also before: the running order as it happens
//   stats:{event}     staff and organisers of the event: live audience figures
//   captions:{stage}  public for a published event; its captioners and organisers also
//                     before: each live caption cue, and the line being typed
//   ops               organisers: stage health and source switches of their events; the
//                     server's disk state
//
// What is private never reaches a socket that may not see it: a channel a socket may not
// know of is answered as unknown, exactly like one that does not exist. A socket's token
// is judged as it is now, not as it was when the socket opened: on every subscription,
// and whenever access changes (a token revoked, a grant given or withdrawn, an event
// deleted; see recheck_access), when the channels it may no longer follow are taken from
// it with an error saying why.
//
// The parts: live_protocol (what a client sends), channel_name, channel_access (who may
// follow what), live_messages (what is sent), channel_hub (who follows what). This class
// holds the sockets and fans the messages out.
//
// Threads: the loop thread only, like the HttpServer it sends through.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "schedule/captions/caption_store.hpp"
#include "schedule/now_next.hpp"
#include "schedule/panel_progress.hpp"
#include "schedule/programme_catalog.hpp"
#include "schedule/programme_store.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/http_server.hpp"
#include "server/live/caption_partials.hpp"
#include "server/live/channel_hub.hpp"
#include "server/live/live_protocol.hpp"

namespace stagehub::server {

class StageSupervisor;

class LiveChannels {
  public:
    struct Limits {
        size_t max_subscriptions = 32;  // channels one socket may follow at once
        unsigned max_errors = 32;       // bad messages before the socket is closed (1008)
        size_t max_catch_up = 100;      // missed changes sent as deltas; more: a snapshot
    };

    LiveChannels(schedule::ProgrammeStore& store, schedule::ProgrammeCatalog& catalog,
                 schedule::PanelProgressStore& panels, TokenStore& tokens, Limits limits);

    // The server to send through and the broadcast health comes from (either may be null:
    // not started, or shutting down).
    void attach(HttpServer* http, StageSupervisor* broadcast);

    void opened(SocketId socket, const SocketOpening& opening);
    void received(SocketId socket, std::string_view text);
    void closed(SocketId socket);
    // The socket fell behind and lost what was queued on these channels.
    void resync(SocketId socket, const std::vector<std::string>& channels);

    // After an accepted edit: the agenda delta, and the panels of the event it touched.
    void publish_change(const schedule::ChangeRecord& change);
    void publish_now(const schedule::Programme& programme, const std::string& stage_id,
                     const schedule::NowNext& now_next);
    void publish_panel(const std::string& session_id);
    void publish_ops(const std::string& stage_id, const nlohmann::json& event);
    void publish_ops_health();
    // An event's own news for its organisers on ops (accessibility feedback): only the
    // consoles whose token organises `event_id` hear it.
    void publish_event_ops(const std::string& event_id, const nlohmann::json& event);
    // A server-wide event (the disk below its floor or back above it) to every console on
    // ops: it concerns every event's replays. `lasting`: a console that subscribes later
    // gets it too, until the next server-wide event replaces it.
    void publish_server_ops(const nlohmann::json& event, bool lasting);
    void publish_stats();
    // Where captions:{stage} finds the last cues of a stage for a new follower (null: it
    // gets only the partial lines).
    void read_captions_from(const captions::CaptionStore* captions) { captions_ = captions; }
    // A live cue just stored, to the followers of its stage's captions channel.
    void publish_caption_cue(const captions::Cue& cue);
    // The line being typed on a stage in a language (empty: cleared), when it changed.
    void publish_caption_partial(const std::string& stage_id, const std::string& language,
                                 const std::string& text);
    // Where the stats channel gets the live web viewers of each stage (heartbeats).
    void count_viewers_with(std::function<std::map<std::string, size_t>()> watching) {
        watching_ = std::move(watching);
    }

    // Sockets following a channel.
    size_t followers(const std::string& channel) const;

    // Re-judges every socket that holds a token, if access changed since the last look
    // (TokenStore::access_fingerprint: also what another process changed). Cheap when
    // nothing did: called after every change through the API and every second.
    void recheck_access();

  private:
    struct Peer {
        std::optional<Account> account;  // empty: the public
        std::string token_hash;          // of the token it authenticated with, if any
        std::string address;             // the client's, for the failed-token limit
        unsigned errors = 0;
    };

    bool authenticate(SocketId socket, const std::string& token);
    // Loads the socket's account as it is now; takes the channels it may no longer follow
    // (each answered with an error naming it and why; a revoked token also without one).
    void reauthorise(SocketId socket);
    void subscribe(SocketId socket, const ChannelRequest& request);
    void unsubscribe(SocketId socket, const std::string& name);
    // What a new follower gets: the channel's current state.
    std::vector<SharedMessage> current_state(const Peer& peer, const Channel& channel) const;
    // An agenda follower at revision `rev`: the changes it missed as live deltas, or
    // nullopt when it is too far behind (or ahead) and needs a snapshot.
    std::optional<std::vector<SharedMessage>> catch_up(const std::string& event_id, int64_t rev);

    SharedMessage agenda_snapshot(const schedule::Programme& programme) const;
    std::optional<SharedMessage> panel_state(const std::string& session_id) const;
    SharedMessage stats_state(const schedule::Programme& programme) const;
    std::vector<SharedMessage> health_messages(const std::optional<Account>& account) const;
    std::vector<SharedMessage> captions_state(const std::string& stage_id) const;
    // To the followers of a stage's captions channel that may still follow it: when its
    // event is no longer published, the public ones are told and unsubscribed.
    void send_to_caption_followers(const std::string& stage_id, const SharedMessage& message);

    void send(SocketId socket, SharedMessage message);
    void send_to_followers(const std::string& channel, const SharedMessage& message);
    void send_error(SocketId socket, const Error& error, const std::string& subject = {});
    // An error the server tells of its own accord: not counted against the client.
    void send_notice(SocketId socket, const Error& error, const std::string& subject = {});

    schedule::ProgrammeStore& store_;
    schedule::ProgrammeCatalog& catalog_;
    schedule::PanelProgressStore& panels_;
    TokenStore& tokens_;
    Limits limits_;
    HttpServer* http_ = nullptr;
    StageSupervisor* broadcast_ = nullptr;
    const captions::CaptionStore* captions_ = nullptr;
    CaptionPartials partials_;
    std::function<std::map<std::string, size_t>()> watching_;
    // The last snapshot of each event, shared by the screens that subscribe within a second
    // of it at the same revision: a crowd joining at nine o'clock costs one serialisation.
    struct CachedSnapshot {
        int64_t revision = -1;
        int64_t made_us = 0;
        SharedMessage message;
    };
    mutable std::unordered_map<std::string, CachedSnapshot> snapshots_;
    ChannelHub hub_;
    std::unordered_map<SocketId, Peer> peers_;
    std::optional<size_t> access_fingerprint_;  // as of the last recheck_access()
    std::optional<SharedMessage> lasting_server_ops_;
};

}  // namespace stagehub::server
