#include "schedule/validation.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "schedule/programme_file.hpp"

namespace stagehub::schedule {
namespace {

Programme valid() {
    auto p = read_programme_file(STAGEHUB_TEST_DATA "/two_stages.json");
    EXPECT_TRUE(p.ok());
    return *p;
}

Session& session(Programme& p, const std::string& id) {
    for (Session& s : p.sessions) {
        if (s.id == id)
            return s;
    }
    throw std::runtime_error("no session " + id);
}

bool has(const std::vector<Error>& errors, const std::string& code, const std::string& mention) {
    for (const Error& e : errors) {
        if (e.code == code && e.message.find(mention) != std::string::npos)
            return true;
    }
    return false;
}

TEST(Validation, TheFixtureAndTheDemoProgrammeAreValid) {
    EXPECT_TRUE(validate(valid()).empty());
    auto demo = read_programme_file(STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json");
    ASSERT_TRUE(demo.ok()) << demo.error().message;
    EXPECT_TRUE(validate(*demo).empty());
}

TEST(Validation, EveryTextIsUtf8) {
    Programme p = valid();
    p.sessions.front().abstract = "Caf\xE9";       // Latin-1
    p.stages.front().name = "Stora \xED\xA0\x80";  // a UTF-16 surrogate
    p.people.front().name = "\xC0\xAF";            // an overlong '/'
    p.event.venue = "Skellefte\xC3";               // cut in the middle of a character
    const auto errors = validate(p);
    EXPECT_TRUE(
        has(errors, "bad_field",
            "session '" + p.sessions.front().id + "': abstract is not UTF-8 text (byte 4)"));
    EXPECT_TRUE(has(errors, "bad_field", "name is not UTF-8 text (byte 7)"));
    EXPECT_TRUE(has(errors, "bad_field", "person '" + p.people.front().id + "': name"));
    EXPECT_TRUE(has(errors, "bad_field", "the event: venue is not UTF-8 text (byte 10)"));
    EXPECT_EQ(errors.size(), 4u);

    p = valid();
    p.sessions.front().title = "Välkommen 👋 – 日本語";
    EXPECT_TRUE(validate(p).empty());
}

TEST(Validation, OverlapOnAStageNamesBothSessions) {
    Programme p = valid();
    session(p, "a2").start -= Seconds{60};  // now starts a minute before a1 ends
    const auto errors = validate(p);
    EXPECT_EQ(std::count_if(errors.begin(), errors.end(),
                            [](const Error& e) { return e.code == "overlap"; }),
              1);
    EXPECT_TRUE(has(errors, "overlap", "'a1'"));
    EXPECT_TRUE(has(errors, "overlap", "'a2'"));
    EXPECT_TRUE(has(errors, "overlap", "sal-a"));
}

TEST(Validation, SameTimeOnDifferentStagesIsFine) {
    Programme p = valid();
    // a1 and b1 both start 09:00, on different stages, with different people.
    EXPECT_TRUE(validate(p).empty());
}

TEST(Validation, APersonCannotBeInTwoPlacesAtOnce) {
    Programme p = valid();
    session(p, "b1").people.push_back({"ann", PersonRole::speaker});  // ann is in a1 at 09:00
    const auto errors = validate(p);
    EXPECT_TRUE(has(errors, "person_double_booked", "'ann'"));
}

TEST(Validation, DurationsMustBePositive) {
    Programme p = valid();
    session(p, "a3").duration = Seconds{0};
    EXPECT_TRUE(has(validate(p), "bad_duration", "'a3'"));
}

TEST(Validation, ReferencesMustExistAndIdsBeUnique) {
    Programme p = valid();
    session(p, "a1").stage_id = "sal-x";
    session(p, "a2").people.push_back({"nobody", PersonRole::panelist});
    session(p, "a2").people.push_back({"bo", PersonRole::panelist});
    Stage duplicate;
    duplicate.id = "sal-b";
    duplicate.name = "Dubblett";
    p.stages.push_back(duplicate);
    const auto errors = validate(p);
    EXPECT_TRUE(has(errors, "unknown_stage", "sal-x"));
    EXPECT_TRUE(has(errors, "unknown_person", "nobody"));
    EXPECT_TRUE(has(errors, "duplicate_person", "'bo'"));
    EXPECT_TRUE(has(errors, "duplicate_id", "sal-b"));
}

TEST(Validation, AStageSourceNeedsTheAddressItsKindTakes) {
    struct Case {
        SourceKind kind;
        std::string url;
        std::string passphrase;
        bool valid;
    };
    const std::vector<Case> cases = {
        {SourceKind::test_pattern, "", "", true},
        {SourceKind::srt, "srt://:9000", "", true},
        {SourceKind::srt, "srt://127.0.0.1:9000", "hemligt-lösen-123", true},
        {SourceKind::srt, "srt://:9000", "kort", false},  // SRT needs 10 to 79 characters
        {SourceKind::srt, "srt://:port", "", false},
        {SourceKind::srt, "srt://:70000", "", false},
        {SourceKind::srt, "udp://:9000", "", false},
        {SourceKind::rtmp, "rtmp://127.0.0.1/live/stora", "", true},
        {SourceKind::rtmp, "http://x/live", "", false},
        {SourceKind::rtsp, "rtsp://kamera.local/stream1", "", true},
        {SourceKind::rtsp, "", "", false},
        {SourceKind::file, "/srv/talks/valkommen.mp4", "", true},
        {SourceKind::file, "valkommen.mp4", "", false},
    };
    for (const Case& c : cases) {
        Programme p = valid();
        p.stages.front().source = StageSource{c.kind, c.url, c.passphrase};
        const auto errors = validate(p);
        EXPECT_EQ(has(errors, "bad_source", p.stages.front().id), !c.valid)
            << to_string(c.kind) << " " << c.url << " '" << c.passphrase << "'";
    }
}

TEST(Validation, TwoStagesCannotListenOnOneSrtPort) {
    Programme p = valid();
    ASSERT_GE(p.stages.size(), 2u);
    p.stages[0].source = StageSource{SourceKind::srt, "srt://:9000", ""};
    p.stages[1].source = StageSource{SourceKind::srt, "srt://0.0.0.0:9000", ""};
    EXPECT_TRUE(has(validate(p), "bad_source", "port 9000"));
    p.stages[1].source.url = "srt://:9001";
    EXPECT_TRUE(validate(p).empty());
}

TEST(Validation, TheLowerThirdIsDrawnByThePlayerOverAPassthroughPicture) {
    Stage stage;
    EXPECT_EQ(stage.effective_lower_third(), LowerThirdMode::burned_in) << "test pattern";
    stage.source.kind = SourceKind::srt;
    EXPECT_EQ(stage.effective_lower_third(), LowerThirdMode::player);
    stage.source.kind = SourceKind::file;
    EXPECT_EQ(stage.effective_lower_third(), LowerThirdMode::burned_in);
    stage.lower_third = LowerThirdMode::off;
    EXPECT_EQ(stage.effective_lower_third(), LowerThirdMode::off);
}

}  // namespace
}  // namespace stagehub::schedule

namespace stagehub::schedule {
namespace {

TEST(SummarisedProblems, ShowsTheFirstFiftyAndCountsTheRest) {
    std::vector<std::string> lines;
    for (int i = 0; i < 3; ++i)
        lines.push_back("p" + std::to_string(i));
    EXPECT_EQ(summarised_problems(lines, "; "), "p0; p1; p2");
    lines.clear();
    for (int i = 0; i < 100'000; ++i)
        lines.push_back("problem " + std::to_string(i));
    const std::string summary = summarised_problems(lines, "\n");
    EXPECT_NE(summary.find("problem 49\n… and 99950 more"), std::string::npos);
    EXPECT_EQ(summary.find("problem 50"), std::string::npos);
    EXPECT_LT(summary.size(), 2000u);
}

}  // namespace
}  // namespace stagehub::schedule
