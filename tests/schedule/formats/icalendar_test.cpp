#include "schedule/formats/icalendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "schedule/formats/export_ids.hpp"
#include "schedule/formats/ical_content_lines.hpp"
#include "schedule/time_zone.hpp"
#include "test_programmes.hpp"

namespace stagehub::schedule::formats {
namespace {

using samples::demo_day;
using samples::export_options;
using samples::innovation_week;
using samples::tricky_programme;
using std::chrono::year_month_day;

// A small RFC 5545 reader, written apart from the exporter so the test does not share its
// mistakes: physical lines, unfolding, properties with parameters, TEXT unescaping.
struct Property {
    std::string name;
    std::map<std::string, std::string> params;
    std::string value;  // as written (escaped)
};

struct Component {
    std::string name;
    std::vector<Property> properties;
    std::vector<Component> children;

    bool has(const std::string& property) const {
        return std::any_of(properties.begin(), properties.end(),
                           [&](const Property& p) { return p.name == property; });
    }
    // The first property of that name; a "<missing>" one if there is none.
    const Property& get(const std::string& property) const {
        static const Property missing{"<missing>", {}, "<missing>"};
        for (const Property& p : properties) {
            if (p.name == property)
                return p;
        }
        return missing;
    }
    std::vector<const Component*> all(const std::string& component) const {
        std::vector<const Component*> found;
        for (const Component& c : children) {
            if (c.name == component)
                found.push_back(&c);
        }
        return found;
    }
};

std::string unescape(const std::string& value) {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) {
            const char next = value[++i];
            out += next == 'n' || next == 'N' ? '\n' : next;
        } else {
            out += value[i];
        }
    }
    return out;
}

// Checks the physical form (CRLF only, no line over 75 octets, no UTF-8 character split by
// a fold) and returns the unfolded logical lines.
std::vector<std::string> logical_lines(const std::string& text) {
    std::vector<std::string> physical;
    size_t begin = 0;
    while (begin < text.size()) {
        const size_t crlf = text.find("\r\n", begin);
        EXPECT_NE(crlf, std::string::npos) << "the text must end with CRLF";
        if (crlf == std::string::npos)
            break;
        physical.push_back(text.substr(begin, crlf - begin));
        begin = crlf + 2;
    }
    std::vector<std::string> logical;
    for (const std::string& line : physical) {
        EXPECT_EQ(line.find('\n'), std::string::npos) << "bare LF in: " << line;
        EXPECT_EQ(line.find('\r'), std::string::npos) << "bare CR in: " << line;
        EXPECT_LE(line.size(), 75u) << line;
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            EXPECT_FALSE(logical.empty());
            if (line.size() > 1) {
                const auto first = static_cast<unsigned char>(line[1]);
                EXPECT_NE(first & 0xC0u, 0x80u) << "a fold split a UTF-8 character: " << line;
            }
            logical.back().append(line.substr(1));
        } else {
            logical.push_back(line);
        }
    }
    return logical;
}

Property parse_property(const std::string& line) {
    Property p;
    size_t i = 0;
    while (i < line.size() && line[i] != ';' && line[i] != ':')
        p.name += line[i++];
    while (i < line.size() && line[i] == ';') {
        ++i;
        std::string key, value;
        while (i < line.size() && line[i] != '=')
            key += line[i++];
        ++i;
        bool quoted = false;
        while (i < line.size() && (quoted || (line[i] != ';' && line[i] != ':'))) {
            if (line[i] == '"')
                quoted = !quoted;
            else
                value += line[i];
            ++i;
        }
        p.params[key] = value;
    }
    EXPECT_LT(i, line.size()) << "no ':' in " << line;
    p.value = i < line.size() ? line.substr(i + 1) : "";
    return p;
}

Component parse_calendar(const std::string& text) {
    Component root{"", {}, {}};
    std::vector<Component*> stack{&root};
    for (const std::string& line : logical_lines(text)) {
        const Property p = parse_property(line);
        if (p.name == "BEGIN") {
            stack.back()->children.push_back(Component{p.value, {}, {}});
            stack.push_back(&stack.back()->children.back());
        } else if (p.name == "END") {
            EXPECT_GT(stack.size(), 1u) << "END without BEGIN: " << line;
            if (stack.size() > 1) {
                EXPECT_EQ(stack.back()->name, p.value) << "BEGIN/END do not nest";
                stack.pop_back();
            }
        } else {
            EXPECT_GT(stack.size(), 1u) << "a property outside any component: " << line;
            stack.back()->properties.push_back(p);
        }
    }
    EXPECT_EQ(stack.size(), 1u) << "a component is never ended";
    EXPECT_EQ(root.children.size(), 1u);
    return root.children.empty() ? root : root.children.front();
}

