// Websocket messages (server/live_channels): what any browser may send on /ws. The parse step
// is LiveChannels::received (JSON parse, then the message's type, token and channel list,
// each name through parse_channel) interleaved with the decisions it leads to; with no
// HttpServer attached the replies go nowhere, so received() is a pure function of the stores
// and the text, and is fuzzed whole, over the demo programme in a real SQLite file (an
// unpublished event beside it), instead of splitting a file other work is changing.
//
// Input: one text message on a fresh socket; a second message follows after a NUL byte, so
// a subscribe can be followed by an unsubscribe or a resume.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "fuzz_support.hpp"
#include "schedule/database.hpp"
#include "schedule/migrations.hpp"
#include "schedule/panel_progress.hpp"
#include "schedule/programme_catalog.hpp"
#include "schedule/programme_store.hpp"
#include "server/auth/token_store.hpp"
#include "server/live/channel_hub.hpp"
#include "server/live/live_channels.hpp"

namespace {

namespace fs = std::filesystem;
using namespace stagehub;

struct Fixture {
    fs::path base;
    std::unique_ptr<schedule::Database> db;
    std::unique_ptr<schedule::ProgrammeStore> store;
    std::unique_ptr<schedule::ProgrammeCatalog> catalog;
    std::unique_ptr<schedule::PanelProgressStore> panels;
    std::unique_ptr<server::TokenStore> tokens;
    std::unique_ptr<server::LiveChannels> channels;
    server::SocketId next_socket = 1;

    Fixture() {
        std::string pattern = (fs::temp_directory_path() / "stagehub-fuzz-XXXXXX").string();
        fuzz::require(mkdtemp(pattern.data()) != nullptr, "a temp folder");
        base = pattern;
        db = std::make_unique<schedule::Database>(base / "stagehub.db");
        schedule::migrate(*db);
        store = std::make_unique<schedule::ProgrammeStore>(*db);
        fuzz::require(store->replace_event(fuzz::demo_programme(), "fuzz").ok(), "demo stored");
        auto hidden = schedule::read_programme_file(STAGEHUB_TEST_DATA "/two_stages.json");
        fuzz::require(hidden.ok(), "two_stages.json reads");
        hidden->event.published = false;
        fuzz::require(store->replace_event(*hidden, "fuzz").ok(), "hidden event stored");
        catalog = std::make_unique<schedule::ProgrammeCatalog>(*store);
        catalog->reload();
        panels = std::make_unique<schedule::PanelProgressStore>(*db);
        tokens = std::make_unique<server::TokenStore>(*db);
        channels = std::make_unique<server::LiveChannels>(*store, *catalog, *panels, *tokens,
                                                          server::LiveChannels::Limits{});
    }
    ~Fixture() {
        channels.reset();
        tokens.reset();
        panels.reset();
        catalog.reset();
        store.reset();
        db.reset();
        std::error_code ignored;
        fs::remove_all(base, ignored);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Fixture fixture;
    const auto messages = fuzz::fields_of<2>(fuzz::as_text(data, size));
    (void)server::parse_channel(messages[0]);
    const server::SocketId socket = fixture.next_socket++;
    fixture.channels->opened(socket, {});
    fixture.channels->received(socket, messages[0]);
    if (!messages[1].empty())
        fixture.channels->received(socket, messages[1]);
    fixture.channels->closed(socket);
    return 0;
}
