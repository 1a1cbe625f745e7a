// Replays (docs/API.md, "Replays"): every ended session with replays allowed becomes a VOD
// playlist of the live segments between its actual start and end, as soon as those
// segments are archived; organisers trim and hide them.
//
// Threads: loop thread.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "pipelines/poster_maker.hpp"
#include "pipelines/segment_archive.hpp"
#include "schedule/programme_catalog.hpp"
#include "server/api_router.hpp"
#include "server/token_store.hpp"

namespace stagehub::server {

struct Caller;

class ReplayApi {
  public:
    // Posters are JPEGs in `poster_dir`, served at /posters/{session}.jpg.
    ReplayApi(schedule::ProgrammeCatalog& catalog, TokenStore& tokens,
              pipelines::SegmentArchive& archive, std::filesystem::path poster_dir);

    void add_routes(ApiRouter& router);

    // Queues a poster for every public replay that has none yet (a frame from the middle of
    // the replay). Called every few seconds by the application's clock.
    void make_missing_posters(Instant now);

  private:
    struct Replay {
        const schedule::Session* session;
        pipelines::ReplayEdit edit;
        std::vector<pipelines::ArchivedSegment> segments;  // of the top rendition
        std::vector<std::string> renditions;               // top first; [""] before the ladder
        pipelines::WallTime from;
        pipelines::WallTime to;
    };
    // The session's replay as of `now`, if it has one the caller may see.
    std::optional<Replay> replay_of(const schedule::Programme& programme,
                                    const schedule::Session& session, const Caller& caller,
                                    Instant now);
    nlohmann::json replay_json(const schedule::Programme& programme, const Replay& replay,
                               const Caller& caller) const;
    std::string master_of(const Replay& replay);
    // The session's replay as the caller may see it, with the programme view it points
    // into; nullopt if there is none.
    struct FoundReplay {
        std::unique_ptr<const schedule::Programme> programme;
        Replay replay;
    };
    std::optional<FoundReplay> find_replay(const std::string& session_id, const Caller& caller);
    std::vector<pipelines::ArchivedSegment> segments_of(const Replay& replay,
                                                        const std::string& rendition);
    static HttpResponse playlist_response(std::string body);

    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    pipelines::SegmentArchive& archive_;
    std::filesystem::path poster_dir_;
    pipelines::PosterMaker posters_;
};

}  // namespace stagehub::server