const Component* event_with_uid(const Component& cal, const std::string& uid) {
    for (const Component* e : cal.all("VEVENT")) {
        if (e->get("UID").value == uid)
            return e;
    }
    return nullptr;
}

// The observances of the calendar's one VTIMEZONE (of Europe/Stockholm), in order, as
// "DAYLIGHT 20190331T020000 +0100>+0200 CEST".
std::vector<std::string> observances(const Component& cal) {
    const auto zones = cal.all("VTIMEZONE");
    EXPECT_EQ(zones.size(), 1u);
    std::vector<std::string> found;
    if (zones.empty())
        return found;
    EXPECT_EQ(zones[0]->get("TZID").value, "Europe/Stockholm");
    for (const Component& c : zones[0]->children) {
        found.push_back(c.name + " " + c.get("DTSTART").value + " " + c.get("TZOFFSETFROM").value +
                        ">" + c.get("TZOFFSETTO").value + " " + c.get("TZNAME").value);
    }
    return found;
}

TEST(ICalendar, ContentLinesAreFoldedAt75OctetsWithoutSplittingCharacters) {
    const std::string long_line = "DESCRIPTION:" + std::string(40, 'a') + std::string(60, '\xC3');
    // 60 lone lead bytes are not UTF-8 at all: folding must still end.
    EXPECT_FALSE(ical_content_line(long_line).empty());
    std::string swedish = "SUMMARY:";
    for (int i = 0; i < 100; ++i)
        swedish.append("å");
    const std::string folded = ical_content_line(swedish);
    for (const std::string& line : logical_lines(folded))
        EXPECT_EQ(line, swedish);
    EXPECT_EQ(escape_ical_text("a\\b;c,d\r\ne\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
}

TEST(ICalendar, OneEventPerSessionInLocalTimeWithAVtimezone) {
    const Programme p = tricky_programme();
    const std::string ics = export_icalendar(p, export_options());
    const Component cal = parse_calendar(ics);
    EXPECT_EQ(cal.name, "VCALENDAR");
    EXPECT_EQ(cal.get("VERSION").value, "2.0");
    EXPECT_EQ(cal.get("PRODID").value, "-//stagehub//stagehub 0.1.0//EN");
    EXPECT_EQ(unescape(cal.get("X-WR-CALNAME").value), p.event.title);
    EXPECT_EQ(cal.get("X-WR-TIMEZONE").value, "Europe/Stockholm");
    EXPECT_EQ(cal.all("VEVENT").size(), p.sessions.size());

    // 07:15Z on 8 October is 09:15 summer time (CEST, +02:00).
    const Session& opening = *p.find_session("oppning");
    const Component* e = event_with_uid(cal, session_guid(p.event, opening) + "@stagehub");
    ASSERT_NE(e, nullptr);
    ASSERT_TRUE(e->has("DTSTART"));
    EXPECT_EQ(e->get("DTSTART").params.at("TZID"), "Europe/Stockholm");
    EXPECT_EQ(e->get("DTSTART").value, "20191008T091500");
    EXPECT_EQ(e->get("DTEND").value, "20191008T093000");
    EXPECT_EQ(e->get("DTSTAMP").value, "20260512T080000Z");
    EXPECT_EQ(e->get("STATUS").value, "CONFIRMED");
    EXPECT_EQ(e->get("URL").value, "https://stagehub.example.org/#session-oppning");
    // Commas, semicolons, quotes, backslashes and line breaks survive escaping.
    EXPECT_EQ(unescape(e->get("SUMMARY").value), opening.title);
    EXPECT_NE(e->get("SUMMARY").value.find("\\,"), std::string::npos);
    const std::string description = unescape(e->get("DESCRIPTION").value);
    EXPECT_EQ(description.rfind(opening.abstract, 0), 0u) << description;
    EXPECT_NE(description.find("Ann Öberg (moderator), Piteå kommun"), std::string::npos);
    EXPECT_EQ(unescape(e->get("LOCATION").value), "Stora salen, Piteå stadshus; plan 2");
    EXPECT_NE(e->get("LOCATION").value.find("\\;"), std::string::npos);
    EXPECT_EQ(e->get("CATEGORIES").value, "Systematik\\, del 1");  // one category

    // The zone: the spring change before the event (to +0200) and the autumn one after it.
    EXPECT_EQ(observances(cal), (std::vector<std::string>{
                                    "DAYLIGHT 20190331T020000 +0100>+0200 CEST",
                                    "STANDARD 20191027T030000 +0200>+0100 CET",
                                }));
}

TEST(ICalendar, CancelledSessionsSayCancelled) {
    const Programme p = tricky_programme();
    const Component cal = parse_calendar(export_icalendar(p, export_options()));
    const Component* e =
        event_with_uid(cal, session_guid(p.event, *p.find_session("installt")) + "@stagehub");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->get("STATUS").value, "CANCELLED");
}

TEST(ICalendar, OnlySessionGivesOneEvent) {
    const Programme p = tricky_programme();
    const Component cal =
        parse_calendar(export_icalendar(p, export_options(), {.session = "panel-a"}));
    const auto events = cal.all("VEVENT");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(unescape(events[0]->get("SUMMARY").value), "Panel – åäö ÅÄÖ");
    EXPECT_EQ(cal.all("VTIMEZONE").size(), 1u);
    EXPECT_EQ(parse_calendar(export_icalendar(p, export_options(), {.session = "nope"}))
                  .all("VEVENT")
                  .size(),
              0u);
}

TEST(ICalendar, DemoDayReadsBackAndLongTextIsFolded) {
    const Programme demo = demo_day();
    ExportOptions options = export_options();
    options.base_url.clear();
    const std::string ics = export_icalendar(demo, options);
    const Component cal = parse_calendar(ics);
    EXPECT_EQ(cal.all("VEVENT").size(), demo.sessions.size());
    EXPECT_NE(ics.find("\r\n "), std::string::npos);  // the abstracts needed folding
    for (const Component* e : cal.all("VEVENT"))
        EXPECT_FALSE(e->has("URL"));
    // The demo's wording comes back exactly.
    const Session& first = demo.sessions.front();
    const Component* e = event_with_uid(cal, session_guid(demo.event, first) + "@stagehub");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(unescape(e->get("SUMMARY").value), first.title);
    EXPECT_EQ(e->get("DTSTART").value, "20191008T083000");
}

TEST(ICalendar, ActualTimesAreShownWhenKnown) {
    Programme p = tricky_programme();
    Session& opening = *p.find_session("oppning");
    opening.actual_start = opening.start + Seconds{5 * 60};
    opening.actual_end = opening.start + Seconds{25 * 60};
    const Component cal =
        parse_calendar(export_icalendar(p, export_options(), {.session = "oppning"}));
    EXPECT_EQ(cal.all("VEVENT")[0]->get("DTSTART").value, "20191008T092000");
    EXPECT_EQ(cal.all("VEVENT")[0]->get("DTEND").value, "20191008T094000");
}

year_month_day date(const char* text) {
    const auto parsed = parse_date(text);
    EXPECT_TRUE(parsed.ok()) << text;
    return parsed.ok() ? *parsed : year_month_day{};
}

Component day_calendar(const Programme& p, const char* day) {
    return parse_calendar(export_icalendar(p, export_options(), {.day = date(day)}));
}

std::vector<std::string> summaries(const Component& cal) {
    std::vector<std::string> titles;
    for (const Component* e : cal.all("VEVENT"))
        titles.push_back(unescape(e->get("SUMMARY").value));
    return titles;
}

// The week (tests/data/innovation_week.json) runs over the end of summer time: the 25th
// of October 2026 has 25 hours, so a day is not "local midnight + 24 h", nor a UTC date.
TEST(ICalendar, ADayHoldsTheSessionsStartingOnItInTheEventsZone) {
    const Programme week = innovation_week();
    struct Case {
        const char* day;
        std::vector<std::string> titles;  // in programme order
    };
    const std::vector<Case> cases = {
        // The cancelled workshop is there, as in the whole programme; the panel that runs
        // to 00:30 the next night too.
        {"2026-10-23", {"Öppning av veckan", "Idéverkstad (inställd)", "Kvällspanel över midnatt"}},
        // Only the end of the panel: no session starts on it.
        {"2026-10-24", {}},
        // 00:30 summer time (22:30Z the day before) and 23:00 winter time (22:00Z), 24 h 30
        // min after the first: both on the 25th.
        {"2026-10-25", {"Nattmingel innan klockan ställs om", "Sista passet på vintertid"}},
        // 00:15 (23:15Z on the 25th) belongs to the 26th.
        {"2026-10-26", {"Nattugglornas verkstad", "Avslutning"}},
        // A day of the event with nothing planned, and one after it.
        {"2026-10-27", {}},
        {"2026-10-28", {}},
    };
    for (const Case& c : cases) {
        const Component cal = day_calendar(week, c.day);
        EXPECT_EQ(summaries(cal), c.titles) << c.day;
        EXPECT_EQ(cal.all("VTIMEZONE").size(), c.titles.empty() ? 0u : 1u) << c.day;
        EXPECT_EQ(unescape(cal.get("X-WR-CALNAME").value), week.event.title) << c.day;
    }
}

TEST(ICalendar, ADayOverTheDaylightSavingChangeKeepsLocalTimesAndTheChange) {
    const Component cal = day_calendar(innovation_week(), "2026-10-25");
    const auto events = cal.all("VEVENT");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0]->get("DTSTART").value, "20261025T003000");
    EXPECT_EQ(events[0]->get("DTEND").value, "20261025T013000");
    EXPECT_EQ(events[1]->get("DTSTART").value, "20261025T230000");
    EXPECT_EQ(events[1]->get("DTEND").value, "20261025T233000");
    for (const Component* e : events)
        EXPECT_EQ(e->get("DTSTART").params.at("TZID"), "Europe/Stockholm");

    // The VTIMEZONE says both offsets of the day: summer time in force at its start, the
    // change at 03:00 back to 02:00, and the next spring's change after it.
    EXPECT_EQ(observances(cal), (std::vector<std::string>{
                                    "DAYLIGHT 20260329T020000 +0100>+0200 CEST",
                                    "STANDARD 20261025T030000 +0200>+0100 CET",
                                    "DAYLIGHT 20270328T020000 +0100>+0200 CEST",
                                }));
}

