#include "schedule/formats/frab_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "schedule/formats/name_uuid.hpp"
#include "schedule/time_zone.hpp"
#include "test_programmes.hpp"

namespace stagehub::schedule::formats {
namespace {

using nlohmann::json;
using samples::at;
using samples::demo_day;
using samples::export_options;
using samples::tricky_programme;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool matches(const json& value, const char* pattern) {
    return value.is_string() && std::regex_match(value.get<std::string>(), std::regex(pattern));
}

const char* const kDate = R"(\d{4}-\d{2}-\d{2})";
const char* const kDateTime = R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2}))";
const char* const kDuration = R"([0-9]+:[0-9]{2})";  // the schema's Duration

// Keys of `object` outside `allowed` (the schema's additionalProperties: false).
std::vector<std::string> extra_keys(const json& object, const std::set<std::string>& allowed) {
    std::vector<std::string> extra;
    for (const auto& [key, value] : object.items()) {
        if (allowed.count(key) == 0)
            extra.push_back(key);
    }
    return extra;
}

void expect_keys(const json& object, const std::set<std::string>& required,
                 const std::string& where) {
    for (const std::string& key : required)
        EXPECT_TRUE(object.contains(key)) << where << " lacks required " << key;
}

bool string_or_null(const json& value) {
    return value.is_string() || value.is_null();
}

