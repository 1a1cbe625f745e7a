// Ids against the running server: every way in refuses an id outside the form with 422 (or
// maps a foreign file's ids into it); nothing is written outside the data folder, even for
// ids an older stagehub stored; such stages are not broadcast and can still be renamed and
// removed; file names in headers are escaped.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "error_reply.hpp"
#include "net_client.hpp"
#include "running_server.hpp"
#include "schedule/database.hpp"
#include "schedule/migrations.hpp"
#include "schedule/programme_file.hpp"
#include "schedule/programme_store.hpp"

namespace stagehub::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using stagehub::testing::error_code;
using stagehub::testing::http_request;
using stagehub::testing::HttpReply;

// Everything below `dir`, as paths relative to it.
std::set<std::string> tree(const fs::path& dir) {
    std::set<std::string> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec))
        found.insert(it->path().lexically_relative(dir).generic_string());
    return found;
}

constexpr const char* kDemo = "/api/v1/events/tillsammans-for-fornyelse";

TEST(IdsApi, EveryEndpointThatNamesAThingRefusesAnIdOutsideTheForm) {
    stagehub::testing::TempDir outside;
    const std::string path_id = (outside.path() / "x").string();  // like "/tmp/x"
    RunningServer server(1.0);
    const std::string organiser =
        server.token(Role::organiser, "Anna Berg", "tillsammans-for-fornyelse");
    const auto post = [&](const std::string& what, const json& body) {
        return server.call("POST", std::string(kDemo) + "/" + what, organiser, body);
    };
    struct Case {
        std::string what;
        json body;
    };
    const std::vector<Case> cases = {
        {"stages", {{"id", path_id}, {"name", "X"}}},
        {"stages", {{"id", "../../x"}, {"name", "X"}}},
        {"stages", {{"id", "Stora-Salen"}, {"name", "X"}}},
        {"stages", {{"id", std::string(65, 'a')}, {"name", "X"}}},
        {"stages", {{"id", "a\r\nb"}, {"name", "X"}}},
        {"people", {{"id", "Anna Berg"}, {"name", "Anna Berg"}}},
        {"people", {{"id", "../anna"}, {"name", "Anna"}}},
        {"sessions",
         {{"id", "/etc/passwd"},
          {"stage", "scenen"},
          {"kind", "talk"},
          {"title", "X"},
          {"start", "2019-10-08T20:00:00+02:00"},
          {"duration_minutes", 10}}},
    };
    for (const Case& c : cases) {
        const HttpReply reply = post(c.what, c.body);
        EXPECT_EQ(reply.status, 422) << c.body.dump() << ": " << reply.body;
        EXPECT_EQ(error_code(reply), "bad_id") << reply.body;
        EXPECT_NE(reply.body.find("1 to 64 characters of a-z, 0-9 and '-'"), std::string::npos)
            << reply.body;
    }
    const HttpReply guid =
        post("stages", {{"id", "ny-sal"}, {"name", "X"}, {"guid", "x\r\nUID:y"}});
    EXPECT_EQ(guid.status, 422) << guid.body;
    EXPECT_EQ(error_code(guid), "bad_id");
    EXPECT_EQ(post("stages", {{"id", "ny-sal"}, {"name", "Ny sal"}, {"broadcast", false}}).status,
              200);

    // Imports: the event id asked for, and a programme file's own ids.
    const HttpReply csv =
        http_request(server.port, "POST", "/api/v1/events/import?event=%2Ftmp%2Fx",
                     "stage,kind,title,date,start,duration\n"
                     "Aulan,talk,A,2026-05-12,09:00,20\n",
                     "text/csv", organiser);
    EXPECT_EQ(csv.status, 422) << csv.body;
    EXPECT_EQ(error_code(csv), "bad_id");
    json file = json::parse(server.call("GET", std::string(kDemo) + "/programme.json").body);
    file["event"]["id"] = "kopia";
    file["stages"][0]["id"] = path_id;
    const HttpReply programme = http_request(server.port, "POST", "/api/v1/events/import",
                                             file.dump(), "application/json", organiser);
    EXPECT_EQ(programme.status, 422) << programme.body;
    EXPECT_EQ(error_code(programme), "invalid_programme");
    EXPECT_NE(programme.body.find("stages[0]: stage id '" + path_id + "' is not an id"),
              std::string::npos)
        << programme.body;

    // A frab schedule whose slugs and rooms look like paths is mapped, not refused.
    std::string frab = server.call("GET", std::string(kDemo) + "/schedule.json").body;
    json doc = json::parse(frab);
    for (json& day : doc["schedule"]["conference"]["days"]) {
        for (auto& [room, events] : day["rooms"].items()) {
            for (json& e : events)
                e["slug"] = "../../tmp/" + e["slug"].get<std::string>();
        }
    }
    doc["schedule"]["conference"]["acronym"] = "/tmp/kopia";
    frab = doc.dump();
    for (const json& room : doc["schedule"]["conference"]["rooms"]) {
        const std::string from = json(room["name"]).dump();
        const std::string to = json("/tmp/" + room["name"].get<std::string>()).dump();
        for (size_t at = frab.find(from); at != std::string::npos; at = frab.find(from, at + 1))
            frab.replace(at, from.size(), to);
    }
    const HttpReply mapped = http_request(server.port, "POST", "/api/v1/events/import", frab,
                                          "application/json", organiser);
    ASSERT_EQ(mapped.status, 200) << mapped.body;
    EXPECT_EQ(json::parse(mapped.body)["event"], "tmp-kopia");
    const json copy = json::parse(server.call("GET", "/api/v1/events/tmp-kopia").body)["event"];
    for (const json& stage : copy["stages"])
        EXPECT_EQ(stage["id"].get<std::string>().rfind("tmp-", 0), 0u) << stage;
    for (const json& session : copy["sessions"])
        EXPECT_EQ(session["id"].get<std::string>().rfind("tmp-", 0), 0u) << session;

    EXPECT_TRUE(tree(outside.path()).empty()) << "nothing may be written outside the data folder";
}

