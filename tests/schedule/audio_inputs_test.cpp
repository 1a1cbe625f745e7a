// A stage's interpretation inputs through every place the programme goes: the programme
// file (with and without secrets), the rules, a real SQLite file, and what the public sees.
#include "schedule/audio_inputs.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "schedule/migrations.hpp"
#include "schedule/programme_file.hpp"
#include "schedule/programme_store.hpp"
#include "schedule/validation.hpp"
#include "schedule/visibility.hpp"
#include "temp_dir.hpp"

namespace stagehub::schedule {
namespace {

using nlohmann::json;

Programme with_booths() {
    auto p = read_programme_file(STAGEHUB_TEST_DATA "/two_stages.json");
    EXPECT_TRUE(p.ok());
    Stage& stage = p->stages.front();
    stage.audio_inputs = {{"en", "English (interpretation)", "srt://:9101", "tolk-hemlighet-1"},
                          {"sgn-SE", "Teckenspråkstolk (röst)", "srt://:9102", ""}};
    return *p;
}

bool any_error_says(const std::vector<Error>& errors, const std::string& text) {
    return std::any_of(errors.begin(), errors.end(),
                       [&](const Error& e) { return e.message.find(text) != std::string::npos; });
}

TEST(AudioInputs, RoundTripThroughTheProgrammeFileWithSecretsOnlyWhenAsked) {
    const Programme original = with_booths();
    const json with = programme_file_json(original, Secrets::include);
    auto read = parse_programme_file(with.dump());
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(read->stages.front().audio_inputs, original.stages.front().audio_inputs);

    const json without = programme_file_json(original);
    const json& inputs = without["stages"][0]["audio_inputs"];
    ASSERT_EQ(inputs.size(), 2u);
    EXPECT_EQ(inputs[0]["language"], "en");
    EXPECT_EQ(inputs[0]["name"], "English (interpretation)");
    EXPECT_FALSE(inputs[0].contains("passphrase"));
    EXPECT_EQ(without.dump().find("tolk-hemlighet-1"), std::string::npos);
    // A stage without interpretation writes nothing new (older files stay as they were).
    EXPECT_FALSE(without["stages"][1].contains("audio_inputs"));
}

TEST(AudioInputs, BadListsAreRefusedWithTheirPlace) {
    std::vector<std::string> problems;
    read_audio_inputs_json(json::parse(R"([{"language": 5, "url": "srt://:9101"}])"), "stages[0]",
                           problems);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0], "stages[0].audio_inputs[0].language: must be a string");
    EXPECT_EQ(problems[1], "stages[0].audio_inputs[0].name: missing");
    problems.clear();
    read_audio_inputs_json(json::parse("[{},{},{},{},{}]"), "", problems);
    EXPECT_EQ(problems, std::vector<std::string>{"audio_inputs: at most 4 audio inputs per stage"});
}

TEST(AudioInputs, RulesNameWhatIsWrong) {
    const auto problem_with = [](AudioInput input) {
        Programme p = with_booths();
        p.stages.front().audio_inputs = {std::move(input)};
        return validate(p);
    };
    EXPECT_TRUE(problem_with({"en", "English", "srt://:9101", ""}).empty());
    EXPECT_TRUE(problem_with({"zh-Hant-TW", "中文", "srt://127.0.0.1:9101", ""}).empty());
    EXPECT_TRUE(any_error_says(problem_with({"../x", "E", "srt://:9101", ""}), "BCP 47"));
    EXPECT_TRUE(any_error_says(problem_with({"e", "E", "srt://:9101", ""}), "BCP 47"));
    EXPECT_TRUE(any_error_says(problem_with({"en", "", "srt://:9101", ""}), "1 to 60"));
    EXPECT_TRUE(
        any_error_says(problem_with({"en", std::string(61, 'a'), "srt://:9101", ""}), "1 to 60"));
    // 60 characters of two bytes each are 60 characters.
    std::string sixty;
    for (int i = 0; i < 60; ++i)
        sixty += "å";
    EXPECT_TRUE(problem_with({"sv", sixty, "srt://:9101", ""}).empty());
    EXPECT_TRUE(any_error_says(problem_with({"en", "E", "http://x:9101", ""}), "srt://:PORT"));
    EXPECT_TRUE(any_error_says(problem_with({"en", "E", "srt://:99999", ""}), "srt://:PORT"));
    EXPECT_TRUE(any_error_says(problem_with({"en", "E", "srt://:9101", "short"}), "10 to 79"));

    Programme twice = with_booths();
    twice.stages.front().audio_inputs[1].language = "EN";
    EXPECT_TRUE(any_error_says(validate(twice), "one audio input per language"));
    Programme five = with_booths();
    for (int i = 0; i < 3; ++i)
        five.stages.front().audio_inputs.push_back(
            {"f" + std::string(2, char('a' + i)), "F", "srt://:92" + std::to_string(i) + "0", ""});
    EXPECT_TRUE(any_error_says(validate(five), "at most 4"));
    // One port, one listener: a booth may not take the port of a stage's source or of
    // another booth.
    Programme clash = with_booths();
    clash.stages.back().source = StageSource{SourceKind::srt, "srt://:9101", ""};
    EXPECT_TRUE(any_error_says(validate(clash), "both listen for SRT on port 9101"));
}

// A describer (audio description) may speak the event's language beside an interpreter of
// it; two describers of one language may not.
TEST(AudioInputs, ADescribedInputIsReadWrittenAndUniquePerLanguage) {
    Programme p = with_booths();
    AudioInput described{"sv", "Syntolkning", "srt://:9103", "", true};
    p.stages.front().audio_inputs.push_back(described);
    p.stages.front().audio_inputs.push_back({"en", "Audio description", "srt://:9104", "", true});
    EXPECT_TRUE(validate(p).empty());
    const json file = programme_file_json(p);
    EXPECT_EQ(file["stages"][0]["audio_inputs"][2]["describes_video"], true);
    EXPECT_FALSE(file["stages"][0]["audio_inputs"][0].contains("describes_video"));
    auto read = parse_programme_file(programme_file_json(p, Secrets::include).dump());
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(read->stages.front().audio_inputs, p.stages.front().audio_inputs);
    EXPECT_EQ(audio_inputs_from_column(audio_inputs_column(p.stages.front().audio_inputs)),
              p.stages.front().audio_inputs);

    Programme twice = p;
    twice.stages.front().audio_inputs[3] = {"SV", "Syntolkning 2", "srt://:9104", "", true};
    EXPECT_TRUE(any_error_says(validate(twice), "one described audio input per language"));

    std::vector<std::string> problems;
    read_audio_inputs_json(
        json::parse(
            R"([{"language":"sv","name":"S","url":"srt://:9101","describes_video":"yes"}])"),
        "stages[0]", problems);
    EXPECT_EQ(problems, std::vector<std::string>{
                            "stages[0].audio_inputs[0].describes_video: must be true or false"});
}

TEST(AudioInputs, StoredInARealDatabaseFileAndReadBackWhole) {
    stagehub::testing::TempDir dir;
    const Programme original = with_booths();
    {
        Database db(dir / "stagehub.db");
        migrate(db);
        ProgrammeStore store(db);
        ASSERT_TRUE(store.replace_event(original, "test").ok());
    }
    Database db(dir / "stagehub.db");
    migrate(db);
    ProgrammeStore store(db);
    auto loaded = store.load_event(original.event.id);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->stages.front().audio_inputs, original.stages.front().audio_inputs);
    EXPECT_TRUE(loaded->stages.back().audio_inputs.empty());
}

TEST(AudioInputs, ThePublicSeesLanguagesAndNamesButNoAddressOrPassphrase) {
    const Programme p = with_booths();
    const auto seen = visible_part(p, Sight{});
    ASSERT_TRUE(seen.has_value());
    const auto& inputs = seen->stages.front().audio_inputs;
    ASSERT_EQ(inputs.size(), 2u);
    EXPECT_EQ(inputs[0].language, "en");
    EXPECT_EQ(inputs[0].name, "English (interpretation)");
    EXPECT_TRUE(inputs[0].url.empty());
    EXPECT_TRUE(inputs[0].passphrase.empty());
    const auto secrets = secrets_of(p.stages.front());
    EXPECT_NE(std::find(secrets.begin(), secrets.end(), "tolk-hemlighet-1"), secrets.end());
}

TEST(AudioInputs, SecretsInABoothsAddressAreMaskedLikeASources) {
    Programme p = with_booths();
    p.stages.front().audio_inputs[0].url = "srt://:9101?streamid=bas-nyckel&latency=200";
    p.stages.front().audio_inputs[1].url = "rtmp://relay.example:1935/live/tolk-nyckel";
    const auto secrets = secrets_of(p.stages.front());
    const std::string said = redact(
        "booth srt://:9101?streamid=bas-nyckel&latency=200 and rtmp://relay.example:1935/live/"
        "tolk-nyckel failed",
        secrets);
    EXPECT_EQ(said.find("bas-nyckel"), std::string::npos) << said;
    EXPECT_EQ(said.find("tolk-nyckel"), std::string::npos) << said;
    EXPECT_NE(said.find("latency=200"), std::string::npos) << said;
}

TEST(AudioInputs, AListSentAgainWithoutPassphrasesKeepsThem) {
    const std::vector<AudioInput> before = with_booths().stages.front().audio_inputs;
    std::vector<AudioInput> edited = before;
    edited[0].passphrase.clear();
    edited[0].name = "English";
    keep_audio_passphrases(edited, before,
                           json::parse(R"([{"language":"en","name":"English","url":"srt://:9101"},
                                           {"language":"sgn-SE","name":"T","url":"srt://:9102"}])"));
    EXPECT_EQ(edited[0].passphrase, "tolk-hemlighet-1");
    std::vector<AudioInput> cleared = before;
    cleared[0].passphrase.clear();
    keep_audio_passphrases(
        cleared, before,
        json::parse(R"([{"language":"en","name":"E","url":"srt://:9101","passphrase":""}])"));
    EXPECT_TRUE(cleared[0].passphrase.empty());
}

}  // namespace
}  // namespace stagehub::schedule