// The c3voc schedule schema (https://c3voc.de/schedule/schema.json) checked by hand, level by
// level: required keys, no unknown keys where the schema forbids them, types, formats.
void expect_c3voc_shape(const json& doc) {
    ASSERT_TRUE(doc.is_object());
    EXPECT_TRUE(extra_keys(doc, {"$schema", "schedule", "generator"}).empty());
    ASSERT_TRUE(doc.contains("schedule"));
    const json& schedule = doc["schedule"];
    expect_keys(schedule, {"version", "conference"}, "schedule");
    EXPECT_TRUE(schedule["version"].is_string());
    EXPECT_FALSE(schedule.contains("rooms"));  // "rooms": false at this level
    if (schedule.contains("base_url")) {
        EXPECT_TRUE(matches(schedule["base_url"], "https?://.+"));
    }

    const json& c = schedule["conference"];
    expect_keys(c, {"title", "acronym", "days", "daysCount", "start", "end", "timeslot_duration"},
                "conference");
    EXPECT_TRUE(extra_keys(c, {"acronym", "title", "description", "start", "end", "daysCount",
                               "timeslot_duration", "time_zone_name", "logo", "colors", "keywords",
                               "url", "tracks", "rooms", "meta", "days"})
                    .empty());
    EXPECT_TRUE(matches(c["acronym"], "^[a-z0-9_-]+$")) << c["acronym"];
    EXPECT_TRUE(c["title"].is_string());
    EXPECT_TRUE(matches(c["start"], kDate));
    EXPECT_TRUE(matches(c["end"], kDate));
    EXPECT_TRUE(c["daysCount"].is_number_integer());
    EXPECT_TRUE(matches(c["timeslot_duration"], kDuration));
    EXPECT_TRUE(matches(c["time_zone_name"], "^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$"));

    std::set<std::string> room_names;
    ASSERT_TRUE(c["rooms"].is_array());
    for (const json& room : c["rooms"]) {
        EXPECT_TRUE(extra_keys(room, {"name", "guid", "description", "capacity"}).empty());
        expect_keys(room, {"name", "guid"}, "room");
        EXPECT_TRUE(is_uuid(room["guid"].get<std::string>()));
        EXPECT_TRUE(string_or_null(room["description"]));
        EXPECT_TRUE(room["capacity"].is_number() || room["capacity"].is_null());
        room_names.insert(room["name"].get<std::string>());
    }

    ASSERT_TRUE(c["days"].is_array());
    EXPECT_EQ(c["daysCount"], c["days"].size());
    std::set<std::string> guids, slugs;
    std::set<int64_t> ids;
    int64_t expected_index = 1;
    for (const json& day : c["days"]) {
        const std::string where = "day " + std::to_string(expected_index);
        EXPECT_TRUE(extra_keys(day, {"index", "date", "day_start", "day_end", "rooms"}).empty());
        expect_keys(day, {"index", "date", "day_start", "day_end", "rooms"}, where);
        EXPECT_EQ(day["index"], expected_index++);
        EXPECT_TRUE(matches(day["date"], kDate));
        ASSERT_TRUE(matches(day["day_start"], kDateTime)) << day["day_start"];
        ASSERT_TRUE(matches(day["day_end"], kDateTime)) << day["day_end"];
        const Instant day_start = at(day["day_start"].get<std::string>().c_str());
        const Instant day_end = at(day["day_end"].get<std::string>().c_str());
        ASSERT_TRUE(day["rooms"].is_object());
        for (const auto& [room, events] : day["rooms"].items()) {
            EXPECT_EQ(room_names.count(room), 1u) << room << " is not in conference.rooms";
            ASSERT_TRUE(events.is_array());
            for (const json& e : events) {
                const std::string ew = where + " " + e.value("slug", "?");
                EXPECT_TRUE(extra_keys(e, {"id",
                                           "guid",
                                           "logo",
                                           "date",
                                           "start",
                                           "duration",
                                           "room",
                                           "slug",
                                           "url",
                                           "title",
                                           "subtitle",
                                           "track",
                                           "type",
                                           "language",
                                           "abstract",
                                           "description",
                                           "recording_license",
                                           "do_not_record",
                                           "do_not_stream",
                                           "persons",
                                           "links",
                                           "attachments",
                                           "answers"})
                                .empty())
                    << ew;
                expect_keys(
                    e,
                    {"abstract", "date", "duration", "guid", "id", "language", "links", "persons",
                     "room", "slug", "start", "subtitle", "title", "track", "type", "url"},
                    ew);
                EXPECT_TRUE(e["id"].is_number_integer() && e["id"].get<int64_t>() >= 1) << ew;
                EXPECT_TRUE(ids.insert(e["id"].get<int64_t>()).second) << ew << " id twice";
                EXPECT_TRUE(is_uuid(e["guid"].get<std::string>())) << ew;
                EXPECT_TRUE(guids.insert(e["guid"].get<std::string>()).second) << ew;
                EXPECT_TRUE(matches(e["date"], kDateTime)) << ew;
                EXPECT_TRUE(matches(e["start"], R"(\d{2}:\d{2})")) << ew;
                EXPECT_TRUE(matches(e["duration"], kDuration)) << ew;
                EXPECT_EQ(e["room"], room) << ew;
                EXPECT_TRUE(matches(e["slug"], "^[a-z0-9_-]+[a-z0-9]$")) << ew;
                EXPECT_TRUE(slugs.insert(e["slug"].get<std::string>()).second) << ew;
                EXPECT_TRUE(matches(e["url"], "https?://.+")) << ew;
                EXPECT_TRUE(e["title"].is_string() && !e["title"].get<std::string>().empty());
                EXPECT_TRUE(string_or_null(e["subtitle"]));
                EXPECT_TRUE(string_or_null(e["track"]));
                EXPECT_TRUE(e["type"].is_string());
                EXPECT_TRUE(e["language"].is_string());
                EXPECT_TRUE(string_or_null(e["abstract"]));
                EXPECT_TRUE(string_or_null(e["description"]));
                EXPECT_TRUE(e["recording_license"].is_string());
                EXPECT_TRUE(e["do_not_record"].is_boolean());
                EXPECT_TRUE(e["links"].is_array());
                EXPECT_TRUE(e["attachments"].is_array());
                // Inside its day's opening hours, and start is the local time of date.
                const Instant start = at(e["date"].get<std::string>().c_str());
                const auto length = parse_hh_mm_duration(e["duration"].get<std::string>());
                ASSERT_TRUE(length.ok());
                EXPECT_LE(day_start, start) << ew;
                EXPECT_LE(start + *length, day_end) << ew;
                EXPECT_EQ(e["date"].get<std::string>().substr(11, 5), e["start"]) << ew;
                ASSERT_TRUE(e["persons"].is_array());
                for (const json& p : e["persons"]) {
                    // oneOf FrabPerson (id + public_name) / PretalxPerson (name, code
                    // ^[A-Z0-9]+$): exactly one must match.
                    const bool frab = p.contains("id") && p["id"].is_number_integer() &&
                                      p.contains("public_name") && p["public_name"].is_string();
                    const bool pretalx = p.contains("name") && p["name"].is_string() &&
                                         (!p.contains("code") || matches(p["code"], "^[A-Z0-9]+$"));
                    EXPECT_NE(frab, pretalx) << ew << " " << p;
                    if (p.contains("guid")) {
                        EXPECT_TRUE(is_uuid(p["guid"].get<std::string>()));
                    }
                }
            }
        }
    }
}

