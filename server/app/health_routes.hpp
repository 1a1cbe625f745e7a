// The health routes: the public /api/v1/health (on or off air per published stage, server
// counters without names) and the detailed health of one stage or one event's stages, for
// their staff and organisers only.
//
// Threads: the loop thread (the router's).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "schedule/programme_catalog.hpp"
#include "server/auth/token_store.hpp"
#include "server/broadcast/stage_control_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

// What the health routes read of the running server, given as functions so that they
// see the state of the moment (the broadcast starts after the routes are added).
struct HealthSources {
    // A stage's health as its broadcast reports it; null when it is not broadcasting.
    std::function<nlohmann::json(const std::string& stage_id)> broadcast_health;
    // A stage's current control (slate, source) as its organisers set it.
    std::function<StageControl(const std::string& stage_id)> control;
    // The public health's server-wide fields besides the stages, time and revision:
    // status, sockets, heartbeats and the like.
    std::function<nlohmann::json()> counters;
    // The data disk with its figures (free, floor): for staff and organisers; the public
    // health has only its state, in `counters`.
    std::function<nlohmann::json()> disk;
};

// A stage's whole health for its staff and organisers, its secrets redacted from the error
// texts (GStreamer quotes the URL it failed on).
nlohmann::json stage_health(const HealthSources& sources, const schedule::Stage& stage);

// /api/v1/stages/{stage}/health (the stage's organisers) and /api/v1/events/{event}/health
// (the event's staff and organisers).
void add_stage_health_routes(ApiRouter& router, TokenStore& tokens,
                             const schedule::ProgrammeCatalog& catalog,
                             const HealthSources& sources);
// /api/v1/health, for anyone.
void add_public_health_route(ApiRouter& router, const schedule::ProgrammeCatalog& catalog,
                             const HealthSources& sources);

}  // namespace stagehub::server
