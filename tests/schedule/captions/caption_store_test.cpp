// The caption store on a real SQLite file: live cues found by the window they overlap, a
// replay's captions falling back to the live cues of its window until it has its own
// track, tracks listed and marked complete, limits, and captioner accounts admitted by the
// migration without losing the accounts, tokens and grants already there.
#include "schedule/captions/caption_store.hpp"

#include <gtest/gtest.h>

#include "schedule/migrations.hpp"
#include "temp_dir.hpp"

namespace stagehub::captions {
namespace {

using schedule::Database;
using stagehub::testing::TempDir;

constexpr int64_t kNine = 1'778'569'200'000;  // a stage's morning, UTC ms

Cue live(std::string stage, std::string language, int64_t start_ms, std::string text,
         CueKind kind = CueKind::captions) {
    Cue cue;
    cue.event_id = "dag";
    cue.stage_id = std::move(stage);
    cue.language = std::move(language);
    cue.kind = kind;
    cue.start_ms = start_ms;
    cue.end_ms = start_ms + live_cue_duration_ms(text);
    cue.text = std::move(text);
    return cue;
}

std::vector<std::string> texts(const std::vector<Cue>& cues) {
    std::vector<std::string> out;
    for (const Cue& cue : cues)
        out.push_back(cue.text);
    return out;
}

class CaptionStoreTest : public ::testing::Test {
  protected:
    void SetUp() override { schedule::migrate(db); }

