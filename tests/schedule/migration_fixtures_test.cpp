// An upgrade never loses data: for every earlier schema version there is a database as that
// version left it (tests/schedule/fixtures/schema_v<N>.sql, rows in every table), upgraded
// here with migrate() and checked two ways. Every row of every table, in every column the
// old version had, is still there with the same value (a column a migration replaced by
// design is named below with where its data went); and the rows read back through today's
// stores: the programme, registrations and check-ins, and the audience report.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "schedule/attendance/audience_report.hpp"
#include "schedule/attendance/registrations.hpp"
#include "schedule/database.hpp"
#include "schedule/migrations.hpp"
#include "schedule/programme_store.hpp"
#include "temp_dir.hpp"

namespace stagehub::schedule {
namespace {

namespace fs = std::filesystem;
using stagehub::testing::TempDir;

// Columns a migration removed on purpose; their data moved (checked in ReadsThrough...).
const std::set<std::string> kReplacedColumns = {
    "events.organiser",  // 2: into events.organisers, a JSON list
    "events.language",   // 2: into events.languages, a JSON list
};

std::vector<std::string> column(Database& db, const std::string& sql) {
    std::vector<std::string> rows;
    auto query = db.prepare(sql);
    while (query.step())
        rows.push_back(query.column_text(0));
    return rows;
}

std::string quoted_name(const std::string& name) {
    return "\"" + name + "\"";
}

// Every table's rows in the given columns, each row as SQL literals, sorted.
using Contents =
    std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>>;

Contents contents(Database& db) {
    Contents tables;
    for (const std::string& table :
         column(db,
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                "'sqlite_%' ORDER BY name")) {
        auto& [columns, rows] = tables[table];
        columns = column(db, "SELECT name FROM pragma_table_info('" + table + "')");
        std::string row;
        for (const std::string& c : columns)
            row +=
                (row.empty() ? "" : " || ', ' || ") + std::string("quote(") + quoted_name(c) + ")";
        rows = column(db, "SELECT " + row + " FROM " + quoted_name(table));
        std::sort(rows.begin(), rows.end());
    }
    return tables;
}

// The same tables' rows after the upgrade, in the columns they had before.
std::vector<std::string> rows_now(Database& db, const std::string& table,
                                  const std::vector<std::string>& old_columns) {
    const auto now = column(db, "SELECT name FROM pragma_table_info('" + table + "')");
    std::string row;
    for (const std::string& c : old_columns) {
        if (std::find(now.begin(), now.end(), c) == now.end()) {
            EXPECT_TRUE(kReplacedColumns.contains(table + "." + c))
                << "the upgrade dropped column " << table << "." << c;
            continue;
        }
        row += (row.empty() ? "" : " || ', ' || ") + std::string("quote(") + quoted_name(c) + ")";
    }
    auto rows = column(db, "SELECT " + row + " FROM " + quoted_name(table));
    std::sort(rows.begin(), rows.end());
    return rows;
}

std::string read_fixture(int version) {
    const fs::path file =
        fs::path(STAGEHUB_SCHEMA_FIXTURES) / ("schema_v" + std::to_string(version) + ".sql");
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class MigrationFixtures : public ::testing::TestWithParam<int> {};

TEST(MigrationFixturesCoverage, ThereIsAFixtureForEveryEarlierSchemaVersion) {
    for (int version = 1; version < latest_schema_version(); ++version) {
        EXPECT_FALSE(read_fixture(version).empty())
            << "no tests/schedule/fixtures/schema_v" << version
            << ".sql: a new migration needs a fixture of the version before it, rows in "
               "every table as that version held them";
    }
}

TEST_P(MigrationFixtures, EveryRowSurvivesTheUpgradeWithItsValues) {
    const int version = GetParam();
    const std::string fixture = read_fixture(version);
    ASSERT_FALSE(fixture.empty()) << "no fixture for schema version " << version;
    TempDir dir;
    Database db(dir / "stagehub.db");
    migrate_to(db, version);
    ASSERT_EQ(column(db, "PRAGMA user_version").at(0), std::to_string(version));
    db.execute(fixture);

    // The old database's contents, read with the columns each table had then; a replaced
    // column is left out of both sides (its data is checked through the store below).
    Contents before = contents(db);
    for (auto& [table, content] : before) {
        EXPECT_FALSE(content.second.empty())
            << "schema_v" << version << ".sql puts no row in " << table
            << ": a fixture fills every table the version had";
        std::vector<std::string> kept;
        for (const std::string& c : content.first) {
            if (!kReplacedColumns.contains(table + "." + c))
                kept.push_back(c);
        }
        if (kept.size() != content.first.size()) {
            content.first = kept;
            content.second = rows_now(db, table, kept);
        }
    }
    size_t rows = 0;
    migrate(db);
    ASSERT_EQ(column(db, "PRAGMA user_version").at(0), std::to_string(latest_schema_version()));
    for (const auto& [table, content] : before) {
        EXPECT_EQ(rows_now(db, table, content.first), content.second)
            << "table " << table << " changed in the upgrade from schema version " << version;
        rows += content.second.size();
    }
    EXPECT_EQ(column(db, "PRAGMA integrity_check").at(0), "ok");
    EXPECT_EQ(column(db, "PRAGMA foreign_key_check").size(), 0u);
    std::cout << "schema version " << version << ": " << rows << " rows in " << before.size()
              << " tables kept through the upgrade\n";
}

TEST_P(MigrationFixtures, ReadsThroughTodaysStoresAfterTheUpgrade) {
    const int version = GetParam();
    TempDir dir;
    Database db(dir / "stagehub.db");
    migrate_to(db, version);
    db.execute(read_fixture(version));
    migrate(db);

    ProgrammeStore store(db);
    const auto programme = store.load_event("fixtur");
    ASSERT_TRUE(programme) << programme.error().message;
    const Event& event = programme->event;
    EXPECT_EQ(event.title, "Fixturdagen");
    EXPECT_EQ(event.venue, "Stadshuset");
    EXPECT_EQ(event.description, "Sparad av schemaversion " + std::to_string(version));
    if (version == 1) {
        // Migration 2 turned the single organiser and language into lists.
        EXPECT_EQ(event.organisers, std::vector<std::string>{"Piteå kommun"});
        EXPECT_EQ(event.languages, std::vector<std::string>{"sv"});
    } else {
        EXPECT_EQ(event.organisers,
                  (std::vector<std::string>{"Piteå kommun", "Region Norrbotten"}));
        EXPECT_EQ(event.languages, (std::vector<std::string>{"sv", "en"}));
        ASSERT_EQ(event.days.size(), 1u);
    }
    ASSERT_EQ(programme->stages.size(), 2u);
    EXPECT_EQ(programme->stages[0].name, "Aulan");
    EXPECT_EQ(programme->stages[1].name, "Lilla salen");
    if (version >= 2) {
        EXPECT_EQ(programme->stages[0].capacity, 300);
    }
    if (version >= 4) {
        EXPECT_EQ(programme->stages[0].source.kind, SourceKind::srt);
        EXPECT_EQ(programme->stages[0].source.url, "srt://:9000");
    }
    ASSERT_EQ(programme->sessions.size(), 3u);
    std::map<std::string, const Session*> sessions;
    for (const Session& s : programme->sessions)
        sessions[s.id] = &s;
    ASSERT_TRUE(sessions.contains("oppning") && sessions.contains("samtal") &&
                sessions.contains("besok"));
    EXPECT_EQ(sessions["oppning"]->title, "Öppning");
    EXPECT_EQ(sessions["oppning"]->duration.count(), 1200);
    EXPECT_EQ(sessions["besok"]->kind, SessionKind::study_visit);
    ASSERT_EQ(sessions["samtal"]->people.size(), 2u);
    EXPECT_EQ(sessions["samtal"]->people[0].person_id, "bo");
    EXPECT_EQ(sessions["samtal"]->people[0].role, PersonRole::moderator);
    if (version >= 2) {
        EXPECT_TRUE(sessions["oppning"]->actual_start.has_value());
        EXPECT_EQ(sessions["samtal"]->follows_up, std::vector<std::string>{"oppning"});
        EXPECT_FALSE(sessions["besok"]->replay_allowed);
    }
    EXPECT_EQ(store.revision(), 2);
    EXPECT_EQ(store.changes_since(0, "fixtur").size(), 2u);

    if (version < 7)
        return;
    attendance::RegistrationStore registrations(db);
    const auto attendees = registrations.list("fixtur");
    ASSERT_EQ(attendees.size(), 2u);
    std::map<std::string, const attendance::RegisteredAttendee*> by_name;
    for (const auto& a : attendees)
        by_name[a.registration.name] = &a;
    ASSERT_TRUE(by_name.contains("Cia Lind") && by_name.contains("Dan Berg"));
    EXPECT_EQ(by_name["Cia Lind"]->registration.email, "cia@example.se");
    EXPECT_EQ(by_name["Cia Lind"]->registration.code, "K7QF3M");
    EXPECT_TRUE(by_name["Cia Lind"]->checked_in.contains("2026-05-19"));
    EXPECT_EQ(registrations.find_by_code("m4px-9r")->name, "Dan Berg");

    const auto report = attendance::build_report(db, *programme, attendance::CountingRules{});
    const auto opening = std::find_if(report.sessions.begin(), report.sessions.end(),
                                      [](const auto& s) { return s.session_id == "oppning"; });
    ASSERT_NE(opening, report.sessions.end());
    EXPECT_EQ(opening->live.viewers, 2u) << "viewer-a and viewer-b watched the opening live";
    const auto visit = std::find_if(report.sessions.begin(), report.sessions.end(),
                                    [](const auto& s) { return s.session_id == "besok"; });
    ASSERT_NE(visit, report.sessions.end());
    EXPECT_EQ(visit->in_person, 1) << "Cia Lind was at the study visit";
    ASSERT_EQ(report.days.size(), 1u);
    EXPECT_EQ(report.days[0].in_person, 2) << "Cia Lind and a walk-in at the door";
}

INSTANTIATE_TEST_SUITE_P(EarlierSchemaVersions, MigrationFixtures,
                         ::testing::Range(1, latest_schema_version()),
                         [](const ::testing::TestParamInfo<int>& fixture) {
                             return "schema_v" + std::to_string(fixture.param);
                         });

}  // namespace
}  // namespace stagehub::schedule
