#include "schedule/programme_store.hpp"

#include <gtest/gtest.h>

#include "schedule/migrations.hpp"
#include "schedule/programme_catalog.hpp"
#include "schedule/programme_file.hpp"
#include "temp_dir.hpp"

namespace stagehub::schedule {
namespace {

using stagehub::testing::TempDir;

Programme fixture() {
    auto p = read_programme_file(STAGEHUB_TEST_DATA "/two_stages.json");
    EXPECT_TRUE(p.ok());
    return *p;
}

// Guids are handed out by the store (tested on their own below); the rest must match.
Programme normalised(Programme p) {
    std::sort(p.people.begin(), p.people.end(), [](auto& a, auto& b) { return a.id < b.id; });
    p.sort_sessions();
    for (Session& s : p.sessions)
        s.guid.clear();
    for (Stage& s : p.stages)
        s.guid.clear();
    return p;
}

TEST(ProgrammeStore, HandsOutGuidsOnceAndKeepsThemAcrossEditsAndReimports) {
    TempDir dir;
    Database db(dir / "stagehub.db");
    migrate(db);
    ProgrammeStore store(db);
    Programme p = fixture();
    p.find_session("a2")->guid = "6f1c3f8e-2b1a-4c7e-9d3a-0c1b2a3d4e5f";
    ASSERT_TRUE(store.replace_event(p, "test").ok());
    const Programme first = *store.load_event("innovationsdag");
    EXPECT_EQ(first.find_session("a2")->guid, "6f1c3f8e-2b1a-4c7e-9d3a-0c1b2a3d4e5f");
    const std::string a1 = first.find_session("a1")->guid;
    ASSERT_EQ(a1.size(), 36u);
    EXPECT_EQ(a1[14], '4') << "a version 4 UUID: " << a1;
    EXPECT_NE(a1, first.find_session("b1")->guid);
    EXPECT_EQ(first.stages.front().guid.size(), 36u);
    // The same file again, without guids: the ones handed out stay.
    p.find_session("a1")->title = "Ny titel";
    ASSERT_TRUE(store.replace_event(p, "test").ok());
    const Programme second = *store.load_event("innovationsdag");
    EXPECT_EQ(second.find_session("a1")->guid, a1);
    EXPECT_EQ(second.find_session("a1")->title, "Ny titel");
    EXPECT_EQ(second.stages.front().guid, first.stages.front().guid);
}

TEST(ProgrammeStore, KeepsEveryFieldOfTheFullModel) {
    TempDir dir;
    Database db(dir / "stagehub.db");
    migrate(db);
    ProgrammeStore store(db);
    Programme p = fixture();
    p.event.organisers = {"Piteå kommun", "Region Norrbotten"};
    p.event.languages = {"sv", "en"};
    p.event.published = false;
    p.stages.front().broadcast = false;
    p.stages.front().capacity = 120;
    p.stages.front().location = "Plan 2";
    p.stages.front().source = StageSource{SourceKind::srt, "srt://:9000", "hemligt-lösen-123"};
    p.stages.front().lower_third = LowerThirdMode::burned_in;
    Session& a1 = *p.find_session("a1");
    a1.actual_start = a1.start + Seconds{120};
    a1.actual_end = a1.start + Seconds{600};
    a1.attendance = AttendanceMode::in_person;
    a1.replay_allowed = false;
    a1.published = false;
    a1.language = "en";
    Session& a2 = *p.find_session("a2");
    a2.follows_up = {"a1"};
    a2.cancelled = true;
    ASSERT_TRUE(store.replace_event(p, "test").ok());
    EXPECT_EQ(normalised(*store.load_event("innovationsdag")), normalised(p));
}

TEST(ProgrammeStore, RoundTripThroughARealDatabaseFile) {
    TempDir dir;
    const Programme original = fixture();
    {
        Database db(dir / "stagehub.db");
        migrate(db);
        ProgrammeStore store(db);
        auto revision = store.replace_event(original, "test");
        ASSERT_TRUE(revision.ok()) << revision.error().message;
        EXPECT_EQ(*revision, 1);
    }
    // A new connection (as after a restart) reads back exactly what was stored, panel
    // order and Swedish characters included.
    Database db(dir / "stagehub.db");
    migrate(db);
    ProgrammeStore store(db);
    auto loaded = store.load_event("innovationsdag");
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(normalised(*loaded), normalised(original));
    const Session* panel = loaded->find_session("a2");
    ASSERT_NE(panel, nullptr);
    ASSERT_EQ(panel->people.size(), 3u);
    EXPECT_EQ(panel->people[0].person_id, "cia");
    EXPECT_EQ(panel->people[0].role, PersonRole::moderator);
    EXPECT_EQ(panel->people[2].person_id, "ann");
    EXPECT_EQ(loaded->find_person("bo")->name, "Bo Åström");
    EXPECT_EQ(store.revision(), 1);
}

TEST(ProgrammeStore, ReplacingAnEventRemovesSessionsNoLongerInItAndBumpsTheRevision) {
    TempDir dir;
    Database db(dir / "stagehub.db");
    migrate(db);
    ProgrammeStore store(db);
    Programme p = fixture();
    ASSERT_TRUE(store.replace_event(p, "test").ok());
    p.sessions.erase(p.sessions.begin());  // drop a1
    auto revision = store.replace_event(p, "test");
    ASSERT_TRUE(revision.ok());
    EXPECT_EQ(*revision, 2);
    auto loaded = store.load_event("innovationsdag");
    EXPECT_EQ(loaded->find_session("a1"), nullptr);
    EXPECT_EQ(loaded->sessions.size(), 3u);
}

TEST(ProgrammeStore, AnInvalidProgrammeChangesNothing) {
    TempDir dir;
    Database db(dir / "stagehub.db");
    migrate(db);
    ProgrammeStore store(db);
    const Programme good = fixture();
    ASSERT_TRUE(store.replace_event(good, "test").ok());
    Programme bad = good;
    for (Session& s : bad.sessions) {
        if (s.id == "a2")
            s.start = bad.find_session("a1")->start;  // overlaps a1 on sal-a
    }
    const auto result = store.replace_event(bad, "test");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "invalid_programme");
    EXPECT_EQ(normalised(*store.load_event("innovationsdag")), normalised(good));
    EXPECT_EQ(store.revision(), 1);
}

TEST(ProgrammeStore, AStageOwnedByAnotherEventIsAConflictAndNothingIsWritten) {
    TempDir dir;
    Database db(dir / "stagehub.db");
    migrate(db);
    ProgrammeStore store(db);
    ASSERT_TRUE(store.replace_event(fixture(), "test").ok());
    Programme other = fixture();
    other.event.id = "annan-dag";
    for (auto& s : other.sessions)
        s.id += "-x";
    const auto result = store.replace_event(other, "test");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "id_conflict");
    EXPECT_NE(result.error().message.find("sal-a"), std::string::npos);
    EXPECT_EQ(store.event_ids(), std::vector<std::string>{"innovationsdag"});
    EXPECT_FALSE(store.load_event("annan-dag").ok());
}