    TempDir dir;
    Database db{dir.path() / "stagehub.db"};
    CaptionStore store{db};
};

TEST_F(CaptionStoreTest, LiveCuesAreFoundByTheWindowTheyOverlap) {
    for (const auto& [at, text] : std::vector<std::pair<int64_t, std::string>>{
             {0, "ett"}, {3000, "tv\xC3\xA5"}, {9000, "tre"}}) {
        auto stored = store.add_live_cue(live("salen", "sv", kNine + at, text));
        ASSERT_TRUE(stored.ok());
        EXPECT_GT(stored->id, 0);
    }
    ASSERT_TRUE(store.add_live_cue(live("salen", "en", kNine, "one")).ok());
    ASSERT_TRUE(store.add_live_cue(live("annan", "sv", kNine, "annan scen")).ok());
    ASSERT_TRUE(
        store.add_live_cue(live("salen", "sv", kNine + 1000, "syntolkning", CueKind::descriptions))
            .ok());

    // "ett" runs 0–2000, "två" 3000–5000, "tre" 9000–11000.
    EXPECT_EQ(texts(store.live_cues("salen", "sv", CueKind::captions, kNine + 1000, kNine + 3001)),
              (std::vector<std::string>{"ett", "tv\xC3\xA5"}));
    EXPECT_EQ(texts(store.live_cues("salen", "sv", CueKind::captions, kNine + 2000, kNine + 3000)),
              std::vector<std::string>{});
    EXPECT_EQ(texts(store.latest_live_cues("salen", "sv", CueKind::captions, 2, kNine)),
              (std::vector<std::string>{"tv\xC3\xA5", "tre"}));
    // A screen that joins after a long pause is not shown lines from long ago.
    EXPECT_EQ(texts(store.latest_live_cues("salen", "sv", CueKind::captions, 5, kNine + 10'000)),
              std::vector<std::string>{"tre"});
    EXPECT_EQ(store.live_languages("salen", CueKind::captions),
              (std::vector<std::string>{"en", "sv"}));
    EXPECT_EQ(store.live_languages("salen", CueKind::descriptions), std::vector<std::string>{"sv"});
}

TEST_F(CaptionStoreTest, RefusesACueThatIsNotALiveOne) {
    Cue cue = live("salen", "sv", kNine, "hej");
    cue.session_id = "oppning";
    EXPECT_EQ(store.add_live_cue(cue).error().code, ErrorCode::invalid);
    cue = live("salen", "sv", kNine, "");
    EXPECT_EQ(store.add_live_cue(cue).error().code, ErrorCode::invalid_captions);
    cue = live("salen", "sv", kNine, "hej");
    cue.end_ms = cue.start_ms - 1;
    EXPECT_EQ(store.add_live_cue(cue).error().code, ErrorCode::invalid_captions);
    // A live cue as long as may be is still found from its window's far end.
    cue.end_ms = cue.start_ms + kMaxLiveCueMs;
    ASSERT_TRUE(store.add_live_cue(cue).ok());
    EXPECT_EQ(texts(store.live_cues("salen", "sv", CueKind::captions, kNine + kMaxLiveCueMs - 1,
                                    kNine + kMaxLiveCueMs)),
              std::vector<std::string>{"hej"});
    cue.end_ms = cue.start_ms + kMaxLiveCueMs + 1;
    EXPECT_EQ(store.add_live_cue(cue).error().code, ErrorCode::invalid_captions);
}

TEST_F(CaptionStoreTest, ADeletedSessionOrStageTakesItsCaptionsWithIt) {
    // Ids are global and taken again once free: what another event later names the same
    // must start without the deleted one's captions.
    db.execute(
        "INSERT INTO events (id, title, time_zone) VALUES ('dag', 'Dagen', 'Europe/Stockholm');"
        "INSERT INTO stages (id, event_id, name, position) VALUES ('salen', 'dag', 'Salen', 0),"
        " ('annan', 'dag', 'Annan', 1);"
        "INSERT INTO sessions (id, event_id, stage_id, kind, title, starts_at, duration_s) VALUES"
        " ('oppning', 'dag', 'salen', 'talk', 'Öppning', 1778569200, 600),"
        " ('samtal', 'dag', 'salen', 'panel', 'Samtal', 1778569800, 600);"
        "INSERT INTO caption_deadline_actions (session_id, action, at_ms) VALUES"
        " ('oppning', 'hide', 1);");
    ASSERT_TRUE(store.add_live_cue(live("salen", "sv", kNine, "live")).ok());
    ASSERT_TRUE(store.add_live_cue(live("annan", "sv", kNine, "annan")).ok());
    for (const char* session : {"oppning", "samtal"}) {
        Cue own = live("salen", "sv", kNine, std::string("egen ") + session);
        own.session_id = session;
        ASSERT_TRUE(store
                        .replace_replay_track("dag", session, "salen", "sv", CueKind::captions,
                                              {own}, true, kNine)
                        .ok());
    }
    const auto count = [&](const std::string& sql) {
        auto query = db.prepare(sql);
        query.step();
        return query.column_int(0);
    };

    db.execute("DELETE FROM sessions WHERE id = 'oppning'");
    EXPECT_FALSE(store.has_own_track("oppning", "sv", CueKind::captions));
    EXPECT_EQ(count("SELECT count(*) FROM caption_cues WHERE session_id = 'oppning'"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM caption_deadline_actions"), 0);
    EXPECT_TRUE(store.has_own_track("samtal", "sv", CueKind::captions)) << "only its own";

    // A stage's deletion cascades to its sessions, whose tracks go too, with its live cues.
    db.execute("DELETE FROM stages WHERE id = 'salen'");
    EXPECT_TRUE(store.live_languages("salen", CueKind::captions).empty());
    EXPECT_FALSE(store.has_own_track("samtal", "sv", CueKind::captions));
    EXPECT_EQ(store.live_languages("annan", CueKind::captions), std::vector<std::string>{"sv"});
    EXPECT_EQ(count("SELECT count(*) FROM caption_cues"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM caption_tracks"), 0);
}

TEST_F(CaptionStoreTest, AReplayShowsTheLiveCuesOfItsWindowUntilItHasItsOwnTrack) {
    ASSERT_TRUE(store.add_live_cue(live("salen", "sv", kNine - 5000, "innan")).ok());
    ASSERT_TRUE(store.add_live_cue(live("salen", "sv", kNine + 1000, "under")).ok());
    ASSERT_TRUE(store.add_live_cue(live("salen", "sv", kNine + 60'000, "efter")).ok());
    const int64_t from = kNine;
    const int64_t to = kNine + 30'000;
    EXPECT_EQ(texts(store.replay_cues("oppning", "salen", "sv", CueKind::captions, from, to)),
              std::vector<std::string>{"under"});
    auto tracks = store.replay_tracks("oppning", "salen", from, to);
    ASSERT_EQ(tracks.size(), 1u);
    EXPECT_EQ(tracks[0], (CaptionStore::Track{"sv", CueKind::captions, false, false, 1, 0}));

    Cue corrected = live("", "", kNine + 1200, "under, r\xC3\xA4ttat");
    corrected.source = CueSource::edit;
    Cue added = live("", "", kNine + 5000, "tillagt");
    added.source = CueSource::edit;
    ASSERT_TRUE(store
                    .replace_replay_track("dag", "oppning", "salen", "sv", CueKind::captions,
                                          {corrected, added}, false, kNine + 90'000)
                    .ok());
    const auto own = store.replay_cues("oppning", "salen", "sv", CueKind::captions, from, to);
    EXPECT_EQ(texts(own), (std::vector<std::string>{"under, r\xC3\xA4ttat", "tillagt"}));
    EXPECT_EQ(own[0].session_id, "oppning");
    EXPECT_EQ(own[0].stage_id, "salen");
    EXPECT_EQ(own[0].source, CueSource::edit);
    // A segment reads only its own window of the track; the editor reads it whole.
    EXPECT_EQ(
        texts(store.replay_cues("oppning", "salen", "sv", CueKind::captions, from, kNine + 3000)),
        std::vector<std::string>{"under, r\xC3\xA4ttat"});
    EXPECT_TRUE(store.has_own_track("oppning", "sv", CueKind::captions));
    EXPECT_FALSE(store.has_own_track("oppning", "en", CueKind::captions));
    EXPECT_EQ(store.own_track("oppning", "sv", CueKind::captions).size(), 2u);
    // The live track itself is untouched: the stage's other replays still see it.
    EXPECT_EQ(store.live_cues("salen", "sv", CueKind::captions, from, to).size(), 1u);

    ASSERT_TRUE(
        store.set_track_complete("oppning", "sv", CueKind::captions, true, kNine + 99'000).ok());
    tracks = store.replay_tracks("oppning", "salen", from, to);
    ASSERT_EQ(tracks.size(), 1u);
    EXPECT_EQ(tracks[0],
              (CaptionStore::Track{"sv", CueKind::captions, true, true, 2, kNine + 99'000}));

    ASSERT_TRUE(store.delete_replay_track("oppning", "sv", CueKind::captions).ok());
    EXPECT_EQ(texts(store.replay_cues("oppning", "salen", "sv", CueKind::captions, from, to)),
              std::vector<std::string>{"under"});
    EXPECT_EQ(store.delete_replay_track("oppning", "sv", CueKind::captions).error().code,
              ErrorCode::not_found);
    EXPECT_EQ(store.set_track_complete("oppning", "sv", CueKind::captions, true, 0).error().code,
              ErrorCode::not_found);
}

TEST_F(CaptionStoreTest, OwnTracksAreListedBesideLiveLanguagesTheyDoNotShadow) {
    ASSERT_TRUE(store.add_live_cue(live("salen", "sv", kNine, "hej")).ok());
    ASSERT_TRUE(store.add_live_cue(live("salen", "en", kNine, "hello")).ok());
    ASSERT_TRUE(store
                    .replace_replay_track("dag", "oppning", "salen", "sv", CueKind::captions,
                                          {live("", "", kNine, "hej!")}, true, kNine)
                    .ok());
    ASSERT_TRUE(store
                    .replace_replay_track("dag", "oppning", "salen", "sv", CueKind::descriptions,
                                          {}, false, kNine)
                    .ok());
    const auto tracks = store.replay_tracks("oppning", "salen", kNine, kNine + 10'000);
    ASSERT_EQ(tracks.size(), 3u);
    EXPECT_EQ(tracks[0], (CaptionStore::Track{"sv", CueKind::captions, true, true, 1, kNine}));
    EXPECT_EQ(tracks[1], (CaptionStore::Track{"sv", CueKind::descriptions, true, false, 0, kNine}));
    EXPECT_EQ(tracks[2], (CaptionStore::Track{"en", CueKind::captions, false, false, 1, 0}));
}

TEST_F(CaptionStoreTest, ATrackOverTheLimitIsRefusedWhole) {
    std::vector<Cue> cues(kMaxCuesPerTrack + 1, live("", "", kNine, "x"));
    EXPECT_EQ(store
                  .replace_replay_track("dag", "oppning", "salen", "sv", CueKind::captions, cues,
                                        true, kNine)
                  .error()
                  .code,
              ErrorCode::invalid_captions);
    std::vector<Cue> backwards{live("", "", kNine, "x")};
    backwards[0].end_ms = kNine - 1;
    EXPECT_EQ(store
                  .replace_replay_track("dag", "oppning", "salen", "sv", CueKind::captions,
                                        backwards, true, kNine)
                  .error()
                  .code,
              ErrorCode::invalid_captions);
    EXPECT_TRUE(store.replay_tracks("oppning", "salen", kNine, kNine + 1).empty());
}

TEST_F(CaptionStoreTest, CuesPastTheRetentionGoWithTheTracksTheyLeaveEmpty) {
    ASSERT_TRUE(store.add_live_cue(live("salen", "sv", kNine, "gammal")).ok());
    ASSERT_TRUE(store.add_live_cue(live("salen", "sv", kNine + 86'400'000, "ny")).ok());
    ASSERT_TRUE(store
                    .replace_replay_track("dag", "oppning", "salen", "sv", CueKind::captions,
                                          {live("", "", kNine, "egen")}, true, kNine)
                    .ok());
    ASSERT_TRUE(store
                    .replace_replay_track("dag", "senare", "salen", "sv", CueKind::captions,
                                          {live("", "", kNine + 86'400'000, "senare")}, true, kNine)
                    .ok());
    EXPECT_EQ(store.delete_cues_before(kNine + 3'600'000), 2);
    EXPECT_EQ(texts(store.latest_live_cues("salen", "sv", CueKind::captions, 5, 0)),
              std::vector<std::string>{"ny"});
    EXPECT_TRUE(store.replay_tracks("oppning", "salen", kNine, kNine + 10'000).empty());
    EXPECT_EQ(store.replay_tracks("senare", "salen", kNine, kNine + 90'000'000).size(), 1u);
}

TEST_F(CaptionStoreTest, AnErasedRecordingTakesItsCaptionsAndNoOthers) {
    ASSERT_TRUE(store.add_live_cue(live("salen", "sv", kNine - 60'000, "innan")).ok());
    ASSERT_TRUE(store.add_live_cue(live("salen", "sv", kNine + 1000, "under")).ok());
    ASSERT_TRUE(store.add_live_cue(live("annan", "sv", kNine + 1000, "annan scen")).ok());
    ASSERT_TRUE(store
                    .replace_replay_track("dag", "oppning", "salen", "sv", CueKind::captions,
                                          {live("", "", kNine + 1000, "egen")}, true, kNine)
                    .ok());
    EXPECT_EQ(store.erase_recording("salen", "oppning", kNine, kNine + 30'000), 2);
    EXPECT_EQ(texts(store.live_cues("salen", "sv", CueKind::captions, 0, kNine + 90'000)),
              std::vector<std::string>{"innan"});
    EXPECT_EQ(store.live_cues("annan", "sv", CueKind::captions, 0, kNine + 90'000).size(), 1u);
    EXPECT_TRUE(store.replay_tracks("oppning", "salen", kNine, kNine + 30'000).empty());
}

TEST(CaptionerAccounts, TheMigrationAdmitsThemAndKeepsEveryAccountTokenAndGrant) {
    TempDir dir;
    Database db{dir.path() / "stagehub.db"};
    // Schema 10: the last one before migration 11 admitted captioners.
    schedule::migrate_to(db, 10);
    db.execute(
        "INSERT INTO accounts (id, name, role, created_at, created_by) VALUES "
        "(1, 'Anna', 'organiser', 1, 'cli');"
        "INSERT INTO tokens (hash, account_id, created_at) VALUES ('abc', 1, 1);"
        "INSERT INTO event_grants (account_id, event_id) VALUES (1, 'dag');");
    EXPECT_THROW(db.execute("INSERT INTO accounts (name, role, created_at, created_by) VALUES "
                            "('Tolk', 'captioner', 2, 'cli')"),
                 schedule::DatabaseError);
    schedule::migrate(db);
    db.execute(
        "INSERT INTO accounts (id, name, role, created_at, created_by) VALUES "
        "(2, 'Tolk', 'captioner', 2, 'cli')");
    auto count = [&](const char* sql) {
        auto query = db.prepare(sql);
        query.step();
        return query.column_int(0);
    };
    EXPECT_EQ(count("SELECT count(*) FROM tokens WHERE account_id = 1"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM event_grants WHERE account_id = 1"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM accounts"), 2);
    // The references still cascade: deleting the account takes its token and grant.
    db.execute("DELETE FROM accounts WHERE id = 1");
    EXPECT_EQ(count("SELECT count(*) FROM tokens"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM event_grants"), 0);
    EXPECT_EQ(count("PRAGMA foreign_keys"), 1);
}

}  // namespace
}  // namespace stagehub::captions