TEST(FrabJson, DemoDayHasTheShapeOfTheC3vocSchema) {
    const Programme demo = demo_day();
    const json doc = json::parse(export_frab_json(demo, export_options()));
    expect_c3voc_shape(doc);
    const json& c = doc["schedule"]["conference"];
    EXPECT_EQ(doc["schedule"]["version"], "rev 12");
    EXPECT_EQ(c["acronym"], "tillsammans-for-fornyelse");
    EXPECT_EQ(c["title"], "Tillsammans för förnyelse");
    EXPECT_EQ(c["start"], "2019-10-08");
    EXPECT_EQ(c["end"], "2019-10-08");
    EXPECT_EQ(c["time_zone_name"], "Europe/Stockholm");
    ASSERT_EQ(c["days"].size(), 1u);
    ASSERT_EQ(demo.event.days.size(), 1u);
    EXPECT_EQ(c["days"][0]["day_start"],
              to_local(demo.event.days[0].start, "Europe/Stockholm")->iso());
    EXPECT_EQ(c["days"][0]["day_end"], to_local(demo.event.days[0].end, "Europe/Stockholm")->iso());
    size_t events = 0;
    for (const auto& [room, list] : c["days"][0]["rooms"].items())
        events += list.size();
    EXPECT_EQ(events, demo.sessions.size());
    const json& first = c["days"][0]["rooms"]["Stora salen"][0];
    EXPECT_EQ(first["slug"], "valkommen");
    EXPECT_EQ(first["date"], "2019-10-08T08:30:00+02:00");
    EXPECT_EQ(first["start"], "08:30");
    EXPECT_EQ(first["duration"], "00:15");
    EXPECT_EQ(first["type"], "keynote");
    EXPECT_EQ(first["language"], "sv");
    EXPECT_EQ(first["url"], "https://stagehub.example.org/#session-valkommen");
    EXPECT_EQ(first["persons"][0]["code"], "helena-marklund");
    EXPECT_EQ(first["persons"][0]["public_name"], "Helena Marklund");
}

TEST(FrabJson, TrickyProgrammeHasTheShapeAndLeavesCancelledSessionsOut) {
    const json doc = json::parse(export_frab_json(tricky_programme(), export_options()));
    expect_c3voc_shape(doc);
    const json& day = doc["schedule"]["conference"]["days"][0];
    EXPECT_EQ(day["rooms"]["Sal B, övre"].size(), 1u);  // the workshop, not "installt"
    EXPECT_EQ(day["rooms"]["Stora salen"][0]["date"], "2019-10-08T09:15:00+02:00");
    EXPECT_EQ(day["rooms"]["Sal B, övre"][0]["do_not_record"], true);
    EXPECT_EQ(day["rooms"]["Sal B, övre"][0]["language"], "en");
    EXPECT_EQ(doc["schedule"]["conference"]["rooms"][0]["capacity"], 120);
    EXPECT_EQ(doc["schedule"]["conference"]["rooms"][0]["description"], "Plan 2, vid entrén");
}

TEST(FrabJson, ExportIsDeterministicAndGuidsAreStable) {
    const Programme demo = demo_day();
    EXPECT_EQ(export_frab_json(demo, export_options()), export_frab_json(demo, export_options()));
    // A derived guid depends on the event and session ids only: adding a session leaves the
    // others' guids and numbers alone.
    Programme more = demo;
    Session extra = more.sessions.back();
    extra.id = "extra";
    extra.start = extra.planned_end();
    more.sessions.push_back(extra);
    more.event.days.clear();
    const json a = json::parse(export_frab_json(demo, export_options()));
    const json b = json::parse(export_frab_json(more, export_options()));
    const json& ea = a["schedule"]["conference"]["days"][0]["rooms"]["Stora salen"][3];
    const json& eb = b["schedule"]["conference"]["days"][0]["rooms"]["Stora salen"][3];
    EXPECT_EQ(ea["guid"], eb["guid"]);
    EXPECT_EQ(ea["id"], eb["id"]);
}

