#include "schedule/formats/icalendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "schedule/formats/export_ids.hpp"
#include "schedule/formats/ical_content_lines.hpp"
#include "test_programmes.hpp"

namespace stagehub::schedule::formats {
namespace {

using samples::demo_day;
using samples::export_options;
using samples::tricky_programme;

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
    const auto zones = cal.all("VTIMEZONE");
    ASSERT_EQ(zones.size(), 1u);
    EXPECT_EQ(zones[0]->get("TZID").value, "Europe/Stockholm");
    const auto daylight = zones[0]->all("DAYLIGHT");
    const auto standard = zones[0]->all("STANDARD");
    ASSERT_EQ(daylight.size(), 1u);
    ASSERT_EQ(standard.size(), 1u);
    EXPECT_EQ(daylight[0]->get("DTSTART").value, "20190331T020000");
    EXPECT_EQ(daylight[0]->get("TZOFFSETFROM").value, "+0100");
    EXPECT_EQ(daylight[0]->get("TZOFFSETTO").value, "+0200");
    EXPECT_EQ(daylight[0]->get("TZNAME").value, "CEST");
    EXPECT_EQ(standard[0]->get("DTSTART").value, "20191027T030000");
    EXPECT_EQ(standard[0]->get("TZOFFSETFROM").value, "+0200");
    EXPECT_EQ(standard[0]->get("TZOFFSETTO").value, "+0100");
    EXPECT_EQ(standard[0]->get("TZNAME").value, "CET");
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
    const Component cal = parse_calendar(export_icalendar(p, export_options(), "panel-a"));
    const auto events = cal.all("VEVENT");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(unescape(events[0]->get("SUMMARY").value), "Panel – åäö ÅÄÖ");
    EXPECT_EQ(cal.all("VTIMEZONE").size(), 1u);
    EXPECT_EQ(parse_calendar(export_icalendar(p, export_options(), "nope")).all("VEVENT").size(),
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
    const Component cal = parse_calendar(export_icalendar(p, export_options(), "oppning"));
    EXPECT_EQ(cal.all("VEVENT")[0]->get("DTSTART").value, "20191008T092000");
    EXPECT_EQ(cal.all("VEVENT")[0]->get("DTEND").value, "20191008T094000");
}

}  // namespace
}  // namespace stagehub::schedule::formats
