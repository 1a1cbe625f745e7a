#include "schedule/formats/frab_xml.hpp"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <regex>
#include <set>

#include "schedule/formats/export_ids.hpp"
#include "schedule/formats/name_uuid.hpp"
#include "test_programmes.hpp"

namespace stagehub::schedule::formats {
namespace {

using samples::demo_day;
using samples::export_options;
using samples::tricky_programme;

bool matches(const char* text, const char* pattern) {
    return std::regex_match(std::string(text), std::regex(pattern));
}

TEST(FrabXml, ExportIsWellFormedWithTheFrabStructure) {
    const Programme demo = demo_day();
    const std::string xml = export_frab_xml(demo, export_options());
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
    pugi::xml_document doc;
    const auto parsed = doc.load_string(xml.c_str());
    ASSERT_TRUE(parsed) << parsed.description();

    const pugi::xml_node schedule = doc.child("schedule");
    ASSERT_TRUE(schedule);
    EXPECT_STREQ(schedule.child("version").text().get(), "rev 12");
    const pugi::xml_node conference = schedule.child("conference");
    EXPECT_STREQ(conference.child("acronym").text().get(), "tillsammans-for-fornyelse");
    EXPECT_STREQ(conference.child("title").text().get(), "Tillsammans för förnyelse");
    EXPECT_STREQ(conference.child("start").text().get(), "2019-10-08");
    EXPECT_STREQ(conference.child("end").text().get(), "2019-10-08");
    EXPECT_STREQ(conference.child("days").text().get(), "1");
    EXPECT_STREQ(conference.child("timeslot_duration").text().get(), "00:05");
    EXPECT_STREQ(conference.child("time_zone_name").text().get(), "Europe/Stockholm");

    int index = 1;
    size_t events = 0;
    std::set<std::string> guids, ids;
    for (const pugi::xml_node day : schedule.children("day")) {
        EXPECT_EQ(day.attribute("index").as_int(), index++);
        EXPECT_TRUE(matches(day.attribute("date").value(), R"(\d{4}-\d{2}-\d{2})"));
        EXPECT_TRUE(matches(day.attribute("start").value(), R"(.+T.+[+-]\d{2}:\d{2})"));
        EXPECT_TRUE(matches(day.attribute("end").value(), R"(.+T.+[+-]\d{2}:\d{2})"));
        for (const pugi::xml_node room : day.children("room")) {
            ASSERT_TRUE(room.attribute("name"));
            for (const pugi::xml_node event : room.children("event")) {
                ++events;
                EXPECT_TRUE(is_uuid(event.attribute("guid").value()));
                EXPECT_TRUE(guids.insert(event.attribute("guid").value()).second);
                EXPECT_TRUE(matches(event.attribute("id").value(), "[1-9][0-9]*"));
                EXPECT_TRUE(ids.insert(event.attribute("id").value()).second);
                for (const char* child :
                     {"date", "start", "duration", "room", "slug", "title", "subtitle", "track",
                      "type", "language", "abstract", "persons", "recording"}) {
                    EXPECT_TRUE(event.child(child)) << child;
                }
                EXPECT_TRUE(
                    matches(event.child("date").text().get(), R"(.+T.+(Z|[+-]\d{1,2}:\d{2}))"));
                EXPECT_TRUE(matches(event.child("start").text().get(), "[0-2][0-9]:[0-5][0-9]"));
                EXPECT_TRUE(matches(event.child("duration").text().get(), "[0-9]{1,2}:[0-9]{2}"));
                EXPECT_STREQ(event.child("room").text().get(), room.attribute("name").value());
                EXPECT_TRUE(
                    matches(event.child("recording").child("optout").text().get(), "true|false"));
                for (const pugi::xml_node person : event.child("persons").children("person")) {
                    EXPECT_TRUE(matches(person.attribute("id").value(), "[1-9][0-9]*"));
                    EXPECT_STRNE(person.text().get(), "");
                }
            }
        }
    }
    EXPECT_EQ(events, demo.sessions.size());
    const pugi::xml_node first = schedule.child("day").child("room").child("event");
    EXPECT_STREQ(first.child("slug").text().get(), "valkommen");
    EXPECT_STREQ(first.child("start").text().get(), "08:30");
    EXPECT_STREQ(first.child("type").text().get(), "keynote");
    EXPECT_STREQ(first.child("persons").child("person").text().get(), "Helena Marklund");
}

TEST(FrabXml, EscapesWhatXmlMustEscape) {
    Programme p = tricky_programme();
    p.find_session("oppning")->title = "A < B & \"C\" > 'D'";
    const std::string xml = export_frab_xml(p, export_options());
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.c_str()));
    EXPECT_NE(xml.find("A &lt; B &amp;"), std::string::npos);
}