// 02:00-03:00 happens twice on 25 October 2026 in Stockholm. A local time names the first
// pass (RFC 5545 3.3.5), so a session in the second one is written in UTC.
TEST(ICalendar, TheSecondPassOfTheRepeatedHourIsWrittenInUtc) {
    Programme week = innovation_week();
    Session& first = *week.find_session("nattmingel");
    first.start = samples::at("2026-10-25T00:30:00Z");  // 02:30 CEST, the first pass
    first.duration = Seconds{20 * 60};
    Session& second = *week.find_session("sista-passet");
    second.start = samples::at("2026-10-25T01:30:00Z");  // 02:30 CET, the second pass
    second.duration = Seconds{20 * 60};
    const Component cal = day_calendar(week, "2026-10-25");
    const auto uid = [&](const char* id) {
        return session_guid(week.event, *week.find_session(id)) + "@stagehub";
    };
    const Component* in_summer = event_with_uid(cal, uid("nattmingel"));
    const Component* in_winter = event_with_uid(cal, uid("sista-passet"));
    ASSERT_NE(in_summer, nullptr);
    ASSERT_NE(in_winter, nullptr);
    EXPECT_EQ(in_summer->get("DTSTART").value, "20261025T023000");
    EXPECT_EQ(in_summer->get("DTSTART").params.at("TZID"), "Europe/Stockholm");
    EXPECT_EQ(in_summer->get("DTEND").value, "20261025T025000");
    EXPECT_EQ(in_winter->get("DTSTART").value, "20261025T013000Z");
    EXPECT_FALSE(in_winter->get("DTSTART").params.contains("TZID"));
    EXPECT_EQ(in_winter->get("DTEND").value, "20261025T015000Z");
}

