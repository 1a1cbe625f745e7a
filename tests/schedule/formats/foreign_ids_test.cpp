// Ids from outside (frab JSON and XML, sessions CSV, programme files, the event id asked for)
// end up in the one id form (schedule/ids.hpp): foreign-shaped ids of real files are mapped
// into it, never refused; what a programme file or a caller names itself is refused with its
// place and the form.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "schedule/formats/frab_json.hpp"
#include "schedule/formats/frab_xml.hpp"
#include "schedule/formats/import.hpp"
#include "schedule/formats/sessions_csv.hpp"
#include "schedule/ids.hpp"
#include "schedule/programme_file.hpp"
#include "test_programmes.hpp"

namespace stagehub::schedule::formats {
namespace {

using nlohmann::json;
using samples::export_options;
using samples::tricky_programme;

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

void expect_every_id_in_form(const Programme& p, const std::string& format) {
    EXPECT_TRUE(is_id(p.event.id)) << format << ": event " << quoted_id(p.event.id);
    for (const Stage& s : p.stages)
        EXPECT_TRUE(is_id(s.id)) << format << ": stage " << quoted_id(s.id);
    for (const Person& s : p.people)
        EXPECT_TRUE(is_id(s.id)) << format << ": person " << quoted_id(s.id);
    for (const Session& s : p.sessions)
        EXPECT_TRUE(is_id(s.id)) << format << ": session " << quoted_id(s.id);
}

TEST(ForeignIds, FrabJsonIdsThatLookLikePathsAreMappedIntoTheForm) {
    json doc = json::parse(export_frab_json(tricky_programme(), export_options()));
    json& conference = doc["schedule"]["conference"];
    conference["acronym"] = "../../etc/CivicDays 2024";
    for (json& day : conference["days"]) {
        for (auto& [room, events] : day["rooms"].items()) {
            for (json& e : events) {
                e["slug"] = "/tmp/x/" + e["slug"].get<std::string>();
                for (json& person : e["persons"])
                    person["code"] = "OPN/DTA";  // a pretalx code with a slash
            }
        }
    }
    std::string text = doc.dump();
    replace_all(text, "\"Stora salen\"", "\"/tmp/x\"");  // a room named like a path

    const auto imported = import_programme(text, "application/json", nullptr, {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    expect_every_id_in_form(imported->programme, "frab JSON");
    EXPECT_EQ(imported->programme.event.id, "etc-civicdays-2024");
    EXPECT_NE(imported->programme.find_stage("tmp-x"), nullptr);
    EXPECT_NE(imported->programme.find_session("tmp-x-oppning"), nullptr);
}

TEST(ForeignIds, FrabXmlIdsThatLookLikePathsAreMappedIntoTheForm) {
    std::string xml = export_frab_xml(tricky_programme(), export_options());
    xml = std::regex_replace(xml, std::regex("<slug>([^<]*)</slug>"), "<slug>../../$1</slug>");
    xml = std::regex_replace(xml, std::regex("<acronym>[^<]*</acronym>"),
                             "<acronym>/TMP/Acronym</acronym>");
    replace_all(xml, "\"Stora salen\"", "\"/tmp/x\"");
    replace_all(xml, ">Stora salen<", ">/tmp/x<");

    const auto imported = import_programme(xml, "application/xml", nullptr, {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    expect_every_id_in_form(imported->programme, "frab XML");
    EXPECT_EQ(imported->programme.event.id, "tmp-acronym");
    EXPECT_NE(imported->programme.find_session("oppning"), nullptr);
}

TEST(ForeignIds, SessionsCsvIdsAndNamesAreMappedIntoTheFormWithinItsLength) {
    const std::string long_title(100, 'x');
    std::string csv =
        "id,stage,kind,title,date,start,duration\n"
        "/tmp/x,/tmp/stage,talk,A,2019-10-08,09:00,30\n"
        "../../etc/passwd,/tmp/stage,talk,B,2019-10-08,10:00,30\n";
    for (const char* hour : {"11", "12", "13"})
        csv += ",/tmp/stage,talk," + long_title + ",2019-10-08," + hour + ":00,30\n";
    ImportOptions options;
    options.event_id = "ny-dag";
    const auto imported = import_programme(csv, "text/csv", nullptr, options);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    expect_every_id_in_form(imported->programme, "CSV");
    EXPECT_NE(imported->programme.find_session("tmp-x"), nullptr);
    EXPECT_NE(imported->programme.find_session("etc-passwd"), nullptr);
    EXPECT_NE(imported->programme.find_stage("tmp-stage"), nullptr);
    EXPECT_NE(imported->programme.find_session(std::string(62, 'x') + "-2"), nullptr);
    EXPECT_NE(imported->programme.find_session(std::string(62, 'x') + "-3"), nullptr);
}

TEST(ForeignIds, AnEventIdAskedForOutsideTheFormIsRefusedForEveryFormat) {
    const Programme p = tricky_programme();
    const std::vector<std::pair<std::string, std::string>> documents = {
        {export_frab_json(p, export_options()), "application/json"},
        {export_frab_xml(p, export_options()), "application/xml"},
        {export_sessions_csv(p), "text/csv"},
        {programme_file_json(p).dump(), "application/json"},
    };
    for (const std::string bad : {"/tmp/x", "../x", "Innovationsdag", "a\r\nb", ""}) {
        ImportOptions options;
        options.event_id = bad;
        for (const auto& [text, type] : documents) {
            const auto imported = import_programme(text, type, &p, options);
            ASSERT_FALSE(imported.ok()) << type << " " << quoted_id(bad);
            EXPECT_EQ(imported.error().code, "bad_id") << type;
            EXPECT_NE(imported.error().message.find(std::string(id_form())), std::string::npos)
                << imported.error().message;
        }
    }
}

TEST(ForeignIds, AProgrammeFileNamingItsOwnIdsOutsideTheFormIsRefusedWithThePlace) {
    json file = programme_file_json(tricky_programme());
    file["stages"][0]["id"] = "/tmp/x";
    for (json& s : file["sessions"]) {
        if (s["stage"] == "stora-salen")
            s["stage"] = "/tmp/x";
    }
    file["sessions"][1]["id"] = "../../etc/passwd";
    file["people"][0]["id"] = "Ann Öberg";
    file["sessions"][2]["guid"] = "x\r\nATTACH:http://evil";
    const auto parsed = parse_programme_file(file.dump());
    ASSERT_FALSE(parsed.ok());
    const std::string& message = parsed.error().message;
    EXPECT_NE(message.find("stages[0]: stage id '/tmp/x' is not an id: ids are"), std::string::npos)
        << message;
    EXPECT_NE(message.find("sessions[1]: session id '../../etc/passwd' is not an id"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("people[0]: person id"), std::string::npos) << message;
    EXPECT_NE(message.find("sessions[2].guid: not a UUID"), std::string::npos) << message;

    const auto imported = import_programme(file.dump(), "application/json", nullptr, {});
    ASSERT_FALSE(imported.ok());
    EXPECT_EQ(imported.error().code, "invalid_programme");
}

}  // namespace
}  // namespace stagehub::schedule::formats
