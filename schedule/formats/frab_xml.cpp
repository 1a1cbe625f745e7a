#include "schedule/formats/frab_xml.hpp"

#include <algorithm>
#include <pugixml.hpp>
#include <sstream>

#include "schedule/formats/frab_schedule.hpp"
#include "schedule/formats/import_problems.hpp"

namespace stagehub::schedule::formats {
namespace {

// XML 1.0 has no place for control characters other than tab and line breaks.
std::string xml_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 || c == '\t' || c == '\n' || c == '\r')
            out += c;
    }
    return out;
}

// An element with text; empty text makes an empty element (<subtitle />).
pugi::xml_node add(pugi::xml_node parent, const char* name, std::string_view text) {
    pugi::xml_node node = parent.append_child(name);
    if (!text.empty())
        node.text().set(xml_safe(text).c_str());
    return node;
}

void set_attribute(pugi::xml_node node, const char* name, std::string_view value) {
    node.append_attribute(name).set_value(xml_safe(value).c_str());
}

void write_event(pugi::xml_node room, const FrabEvent& e) {
    pugi::xml_node event = room.append_child("event");
    set_attribute(event, "guid", e.guid);
    set_attribute(event, "id", std::to_string(e.id));
    add(event, "date", e.date);
    add(event, "start", e.start);
    add(event, "duration", e.duration);
    add(event, "room", e.room);
    add(event, "slug", e.slug);
    if (!e.url.empty())
        add(event, "url", e.url);
    pugi::xml_node recording = event.append_child("recording");
    add(recording, "license", e.recording_license);
    add(recording, "optout", e.do_not_record ? "true" : "false");
    add(event, "title", e.title);
    add(event, "subtitle", e.subtitle);
    add(event, "track", e.track);
    add(event, "type", e.type);
    add(event, "language", e.language);
    add(event, "abstract", e.abstract);
    add(event, "description", e.description);
    pugi::xml_node persons = event.append_child("persons");
    for (const FrabPerson& p : e.persons) {
        pugi::xml_node person = add(persons, "person", p.name);
        set_attribute(person, "id", std::to_string(p.id));
    }
    event.append_child("links");
    event.append_child("attachments");
}

// Line numbers from the byte offsets pugixml keeps for each node.
class Lines {
  public:
    explicit Lines(std::string_view text) {
        for (size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n')
                breaks_.push_back(static_cast<ptrdiff_t>(i));
        }
    }
    std::string where(pugi::xml_node node) const {
        const ptrdiff_t offset = node.offset_debug();
        const auto before = std::lower_bound(breaks_.begin(), breaks_.end(), offset);
        return line_where(before - breaks_.begin() + 1);
    }

  private:
    std::vector<ptrdiff_t> breaks_;
};

std::string child_text(pugi::xml_node node, const char* name) {
    return node.child(name).text().get();
}

FrabEvent read_event(pugi::xml_node node, const Lines& lines) {
    FrabEvent e;
    e.where = lines.where(node);
    e.guid = node.attribute("guid").value();
    e.id = node.attribute("id").as_llong();
    e.date = child_text(node, "date");
    e.start = child_text(node, "start");
    e.duration = child_text(node, "duration");
    e.room = child_text(node, "room");
    e.slug = child_text(node, "slug");
    e.url = child_text(node, "url");
    e.title = child_text(node, "title");
    e.subtitle = child_text(node, "subtitle");
    e.track = child_text(node, "track");
    e.type = child_text(node, "type");
    e.language = child_text(node, "language");
    e.abstract = child_text(node, "abstract");
    e.description = child_text(node, "description");
    const pugi::xml_node recording = node.child("recording");
    e.recording_license = child_text(recording, "license");
    const std::string optout = child_text(recording, "optout");
    if (optout == "true" || optout == "1") {
        e.do_not_record = true;
    } else if (!optout.empty() && optout != "false" && optout != "0") {
        std::string message = "recording.optout: '";
        message.append(optout).append("' is not true or false");
        e.problems.push_back(std::move(message));
    }
    for (const pugi::xml_node person : node.child("persons").children("person")) {
        FrabPerson p;
        p.id = person.attribute("id").as_llong();
        p.guid = person.attribute("guid").value();  // not in the XSD, but some tools write it
        p.code = person.attribute("code").value();
        p.name = person.text().get();
        e.persons.push_back(std::move(p));
    }
    return e;
}