TEST(ICalendar, ASessionOverMidnightBelongsToTheDayItStarts) {
    const Programme week = innovation_week();
    const Component friday = day_calendar(week, "2026-10-23");
    const Component* panel = event_with_uid(
        friday, session_guid(week.event, *week.find_session("kvallspanel")) + "@stagehub");
    ASSERT_NE(panel, nullptr);
    EXPECT_EQ(panel->get("DTSTART").value, "20261023T223000");
    EXPECT_EQ(panel->get("DTEND").value, "20261024T003000");
    EXPECT_TRUE(day_calendar(week, "2026-10-24").all("VEVENT").empty());
}

TEST(ICalendar, ADaySelectsByTheEffectiveStart) {
    Programme week = innovation_week();
    // Starting 90 minutes late (00:30) moves the last session of the 25th past midnight:
    // it is on the 26th now, where the calendar shows it.
    Session& last = *week.find_session("sista-passet");
    last.actual_start = last.start + Seconds{90 * 60};
    EXPECT_EQ(summaries(day_calendar(week, "2026-10-25")),
              std::vector<std::string>{"Nattmingel innan klockan ställs om"});
    EXPECT_EQ(summaries(day_calendar(week, "2026-10-26")),
              (std::vector<std::string>{"Sista passet på vintertid", "Nattugglornas verkstad",
                                        "Avslutning"}));
}