TEST(ProgrammeStore, ANewIdOutsideTheFormIsRefusedAndAnOldOneOfThisEventKept) {
    TempDir dir;
    Database db(dir / "stagehub.db");
    migrate(db);
    ProgrammeStore store(db);
    Programme p = fixture();
    p.stages.push_back(Stage{"/tmp/x", "Ny", "", false, 0, "", {}, {}});
    const auto refused = store.replace_event(p, "test");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "bad_id");
    EXPECT_FALSE(store.load_event("innovationsdag").ok()) << "nothing was written";

    // A row an older stagehub stored: this event may keep it; another event may not take it.
    ASSERT_TRUE(store.replace_event(fixture(), "test").ok());
    db.execute(
        "INSERT INTO stages (id, event_id, name, position) VALUES ('/tmp/x', 'innovationsdag', "
        "'Gammal', 5)");
    Programme old = *store.load_event("innovationsdag");
    old.event.venue = "Stadshuset";
    EXPECT_TRUE(store.replace_event(old, "test").ok());
    Programme other = fixture();
    other.event.id = "annan-dag";
    other.stages = {Stage{"/tmp/x", "Gammal", "", false, 0, "", {}, {}}};
    other.sessions.clear();
    const auto taken = store.replace_event(other, "test");
    ASSERT_FALSE(taken.ok());
    EXPECT_EQ(taken.error().code, "bad_id");
}