FrabSchedule read_schedule(const pugi::xml_document& doc, const Lines& lines) {
    FrabSchedule f;
    const pugi::xml_node schedule = doc.child("schedule");
    if (!schedule) {
        f.problems.push_back(RowProblem{"", "the document has no <schedule> element"});
        return f;
    }
    f.version = child_text(schedule, "version");
    const pugi::xml_node conference = schedule.child("conference");
    if (!conference) {
        f.problems.push_back(RowProblem{lines.where(schedule), "conference: missing"});
        return f;
    }
    f.where = lines.where(conference);
    f.acronym = child_text(conference, "acronym");
    f.title = child_text(conference, "title");
    f.start = child_text(conference, "start");
    f.end = child_text(conference, "end");
    f.days_count = conference.child("days").text().as_llong();
    f.timeslot_duration = child_text(conference, "timeslot_duration");
    f.base_url = child_text(conference, "base_url");
    f.time_zone_name = child_text(conference, "time_zone_name");
    for (const pugi::xml_node day_node : schedule.children("day")) {
        FrabDay day;
        day.where = lines.where(day_node);
        day.index = day_node.attribute("index").as_llong();
        day.date = day_node.attribute("date").value();
        day.start = day_node.attribute("start").value();
        day.end = day_node.attribute("end").value();
        for (const pugi::xml_node room_node : day_node.children("room")) {
            FrabRoomEvents room{room_node.attribute("name").value(), {}};
            for (const pugi::xml_node event : room_node.children("event"))
                room.events.push_back(read_event(event, lines));
            day.rooms.push_back(std::move(room));
        }
        f.days.push_back(std::move(day));
    }
    return f;
}

}  // namespace

std::string export_frab_xml(const Programme& programme, const ExportOptions& options) {
    const FrabSchedule f = frab_from_programme(programme, options);
    pugi::xml_document doc;
    pugi::xml_node declaration = doc.append_child(pugi::node_declaration);
    declaration.append_attribute("version") = "1.0";
    declaration.append_attribute("encoding") = "UTF-8";
    pugi::xml_node schedule = doc.append_child("schedule");
    pugi::xml_node generator = schedule.append_child("generator");
    set_attribute(generator, "name", "stagehub");
    set_attribute(generator, "version", f.generator_version);
    add(schedule, "version", f.version);
    pugi::xml_node conference = schedule.append_child("conference");
    add(conference, "acronym", f.acronym);
    add(conference, "title", f.title);
    add(conference, "start", f.start);
    add(conference, "end", f.end);
    add(conference, "days", std::to_string(f.days_count));
    add(conference, "timeslot_duration", f.timeslot_duration);
    if (!f.base_url.empty())
        add(conference, "base_url", f.base_url);
    add(conference, "time_zone_name", f.time_zone_name);
    for (const FrabDay& day : f.days) {
        pugi::xml_node day_node = schedule.append_child("day");
        set_attribute(day_node, "index", std::to_string(day.index));
        set_attribute(day_node, "date", day.date);
        set_attribute(day_node, "start", day.start);
        set_attribute(day_node, "end", day.end);
        for (const FrabRoomEvents& room : day.rooms) {
            pugi::xml_node room_node = day_node.append_child("room");
            set_attribute(room_node, "name", room.name);
            for (const FrabEvent& e : room.events)
                write_event(room_node, e);
        }
    }
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

Result<ImportResult> import_frab_xml(std::string_view text, const ImportOptions& options) {
    pugi::xml_document doc;
    // Whitespace-only text is kept when it is an element's only content, so an abstract of
    // spaces reads back as written.
    const pugi::xml_parse_result parsed =
        doc.load_buffer(text.data(), text.size(),
                        pugi::parse_default | pugi::parse_ws_pcdata_single, pugi::encoding_utf8);
    const Lines lines(text);
    if (!parsed) {
        const auto before = std::count(
            text.begin(),
            text.begin() + std::min<ptrdiff_t>(parsed.offset, static_cast<ptrdiff_t>(text.size())),
            '\n');
        std::string message = "the document is not well-formed XML: ";
        message.append(parsed.description());
        ImportProblems problems;
        problems.document(line_where(before + 1), std::move(message));
        return problems.finish({}, options);
    }
    return programme_from_frab(read_schedule(doc, lines), options);
}

}  // namespace stagehub::schedule::formats