void expect_round_trip(const Programme& programme) {
    const std::string first = export_frab_json(programme, export_options());
    const auto imported = import_frab_json(first, {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    EXPECT_TRUE(imported->skipped.empty());
    const std::string second = export_frab_json(imported->programme, export_options());
    EXPECT_EQ(first, second);
}

TEST(FrabJson, RoundTripIsByteIdenticalForTheDemoDay) {
    expect_round_trip(demo_day());
}

TEST(FrabJson, RoundTripIsByteIdenticalForTheTrickyProgramme) {
    expect_round_trip(tricky_programme());
}

TEST(FrabJson, ImportKeepsWhatFrabCarries) {
    const Programme original = tricky_programme();
    const auto imported = import_frab_json(export_frab_json(original, export_options()), {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    const Programme& p = imported->programme;
    EXPECT_EQ(p.event.id, "innovationsdag");
    EXPECT_EQ(p.event.title, original.event.title);
    EXPECT_EQ(p.event.description, original.event.description);
    EXPECT_EQ(p.event.days, original.event.days);
    ASSERT_EQ(p.stages.size(), 2u);
    EXPECT_EQ(p.stages[1].id, "sal-b-ovre");
    EXPECT_EQ(p.stages[1].name, "Sal B, övre");
    EXPECT_EQ(p.stages[0].capacity, 120);
    EXPECT_EQ(p.stages[0].location, "Plan 2, vid entrén");
    EXPECT_EQ(p.sessions.size(), original.sessions.size() - 1);  // not the cancelled one
    for (const Session& s : p.sessions) {
        const Session* before = original.find_session(s.id);
        ASSERT_NE(before, nullptr) << s.id;
        EXPECT_EQ(s.title, before->title);
        EXPECT_EQ(s.abstract, before->abstract);
        EXPECT_EQ(s.theme, before->theme);
        EXPECT_EQ(s.kind, before->kind);
        EXPECT_EQ(s.start, before->start);
        EXPECT_EQ(s.duration, before->duration);
        EXPECT_EQ(s.stage_id, before->stage_id);
        EXPECT_EQ(s.replay_allowed, before->replay_allowed);
        ASSERT_EQ(s.people.size(), before->people.size());
        for (size_t i = 0; i < s.people.size(); ++i)
            EXPECT_EQ(s.people[i].person_id, before->people[i].person_id);
    }
    EXPECT_EQ(p.find_person("cia-cj-lind")->name, "Cia \"CJ\" Lind");
}

TEST(FrabJson, ImportsAPretalxExportWithTheRightLocalTimes) {
    ImportOptions options;
    const auto imported =
        import_frab_json(read_file(STAGEHUB_TEST_DATA "/formats/pretalx_civic_days.json"), options);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    const Programme& p = imported->programme;
    EXPECT_EQ(p.event.id, "civicdays-2024");
    EXPECT_EQ(p.event.title, "Civic Days 2024");
    EXPECT_EQ(p.event.time_zone, "Europe/Stockholm");
    ASSERT_EQ(p.event.days.size(), 2u);
    ASSERT_EQ(p.stages.size(), 2u);
    EXPECT_EQ(p.stages[0].id, "aulan");
    EXPECT_EQ(p.stages[0].capacity, 350);
    EXPECT_EQ(p.stages[1].id, "sal-ostra");
    EXPECT_EQ(p.stages[1].name, "Sal Östra");
    ASSERT_EQ(p.sessions.size(), 4u);

    // Saturday is CET (+01:00); Sunday, after the night the clocks go forward, CEST.
    const Session* open_data = p.find_session("civicdays-2024-25-open-data-i-kommunen");
    ASSERT_NE(open_data, nullptr);
    EXPECT_EQ(open_data->start, at("2024-03-30T09:00:00Z"));
    EXPECT_EQ(to_local(open_data->start, "Europe/Stockholm")->hh_mm(), "10:00");
    EXPECT_EQ(open_data->duration, Seconds{30 * 60});
    EXPECT_EQ(open_data->kind, SessionKind::talk);
    EXPECT_EQ(open_data->theme, "Öppna data");
    EXPECT_EQ(open_data->language, "sv");
    EXPECT_EQ(open_data->guid, "8079583e-8321-506c-95af-fd2903a5f075");
    EXPECT_EQ(open_data->abstract,
              "Hur kommunen delar data.\n\nEn längre beskrivning, med exempel.");
    ASSERT_EQ(open_data->people.size(), 2u);
    EXPECT_EQ(open_data->people[0].person_id, "nqtf8y");
    EXPECT_EQ(p.find_person("nqtf8y")->name, "Karin Åberg");

    const Session* workshop = p.find_session("civicdays-2024-31-co-design-workshop");
    ASSERT_NE(workshop, nullptr);
    EXPECT_EQ(workshop->kind, SessionKind::workshop);
    EXPECT_EQ(workshop->start, at("2024-03-31T08:00:00Z"));
    EXPECT_EQ(to_local(workshop->start, "Europe/Stockholm")->hh_mm(), "10:00");
    EXPECT_FALSE(workshop->replay_allowed);
    EXPECT_EQ(workshop->stage_id, "sal-ostra");

    const Session* panel = p.find_session("civicdays-2024-40-panel");
    ASSERT_NE(panel, nullptr);
    EXPECT_EQ(panel->kind, SessionKind::panel);
    EXPECT_EQ(panel->people.front().role, PersonRole::panelist);
    // The same speaker code in two talks is one person.
    EXPECT_EQ(std::count_if(p.people.begin(), p.people.end(),
                            [](const Person& person) { return person.name == "Karin Åberg"; }),
              1);
    EXPECT_EQ(p.event.languages.front(), "sv");
}

TEST(FrabJson, BadEventsAreReportedByJsonPath) {
    std::string text = read_file(STAGEHUB_TEST_DATA "/formats/pretalx_civic_days.json");
    json doc = json::parse(text);
    json& saturday = doc["schedule"]["conference"]["days"][0]["rooms"]["Aulan"];
    saturday[0]["duration"] = "en halvtimme";
    saturday[1]["date"] = "2024-03-30T25:00:00+01:00";
    const auto result = import_frab_json(doc.dump(), {});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "invalid_import");
    const std::string& m = result.error().message;
    EXPECT_NE(m.find("schedule.conference.days[0].rooms.Aulan[0]: duration: 'en halvtimme' is "
                     "not a duration like 01:30"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("schedule.conference.days[0].rooms.Aulan[1]: date:"), std::string::npos) << m;

    ImportOptions skip;
    skip.skip_bad_rows = true;
    const auto skipped = import_frab_json(doc.dump(), skip);
    ASSERT_TRUE(skipped.ok()) << skipped.error().message;
    EXPECT_EQ(skipped->programme.sessions.size(), 2u);
    ASSERT_EQ(skipped->skipped.size(), 2u);
    EXPECT_EQ(skipped->skipped[0].where, "schedule.conference.days[0].rooms.Aulan[0]");
}

TEST(FrabJson, OlderFrabWithoutDatesUsesTheDayAndPutsNightEventsOnTheNextDate) {
    const auto imported = import_frab_json(R"({"schedule": {"version": "1", "conference": {
        "acronym": "nattkonf", "title": "Nattkonferens", "time_zone_name": "Europe/Stockholm",
        "start": "2019-10-08", "end": "2019-10-08", "daysCount": 1, "timeslot_duration": "00:15",
        "days": [{"index": 1, "date": "2019-10-08", "day_start": "2019-10-08T18:00:00+02:00",
                  "day_end": "2019-10-09T04:00:00+02:00", "rooms": {"Källaren": [
            {"id": 1, "start": "22:00", "duration": "01:00", "title": "Kväll", "type": "Talk"},
            {"id": 2, "start": "01:30", "duration": "00:45", "title": "Natt", "type": "Talk"}
        ]}}]}}})",
                                           {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    const Programme& p = imported->programme;
    ASSERT_EQ(p.sessions.size(), 2u);
    EXPECT_EQ(p.find_session("kvall")->start, at("2019-10-08T20:00:00Z"));
    EXPECT_EQ(p.find_session("natt")->start, at("2019-10-08T23:30:00Z"));
    EXPECT_EQ(p.stages.front().id, "kallaren");
}

TEST(FrabJson, EventIdOptionWinsOverTheAcronym) {
    ImportOptions options;
    options.event_id = "min-dag";
    const auto imported = import_frab_json(export_frab_json(demo_day(), export_options()), options);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    EXPECT_EQ(imported->programme.event.id, "min-dag");
}

TEST(FrabJson, RefusesWhatIsNotAFrabSchedule) {
    const auto not_json = import_frab_json("{\"schedule\": ", {});
    ASSERT_FALSE(not_json.ok());
    EXPECT_NE(not_json.error().message.find("not valid JSON"), std::string::npos);
    const auto no_schedule = import_frab_json("{\"events\": []}", {});
    ASSERT_FALSE(no_schedule.ok());
    EXPECT_NE(no_schedule.error().message.find("no \"schedule\""), std::string::npos);
    const auto bad_zone = import_frab_json(
        R"({"schedule": {"conference": {"acronym": "x1", "title": "X", "time_zone_name": "Mars/Olympus", "days": []}}})",
        {});
    ASSERT_FALSE(bad_zone.ok());
    EXPECT_NE(bad_zone.error().message.find("schedule.conference: time_zone_name: 'Mars/Olympus'"),
              std::string::npos)
        << bad_zone.error().message;
}

}  // namespace
}  // namespace stagehub::schedule::formats