TEST(ProgrammeStore, UnknownEventIsNotFound) {
    TempDir dir;
    Database db(dir / "stagehub.db");
    migrate(db);
    ProgrammeStore store(db);
    const auto result = store.load_event("nope");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "not_found");
    EXPECT_EQ(store.revision(), 0);
}

TEST(Migrations, AreIdempotentAndRefuseANewerSchema) {
    TempDir dir;
    {
        Database db(dir / "stagehub.db");
        migrate(db);
        migrate(db);  // second start-up: nothing to do, nothing breaks
        Statement version = db.prepare("PRAGMA user_version");
        ASSERT_TRUE(version.step());
        EXPECT_EQ(version.column_int(0), latest_schema_version());
        Statement mode = db.prepare("PRAGMA journal_mode");
        ASSERT_TRUE(mode.step());
        EXPECT_EQ(mode.column_text(0), "wal");
        db.execute("PRAGMA user_version = 999");
    }
    Database db(dir / "stagehub.db");
    try {
        migrate(db);
        FAIL() << "a newer schema must be refused";
    } catch (const DatabaseError& e) {
        EXPECT_NE(std::string(e.what()).find("999"), std::string::npos);
    }
}

TEST(Database, AnUnopenablePathNamesThePath) {
    try {
        Database db("/nonexistent-dir/stagehub.db");
        FAIL() << "opening must fail";
    } catch (const DatabaseError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/stagehub.db"), std::string::npos);
    }
}

TEST(ProgrammeCatalog, HoldsEveryEventAndFindsStageOwners) {
    TempDir dir;
    Database db(dir / "stagehub.db");
    migrate(db);
    ProgrammeStore store(db);
    ASSERT_TRUE(store.replace_event(fixture(), "test").ok());
    auto demo = read_programme_file(STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json");
    ASSERT_TRUE(store.replace_event(*demo, "test").ok());
    ProgrammeCatalog catalog(store);
    catalog.reload();
    EXPECT_EQ(catalog.programmes().size(), 2u);
    EXPECT_EQ(catalog.revision(), 2);
    ASSERT_NE(catalog.find_stage_owner("stora-salen"), nullptr);
    EXPECT_EQ(catalog.find_stage_owner("stora-salen")->event.id, "tillsammans-for-fornyelse");
    EXPECT_EQ(catalog.find_stage_owner("sal-b")->event.id, "innovationsdag");
    EXPECT_EQ(catalog.find_stage_owner("nope"), nullptr);
}

TEST(ProgrammeCatalog, ReloadingOneEventMatchesReloadingAll) {
    TempDir dir;
    Database db(dir / "stagehub.db");
    migrate(db);
    ProgrammeStore store(db);
    ASSERT_TRUE(store.replace_event(fixture(), "test").ok());
    auto demo = read_programme_file(STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json");
    ASSERT_TRUE(store.replace_event(*demo, "test").ok());
    ProgrammeCatalog catalog(store);
    catalog.reload();

    // An edit, an unpublished event, and a deleted one, each reloaded alone.
    Programme edited = *store.load_event("innovationsdag");
    edited.find_session("a1")->title = "Ny titel";
    ASSERT_TRUE(store.replace_event(edited, "test").ok());
    catalog.reload_event("innovationsdag");
    demo->event.published = false;
    ASSERT_TRUE(store.replace_event(*demo, "test").ok());
    catalog.reload_event(demo->event.id);

    ProgrammeCatalog fresh(store);
    fresh.reload();
    EXPECT_EQ(catalog.programmes(), fresh.programmes());
    EXPECT_EQ(catalog.published(), fresh.published());
    EXPECT_EQ(catalog.published().size(), 1u) << "the unpublished event is not public";
    EXPECT_EQ(catalog.revision(), 4);

    ASSERT_TRUE(store.delete_event("innovationsdag", "test").ok());
    catalog.reload_event("innovationsdag");
    EXPECT_EQ(catalog.find_event("innovationsdag"), nullptr);
    EXPECT_EQ(catalog.programmes().size(), 1u);
    EXPECT_TRUE(catalog.published().empty());
}

}  // namespace
}  // namespace stagehub::schedule