// Rows an older stagehub could store: ids that are paths, a session id with a '/'.
constexpr const char* kOldStageGuid = "0d8a3b52-51c4-4f57-8d8e-2f1f5e3d6a10";
constexpr const char* kEmptyStageGuid = "6f1d2e3c-4b5a-4c6d-9e8f-a0b1c2d3e4f5";
constexpr const char* kOldSessionGuid = "8079583e-8321-506c-95af-fd2903a5f075";

void plant_old_ids(const fs::path& data_dir, const std::string& path_id) {
    fs::create_directories(data_dir);
    schedule::Database db(data_dir / "stagehub.db");
    schedule::migrate(db);
    auto programme = schedule::read_programme_file(STAGEHUB_TEST_DATA "/two_stages.json");
    ASSERT_TRUE(programme.ok());
    for (schedule::Stage& stage : programme->stages)
        stage.broadcast = false;  // no pipelines but the old stage's (if it had one)
    ASSERT_TRUE(schedule::ProgrammeStore(db).replace_event(*programme, "test").ok());
    const auto stage = [&](const std::string& id, const char* guid, int position) {
        db.prepare(
              "INSERT INTO stages (id, event_id, name, position, guid, broadcast) "
              "VALUES (?, 'innovationsdag', 'Gammal sal', ?, ?, 1)")
            .bind(1, id)
            .bind(2, int64_t{position})
            .bind(3, guid)
            .run();
    };
    stage(path_id, kOldStageGuid, 8);
    stage("../tom", kEmptyStageGuid, 9);
    db.prepare("UPDATE sessions SET stage_id = ? WHERE id = 'b1'").bind(1, path_id).run();
    db.prepare(
          "INSERT INTO sessions (id, event_id, stage_id, kind, title, starts_at, duration_s, "
          "guid) VALUES ('gammal/session', 'innovationsdag', 'sal-b', 'talk', 'Gammal', ?, 600, ?)")
        .bind(1, int64_t{1778580000})  // 2026-05-12 10:00 UTC
        .bind(2, kOldSessionGuid)
        .run();
    db.execute("INSERT INTO events (id, title) VALUES ('dag \"1\"; x=1', 'Gammal dag')");
    db.execute(
        "INSERT INTO events (id, title) VALUES ('dag' || char(13, 10) || 'Set-Cookie: a=b', 'X')");
}

