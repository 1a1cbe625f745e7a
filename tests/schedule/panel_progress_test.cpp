#include "schedule/panel_progress.hpp"

#include <gtest/gtest.h>

#include "schedule/migrations.hpp"
#include "temp_dir.hpp"

namespace stagehub::schedule {
namespace {

using namespace std::chrono_literals;

Programme panel_programme() {
    Programme programme;
    programme.event.id = "e";
    programme.people = {{"mod", "Moa Moderator", ""}, {"a", "Anna", ""}, {"b", "Bo", ""}};
    Session panel;
    panel.id = "panel";
    panel.title = "Paneldialog";
    panel.kind = SessionKind::panel;
    panel.duration = 30min;
    panel.people = {
        {"mod", PersonRole::moderator}, {"a", PersonRole::panelist}, {"b", PersonRole::panelist}};
    programme.sessions.push_back(panel);
    return programme;
}

const Instant kT0 = Instant{Seconds{1'700'000'000}};

TEST(PanelProgress, StepsThroughTheRunningOrderAndRefusesToGoPastEitherEnd) {
    const Programme programme = panel_programme();
    const Session& panel = programme.sessions[0];
    PanelProgress progress;
    EXPECT_EQ(panel_json(programme, panel, progress, kT0)["state"], "waiting");
    EXPECT_EQ(panel_json(programme, panel, progress, kT0)["next"]["person"], "mod");
    EXPECT_EQ(step_panel(panel, progress, PanelStep::previous, kT0).error().code, "bad_state");

    progress = *step_panel(panel, progress, PanelStep::next, kT0);
    nlohmann::json state = panel_json(programme, panel, progress, kT0 + 60s);
    EXPECT_EQ(state["state"], "speaking");
    EXPECT_EQ(state["current"]["person"], "mod");
    EXPECT_EQ(state["current"]["name"], "Moa Moderator");
    EXPECT_EQ(state["current"]["position"], 1);
    EXPECT_EQ(state["speaker_seconds"], 600) << "30 minutes over three people";
    EXPECT_EQ(state["current"]["seconds_left"], 540);
    EXPECT_EQ(state["next"]["person"], "a");

    // The word moves on: the clock restarts for the next speaker.
    progress = *step_panel(panel, progress, PanelStep::next, kT0 + 700s);
    state = panel_json(programme, panel, progress, kT0 + 700s);
    EXPECT_EQ(state["current"]["person"], "a");
    EXPECT_EQ(state["current"]["seconds_left"], 600);
    // Over time shows as negative: the moderator sees how far over.
    EXPECT_EQ(panel_json(programme, panel, progress, kT0 + 1400s)["current"]["seconds_left"], -100);

    progress = *step_panel(panel, progress, PanelStep::next, kT0 + 800s);
    progress = *step_panel(panel, progress, PanelStep::next, kT0 + 900s);
    state = panel_json(programme, panel, progress, kT0 + 900s);
    EXPECT_EQ(state["state"], "finished");
    EXPECT_TRUE(state["current"].is_null());
    EXPECT_TRUE(state["next"].is_null());
    EXPECT_EQ(step_panel(panel, progress, PanelStep::next, kT0).error().code, "bad_state");
    EXPECT_EQ(step_panel(panel, progress, PanelStep::restart, kT0)->position, -1);

    Session empty = panel;
    empty.people.clear();
    EXPECT_EQ(step_panel(empty, {}, PanelStep::next, kT0).error().code, "no_running_order");
}

TEST(PanelProgress, AShortenedRunningOrderNeverIndexesPastItsEnd) {
    Programme programme = panel_programme();
    PanelProgress progress{2, kT0};
    programme.sessions[0].people.pop_back();
    const auto state = panel_json(programme, programme.sessions[0], progress, kT0);
    EXPECT_EQ(state["state"], "finished");
}

TEST(PanelProgress, IsKeptInTheDatabaseAcrossRestarts) {
    stagehub::testing::TempDir dir;
    {
        Database db(dir / "s.db");
        migrate(db);
        PanelProgressStore(db).put("panel", PanelProgress{1, kT0});
    }
    Database db(dir / "s.db");
    const PanelProgress back = PanelProgressStore(db).get("panel");
    EXPECT_EQ(back.position, 1);
    EXPECT_EQ(back.speaker_since, kT0);
    EXPECT_EQ(PanelProgressStore(db).get("other").position, -1) << "unknown: not started";
}

}  // namespace
}  // namespace stagehub::schedule
