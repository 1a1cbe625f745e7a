#include "schedule/change_feed.hpp"

#include <gtest/gtest.h>

#include "schedule/programme_file.hpp"

namespace stagehub::schedule {
namespace {

using nlohmann::json;

Programme two_stages() {
    auto p = read_programme_file(STAGEHUB_TEST_DATA "/two_stages.json");
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return *p;
}

ChangeRecord change_of(std::vector<std::string> sessions, bool whole_event = false) {
    ChangeRecord change;
    change.revision = 7;
    change.event_id = "innovationsdag";
    change.operation = whole_event ? "edit_event" : "edit_session";
    change.summary = "edited";
    change.sessions = std::move(sessions);
    change.whole_event = whole_event;
    return change;
}

const Instant kAt = *parse_instant("2026-05-01T08:00:00Z");

TEST(ChangeFeed, AGoneEventIsRemoved) {
    const EventDelta delta =
        event_delta("innovationsdag", nullptr, {change_of({"a1"})}, public_reader(), kAt);
    EXPECT_EQ(delta.event_id, "innovationsdag");
    EXPECT_TRUE(std::holds_alternative<EventDelta::Removed>(delta.change));
    EXPECT_EQ(event_delta_json(delta), (json{{"event", "innovationsdag"}, {"removed", true}}));
}

TEST(ChangeFeed, AnEventHiddenFromThePublicIsRemovedForIt) {
    Programme p = two_stages();
    p.event.published = false;
    const EventDelta delta =
        event_delta("innovationsdag", &p, {change_of({"a1"})}, public_reader(), kAt);
    EXPECT_TRUE(std::holds_alternative<EventDelta::Removed>(delta.change));
}

TEST(ChangeFeed, AWholeEventChangeIsASnapshot) {
    const Programme p = two_stages();
    const EventDelta delta = event_delta(
        "innovationsdag", &p, {change_of({"a1"}), change_of({}, true)}, public_reader(), kAt);
    const auto* snapshot = std::get_if<EventDelta::Snapshot>(&delta.change);
    ASSERT_NE(snapshot, nullptr);
    EXPECT_EQ(snapshot->event["id"], "innovationsdag");
    EXPECT_EQ(event_delta_json(delta),
              (json{{"event", "innovationsdag"}, {"snapshot", snapshot->event}}));
}

TEST(ChangeFeed, SessionChangesListUpsertsInProgrammeOrderAndRemovals) {
    Programme p = two_stages();
    p.find_session("a2")->published = false;  // hidden from the public since
    ChangeRecord change = change_of({"b1", "gone", "a1", "a2"});
    change.public_before = {"a2", "gone"};
    const EventDelta delta = event_delta("innovationsdag", &p, {change}, public_reader(), kAt);
    const auto* sessions = std::get_if<EventDelta::Sessions>(&delta.change);
    ASSERT_NE(sessions, nullptr);
    ASSERT_EQ(sessions->sessions.size(), 2u);
    EXPECT_EQ(sessions->sessions[0]["id"], "a1");
    EXPECT_EQ(sessions->sessions[1]["id"], "b1");
    EXPECT_EQ(sessions->removed_sessions, (std::vector<std::string>{"a2", "gone"}));
    const json listed = event_delta_json(delta);
    EXPECT_EQ(listed["event"], "innovationsdag");
    EXPECT_EQ(listed["sessions"].size(), 2u);
    EXPECT_EQ(listed["removed_sessions"], (json{"a2", "gone"}));
    EXPECT_FALSE(listed.contains("removed"));
    EXPECT_FALSE(listed.contains("snapshot"));
}

TEST(ChangeFeed, NoRemovalsIsAnEmptyList) {
    const Programme p = two_stages();
    const json listed = event_delta_json(
        event_delta("innovationsdag", &p, {change_of({"a1"})}, public_reader(), kAt));
    EXPECT_EQ(listed["sessions"][0]["id"], "a1");
    EXPECT_EQ(listed["removed_sessions"], json::array());
}

}  // namespace
}  // namespace stagehub::schedule