TEST(IdsApi, StagesWithOldIdsAreNotBroadcastAndCanBeRenamedAndRemoved) {
    stagehub::testing::TempDir outside;
    const std::string path_id = (outside.path() / "x").string();
    RunningServer server(1.0, [&](Options& options) {
        options.programme_file.clear();
        options.broadcast = true;
        plant_old_ids(options.data_dir, path_id);
    });
    // Without the id rule, the pipeline of stage "/tmp/.../x" would have made its folders.
    EXPECT_TRUE(tree(outside.path()).empty());
    EXPECT_TRUE(tree(server.data_dir / "media" / "live").empty());

    const std::string organiser = server.token(Role::organiser, "Anna Berg", "innovationsdag");
    const std::string event = "/api/v1/events/innovationsdag";
    const auto event_json = [&] {
        return json::parse(server.call("GET", event, organiser).body)["event"];
    };
    ASSERT_EQ(event_json()["stages"].size(), 4u);

    // Addressed by guid (the id cannot be in a path); other edits keep the old id.
    const std::string old_stage = event + "/stages/" + kOldStageGuid;
    EXPECT_EQ(server.call("PATCH", old_stage, organiser, {{"name", "Gamla salen"}}).status, 200);
    const HttpReply bad = server.call("PATCH", old_stage, organiser, {{"id", "../ny"}});
    EXPECT_EQ(bad.status, 422) << bad.body;
    EXPECT_EQ(error_code(bad), "bad_id");
    const HttpReply renamed =
        server.call("PATCH", old_stage, organiser, {{"id", "gamla-salen"}, {"broadcast", false}});
    ASSERT_EQ(renamed.status, 200) << renamed.body;
    json after = event_json();
    bool found = false;
    for (const json& stage : after["stages"]) {
        EXPECT_NE(stage["id"], path_id);
        found = found || stage["id"] == "gamla-salen";
    }
    EXPECT_TRUE(found);
    for (const json& session : after["sessions"]) {
        if (session["id"] == "b1") {
            EXPECT_EQ(session["stage"], "gamla-salen") << "its sessions move with it";
        }
    }
    EXPECT_EQ(
        server.call("PATCH", event + "/stages/gamla-salen", organiser, {{"id", "annan"}}).status,
        400)
        << "an id of the form stays";

    EXPECT_EQ(server.call("DELETE", event + "/stages/" + kEmptyStageGuid, organiser).status, 200);
    const std::string old_session = event + "/sessions/" + kOldSessionGuid;
    EXPECT_EQ(server.call("PATCH", old_session, organiser, {{"title", "Äldre"}}).status, 200);
    EXPECT_EQ(server.call("DELETE", old_session, organiser).status, 200);
    after = event_json();
    EXPECT_EQ(after["stages"].size(), 3u);
    EXPECT_EQ(after["sessions"].size(), 4u);
    EXPECT_TRUE(tree(outside.path()).empty());

    // Exports of an old event name their file safely, whatever its id holds.
    const HttpReply ics =
        server.call("GET", "/api/v1/events/dag%20%221%22%3B%20x%3D1/schedule.ics");
    ASSERT_EQ(ics.status, 200) << ics.body;
    EXPECT_EQ(ics.headers.at("content-disposition"),
              "inline; filename=\"dag__1___x_1.ics\"; "
              "filename*=UTF-8''dag%20_1_%3B%20x%3D1.ics");
}

TEST(IdsApi, ADemoProgrammeFileWithAPathForAnIdDoesNotStart) {
    stagehub::testing::TempDir files;
    json file = json::parse(std::ifstream(STAGEHUB_TEST_DATA "/two_stages.json"));
    file["stages"][0]["id"] = "../../x";
    const fs::path demo = files.path() / "demo.json";
    std::ofstream(demo) << file.dump();
    try {
        RunningServer server(1.0, [&](Options& options) { options.programme_file = demo; });
        ADD_FAILURE() << "the server started with stage id '../../x'";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("stages[0]: stage id '../../x' is not an id"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace stagehub::server
