// The accessibility statement's storage and rules (schedule/accessibility/): settings read
// from a body field by field, feedback checked and stored, and which replays have complete
// captions as the caption store's table says.
#include <gtest/gtest.h>

#include "schedule/accessibility/caption_completeness.hpp"
#include "schedule/accessibility/feedback_store.hpp"
#include "schedule/accessibility/statement_settings.hpp"
#include "schedule/database.hpp"
#include "schedule/migrations.hpp"
#include "temp_dir.hpp"

namespace stagehub::accessibility {
namespace {

using nlohmann::json;

TEST(StatementSettings, AMissingFieldKeepsItsValueAndEveryBadOneIsNamed) {
    StatementSettings current;
    current.publisher = "Exempel kommun";
    current.prepared = "2026-01-01";
    const auto read = read_statement_settings(
        {{"compliance", "full"}, {"known_gaps", {{"sv", "Text"}, {"en", ""}}}}, current);
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(read->publisher, "Exempel kommun");
    EXPECT_EQ(read->compliance, Compliance::full);
    EXPECT_EQ(read->known_gaps, (std::map<std::string, std::string>{{"sv", "Text"}}))
        << "an empty text is no text";

    for (const json& bad :
         {json{{"contact_email", "a@b@c"}}, json{{"contact_email", "x@y\">"}},
          json{{"known_gaps", {{"<script>", "x"}}}}, json{{"known_gaps", "text"}},
          json{{"prepared", "2026-02-30"}}, json{{"reviewed", 20260101}},
          json{{"evaluation", "guess"}}, json{{"publisher", std::string(201, 'p')}}}) {
        const auto refused = read_statement_settings(bad, current);
        ASSERT_FALSE(refused.ok()) << bad.dump();
        EXPECT_EQ(refused.error().code, ErrorCode::bad_field);
        EXPECT_NE(refused.error().message.find(bad.begin().key()), std::string::npos)
            << refused.error().message;
    }
}

TEST(FeedbackRules, MessageRequiredAndCountedInCharacters) {
    Feedback f;
    EXPECT_FALSE(check_feedback(f).ok());
    f.message = std::string(4000, 'a');
    EXPECT_TRUE(check_feedback(f).ok());
    f.message += "a";
    EXPECT_FALSE(check_feedback(f).ok());
    f.message = "\xff\xfe";
    EXPECT_FALSE(check_feedback(f).ok()) << "not UTF-8";
}

TEST(FeedbackRules, AnEmailIsOneAddressNothingAMailtoLinkWouldReadMoreInto) {
    Feedback f;
    f.message = "Kontrasten är låg.";
    f.email = "eva.lind@example.se";
    EXPECT_TRUE(check_feedback(f).ok());
    for (const char* odd : {"a@b?cc=x@evil.example&body=hej", "a@b@c", "no-at-sign",
                            "a b@example.se", "a@example.se\r\nBcc: x@y", "a@b#frag"}) {
        f.email = odd;
        EXPECT_FALSE(check_feedback(f).ok()) << odd;
    }
}

class AccessibilityStoreTest : public ::testing::Test {
  protected:
    stagehub::testing::TempDir dir;
    schedule::Database db{dir.path() / "t.db"};
    void SetUp() override {
        schedule::migrate(db);
        db.execute("INSERT INTO events (id, title) VALUES ('e', 'E'), ('f', 'F')");
    }
};

TEST_F(AccessibilityStoreTest, SettingsAndFeedbackSurviveTheDatabase) {
    StatementStore statements(db);
    EXPECT_FALSE(statements.find("e"));
    StatementSettings s;
    s.event_id = "e";
    s.compliance = Compliance::none;
    s.known_gaps = {{"sv", "Å ä ö"}};
    s.prepared = "2026-12-01";
    s.country = Country::no;
    s.evaluation = Evaluation::external;
    s.updated_ms = 5;
    s.updated_by = "organiser 1";
    statements.save(s);
    const auto found = statements.find("e");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->known_gaps, s.known_gaps);
    EXPECT_EQ(found->compliance, Compliance::none);
    EXPECT_EQ(found->country, Country::no);
    EXPECT_EQ(found->evaluation, Evaluation::external);

    FeedbackStore feedback(db);
    feedback.add({0, "e", 1000, "/p", "Ann", "ann@example.se", "one", "sv"});
    feedback.add({0, "e", 2000, "", "", "", "two", "en"});
    feedback.add({0, "f", 3000, "", "Bo", "ANN@example.se", "three", "sv"});
    const auto listed = feedback.list("e");
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].message, "two") << "newest first";
    EXPECT_EQ(feedback_by_email(db, "ann@example.se").size(), 2u) << "every event, any case";
    EXPECT_EQ(erase_feedback_sender(db, "ann@example.se", 4000), 2);
    EXPECT_TRUE(feedback_by_email(db, "ann@example.se").empty());
    EXPECT_EQ(feedback.list("f")[0].message, "three") << "the message stays";
    EXPECT_EQ(delete_feedback_before(db, 2500), 2);
    EXPECT_EQ(feedback.list("e").size(), 0u);
    EXPECT_EQ(feedback.list("f").size(), 1u);
}

TEST_F(AccessibilityStoreTest, OnlyACompleteCaptionsTrackMakesAReplayCaptioned) {
    EXPECT_TRUE(sessions_with_complete_captions(db, {"a", "b"}).empty());
    // As the caption store leaves them (schedule/captions/caption_store.hpp).
    db.execute(R"sql(
INSERT INTO caption_tracks (session_id, language, kind, complete, updated_ms)
VALUES ('a', 'sv', 'captions', 1, 0), ('b', 'sv', 'captions', 0, 0),
    ('c', 'sv', 'descriptions', 1, 0), ('d', 'en', 'captions', 0, 0),
    ('d', 'sv', 'captions', 1, 0);
)sql");
    EXPECT_EQ(sessions_with_complete_captions(db, {"a", "b", "c", "d", "e"}),
              (std::set<std::string>{"a", "d"}));
}

}  // namespace
}  // namespace stagehub::accessibility
