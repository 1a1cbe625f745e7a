// The organiser's hand on a stage's broadcast over REST (docs/API.md, "Broadcast control"):
// take it off air, put it back on, show the slate instead of the input and take it down.
// Each change is stored first (StageControlStore: it outlives a restart), then handed to
// `on_changed`, which applies it to the pipelines and tells the consoles (`ops`).
//
// Threads: loop thread.
#pragma once

#include <functional>
#include <string>

#include "schedule/programme_catalog.hpp"
#include "server/auth/token_store.hpp"
#include "server/broadcast/stage_control_store.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

class StageControlApi {
  public:
    using OnChanged = std::function<void(const schedule::Stage& stage, const StageControl&)>;

    // A slate card's first line, at most (in characters): it must fit the picture.
    static constexpr size_t kMaxSlateChars = 120;

    StageControlApi(schedule::ProgrammeCatalog& catalog, TokenStore& tokens,
                    StageControlStore& controls, OnChanged on_changed)
        : catalog_(catalog),
          tokens_(tokens),
          controls_(controls),
          on_changed_(std::move(on_changed)) {}

    void add_routes(ApiRouter& router);

  private:
    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    StageControlStore& controls_;
    OnChanged on_changed_;
};

}  // namespace stagehub::server