void expect_round_trip(const Programme& programme) {
    const std::string first = export_frab_xml(programme, export_options());
    const auto imported = import_frab_xml(first, {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    const std::string second = export_frab_xml(imported->programme, export_options());
    EXPECT_EQ(first, second);
}

TEST(FrabXml, RoundTripIsByteIdenticalForTheDemoDay) {
    expect_round_trip(demo_day());
}

TEST(FrabXml, RoundTripIsByteIdenticalForTheTrickyProgramme) {
    expect_round_trip(tricky_programme());
    // Text that is only spaces, and names that are not their ids' slugs, survive too.
    Programme p = tricky_programme();
    p.sessions.front().abstract = "   ";
    p.people.front().id = "a1";
    for (Session& s : p.sessions) {
        for (SessionPerson& sp : s.people) {
            if (sp.person_id == "ann-oberg")
                sp.person_id = "a1";
        }
    }
    expect_round_trip(p);
}

TEST(FrabXml, ImportKeepsTextsTimesAndPeople) {
    const Programme original = tricky_programme();
    const auto imported = import_frab_xml(export_frab_xml(original, export_options()), {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    const Programme& p = imported->programme;
    EXPECT_EQ(p.event.title, original.event.title);
    EXPECT_EQ(p.event.days, original.event.days);
    const Session* opening = p.find_session("oppning");
    ASSERT_NE(opening, nullptr);
    EXPECT_EQ(opening->title, original.find_session("oppning")->title);
    EXPECT_EQ(opening->abstract, original.find_session("oppning")->abstract);
    EXPECT_EQ(opening->start, original.find_session("oppning")->start);
    // None was stored: the one the export derived is kept.
    EXPECT_EQ(opening->guid, session_guid(original.event, *original.find_session("oppning")));
    EXPECT_EQ(p.find_person("cia-cj-lind")->name, "Cia \"CJ\" Lind");
    EXPECT_FALSE(p.find_session("workshop")->replay_allowed);
}

// The line of the n-th (1-based) occurrence of `needle`.
int line_of(const std::string& text, const std::string& needle, int nth) {
    size_t at = std::string::npos;
    for (int i = 0; i < nth; ++i)
        at = text.find(needle, at == std::string::npos ? 0 : at + 1);
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

std::string line(int number) {
    std::string where = "line ";
    where.append(std::to_string(number));
    return where;
}

// Replaces the text of the n-th (1-based) <element> of the document.
void replace_text(std::string& xml, const std::string& element, int nth, const std::string& text) {
    const std::string open = "<" + element + ">";
    size_t at = std::string::npos;
    for (int i = 0; i < nth; ++i)
        at = xml.find(open, at == std::string::npos ? 0 : at + 1);
    const size_t begin = at + open.size();
    xml.replace(begin, xml.find('<', begin) - begin, text);
}

TEST(FrabXml, BadEventsAreReportedByTheLineOfTheirEventElement) {
    std::string xml = export_frab_xml(demo_day(), export_options());
    const int second = line_of(xml, "<event ", 2);
    const int fifth = line_of(xml, "<event ", 5);
    replace_text(xml, "duration", 2, "20 min");
    replace_text(xml, "date", 5, "imorgon");

    const auto result = import_frab_xml(xml, {});
    ASSERT_FALSE(result.ok());
    const std::string& m = result.error().message;
    EXPECT_NE(m.find(line(second) + ": duration: '20 min' is not a duration like 01:30"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find(line(fifth) + ": date: "), std::string::npos) << m;

    ImportOptions skip;
    skip.skip_bad_rows = true;
    const auto skipped = import_frab_xml(xml, skip);
    ASSERT_TRUE(skipped.ok()) << skipped.error().message;
    ASSERT_EQ(skipped->skipped.size(), 2u);
    EXPECT_EQ(skipped->skipped[0].where, line(second));
    EXPECT_EQ(skipped->skipped[1].where, line(fifth));
    EXPECT_EQ(skipped->programme.sessions.size(), demo_day().sessions.size() - 2);
}

TEST(FrabXml, RefusesXmlThatIsNotWellFormed) {
    const auto result = import_frab_xml("<schedule>\n<conference>\n</schedule>", {});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "invalid_import");
    EXPECT_NE(result.error().message.find("not well-formed"), std::string::npos);
}

// Found by tests/fuzz/frab_xml: pugixml takes any bytes, so a Latin-1 title was stored and
// broke its event's JSON exports.
TEST(FrabXml, TextThatIsNotUtf8IsRefused) {
    std::string xml = export_frab_xml(demo_day(), export_options());
    const size_t title = xml.find("<title>") + std::string("<title>").size();
    xml.insert(title, "Caf\xE9 ");
    const auto result = import_frab_xml(xml, {});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "invalid_import");
    EXPECT_NE(result.error().message.find("title is not UTF-8 text (byte 4)"), std::string::npos)
        << result.error().message;
}

}  // namespace
}  // namespace stagehub::schedule::formats