TEST(ICalendar, ASessionAndADayTogetherGiveTheSessionOnlyOnItsDay) {
    const Programme week = innovation_week();
    const auto only = [&](const char* day) {
        return parse_calendar(export_icalendar(week, export_options(),
                                               {.session = "veckans-avslutning", .day = date(day)}))
            .all("VEVENT")
            .size();
    };
    EXPECT_EQ(only("2026-10-26"), 1u);
    EXPECT_EQ(only("2026-10-25"), 0u);
}

TEST(ICalendar, NoValueCanStartAPropertyOrAComponentOfItsOwn) {
    Programme p = tricky_programme();
    Session& s = p.sessions.front();
    // A guid stored before guids had to be UUIDs, and texts with every separator.
    s.guid = "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged;a,b\\c";
    s.title = "Title\r\nATTACH:http://evil.example/x.exe\nX-Y:z; a, b \x01\x7f";
    s.theme = "Ett, två; tre";
    p.event.title = "Kalender\rDTSTART:19700101T000000Z";
    const std::string ics = export_icalendar(p, export_options());
    const Component cal = parse_calendar(ics);  // checks CRLF only, nesting, one calendar
    EXPECT_EQ(cal.all("VEVENT").size(), p.sessions.size());
    EXPECT_EQ(ics.find("\nATTACH"), std::string::npos);
    EXPECT_EQ(ics.find("\nUID:forged"), std::string::npos);
    EXPECT_EQ(ics.find('\x01'), std::string::npos);
    EXPECT_EQ(ics.find('\x7f'), std::string::npos);
    const Component* event =
        event_with_uid(cal, "x\\nEND:VEVENT\\nBEGIN:VEVENT\\nUID:forged\\;a\\,b\\\\c@stagehub");
    ASSERT_NE(event, nullptr) << ics;
    EXPECT_EQ(unescape(event->get("UID").value),
              "x\nEND:VEVENT\nBEGIN:VEVENT\nUID:forged;a,b\\c@stagehub");
    EXPECT_EQ(unescape(event->get("SUMMARY").value),
              "Title\nATTACH:http://evil.example/x.exe\nX-Y:z; a, b ");
    EXPECT_EQ(event->get("CATEGORIES").value, "Ett\\, två\\; tre");
    EXPECT_FALSE(event->has("ATTACH"));
    EXPECT_EQ(unescape(cal.get("X-WR-CALNAME").value), "Kalender\nDTSTART:19700101T000000Z");
}

TEST(ICalendar, AContentLineDropsControlCharactersWhateverTheCallerPassed) {
    using namespace std::string_literals;
    EXPECT_EQ(ical_content_line("UID:a\r\nATTACH:x\0y\tz"s), "UID:aATTACH:xy\tz\r\n");
    EXPECT_EQ(escape_ical_text("a\x01"
                               "b\x1f\x7f"),
              "ab");
}

}  // namespace
}  // namespace stagehub::schedule::formats
