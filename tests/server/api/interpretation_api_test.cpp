// A stage's interpretation inputs through the organiser API of the running server: set
// with the stage PATCH, stored with their passphrases, never shown to anyone, refused when
// wrong, and out of reach of another event's organisers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "net_client.hpp"
#include "running_server.hpp"
#include "schedule/database.hpp"
#include "schedule/programme_store.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using stagehub::testing::HttpReply;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kSecret = "tolkens-hemlighet-1";

class InterpretationApiTest : public ::testing::Test {
  protected:
    RunningServer server{1.0};
    const std::string stage = std::string("/api/v1/events/") + kEvent + "/stages/stora-salen";

    std::vector<schedule::AudioInput> stored() {
        schedule::Database db(server.dir / "stagehub.db");
        schedule::ProgrammeStore store(db);
        const auto programme = store.load_event(kEvent);
        EXPECT_TRUE(programme.ok());
        return programme->find_stage("stora-salen")->audio_inputs;
    }
    static std::string code_of(const HttpReply& reply) {
        const json body = json::parse(reply.body, nullptr, false);
        return body.is_discarded() ? reply.body : body["error"]["code"].get<std::string>();
    }
};

TEST_F(InterpretationApiTest, OrganisersSetBoothsWhosePassphrasesNobodySees) {
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent, "");
    const json booth = {{"language", "en"},
                        {"name", "English (interpretation)"},
                        {"url", "srt://:9731"},
                        {"passphrase", kSecret}};
    const HttpReply set = server.call("PATCH", stage, organiser, {{"audio_inputs", {booth}}});
    ASSERT_EQ(set.status, 200) << set.body;
    ASSERT_EQ(stored().size(), 1u);
    EXPECT_EQ(stored()[0].passphrase, kSecret);

    // The list as a GET shows it (no passphrase), renamed: the passphrase stays.
    json renamed = booth;
    renamed.erase("passphrase");
    renamed["name"] = "English";
    ASSERT_EQ(server.call("PATCH", stage, organiser, {{"audio_inputs", {renamed}}}).status, 200);
    EXPECT_EQ(stored()[0].name, "English");
    EXPECT_EQ(stored()[0].passphrase, kSecret);

    for (const std::string& target :
         {std::string("/api/v1/events/") + kEvent, std::string("/api/v1/programme"),
          std::string("/api/v1/events/") + kEvent + "/programme.json"}) {
        for (const std::string& bearer : {std::string(), organiser}) {
            const HttpReply reply = server.call("GET", target, bearer);
            EXPECT_EQ(reply.body.find(kSecret), std::string::npos) << target;
            if (bearer.empty()) {
                EXPECT_EQ(reply.body.find("srt://:9731"), std::string::npos) << target;
            }
        }
    }
    const HttpReply file =
        server.call("GET", std::string("/api/v1/events/") + kEvent + "/programme.json", organiser);
    EXPECT_NE(file.body.find("\"audio_inputs\""), std::string::npos) << file.body;
    EXPECT_NE(file.body.find("srt://:9731"), std::string::npos);

    // Cleared with an empty list.
    ASSERT_EQ(server.call("PATCH", stage, organiser, {{"audio_inputs", json::array()}}).status,
              200);
    EXPECT_TRUE(stored().empty());
}

TEST_F(InterpretationApiTest, WrongBoothsAreRefusedAndChangeNothing) {
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent, "");
    const auto refused = [&](const json& inputs) {
        return server.call("PATCH", stage, organiser, {{"audio_inputs", inputs}});
    };
    const json ok = {{"language", "en"}, {"name", "English"}, {"url", "srt://:9741"}};
    json bad_language = ok;
    bad_language["language"] = "../../etc";
    EXPECT_EQ(code_of(refused({bad_language})), "bad_field");
    json long_name = ok;
    long_name["name"] = std::string(61, 'x');
    EXPECT_EQ(code_of(refused({long_name})), "bad_field");
    json same_port = ok;
    same_port["language"] = "fi";
    EXPECT_EQ(code_of(refused({ok, same_port})), "bad_source");
    json five = json::array();
    for (int i = 0; i < 5; ++i) {
        json b = ok;
        b["language"] = std::string("e") + static_cast<char>('a' + i);
        b["url"] = "srt://:975" + std::to_string(i);
        five.push_back(b);
    }
    EXPECT_NE(refused(five).status, 200);
    const HttpReply not_a_list = refused("srt://:9741");
    EXPECT_NE(not_a_list.status, 200);
    EXPECT_TRUE(stored().empty());
}

// Audio description: a describer's booth in the event's own language beside an interpreter
// of it, in the organisers' file; a second describer of the language is refused.
TEST_F(InterpretationApiTest, ADescribersBoothIsSetBesideAnInterpreterOfItsLanguage) {
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent, "");
    const json interpreter = {{"language", "sv"}, {"name", "Svenska"}, {"url", "srt://:9771"}};
    const json describer = {{"language", "sv"},
                            {"name", "Syntolkning"},
                            {"url", "srt://:9772"},
                            {"describes_video", true}};
    const HttpReply set =
        server.call("PATCH", stage, organiser, {{"audio_inputs", {interpreter, describer}}});
    ASSERT_EQ(set.status, 200) << set.body;
    ASSERT_EQ(stored().size(), 2u);
    EXPECT_FALSE(stored()[0].describes_video);
    EXPECT_TRUE(stored()[1].describes_video);
    const HttpReply file =
        server.call("GET", std::string("/api/v1/events/") + kEvent + "/programme.json", organiser);
    EXPECT_NE(file.body.find("describes_video"), std::string::npos) << file.body;

    json second = describer;
    second["language"] = "SV";
    second["url"] = "srt://:9773";
    const HttpReply twice = server.call("PATCH", stage, organiser,
                                        {{"audio_inputs", {interpreter, describer, second}}});
    EXPECT_GE(twice.status, 400);
    EXPECT_NE(twice.body.find("one described audio input per language"), std::string::npos)
        << twice.body;
    json not_a_flag = describer;
    not_a_flag["describes_video"] = "yes";
    EXPECT_EQ(code_of(server.call("PATCH", stage, organiser, {{"audio_inputs", {not_a_flag}}})),
              "bad_field");
    EXPECT_EQ(stored().size(), 2u);
}

TEST_F(InterpretationApiTest, AnotherEventsOrganiserAndThePublicCannotSetThem) {
    const std::string other = server.token(Role::organiser, "Ola", "another-event", "");
    const json booth = {{"language", "en"}, {"name", "English"}, {"url", "srt://:9761"}};
    EXPECT_EQ(server.call("PATCH", stage, other, {{"audio_inputs", {booth}}}).status, 403);
    EXPECT_EQ(server.call("PATCH", stage, "", {{"audio_inputs", {booth}}}).status, 401);
    EXPECT_TRUE(stored().empty());
}

}  // namespace
}  // namespace stagehub::server
