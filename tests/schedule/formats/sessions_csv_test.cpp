#include "schedule/formats/sessions_csv.hpp"

#include <gtest/gtest.h>

#include "schedule/formats/csv.hpp"
#include "test_programmes.hpp"

namespace stagehub::schedule::formats {
namespace {

using samples::at;
using samples::demo_day;
using samples::tricky_programme;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// An event with a stage and a person, no sessions, no days: what a CSV is imported into.
Programme empty_event() {
    Programme p;
    p.event.id = "temadag";
    p.event.title = "Temadag";
    p.stages = {Stage{"stora-salen", "Stora salen", "", true, 0, "", {}, {}}};
    p.people = {Person{"ann", "Ann Öberg", "Piteå kommun"}};
    return p;
}

TEST(SessionsCsv, ExportHasBomHeaderAndLocalTimes) {
    const std::string csv = export_sessions_csv(tricky_programme());
    ASSERT_EQ(csv.substr(0, 3), kBom);
    EXPECT_EQ(csv.substr(3, csv.find("\r\n") - 3),
              "id,stage,kind,title,date,start,duration,theme,language,speakers,abstract,"
              "attendance,replay_allowed,published,cancelled");
    EXPECT_TRUE(contains(csv,
                         "\r\noppning,Stora salen,keynote,\"Öppning: \"\"Tillsammans\"\", för "
                         "förnyelse\",2019-10-08,09:15,15,\"Systematik, del 1\",,Ann Öberg "
                         "(moderator),\"Rad ett; med semikolon, och komma.\nRad två \\ med "
                         "bakstreck.\",hybrid,yes,yes,no\r\n"))
        << csv;
    EXPECT_TRUE(contains(csv,
                         "panel-a,Stora salen,panel,Panel – åäö ÅÄÖ,2019-10-08,09:30,30,"
                         "\"Systematik, del 1\",,\"Ann Öberg (moderator); Bo Åström; Cia "
                         "\"\"CJ\"\" Lind\",Med de som talat.,hybrid,yes,yes,no\r\n"))
        << "a quoted field whose content has quotes: " << csv;
    EXPECT_TRUE(contains(csv,
                         "installt,\"Sal B, övre\",talk,\"Inställt, tyvärr\",2019-10-08,09:15,"
                         "20,,,Bo Åström,,hybrid,yes,yes,yes\r\n"))
        << csv;
}

TEST(SessionsCsv, ImportOfTheExportGivesTheSameProgramme) {
    for (const Programme& original : {tricky_programme(), demo_day()}) {
        const auto imported = import_sessions_csv(export_sessions_csv(original), original, {});
        ASSERT_TRUE(imported.ok()) << imported.error().message;
        EXPECT_TRUE(imported->skipped.empty());
        EXPECT_EQ(imported->programme, original);
    }
}

TEST(SessionsCsv, RoundTripIsByteIdentical) {
    for (const Programme& original : {tricky_programme(), demo_day()}) {
        const std::string first = export_sessions_csv(original);
        // Into the programme itself, and into an event that has none of its stages, people
        // or days: the CSV makes them.
        Programme bare;
        bare.event = original.event;
        bare.event.days.clear();
        for (const Programme* base : std::vector<const Programme*>{&original, &bare}) {
            const auto imported = import_sessions_csv(first, *base, {});
            ASSERT_TRUE(imported.ok()) << imported.error().message;
            EXPECT_EQ(export_sessions_csv(imported->programme), first);
        }
    }
}

TEST(SessionsCsv, MakesStagesPeopleIdsAndDays) {
    const std::string csv =
        "stage,kind,title,date,start,duration,speakers\n"
        "Stora salen,talk,Välkommen!,2026-05-12,9:00,20,ann öberg\n"
        "Lilla salen,panel,Välkommen!,2026-05-12,09:30,30,Ann Öberg (moderator); Åsa Ström\n";
    const auto imported = import_sessions_csv(csv, empty_event(), {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    const Programme& p = imported->programme;
    ASSERT_EQ(p.sessions.size(), 2u);
    EXPECT_EQ(p.sessions[0].id, "valkommen");
    EXPECT_EQ(p.sessions[1].id, "valkommen-2");
    EXPECT_EQ(p.sessions[0].start, at("2026-05-12T07:00:00Z"));
    EXPECT_EQ(p.sessions[0].people, (std::vector<SessionPerson>{{"ann", PersonRole::speaker}}));
    EXPECT_EQ(p.sessions[1].people,
              (std::vector<SessionPerson>{{"ann", PersonRole::moderator},
                                          {"asa-strom", PersonRole::panelist}}));
    ASSERT_EQ(p.stages.size(), 2u);
    EXPECT_EQ(p.stages[1].id, "lilla-salen");
    EXPECT_EQ(p.stages[1].name, "Lilla salen");
    ASSERT_EQ(p.people.size(), 2u);
    EXPECT_EQ(p.people[0].affiliation, "Piteå kommun");  // kept
    EXPECT_EQ(p.people[1].name, "Åsa Ström");
    ASSERT_EQ(p.event.days.size(), 1u);  // the base had none: derived
    EXPECT_EQ(p.event.days[0].start, at("2026-05-11T22:00:00Z"));
}

TEST(SessionsCsv, ReportsEveryBadRowByItsPhysicalLineAndImportsNothing) {
    // The first row's abstract spans three lines, so the bad rows are on lines 5, 6 and 8.
    const std::string csv =
        "id,stage,kind,title,date,start,duration,speakers,abstract\r\n"
        "a1,Stora salen,talk,Första,2019-10-08,09:00,20,Ann Öberg,\"Rad 1\r\nrad 2, "
        "\"\"citat\"\"\r\n"
        "rad 3\"\r\n"
        "a2,Stora salen,talk,Andra,2019-10-08,25:00,20,,\r\n"
        "a3,Stora salen,lecture,Tredje,2019-10-08,10:00,20,,\r\n"
        "a4,Stora salen,talk,Fjärde,2019-10-08,10:30,20,,\r\n"
        "a5,Stora salen,talk,Femte,2019-10-08,11:00,tjugo,Bo (host),\r\n";
    const auto result = import_sessions_csv(csv, empty_event(), {});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "invalid_import");
    const std::string& m = result.error().message;
    EXPECT_TRUE(contains(m, "\nline 5: start: '25:00' is not a time of day like 08:30")) << m;
    EXPECT_TRUE(contains(m, "\nline 6: kind: 'lecture' is not one of talk, panel, keynote")) << m;
    EXPECT_TRUE(contains(m, "\nline 8: duration: 'tjugo' is not a whole number of minutes")) << m;
    EXPECT_TRUE(contains(m, "\nline 8: speakers: 'host' in 'Bo (host)' is not one of")) << m;
    EXPECT_FALSE(contains(m, "line 2")) << m;
    EXPECT_FALSE(contains(m, "line 7")) << m;

    ImportOptions skip;
    skip.skip_bad_rows = true;
    const auto skipped = import_sessions_csv(csv, empty_event(), skip);
    ASSERT_TRUE(skipped.ok()) << skipped.error().message;
    const Programme& p = skipped->programme;
    ASSERT_EQ(p.sessions.size(), 2u);
    EXPECT_EQ(p.sessions[0].id, "a1");
    EXPECT_EQ(p.sessions[0].abstract, "Rad 1\nrad 2, \"citat\"\nrad 3");
    EXPECT_EQ(p.sessions[1].id, "a4");
    ASSERT_EQ(skipped->skipped.size(), 3u);
    EXPECT_EQ(skipped->skipped[0], (RowProblem{"line 5",
                                               "start: '25:00' is not a time of day like "
                                               "08:30"}));
    EXPECT_EQ(skipped->skipped[1].where, "line 6");
    EXPECT_EQ(skipped->skipped[2].where, "line 8");
    EXPECT_TRUE(contains(skipped->skipped[2].message, "duration:"));
    EXPECT_TRUE(contains(skipped->skipped[2].message, "; speakers:"));
    EXPECT_EQ(p.people.size(), 1u) << "no one from a skipped row is added";
}

TEST(SessionsCsv, ReadsSemicolonsAndABomAsSwedishExcelWritesThem) {
    const std::string csv =
        std::string(kBom) + "Titel;stage;kind;title;date;start;duration;replay_allowed\r\n";
    const auto unknown = import_sessions_csv(csv, empty_event(), {});
    ASSERT_FALSE(unknown.ok());
    EXPECT_TRUE(contains(unknown.error().message, "line 1: unknown column 'titel'"))
        << unknown.error().message;

    const std::string good =
        std::string(kBom) +
        "ID;Stage;Kind;Title;Date;Start;Duration;Replay_allowed;Cancelled\r\n"
        "hej;Stora salen;talk;Hej, världen;2019-10-08;09:00;20;nej;ja\r\n"
        "\"citat\";Stora salen;Study visit;\"Ett; två\";2019-10-08;10:00;45;;\r\n"
        ";;;;;;;;\r\n";
    const auto imported = import_sessions_csv(good, empty_event(), {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    const Programme& p = imported->programme;
    ASSERT_EQ(p.sessions.size(), 2u);
    EXPECT_EQ(p.sessions[0].title, "Hej, världen");
    EXPECT_FALSE(p.sessions[0].replay_allowed);
    EXPECT_TRUE(p.sessions[0].cancelled);
    EXPECT_EQ(p.sessions[1].id, "citat");
    EXPECT_EQ(p.sessions[1].title, "Ett; två");
    EXPECT_EQ(p.sessions[1].kind, SessionKind::study_visit);
    EXPECT_TRUE(p.sessions[1].replay_allowed);
}

// Found by tests/fuzz/sessions_csv: a Latin-1 file (Excel's plain "CSV" on Windows) was
// imported as is, and its event's programme.json export failed (500) from then on.
TEST(SessionsCsv, ASpreadsheetThatIsNotUtf8IsRefusedWithHowToSaveIt) {
    const std::string csv =
        "id;stage;kind;title;date;start;duration\r\n"
        "hej;Stora salen;talk;V\xE4lkommen till f\xF6rnyelse;2019-10-08;09:00;20\r\n";
    for (const bool skip_bad_rows : {false, true}) {
        ImportOptions options;
        options.skip_bad_rows = skip_bad_rows;
        const auto imported = import_sessions_csv(csv, empty_event(), options);
        ASSERT_FALSE(imported.ok());
        EXPECT_EQ(imported.error().code, "invalid_import");
        EXPECT_TRUE(
            contains(imported.error().message, "session 'hej': title is not UTF-8 text (byte 2)"))
            << imported.error().message;
        EXPECT_TRUE(contains(imported.error().message, "CSV UTF-8")) << imported.error().message;
    }
}

TEST(SessionsCsv, ATimeTheClocksSkipIsARowError) {
    const std::string csv =
        "stage,kind,title,date,start,duration\n"
        "Stora salen,talk,Natt,2026-03-29,02:30,20\n"
        "Stora salen,talk,Morgon,2026-03-29,03:30,20\n";
    const auto result = import_sessions_csv(csv, empty_event(), {});
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(contains(result.error().message,
                         "line 2: start: 2026-03-29 02:30 does not exist in Europe/Stockholm"))
        << result.error().message;
    EXPECT_FALSE(contains(result.error().message, "line 3"));
}

TEST(SessionsCsv, HeaderProblemsAreReportedAloneAndCannotBeSkipped) {
    ImportOptions skip;
    skip.skip_bad_rows = true;
    const auto result =
        import_sessions_csv("title,stage,kind\nA,Stora salen,talk\n", empty_event(), skip);
    ASSERT_FALSE(result.ok());
    const std::string& m = result.error().message;
    EXPECT_TRUE(contains(m, "line 1: missing column 'date'")) << m;
    EXPECT_TRUE(contains(m, "line 1: missing column 'start'")) << m;
    EXPECT_TRUE(contains(m, "line 1: missing column 'duration'")) << m;
    EXPECT_FALSE(contains(m, "line 2")) << m;
}

TEST(SessionsCsv, DuplicateIdsAndUnclosedQuotesAreReported) {
    const auto twice = import_sessions_csv(
        "id,stage,kind,title,date,start,duration\n"
        "x,Stora salen,talk,A,2019-10-08,09:00,20\n"
        "x,Stora salen,talk,B,2019-10-08,10:00,20\n",
        empty_event(), {});
    ASSERT_FALSE(twice.ok());
    EXPECT_TRUE(contains(twice.error().message, "line 3: id: 'x' is used on line 2 too"))
        << twice.error().message;

    const auto unclosed = import_sessions_csv(
        "id,stage,kind,title,date,start,duration\n"
        "x,Stora salen,talk,\"A,2019-10-08,09:00,20\n",
        empty_event(), {});
    ASSERT_FALSE(unclosed.ok());
    EXPECT_TRUE(contains(unclosed.error().message, "line 2: a quoted field starts here"))
        << unclosed.error().message;
}

TEST(SessionsCsv, ValidationProblemsFailTheImport) {
    ImportOptions skip;
    skip.skip_bad_rows = true;  // an overlap is not a row to skip
    const auto result = import_sessions_csv(
        "id,stage,kind,title,date,start,duration,speakers\n"
        "x,Stora salen,talk,A,2019-10-08,09:00,30,Ann Öberg\n"
        "y,Stora salen,talk,B,2019-10-08,09:15,30,\n",
        empty_event(), skip);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "invalid_import");
    EXPECT_TRUE(contains(result.error().message, "overlap")) << result.error().message;
}

TEST(SessionsCsv, KeepsGuidsActualTimesAndFollowUpsOfKnownSessions) {
    Programme base = tricky_programme();
    base.find_session("oppning")->guid = "0d8a3b52-51c4-4f57-8d8e-2f1f5e3d6a10";
    base.find_session("oppning")->actual_start = at("2019-10-08T07:14:00Z");
    const auto imported = import_sessions_csv(export_sessions_csv(base), base, {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    const Session& opening = *imported->programme.find_session("oppning");
    EXPECT_EQ(opening.guid, "0d8a3b52-51c4-4f57-8d8e-2f1f5e3d6a10");
    EXPECT_EQ(opening.actual_start, at("2019-10-08T07:14:00Z"));
    EXPECT_EQ(imported->programme.find_session("panel-a")->follows_up,
              std::vector<std::string>{"oppning"});
}

}  // namespace
}  // namespace stagehub::schedule::formats
