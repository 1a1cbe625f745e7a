#include "schedule/ids.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "schedule/programme_file.hpp"
#include "schedule/validation.hpp"

namespace stagehub::schedule {
namespace {

using namespace std::string_literals;

struct IdCase {
    std::string text;
    bool is_id;
    const char* why;
};

TEST(Ids, TheOneFormIsALowerCaseSlugOfAtMost64Characters) {
    const std::vector<IdCase> cases = {
        {"stora-salen", true, "a slug"},
        {"a", true, "one letter"},
        {"25", true, "a frab number"},
        {"0d8a3b52-51c4-4f57-8d8e-2f1f5e3d6a10", true, "a UUID in lower case"},
        {"opndta", true, "a pretalx code, mapped"},
        {"a--b", true, "double hyphens, as a suffix after a hyphen can make"},
        {"sal-", true, "a trailing hyphen"},
        {std::string(64, 'a'), true, "64 characters"},
        {std::string(65, 'a'), false, "65 characters"},
        {"", false, "empty"},
        {"/tmp/x", false, "an absolute path"},
        {"../x", false, "a parent folder"},
        {"..", false, ".."},
        {".", false, "."},
        {"a/b", false, "a slash"},
        {"a\\b", false, "a backslash"},
        {"-a", false, "a leading hyphen (an option to a command)"},
        {"Stora-Salen", false, "upper case"},
        {"OPNDTA", false, "a pretalx code as it is"},
        {"sal_a", false, "an underscore"},
        {"a.b", false, "a dot"},
        {"sal a", false, "a space"},
        {"a\r\nb", false, "CR LF"},
        {"a\nb", false, "LF"},
        {"a\0b"s, false, "NUL"},
        {"stora-salen\0"s, false, "a trailing NUL"},
        {"sål", false, "unicode"},
        {"\xEF\xBC\x8Ftmp", false, "a fullwidth solidus"},
        {"a;b", false, "a semicolon"},
        {"a,b", false, "a comma"},
        {"a\"b", false, "a quote"},
        {"a%2fb", false, "percent-encoding"},
    };
    for (const IdCase& c : cases) {
        EXPECT_EQ(is_id(c.text), c.is_id) << c.why << ": " << quoted_id(c.text);
        EXPECT_EQ(id_problem("stage", c.text).empty(), c.is_id) << c.why;
    }
}

TEST(Ids, TheProblemNamesTheThingAndTheFormAndShowsTheIdSafely) {
    EXPECT_EQ(id_problem("stage", "/tmp/x"),
              "stage id '/tmp/x' is not an id: " + std::string(id_form()));
    EXPECT_EQ(id_problem("session", ""), "session has no id: " + std::string(id_form()));
    const std::string crlf = id_problem("stage", "a\r\nSet-Cookie: x");
    EXPECT_EQ(crlf.find_first_of("\r\n"), std::string::npos) << crlf;
    EXPECT_NE(crlf.find("'a\\x0d\\x0aSet-Cookie: x'"), std::string::npos) << crlf;
    EXPECT_LT(id_problem("stage", std::string(10'000, 'x')).size(), 300u);
}

TEST(Ids, ShortenedSlugsCutAtAHyphenAndFitTheForm) {
    const std::string words =
        "valkommen-till-innovationsveckan-i-skelleftea-med-fokus-pa-"
        "tjanstedesign-och-e-tjanster";
    const std::string cut = shortened_slug(words);
    EXPECT_LE(cut.size(), kMaxIdLength);
    EXPECT_TRUE(is_id(cut)) << cut;
    EXPECT_EQ(cut, "valkommen-till-innovationsveckan-i-skelleftea-med-fokus-pa");
    EXPECT_EQ(shortened_slug(std::string(100, 'a')), std::string(64, 'a'));
    EXPECT_EQ(shortened_slug("kort"), "kort");
    EXPECT_EQ(shortened_slug("abc-def", 4), "abc");
}

TEST(Ids, UuidsAreEightFourFourFourTwelveHexDigits) {
    EXPECT_TRUE(is_uuid("8079583e-8321-506c-95af-fd2903a5f075"));
    EXPECT_TRUE(is_uuid("8079583E-8321-506C-95AF-FD2903A5F075"));
    EXPECT_FALSE(is_uuid("8079583e-8321-506c-95af-fd2903a5f07"));
    EXPECT_FALSE(is_uuid("8079583e-8321-506c-95af-fd2903a5f075\r\nX"));
    EXPECT_FALSE(is_uuid("8079583e-8321-506c-95af-fd2903a5f0g5"));
    EXPECT_FALSE(is_uuid(""));
}

Programme two_stages() {
    auto p = read_programme_file(STAGEHUB_TEST_DATA "/two_stages.json");
    EXPECT_TRUE(p.ok());
    return *p;
}

TEST(Ids, ValidationRefusesEveryKindOfIdOutsideTheForm) {
    const auto refused = [](Programme p) {
        const auto errors = validate(p);
        return std::any_of(errors.begin(), errors.end(),
                           [](const Error& e) { return e.code == "bad_id"; });
    };
    EXPECT_FALSE(refused(two_stages()));
    {
        Programme p = two_stages();
        p.event.id = "../event";
        EXPECT_TRUE(refused(p));
    }
    {
        Programme p = two_stages();
        for (Session& s : p.sessions) {
            if (s.stage_id == p.stages[0].id)
                s.stage_id = "/tmp/x";
        }
        p.stages[0].id = "/tmp/x";
        EXPECT_TRUE(refused(p));
        // Kept: stored before the rule, it may stay (and be renamed or removed).
        EXPECT_TRUE(validate(p, off_form_ids(p)).empty());
        EXPECT_EQ(off_form_ids(p), std::set<std::string>{"/tmp/x"});
    }
    {
        Programme p = two_stages();
        p.people[0].id = "Anna Berg";
        for (Session& s : p.sessions) {
            for (SessionPerson& sp : s.people) {
                if (sp.person_id == two_stages().people[0].id)
                    sp.person_id = "Anna Berg";
            }
        }
        EXPECT_TRUE(refused(p));
    }
    {
        Programme p = two_stages();
        p.sessions[0].id = std::string(65, 's');
        EXPECT_TRUE(refused(p));
    }
    {
        Programme p = two_stages();
        p.sessions[0].guid = "x\r\nATTACH:http://evil";
        EXPECT_TRUE(refused(p));
    }
    {
        Programme p = two_stages();
        p.stages[0].guid = "not-a-uuid";
        EXPECT_TRUE(refused(p));
    }
}

TEST(Ids, TheStartUpNotesNameEachOffFormIdSafelyWithWhatToDo) {
    Programme p = two_stages();
    EXPECT_TRUE(off_form_notes(p).empty());
    p.stages[0].id = "/tmp/x\nforged log line";
    p.stages[0].guid = "0d8a3b52-51c4-4f57-8d8e-2f1f5e3d6a10";
    const auto notes = off_form_notes(p);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].find('\n'), std::string::npos) << notes[0];
    EXPECT_NE(notes[0].find("not broadcast"), std::string::npos) << notes[0];
    EXPECT_NE(notes[0].find("/stages/0d8a3b52-51c4-4f57-8d8e-2f1f5e3d6a10"), std::string::npos)
        << notes[0];
}

}  // namespace
}  // namespace stagehub::schedule
